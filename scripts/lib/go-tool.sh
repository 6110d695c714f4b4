# Sourced by scripts/egctl.sh and scripts/actionlint.sh: builds one Go program from its module at a
# pinned version into a cache outside the repository,
#
#   ${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}/<name>-<version>/bin/<name>
#
# with GOMODCACHE and GOCACHE under the same toolchain dir (a second run takes a second). Only Go
# code is taken from the module proxy; nothing is downloaded from anywhere else. Concurrent callers
# (several worktrees, CI) are serialised by flock on the version's lock file.
#
# go_tool NAME MODULE PACKAGE VERSION LDFLAGS [--check]
#   prints the binary's path; builds it when missing unless --check (then exits 1).
go_tool() {
  local name="$1" module="$2" package="$3" version="$4" ldflags="$5" mode="${6:-}"
  local toolchain="${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}"
  local dest="$toolchain/$name-$version"
  local bin="$dest/bin/$name"

  if [ -x "$bin" ]; then echo "$bin"; return 0; fi
  if [ "$mode" = "--check" ]; then return 1; fi

  command -v go >/dev/null || { echo "$name.sh: Go is needed to build $name ($module@$version)" >&2; return 1; }
  mkdir -p "$toolchain"
  exec 9>"$toolchain/$name-$version.lock"
  flock 9
  if [ -x "$bin" ]; then echo "$bin"; return 0; fi  # built by whoever held the lock before us

  local start tmp
  start=$(date +%s)
  echo "$name.sh: building $package@$version into $dest" >&2
  tmp="$dest.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp/bin"
  if ! GOMODCACHE="$toolchain/go/mod" GOCACHE="$toolchain/go/cache" GOFLAGS="-buildvcs=false -mod=mod" \
      GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$tmp/bin" nice -n 19 go install -trimpath -ldflags "$ldflags" "$package@$version" >&2; then
    rm -rf "$tmp"
    echo "$name.sh: could not build $package@$version" >&2
    return 1
  fi
  rm -rf "$dest"; mv "$tmp" "$dest"
  echo "$name.sh: built in $(( $(date +%s) - start )) s" >&2
  echo "$bin"
}
