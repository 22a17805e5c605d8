#!/bin/sh
# Every test: install, build with warnings as errors, then ctest (cmocka
# unit tests, busted specs, end-to-end and network tests; the network
# tests start their own redis-server, PostgreSQL cluster and HTTP servers
# on 127.0.0.1).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
cd build
ctest --output-on-failure --timeout 600
