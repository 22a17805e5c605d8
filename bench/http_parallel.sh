#!/bin/sh
# bench/http_parallel.sh: do checks that wait on the network run in
# parallel? Starts a loopback HTTP server (tests/net/httpd.py: Python's
# ThreadingHTTPServer on a free 127.0.0.1 port) whose /delay/200 answers
# each request after 200 ms, generates 50 checks that each GET it for real,
# runs `preflight run DIR --http real` 9 times and prints every wall time
# and the median. Goal: median <= 600 ms (serially it would be 10 s).
#
#   PREFLIGHT_BIN=build/preflight sh bench/http_parallel.sh [RUNS] [CHECKS]
#
# Exit: 0 goal met, 1 a run did not pass (the numbers mean nothing then),
# 2 goal missed.
set -u

SRC=${PREFLIGHT_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BIN=${PREFLIGHT_BIN:-$SRC/build/preflight}
RUNS=${1:-9}
CHECKS=${2:-50}
GOAL_MS=600
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/pf-bench.XXXXXX) || exit 1
SERVER=""

cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

case "$RUNS$CHECKS" in
*[!0-9]*) echo "bench: RUNS and CHECKS must be whole numbers (the binary comes from PREFLIGHT_BIN)" >&2; exit 1 ;;
esac
[ "$RUNS" -ge 1 ] && [ "$CHECKS" -ge 1 ] || { echo "bench: RUNS and CHECKS must be at least 1" >&2; exit 1; }
[ -x "$BIN" ] || { echo "bench: $BIN is not an executable" >&2; exit 1; }
"$PY" "$SRC/tests/net/httpd.py" http "$TMP/port" >"$TMP/server.log" 2>&1 &
SERVER=$!
i=0
while [ ! -s "$TMP/port" ]; do
    i=$((i + 1))
    [ $i -gt 200 ] && { echo "bench: server did not start" >&2; exit 1; }
    sleep 0.05
done
URL=http://127.0.0.1:$(cat "$TMP/port")/delay/200

mkdir "$TMP/checks"
n=1
while [ $n -le "$CHECKS" ]; do
    cat >"$TMP/checks/slow_$n.lua" <<EOF
return {
  id = "bench.slow-$n",
  title = "a 200 ms HTTP answer",
  run = function()
    local r, err = preflight.http.request{url = "$URL?n=$n", timeout_ms = 3000}
    if not r then return preflight.fail(err) end
    if r.status ~= 200 then return preflight.fail("status " .. r.status) end
    return preflight.pass("200")
  end,
}
EOF
    n=$((n + 1))
done

echo "bench: $CHECKS checks x GET $URL (200 ms each), $RUNS runs"
: >"$TMP/times"
r=1
while [ $r -le "$RUNS" ]; do
    t0=$(date +%s%N)
    "$BIN" run "$TMP/checks" --http real >"$TMP/run.out" 2>&1
    rc=$?
    t1=$(date +%s%N)
    ms=$(( (t1 - t0) / 1000000 ))
    echo "run $r: $ms ms (exit $rc)"
    if [ $rc -ne 0 ]; then
        echo "bench: run $r did not pass:" >&2
        grep -v '^PASS' "$TMP/run.out" | head -20 >&2
        exit 1
    fi
    echo "$ms" >>"$TMP/times"
    r=$((r + 1))
done
[ -s "$TMP/times" ] || { echo "bench: no run was timed" >&2; exit 1; }
median=$(sort -n "$TMP/times" | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }')
if [ "$median" -le "$GOAL_MS" ]; then
    echo "median: $median ms (goal <= $GOAL_MS ms: met)"
    exit 0
fi
echo "median: $median ms (goal <= $GOAL_MS ms: MISSED)"
exit 2
