#!/usr/bin/env bash
# The LabKeys demo: installs what it needs, starts Postgres and Redis, then the
# api and the worker, and keeps them running until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
eval "$(bash scripts/services.sh start | sed 's/^/export /')"
exec node dist/scripts/demo.js "$@"
