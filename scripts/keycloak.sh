#!/usr/bin/env bash
# Fetches the Keycloak server distribution from Maven Central at the pinned version
# (org.keycloak:keycloak-quarkus-dist:<version>:zip, through Maven) and unpacks it into a
# cache outside the repository:
#
#   ${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}/keycloak-<version>/bin/kc.sh
#
# The real-server test (test/keycloak) starts it on 127.0.0.1. Concurrent callers are
# serialised by flock on the version's lock file.
#
# Usage: scripts/keycloak.sh            fetch when missing, print the distribution's directory
#        scripts/keycloak.sh --check    print the directory when already there, exit 1 otherwise
#        scripts/keycloak.sh --java-home  print the JDK to run it with
set -euo pipefail
cd "$(dirname "$0")/.."

# Keep in step with components/keycloak/versions.ts KEYCLOAK_VERSION (a test checks that they agree).
KEYCLOAK_VERSION="26.5.5"

# Build-time options (keep in step with components/keycloak/spec.ts BUILD_OPTIONS; a test checks).
KEYCLOAK_BUILD_OPTIONS=(--db=postgres --health-enabled=true --metrics-enabled=true --event-metrics-user-enabled=true)

toolchain="${PLATFORM_TOOLCHAIN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-toolchain}"
dest="$toolchain/keycloak-$KEYCLOAK_VERSION"

# The JDK Keycloak runs on: Temurin 25 where the machine has it (Keycloak 26 wants 21+), else
# the newest /usr/lib/jvm JDK of 21 or more.
if [ "${1:-}" = "--java-home" ]; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
    [ -x "$j/bin/java" ] && { echo "$j"; exit 0; }
  done
  echo "keycloak.sh: no JDK 21+ under /usr/lib/jvm (Keycloak $KEYCLOAK_VERSION needs one)" >&2
  exit 1
fi
if [ -x "$dest/bin/kc.sh" ]; then echo "$dest"; exit 0; fi
if [ "${1:-}" = "--check" ]; then exit 1; fi

java_home="$(bash "$(dirname "$0")/keycloak.sh" --java-home)"
command -v mvn >/dev/null || { echo "keycloak.sh: Maven is needed to fetch org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION" >&2; exit 1; }
mkdir -p "$toolchain"
exec 9>"$toolchain/keycloak-$KEYCLOAK_VERSION.lock"
flock 9
if [ -x "$dest/bin/kc.sh" ]; then echo "$dest"; exit 0; fi

start=$(date +%s)
tmp="$dest.tmp.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
echo "keycloak.sh: fetching org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip from Maven Central" >&2
mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
  -DoutputDirectory="$tmp" -Dmdep.useBaseVersion=true >&2
(cd "$tmp" && unzip -q "keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip" && rm "keycloak-quarkus-dist-$KEYCLOAK_VERSION.zip")
# Build-time options once (Quarkus augmentation, ~1 min), so the test's `kc.sh start --optimized`
# starts without rebuilding: the options the Keycloak CR gives the operator's server.
echo "keycloak.sh: kc.sh build ${KEYCLOAK_BUILD_OPTIONS[*]} (JAVA_HOME=$java_home)" >&2
JAVA_HOME="$java_home" "$tmp/keycloak-$KEYCLOAK_VERSION/bin/kc.sh" build "${KEYCLOAK_BUILD_OPTIONS[@]}" >&2
rm -rf "$dest"; mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$dest"; rm -rf "$tmp"
echo "keycloak.sh: fetched in $(( $(date +%s) - start )) s" >&2
echo "$dest"
