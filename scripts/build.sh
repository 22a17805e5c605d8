#!/bin/sh
# Configure and build into build/ (warnings are errors, as in CI).
set -eu
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPF_WERROR=ON "$@" >/dev/null
cmake --build build -j"$(nproc)"
