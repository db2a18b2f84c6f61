#!/usr/bin/env bash
# Installs what LabKeys needs to build and run: npm packages, the generated
# Prisma client and the compiled dist/. Safe to run again; it skips what is current.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

major="$(node -p 'process.versions.node.split(".")[0]')"
minor="$(node -p 'process.versions.node.split(".")[1]')"
if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
  echo "[setup] Node 20.19 or newer is required (found $(node -v))" >&2
  exit 1
fi

stamp=node_modules/.labkeys-lock-hash
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] installing npm packages" >&2
  # `npm install --no-save` rather than `npm ci`: ci insists that every optional
  # platform binary in the lock (darwin, win32 …) be resolvable, and registries
  # that mirror only this platform's packages then fail the whole install. With
  # --no-save the versions still come from package-lock.json, which stays untouched.
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi

echo "[setup] generating the Prisma client" >&2
bash scripts/prisma-generate.sh >/dev/null

echo "[setup] compiling" >&2
npm run --silent build

# The instructor dashboard (apps/web → apps/web/dist, served by the api); rebuilt only when its sources
# or the locked packages changed.
web_hash="$( (find apps/web -path apps/web/dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum; sha256sum package-lock.json) | sha256sum | cut -d' ' -f1)"
web_stamp=apps/web/dist/.source-hash
if [ ! -f "$web_stamp" ] || [ "$(cat "$web_stamp")" != "$web_hash" ]; then
  echo "[setup] building the dashboard" >&2
  npm run --silent build:web
  echo "$web_hash" >"$web_stamp"
fi
