#!/bin/sh
# bench/run.sh: time `preflight run` on generated trivial checks against an
# in-process Python runner, the pool sizes, and two runaway checks.
# See bench/README.md.
#
#   bench/run.sh [PREFLIGHT_BINARY]
#
# The binary is the first argument, else $PREFLIGHT_BIN, else build/preflight
# under the repository root. BENCH_RUNS (default 11, at least 9) and
# BENCH_TIMEOUT_RUNS (default 7, at least 5) set the number of timed runs.
# The Markdown report goes to stdout and to bench/results/latest.md.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${1:-${PREFLIGHT_BIN:-$root/build/preflight}}
py=/usr/bin/python3   # not `python3` from PATH (may be a pyenv shim)

if [ ! -x "$bin" ]; then
    echo "bench: no preflight binary at $bin" >&2
    echo "bench: build it (cmake -S . -B build && make -C build preflight)" \
         "or pass its path / set PREFLIGHT_BIN" >&2
    exit 2
fi
if [ ! -x "$py" ]; then
    echo "bench: $py is required" >&2
    exit 2
fi

mkdir -p "$here/results"
exec "$py" -B "$here/measure.py" --bin "$bin" --cwd "$root" \
    --runs "${BENCH_RUNS:-11}" --timeout-runs "${BENCH_TIMEOUT_RUNS:-7}" \
    --out "$here/results/latest.md"
