#!/bin/sh
# Install the Debian packages preflight builds, runs and tests with.
# Idempotent; needs root (CI and the set-up commands run as root).
#
#   sh scripts/install-deps.sh [build|all]
#
# build: only what building and running preflight needs (the compiler,
#   CMake and the libraries it links); no test toolchain, no servers. The
#   CI example (examples/ci/) installs this.
# all (the default): also the test toolchain, redis-server and PostgreSQL
#   for the suite, and the real consumers the tests feed preflight's
#   outputs to (promtool, xmllint, prove).
set -eu
BUILD="build-essential cmake pkg-config
  liblua5.4-dev lua-cjson lua-cjson-dev
  libcurl4-openssl-dev libhiredis-dev libpq-dev libssl-dev"
TEST="clang libclang-rt-14-dev lua5.4 libcmocka-dev
  lua-busted lua-check
  redis-server postgresql
  python3 python3-jsonschema procps openssl valgrind
  python3-yaml prometheus prometheus-node-exporter curl file dpkg-dev
  util-linux groff-base man-db libxml2-utils perl lintian"
case ${1:-all} in
build) PKGS=$BUILD ;;
all) PKGS="$BUILD $TEST" ;;
*)
    echo "usage: install-deps.sh [build|all]" >&2
    exit 2
    ;;
esac
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
