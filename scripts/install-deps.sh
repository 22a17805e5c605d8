#!/bin/sh
# Install the Debian packages preflight builds, runs and tests with.
# Idempotent; needs root (CI and the set-up commands run as root).
set -eu
PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev
  liblua5.4-dev lua5.4 lua-cjson lua-cjson-dev
  libcurl4-openssl-dev libhiredis-dev libpq-dev libcmocka-dev libssl-dev
  lua-busted lua-check
  redis-server postgresql
  python3 python3-jsonschema procps openssl valgrind
  python3-yaml prometheus prometheus-node-exporter curl file dpkg-dev
  util-linux groff-base man-db"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi
