#!/usr/bin/env bash
# Builds the engine toolchain (toolchain/manifest) from Go modules into a cache outside the repo:
#
#   ${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}/programs/<key>-<version>/bin/
#
# GOMODCACHE and GOCACHE live under the same directory (shared with scripts/egctl.sh), so a warm
# run only checks that each program is there. Only Go code comes from the module proxy: no binary
# downloads, no YAML or charts out of module zips, nothing written into the repository.
# A program already built is reused; concurrent callers are serialised per program by flock.
#
# Usage: toolchain/build.sh [key...]          build what is missing (all keys when none given)
#        toolchain/build.sh --check [key...]  exit 0 when all are built, 1 otherwise (builds nothing)
#        toolchain/build.sh --print           print "key dir" for every built program
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
toolchain="${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}"
programs="$toolchain/programs"

declare -A version module modver
keys=(); crds=()
while read -r key ver modat rest; do
  case "$key" in ''|'#'*) continue ;; crd) crds+=("$ver $modat $rest"); continue ;; esac
  keys+=("$key"); version[$key]="$ver"; module[$key]="${modat%@*}"; modver[$key]="${modat##*@}"
done <"$root/toolchain/manifest"
# The CRDs are one more program: keyed by a digest of their lines and the controller-gen version.
keys+=(crds)
version[crds]="$(printf '%s\n' "${version[controller-gen]}" "${crds[@]}" | sha256sum | cut -c1-12)"
module[crds]="controller-gen"; modver[crds]="${version[controller-gen]}"

mode=build
case "${1:-}" in --check) mode=check; shift ;; --print) mode=print; shift ;; esac
want=("$@"); [ "${#want[@]}" -gt 0 ] || want=("${keys[@]}")

dir_of() { echo "$programs/$1-${version[$1]}"; }

if [ "$mode" = print ]; then
  for k in "${keys[@]}"; do [ -f "$(dir_of "$k")/.built" ] && echo "$k $(dir_of "$k")"; done
  exit 0
fi
for k in "${want[@]}"; do
  [ -n "${version[$k]:-}" ] || { echo "build.sh: '$k' is not in toolchain/manifest (known: ${keys[*]})" >&2; exit 2; }
done
if [ "$mode" = check ]; then
  for k in "${want[@]}"; do [ -f "$(dir_of "$k")/.built" ] || exit 1; done
  exit 0
fi

command -v go >/dev/null || { echo "build.sh: Go is needed to build the engine toolchain" >&2; exit 1; }
export GOMODCACHE="$toolchain/go/mod" GOCACHE="$toolchain/go/cache"
export GOFLAGS="-buildvcs=false -mod=mod" GOTOOLCHAIN=local CGO_ENABLED=0 GOWORK=off
# Builds run at the lowest priority: the machine is shared (and CI runs tests beside them).
renice -n 19 $$ >/dev/null 2>&1 || true

current=""
on_error() {
  [ -n "$current" ] && echo "build.sh: FAILED to build $current: ${module[$current]}@${modver[$current]} (log: ${log:-none})" >&2
  [ -n "${log:-}" ] && [ -f "$log" ] && tail -25 "$log" >&2
}
trap on_error ERR

# A wrapper module: a fresh go.mod requiring the module at its version, so that the module's own
# local replace directives (which point at sibling directories not in its zip) don't apply.
wrapper() { # dir name
  mkdir -p "$1"; (cd "$1" && go mod init "platform-toolchain/$2" >/dev/null 2>&1)
}

# --- recipes: each builds into $1/bin, with cwd a scratch directory ---------------------------

build_kubernetes() {
  local out="$1" v="${modver[kubernetes]}" gomod staging s sv
  # k8s.io/kubernetes requires its staging repos (k8s.io/api, ...) at v0.0.0 and replaces them with
  # ./staging/src/... paths, which are not in the module zip. Each is published as its own module
  # at v0.<minor>.<patch>: replace each with that. Staging modules not published at that version
  # (k8s.io/sample-apiserver: no v0.36.3) are examples no binary imports: an empty local module.
  gomod="$(go mod download -json "k8s.io/kubernetes@$v" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  sv="v0.${v#v1.}"
  wrapper src kubernetes; cd src
  go mod edit -require="k8s.io/kubernetes@$v"
  for s in $(sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p' "$gomod"); do
    if go mod download "$s@$sv" >/dev/null 2>&1; then
      go mod edit -replace="$s=$s@$sv"
    else
      mkdir -p "../unpublished/$s"; echo "module $s" >"../unpublished/$s/go.mod"
      go mod edit -replace="$s=../unpublished/$s"
    fi
  done
  local ld="" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$(echo "$v" | cut -d. -f2) -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  go build -trimpath -ldflags "-s -w $ld" -o "$out/bin/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
}

build_etcd() {
  local out="$1"
  wrapper src etcd; cd src
  go mod edit -require="${module[etcd]}@${modver[etcd]}"
  go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd" "${module[etcd]}"
}

build_kwok() {
  GOBIN="$1/bin" go install -trimpath -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${modver[kwok]}" \
    "${module[kwok]}/cmd/kwok@${modver[kwok]}"
}

build_controller-gen() {
  GOBIN="$1/bin" go install -trimpath -ldflags "-s -w" "${module[controller-gen]}/cmd/controller-gen@${modver[controller-gen]}"
}

build_pulumi() {
  local out="$1" v="${modver[pulumi]}"
  # pkg/v3 replaces sdk/v3 with ../sdk (not in the zip) and atotto/clipboard with a fork; the
  # wrapper requires both Pulumi modules at the same tag and copies the fork's replace.
  wrapper src pulumi; cd src
  go mod edit -replace=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
  go mod edit -require="github.com/pulumi/pulumi/pkg/v3@$v" -require="github.com/pulumi/pulumi/sdk/v3@$v"
  # The version linked in as the project's Makefile does; the Automation API parses it.
  go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v" \
    -o "$out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

build_crds() {
  local out="$1" cg line modat pkgs reps m v p r paths
  cg="$(dir_of controller-gen)/bin/controller-gen"
  [ -x "$cg" ] || { echo "controller-gen is not built: toolchain/build.sh controller-gen" >&2; return 1; }
  mkdir -p "$out/crds"
  for line in "${crds[@]}"; do
    read -r modat pkgs reps <<<"$line"
    m="${modat%@*}"; v="${modat##*@}"
    current_crd="$modat"
    echo "crds: $modat ($pkgs)"
    local w="src/$(echo "$m" | tr '/.' '__')"
    wrapper "$w" crds; (
      cd "$w"
      local approval=""
      for r in $reps; do
        if [ "${r%%=*}" = approval ]; then approval="${r#*=}"; continue; fi
        if [ "${r#*=}" = empty ]; then
          mkdir -p "empty/${r%%=*}"; echo "module ${r%%=*}" >"empty/${r%%=*}/go.mod"
          go mod edit -replace="${r%%=*}=./empty/${r%%=*}"
        else go mod edit -replace="$r"; fi
      done
      go get "$modat"
      paths=""; for p in ${pkgs//,/ }; do paths="$paths paths=$m/$p"; done
      mkdir -p "$out/crds/$(echo "$m" | tr '/' '_')"
      # shellcheck disable=SC2086
      "$cg" crd:crdVersions=v1,allowDangerousTypes=true $paths output:crd:artifacts:config="$out/crds/$(echo "$m" | tr '/' '_')"
      if [ -n "$approval" ]; then
        # Groups under *.k8s.io need the api-approved.kubernetes.io annotation; the project's own
        # generator adds it from a constant of the module (e.g. gateway-api pkg/consts.ApprovalLink):
        # read that constant from the pinned module and add it the same way.
        mkdir -p approval; printf 'package main\n\nimport (\n\t"fmt"\n\tc "%s"\n)\n\nfunc main() { fmt.Print(c.%s) }\n' "${approval%.*}" "${approval##*.}" >approval/main.go
        local link; link="$(go run ./approval)"
        [ -n "$link" ] || { echo "crds: $approval is empty"; return 1; }
        sed -i "s#^  annotations:\$#  annotations:\n    api-approved.kubernetes.io: $link#" "$out/crds/$(echo "$m" | tr '/' '_')"/*.yaml
      fi
    ) || { echo "controller-gen failed for $modat ($pkgs)"; return 1; }
  done
  ls "$out"/crds/*/ | grep -c yaml >/dev/null
}

build_pulumi-resource-kubernetes() {
  local out="$1" v="${version[pulumi-resource-kubernetes]}" d
  # The module replaces its Go SDK (sdk/v4) with ../sdk, not in the zip, and embeds a
  # schema-embed.json generated from schema.json (cmd/pulumi-resource-kubernetes/generate.go),
  # also not in the zip: build a writable copy of the module, with sdk/v4 taken from the proxy
  # (it serves sdk/v4 v4.22.2 and v4.29.0 around v4.25.0, not v4.25.0 itself; v4.29.0 needs a
  # newer pulumi sdk/v3 than the provider's pkg/v3 v3.215.0 compiles with, so v4.22.2).
  d="$(go mod download -json "${module[pulumi-resource-kubernetes]}@${modver[pulumi-resource-kubernetes]}" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')"
  cp -r "$d" provider; chmod -R u+w provider; cd provider
  go mod edit -replace=github.com/pulumi/pulumi-kubernetes/sdk/v4=github.com/pulumi/pulumi-kubernetes/sdk/v4@v4.22.2
  (cd cmd/pulumi-resource-kubernetes && VERSION="${v#v}" go run ./generate.go)
  go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=${v#v}" \
    -o "$out/bin/pulumi-resource-kubernetes" ./cmd/pulumi-resource-kubernetes
}

# --- driver -----------------------------------------------------------------------------------

# A program already on PATH at the pinned version (a user's own Pulumi CLI) is used, not built.
on_path() { # key -> 0 when linked from PATH
  local k="$1" exe
  [ "$k" = pulumi ] || return 1
  exe="$(command -v pulumi 2>/dev/null)" || return 1
  [ "$("$exe" version 2>/dev/null)" = "${version[pulumi]}" ] || return 1
  mkdir -p "$2/bin"; ln -sf "$exe" "$2/bin/pulumi"; echo "on PATH: $exe" >"$2/.built"
}

mkdir -p "$programs"
total_start=$(date +%s)
for k in "${want[@]}"; do
  dest="$(dir_of "$k")"
  if [ -f "$dest/.built" ]; then echo "build.sh: $k ${version[$k]}: cached ($dest)" >&2; continue; fi
  exec 9>"$dest.lock"; flock 9
  if [ -f "$dest/.built" ]; then echo "build.sh: $k ${version[$k]}: built by another caller" >&2; exec 9>&-; continue; fi
  tmp="$dest.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp/bin" "$tmp/work"
  if on_path "$k" "$tmp"; then rm -rf "$dest"; mv "$tmp" "$dest"; echo "build.sh: $k: using $(cat "$dest/.built")" >&2; continue; fi
  current="$k"; log="$tmp/build.log"
  start=$(date +%s)
  echo "build.sh: building $k ${version[$k]} from ${module[$k]}@${modver[$k]} ..." >&2
  ( cd "$tmp/work" && "build_$k" "$tmp" ) >"$log" 2>&1
  secs=$(( $(date +%s) - start ))
  rm -rf "$tmp/work"
  echo "${module[$k]}@${modver[$k]} built in ${secs}s on $(date -u +%FT%TZ) ($(nproc) cores)" >"$tmp/.built"
  rm -rf "$dest"; mv "$tmp" "$dest"; exec 9>&-
  current=""; log=""
  echo "build.sh: built $k ${version[$k]} in ${secs}s: $(ls "$dest/bin" | tr '\n' ' ')" >&2
done
echo "build.sh: toolchain ready in $(( $(date +%s) - total_start ))s ($programs)" >&2
