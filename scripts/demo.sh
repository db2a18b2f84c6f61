#!/usr/bin/env bash
# The LabKeys demo: installs what it needs, starts Postgres and Redis, then the
# local AWS (aws-local), the api and the worker, seeds a class of 30 students
# through the API, starts a lab, prints the URLs and commands, and keeps
# everything running until Ctrl-C.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
eval "$(bash scripts/services.sh start | sed 's/^/export /')"
# The AWS SDK's notice about the Node versions of 2027 is not for demo users (the SDK's own switch).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
exec node dist/scripts/demo.js "$@"
