#!/usr/bin/env bash
# `npm test`: every test of the project, in stages, each timed; the VM image is built (or taken from its cache) first.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# CI keeps only the tail of the output: no colour codes, and each failed stage's errors are repeated at the end.
export NO_COLOR=1
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

passed=0
failed=0
failures=()
summaries=()
timings=()
stage() {
	local name=$1
	shift
	local start=$SECONDS
	local log="$logs/$((passed + failed)).log"
	# The load when a stage starts: a run slowed down by something else on the machine shows it here.
	local load
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "::: $name (load $load)"
	if "$@" 2>&1 | tee "$log"; then
		passed=$((passed + 1))
		echo "::: $name: ok in $((SECONDS - start)) s"
		timings+=("ok      $((SECONDS - start)) s	$name (load at start $load)")
	else
		failed=$((failed + 1))
		failures+=("$name")
		summaries+=("$log")
		echo "::: $name: FAILED in $((SECONDS - start)) s"
		timings+=("FAILED  $((SECONDS - start)) s	$name (load at start $load)")
	fi
}

stage "chromium and tshark" bash test/browser/ensure-test-tools.sh
stage "vm image" tsx emulator/image/build.ts
stage "unit tests" vitest run --project unit
stage "machine tests" vitest run --project vm
stage "every chapter verified on real nodes" tsx emulator/cli/lab-verify.ts
stage "site build" vite build
stage "browser tests" vitest run --project browser

for i in "${!failures[@]}"; do
	echo "::: why '${failures[$i]}' failed"
	grep -E -A8 '^ *(FAIL|×|✗)|Error:|Caused by' "${summaries[$i]}" | head -n 60
done
# Each test file's time, from every stage's log: where a slow run lost its minutes.
echo "::: test files"
cat "$logs"/*.log | grep -E '^ *(✓|❯|×) \|[a-z]+\| .* [0-9]+ms$' || true
printf '::: %s\n' "${timings[@]}"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
