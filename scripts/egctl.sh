#!/usr/bin/env bash
# Builds egctl (Envoy Gateway's CLI, whose `x translate` runs the real Gateway API -> xDS
# translator) from its Go module at the pinned version, into the toolchain cache outside the
# repository (scripts/lib/go-tool.sh: layout, flock, module proxy only).
#
# Usage: scripts/egctl.sh          build when missing (several minutes cold), print the binary's path
#        scripts/egctl.sh --check  print the path when already built, exit 1 otherwise
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/go-tool.sh

# Keep in step with components/edge/versions.ts (a test checks that they agree).
EGCTL_MODULE="github.com/envoyproxy/gateway"
EGCTL_VERSION="v1.9.1"

# The module has no replace directives, so `go install module/cmd@version` builds it as released.
# The version is linked in the way the project's Makefile does (internal/cmd/version).
go_tool egctl "$EGCTL_MODULE" "$EGCTL_MODULE/cmd/egctl" "$EGCTL_VERSION" \
  "-s -w -X $EGCTL_MODULE/internal/cmd/version.envoyGatewayVersion=$EGCTL_VERSION" "${1:-}"
