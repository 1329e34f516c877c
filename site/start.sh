#!/usr/bin/env bash
# `npm start`: build the machine image if needed (cached), build the site, serve it with a plain static server
# (site/server/static.ts: whole files, plus the headers that let the machines share memory).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
tsx emulator/image/build.ts
vite build
exec tsx site/server/static.ts build
