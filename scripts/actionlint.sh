#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) from its Go module at the pinned
# version, into a cache outside the repository:
#
#   ${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}/actionlint-<version>/bin/actionlint
#
# Same layout as scripts/egctl.sh: GOMODCACHE and GOCACHE under the toolchain dir, only Go code
# from the module proxy, concurrent callers serialised by flock. An actionlint already on PATH
# at the pinned version is used instead of building one.
#
# Usage: scripts/actionlint.sh          build when missing, print the binary's path
#        scripts/actionlint.sh --check  print the path when already built, exit 1 otherwise
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with ACTIONLINT_VERSION in test/workflows.test.ts (the test checks the binary's version).
ACTIONLINT_MODULE="github.com/rhysd/actionlint"
ACTIONLINT_VERSION="v1.7.12"

if command -v actionlint >/dev/null && [ "$(actionlint -version 2>/dev/null | head -1)" = "$ACTIONLINT_VERSION" ]; then
  command -v actionlint; exit 0
fi

toolchain="${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}"
dest="$toolchain/actionlint-$ACTIONLINT_VERSION"
bin="$dest/bin/actionlint"

if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
if [ "${1:-}" = "--check" ]; then exit 1; fi

command -v go >/dev/null || { echo "actionlint.sh: Go is needed to build actionlint ($ACTIONLINT_MODULE@$ACTIONLINT_VERSION)" >&2; exit 1; }
mkdir -p "$toolchain"
exec 9>"$toolchain/actionlint-$ACTIONLINT_VERSION.lock"
flock 9
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi  # built by whoever held the lock before us

export GOMODCACHE="$toolchain/go/mod" GOCACHE="$toolchain/go/cache" GOFLAGS="-buildvcs=false -mod=mod"
export GOTOOLCHAIN=local CGO_ENABLED=0
start=$(date +%s)
echo "actionlint.sh: building $ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION into $dest" >&2
tmp="$dest.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp/bin"
# The version is linked into github.com/rhysd/actionlint.version, as the project's own release build does.
if ! GOBIN="$tmp/bin" nice -n 19 go install -trimpath \
    -ldflags "-s -w -X $ACTIONLINT_MODULE.version=$ACTIONLINT_VERSION" \
    "$ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION" >&2; then
  rm -rf "$tmp"
  echo "actionlint.sh: could not build $ACTIONLINT_MODULE/cmd/actionlint@$ACTIONLINT_VERSION" >&2
  exit 1
fi
rm -rf "$dest"; mv "$tmp" "$dest"
echo "actionlint.sh: built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
