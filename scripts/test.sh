#!/usr/bin/env bash
# The whole test suite: installs what it needs, starts Postgres and Redis
# (scripts/services.sh), then lint (typescript-eslint) and format (Prettier) checks beside the typechecks,
# the unit, aws-local and end-to-end projects (Jest), and the browser tests (Playwright, test/browser).
# Arguments go to Jest and select specs; the browser tests then run only with LABKEYS_BROWSER_TESTS=1.
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
# The browser tests drive Debian's Chromium (Playwright's own browser download does not work here).
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[test] installing Chromium (Debian package chromium)" >&2
    (export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core) >/dev/null
  else
    echo "[test] Chromium is required at $chromium (Debian package chromium, or set CHROMIUM_PATH)" >&2
    exit 1
  fi
fi
bash scripts/services.sh start >/dev/null

# The AWS SDK's notice about the Node versions of 2027 is not a test result (the SDK's own switch).
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# Lint (typescript-eslint, type-aware) runs beside the typechecks; format is Prettier's check. Either failing fails
# the command (counted as one failed check each in the last line), after the tests have run.
checks_failed=0
lint_log="$(mktemp)"
npx eslint . >"$lint_log" 2>&1 &
lint_pid=$!
npx tsc -p tsconfig.json --noEmit
npx tsc -p apps/web/tsconfig.json --noEmit
npx tsc -p test/browser/tsconfig.json
if ! wait "$lint_pid"; then
  cat "$lint_log" >&2
  echo "[test] lint failed (npx eslint .)" >&2
  checks_failed=$((checks_failed + 1))
fi
rm -f "$lint_log"
if ! npx prettier --check . >/dev/null 2>&1; then
  npx prettier --list-different . >&2 || true
  echo "[test] not formatted: run npx prettier --write ." >&2
  checks_failed=$((checks_failed + 1))
fi
# docker-compose.yml must stay valid; checked where the Docker client has the compose plugin, or the standalone
# docker-compose (Debian's package) is installed. Neither needs a running engine.
compose=()
if docker compose version >/dev/null 2>&1; then compose=(docker compose); elif command -v docker-compose >/dev/null; then compose=(docker-compose); fi
if [ ${#compose[@]} -gt 0 ]; then
  if ! "${compose[@]}" config --quiet; then
    echo "[test] docker-compose.yml is not valid (${compose[*]} config)" >&2
    checks_failed=$((checks_failed + 1))
  fi
fi
report="$(mktemp)"
alone_report="$(mktemp)"
browser_report="$(mktemp)"
rm -f "$browser_report"
status=0
if [ "$#" -eq 0 ]; then
  # Two test files at a time (LABKEYS_TEST_WORKERS): most end-to-end files wait on their own processes and timers,
  # so two share a 2-core machine well (Jest's default there is one). The few that load the machine by themselves
  # or measure a pace (ALONE in jest.config.js) then run one at a time.
  LABKEYS_JEST_FILES=shared npx jest --ci --maxWorkers="${LABKEYS_TEST_WORKERS:-2}" --json --outputFile="$report" || status=$?
  LABKEYS_JEST_FILES=alone npx jest --ci --selectProjects e2e --maxWorkers=1 --json --outputFile="$alone_report" || status=$?
else
  npx jest --ci --maxWorkers="${LABKEYS_TEST_WORKERS:-2}" --json --outputFile="$report" "$@" || status=$?
  echo '{"numPassedTests":0,"numFailedTests":0}' >"$alone_report"
fi
if [ "$#" -eq 0 ] || [ "${LABKEYS_BROWSER_TESTS:-}" = 1 ]; then
  PLAYWRIGHT_JSON_OUTPUT_NAME="$browser_report" npx playwright test -c test/browser/playwright.config.ts || status=$?
else
  echo "[test] specs were named: browser tests skipped (LABKEYS_BROWSER_TESTS=1 runs them too)" >&2
  echo '{"stats":{"expected":0,"flaky":0,"unexpected":0}}' >"$browser_report"
fi
# One count over both runners; a runner that left no report (it could not start) counts as one failure.
node -e '
  const fs = require("node:fs");
  const read = (file) => { try { return JSON.parse(fs.readFileSync(file, "utf8")); } catch { return null; } };
  const jests = [read(process.argv[1]), read(process.argv[2])];
  const browser = read(process.argv[3]);
  const checks = Number(process.argv[4]);
  let passed = browser ? browser.stats.expected + browser.stats.flaky : 0;
  let failed = checks + (browser ? browser.stats.unexpected + (browser.errors || []).length : 1);
  for (const jest of jests) {
    passed += jest ? jest.numPassedTests : 0;
    failed += jest ? jest.numFailedTests : 1;
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
' "$report" "$alone_report" "$browser_report" "$checks_failed" || true
rm -f "$report" "$alone_report" "$browser_report"
[ "$checks_failed" -eq 0 ] || status=1
exit $status
