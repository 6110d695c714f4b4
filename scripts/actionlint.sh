#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) from its Go module at the pinned
# version, into the toolchain cache outside the repository (scripts/lib/go-tool.sh: layout,
# flock, module proxy only). An actionlint already on PATH at the pinned version is used instead.
#
# Usage: scripts/actionlint.sh          build when missing, print the binary's path
#        scripts/actionlint.sh --check  print the path when already built, exit 1 otherwise
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/go-tool.sh

# Keep in step with ACTIONLINT_VERSION in test/workflows.test.ts (the test checks the binary's version).
ACTIONLINT_MODULE="github.com/rhysd/actionlint"
ACTIONLINT_VERSION="v1.7.12"

if command -v actionlint >/dev/null && [ "$(actionlint -version 2>/dev/null | head -1)" = "$ACTIONLINT_VERSION" ]; then
  command -v actionlint; exit 0
fi

# The version is linked into github.com/rhysd/actionlint.version, as the project's own release build does.
go_tool actionlint "$ACTIONLINT_MODULE" "$ACTIONLINT_MODULE/cmd/actionlint" "$ACTIONLINT_VERSION" \
  "-s -w -X $ACTIONLINT_MODULE.version=$ACTIONLINT_VERSION" "${1:-}"
