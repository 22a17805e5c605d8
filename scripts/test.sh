#!/bin/sh
# Every test: install, build with warnings as errors, then ctest (cmocka
# unit tests, busted specs, luacheck, end-to-end and network tests; the
# network tests start their own redis-server, PostgreSQL cluster and HTTP
# servers on 127.0.0.1), a 30 s libFuzzer smoke of every parser, then the
# same ctest suite again under AddressSanitizer and UBSan.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
(cd build && ctest --output-on-failure --timeout 600)
# fuzz smoke: each parser of untrusted text for 30 s (docs/fuzzing.md)
SECONDS_EACH=${FUZZ_SECONDS:-30} sh scripts/fuzz.sh
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
(cd build-asan && ctest --output-on-failure --timeout 900)
