#!/usr/bin/env bash
# Builds egctl (Envoy Gateway's CLI, whose `x translate` runs the real Gateway API -> xDS
# translator) from its Go module at the pinned version, into a cache outside the repository:
#
#   ${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}/egctl-<version>/bin/egctl
#
# GOMODCACHE and GOCACHE live under the same toolchain dir, so a second run takes a second.
# Only Go code is taken from the module proxy; nothing is downloaded from anywhere else.
# Concurrent callers (several worktrees, CI) are serialised by flock on the version's lock file.
#
# Usage: scripts/egctl.sh          build when missing, print the binary's path
#        scripts/egctl.sh --check  print the path when already built, exit 1 otherwise
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with components/edge/versions.ts (a test checks that they agree).
EGCTL_MODULE="github.com/envoyproxy/gateway"
EGCTL_VERSION="v1.9.1"

toolchain="${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}"
dest="$toolchain/egctl-$EGCTL_VERSION"
bin="$dest/bin/egctl"

if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
if [ "${1:-}" = "--check" ]; then exit 1; fi

command -v go >/dev/null || { echo "egctl.sh: Go is needed to build egctl ($EGCTL_MODULE@$EGCTL_VERSION)" >&2; exit 1; }
mkdir -p "$toolchain"
exec 9>"$toolchain/egctl-$EGCTL_VERSION.lock"
flock 9
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi  # built by whoever held the lock before us

export GOMODCACHE="$toolchain/go/mod" GOCACHE="$toolchain/go/cache" GOFLAGS="-buildvcs=false -mod=mod"
export GOTOOLCHAIN=local CGO_ENABLED=0
start=$(date +%s)
echo "egctl.sh: building $EGCTL_MODULE/cmd/egctl@$EGCTL_VERSION into $dest (several minutes cold)" >&2
tmp="$dest.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp/bin"
# The module has no replace directives, so `go install module/cmd@version` builds it as released.
# The version is linked in the way the project's Makefile does (internal/cmd/version).
GOBIN="$tmp/bin" go install -trimpath \
  -ldflags "-s -w -X $EGCTL_MODULE/internal/cmd/version.envoyGatewayVersion=$EGCTL_VERSION" \
  "$EGCTL_MODULE/cmd/egctl@$EGCTL_VERSION" >&2
rm -rf "$dest"; mv "$tmp" "$dest"
echo "egctl.sh: built in $(( $(date +%s) - start )) s" >&2
echo "$bin"
