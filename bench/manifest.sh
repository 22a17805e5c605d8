#!/bin/sh
# bench/manifest.sh: how long does a big manifest cost before and after
# the checks? Generates a folder of CHECKS checks that pass and a manifest
# of IDS ids (the checks' ids first, the rest never ran), then times
# `preflight run DIR --tag t` (tags on: every check is also looked up in
# the manifest) RUNS times and prints the CPU seconds (user + sys, parent
# and workers) of each run and the median. The verdict must be fail (exit
# 1: manifest ids did not run); any other exit makes the numbers void.
#
#   PREFLIGHT_BIN=build/preflight sh bench/manifest.sh [RUNS] [IDS] [CHECKS]
#
# Before the O(n log n) parser (issue 12) 60,000 ids took about 11 s of
# CPU before any check ran. Exit: 0 measured, 1 a run gave a wrong answer.
set -u

SRC=${PREFLIGHT_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BIN=${PREFLIGHT_BIN:-$SRC/build/preflight}
RUNS=${1:-5}
IDS=${2:-60000}
CHECKS=${3:-2000}
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/pf-bench.XXXXXX) || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

$PY - "$TMP/d" "$IDS" "$CHECKS" <<'PYEOF'
import os, sys
d, ids, checks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(d)
for i in range(checks):
    with open("%s/c%06d.lua" % (d, i), "w") as f:
        f.write('return { id = "m%06d", title = "t", tags = { "t" }, '
                'run = function() return preflight.pass("ok") end }\n' % i)
with open(d + "/manifest", "w") as f:
    f.write("".join("m%06d\n" % i for i in range(ids)))
PYEOF
echo "preflight run: $CHECKS checks, manifest of $IDS ids, $RUNS runs ($BIN)"
$PY - "$BIN" "$TMP/d" "$RUNS" <<'PYEOF'
import os, statistics, subprocess, sys
binp, d, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
cpu = []
for _ in range(runs):
    before = os.times()
    rc = subprocess.call([binp, "run", "--tag", "t", "--format", "json",
                          "--run-timeout-ms", "600000", d],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = os.times()
    if rc != 1:
        print("exit %d, want 1 (manifest ids did not run)" % rc)
        sys.exit(1)
    cpu.append(after.children_user - before.children_user +
               after.children_system - before.children_system)
print("cpu s: " + " ".join("%.2f" % c for c in cpu))
print("median: %.2f s" % statistics.median(cpu))
PYEOF
