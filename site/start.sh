#!/usr/bin/env bash
# `npm start`: build the machine image if needed (cached), build the site, serve it with a plain static server.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
tsx emulator/image/build.ts
vite build
port=${PORT:-4173}
echo "SwarmLab: http://127.0.0.1:$port/"
exec sirv build --host 127.0.0.1 --port "$port" --etag
