#!/bin/sh
# End-to-end tests of metrics that coexist (issue 19 item 4) with their
# real consumers: --metrics-label NAME=VALUE on every series, names checked
# as Prometheus wants them (job and instance refused), values escaped; each
# file passes `promtool check metrics`; and node_exporter's textfile
# collector (Debian's prometheus-node-exporter, run on a loopback port with
# every other collector off, stopped at the end) serves a cron run's and a
# guarded exec's files from one folder as distinct series, with no scrape
# error.
#
# Needs PREFLIGHT_BIN; promtool and prometheus-node-exporter from
# scripts/install-deps.sh (a missing one fails the test: it is the
# consumer under test).
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir textfile
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR

pass_check "$T/p/a.lua" p.a
pass_check "$T/p/b.lua" p.b
TF="$T/node-exporter" # stands for /var/lib/prometheus/node-exporter
mkdir -p "$TF"

# ---- names and values -----------------------------------------------------------
for l in job=a instance=b __x=1 1x=1 a-b=1 a.b=1 '=v' id=1 file=1 status=1 state=1 \
    version=1 mode=1 http=1 verdict=1 x= x; do
    expect 2 "--metrics-label '$l' refused" "$BIN" run --metrics "$T/x.prom" --metrics-label "$l" "$T/p"
    contains "--metrics-label '$l' names the label" "$T/err" "--metrics-label '$l'"
done
[ -e "$T/x.prom" ] && bad "a refused label wrote metrics" || ok
expect 2 "a name twice" "$BIN" run --metrics "$T/x.prom" --metrics-label a=1 --metrics-label a=2 "$T/p"
expect 2 "--metrics-label without --metrics" "$BIN" run --metrics-label a=1 "$T/p"
contains "without --metrics: says so" "$T/err" "give --metrics FILE"
expect 0 "good names" "$BIN" run --metrics "$T/ok.prom" --metrics-label A_b9=1 --metrics-label _x=2 "$T/p"
# a value with everything that needs escaping, and bytes that are not UTF-8
expect 0 "hostile value" "$BIN" run --metrics "$T/h.prom" \
    --metrics-label "note=$(printf 'q"uote \\ back\nline\001ctl\377bad é')" "$T/p"
if command -v promtool >/dev/null 2>&1; then
    for f in "$T/ok.prom" "$T/h.prom"; do
        promtool check metrics <"$f" >"$T/promtool.out" 2>&1 && ok ||
            { bad "promtool check metrics $(basename "$f")"; cat "$T/promtool.out"; }
    done
else
    bad "promtool is not installed (scripts/install-deps.sh: prometheus)"
fi
# every sample carries the labels, first, with the value escaped
py "labels on every series" '
import re, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#"):
        continue
    n += 1
    assert re.match(r"^preflight_[a-z_]+\{note=\"q\\\"uote \\\\ back\\nlinectl\ufffdbad é\"[,}]", line), line
assert n >= 15, n' "$T/h.prom"

# ---- two runs, one collector folder --------------------------------------------
expect 0 "cron run" "$BIN" run --quiet --metrics "$TF/preflight-cron.prom" \
    --metrics-label run=cron "$T/p"
expect 0 "guarded exec" "$BIN" exec --quiet --metrics "$TF/preflight-exec.prom" \
    --metrics-label run=exec --evidence "$T/exec.json" "$T/p" -- true
NE=$(command -v prometheus-node-exporter || command -v node_exporter || true)
if [ -z "$NE" ]; then
    bad "prometheus-node-exporter is not installed (scripts/install-deps.sh)"
    finish textfile
    exit
fi
if ! command -v curl >/dev/null 2>&1; then
    bad "curl is not installed"
    finish textfile
    exit
fi
# a free loopback port; node_exporter with only the textfile collector
PORT=$($PY -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
"$NE" --collector.disable-defaults --collector.textfile \
    --collector.textfile.directory="$TF" \
    --web.listen-address="127.0.0.1:$PORT" >"$T/ne.log" 2>&1 &
NEPID=$!
trap 'kill $NEPID 2>/dev/null; rm -rf "$T"' EXIT
i=0
until curl -fsS "http://127.0.0.1:$PORT/metrics" >"$T/scrape" 2>/dev/null; do
    i=$((i + 1))
    if [ $i -ge 100 ] || ! kill -0 $NEPID 2>/dev/null; then break; fi
    sleep 0.1
done
if [ -s "$T/scrape" ]; then ok "node_exporter served /metrics on port $PORT"; else
    bad "node_exporter did not serve /metrics within 10 s"
    cat "$T/ne.log"
fi
kill $NEPID 2>/dev/null
wait $NEPID 2>/dev/null
py "node_exporter serves both runs, no scrape error" '
import re, sys
s = open(sys.argv[1]).read()
def v(series):
    m = re.search("^" + re.escape(series) + r" (\S+)$", s, re.M)
    assert m, "not served: " + series
    return float(m.group(1))
assert v("node_textfile_scrape_error") == 0, "scrape error"
for run in ("cron", "exec"):
    assert v("preflight_run_verdict{run=\"%s\"}" % run) == 0
    assert v("preflight_check_status{file=\"%s/p/a.lua\",id=\"p.a\",run=\"%s\"}" % (sys.argv[2], run)) == 1
    assert v("preflight_arming_state{run=\"%s\",state=\"not-required\"}" % run) == 1
# each file is known to the collector by its mtime
for f in ("preflight-cron.prom", "preflight-exec.prom"):
    assert re.search(r"^node_textfile_mtime_seconds\{file=\"[^\"]*%s\"\} " % re.escape(f), s, re.M), f
' "$T/scrape" "$T"
if command -v promtool >/dev/null 2>&1; then
    grep '^preflight_\|^# [A-Z]* preflight_' "$T/scrape" >"$T/scrape.preflight"
    promtool check metrics <"$T/scrape.preflight" >"$T/promtool.out" 2>&1 && ok ||
        { bad "promtool check metrics of the served preflight series"; cat "$T/promtool.out"; }
fi

finish textfile
