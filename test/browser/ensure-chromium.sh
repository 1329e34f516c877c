#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed at /usr/bin/chromium, for the browser tests (playwright-core drives it).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "ensure-chromium: need root (or sudo) to install chromium" >&2; exit 1; }
	sudo='sudo'
fi

# A secondary index that fails (a stale mirror, an unreachable extra source) must not stop the install.
$sudo apt-get update || echo "ensure-chromium: apt-get update reported errors; trying the install anyway" >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium fonts-dejavu-core

[ -x /usr/bin/chromium ] || { echo "ensure-chromium: /usr/bin/chromium is still missing after the install" >&2; exit 1; }
/usr/bin/chromium --version
