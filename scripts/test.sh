#!/bin/sh
# Every test: install, build with warnings as errors, then ctest (cmocka
# unit tests, busted specs, luacheck, end-to-end and network tests; the
# network tests start their own redis-server, PostgreSQL cluster and HTTP
# servers on 127.0.0.1), then the same suite again under AddressSanitizer
# and UBSan.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
(cd build && ctest --output-on-failure --timeout 600)
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
(cd build-asan && ctest --output-on-failure --timeout 900)
