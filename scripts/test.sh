#!/usr/bin/env bash
# The whole test suite: installs what it needs, starts Postgres and Redis
# (scripts/services.sh), then runs the unit, aws-local and end-to-end projects.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# The AWS CLI is exercised by the tests (credential_process, aws s3 ls against aws-local).
if ! command -v aws >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] installing the AWS CLI (Debian package awscli)" >&2
    (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends awscli) >/dev/null
  else
    echo "[test] the AWS CLI (aws) is required; install the awscli package" >&2
    exit 1
  fi
fi
bash scripts/services.sh start >/dev/null

# The AWS SDK's notice about the Node versions of 2027 is not a test result (the SDK's own switch).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
npx tsc -p tsconfig.json --noEmit
# docker-compose.yml must stay valid; checked where the Docker client has the compose plugin (no engine needed).
if docker compose version >/dev/null 2>&1; then docker compose config --quiet; fi
report="$(mktemp)"
status=0
npx jest --ci --json --outputFile="$report" "$@" || status=$?
node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
' "$report" || true
rm -f "$report"
exit $status
