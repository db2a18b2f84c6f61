#!/usr/bin/env bash
# Generates the Prisma client offline. `prisma generate` never runs the schema
# engine, but it checks that PRISMA_SCHEMA_ENGINE_BINARY names an existing file
# instead of downloading one; any file will do when no engine is installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${PRISMA_SCHEMA_ENGINE_BINARY:-}" ]; then
  export PRISMA_SCHEMA_ENGINE_BINARY="$PWD/scripts/prisma-generate.sh"
fi
export CHECKPOINT_DISABLE=1 PRISMA_HIDE_UPDATE_MESSAGE=1
exec node node_modules/prisma/build/index.js generate "$@"
