#!/usr/bin/env bash
# Makes sure the browser tests' tools are installed: Debian's Chromium at /usr/bin/chromium (playwright-core drives
# it) and tshark (reads the pcap files the packet inspector downloads).
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v tshark >/dev/null || missing+=(tshark)
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "ensure-test-tools: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
	sudo='sudo'
fi

# A secondary index that fails (a stale mirror, an unreachable extra source) must not stop the install.
$sudo apt-get update || echo "ensure-test-tools: apt-get update reported errors; trying the install anyway" >&2
# tshark asks whether non-root users may capture: the default (no) is what the tests need.
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"

[ -x /usr/bin/chromium ] || { echo "ensure-test-tools: /usr/bin/chromium is still missing after the install" >&2; exit 1; }
command -v tshark >/dev/null || { echo "ensure-test-tools: tshark is still missing after the install" >&2; exit 1; }
/usr/bin/chromium --version
tshark --version | head -1
