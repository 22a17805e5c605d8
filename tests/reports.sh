#!/bin/sh
# End-to-end tests of one run feeding every consumer (issue 19 item 2):
# --report FORMAT:FILE (json, junit, tap, text, nagios; repeatable) while
# stdout keeps the human report; every report file written atomically and
# rewritten (or removed) when the outcome changes after it was written (a
# later write failing, stdout closed, a signal), so none claims a pass the
# exit code denies; the nagios line and examples/nagios/check_preflight's
# plugin exit codes; `list --format text|json`, and `list` refusing the
# report options it cannot honour.
#
# Needs PREFLIGHT_BIN. Runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=${PREFLIGHT_SRC:-$(pwd)}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir reports
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR

pass_check "$T/p/a.lua" p.a
pass_check "$T/p/b.lua" p.b
pass_check "$T/f/a.lua" f.a
mk "$T/f/b.lua" <<'EOF'
return { id = "f.b", title = "fails", run = function()
  return preflight.fail("broken | pipe\nsecond line \27[31m") end }
EOF
mkdir -p "$T/empty"

# every_report DIR: the five --report options into DIR
every_report() {
    echo --report "json:$1/r.json" --report "junit:$1/r.xml" \
        --report "tap:$1/r.tap" --report "text:$1/r.txt" \
        --report "nagios:$1/r.nagios"
}

# reports_say DIR EXIT VERDICT: every report in DIR tells the outcome the
# exit code tells (one assertion)
reports_say() {
    py "reports in $1 say exit $2" '
import json, re, sys, xml.etree.ElementTree as ET
d, code, verdict = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ev = json.load(open(d + "/r.json"))
assert ev["exit_code"] == code and ev["verdict"] == verdict, (ev["exit_code"], ev["verdict"])
suite = ET.parse(d + "/r.xml").getroot().find("testsuite")
props = {p.get("name"): p.get("value") for p in suite.find("properties")}
assert props["exit_code"] == str(code) and props["verdict"] == verdict, props
bad = int(suite.get("failures")) + int(suite.get("errors"))
assert (bad == 0) == (code == 0), suite.attrib
tap = open(d + "/r.tap").read()
assert tap.startswith("TAP version 13\n"), tap[:40]
assert ("\nnot ok " in tap) == (code != 0), tap
assert "# verdict: %s (exit %d)" % (verdict, code) in tap, tap
txt = open(d + "/r.txt").read()
assert "verdict: %s (exit %d)" % (verdict, code) in txt, txt
assert "\033" not in txt, "colour in a file"
ng = open(d + "/r.nagios").read()
assert ng.endswith("\n") and ng.count("\n") == 1, repr(ng)
state = {0: "OK", 1: "CRITICAL", 2: "UNKNOWN", 3: "CRITICAL"}[code]
assert ng.startswith("PREFLIGHT %s - verdict %s (exit %d)" % (state, verdict, code)), ng
assert re.search(r" \| checks=\d+;;;0 passed=\d+;;;0 failed=\d+;;;0 errored=\d+;;;0 "
                 r"skipped=\d+;;;0 not_selected=\d+;;;0 exit_code=%d;;;0;3 "
                 r"duration=[0-9.]+s;;;0$" % code, ng), ng
' "$1" "$2" "$3"
}

# ---- one run, every consumer --------------------------------------------------
mkdir -p "$T/a"
# shellcheck disable=SC2046
expect 0 "every report" "$BIN" run $(every_report "$T/a") "$T/p"
contains "stdout keeps the human report" "$T/out" "verdict: pass (exit 0)"
lacks "stdout is not JSON" "$T/out" '"verdict"'
reports_say "$T/a" 0 pass
schema "$T/a/r.json"
[ -z "$(find "$T/a" -name '.*' -o -name '*.tmp*')" ] && ok || bad "temporary files left: $(ls -a "$T/a")"
# the same reports as --format gives on stdout
"$BIN" run --format junit "$T/p" >"$T/stdout.xml"
py "junit file parses as stdout's does" "
import xml.etree.ElementTree as ET, sys
a = ET.parse(sys.argv[1]).getroot(); b = ET.parse(sys.argv[2]).getroot()
assert [c.get('name') for c in a.iter('testcase')] == [c.get('name') for c in b.iter('testcase')]" "$T/a/r.xml" "$T/stdout.xml"
if command -v prove >/dev/null 2>&1; then
    prove -e cat "$T/a/r.tap" >"$T/prove.out" 2>&1 && ok || { bad "prove rejects the tap report"; cat "$T/prove.out"; }
fi
# missing folders are made; json to stdout and a text report at once
expect 1 "a failing run, reports in a new folder" "$BIN" run --format json $(every_report "$T/b/deep") "$T/f"
reports_say "$T/b/deep" 1 fail
contains "nagios names the failing check" "$T/b/deep/r.nagios" "not passed: f.b"
py "stdout is the evidence JSON" "import json,sys; assert json.load(open(sys.argv[1]))['exit_code'] == 1" "$T/out"
# zero checks, refused
expect 2 "no checks" "$BIN" run $(every_report "$T/c") "$T/empty"
reports_say "$T/c" 2 error
contains "nagios says why" "$T/c/r.nagios" "no check ran"
expect 3 "paper arm is refused" "$BIN" arm --evidence "$T/d/ev.json" $(every_report "$T/d") "$T/p"
reports_say "$T/d" 3 refused
contains "nagios: refused" "$T/d/r.nagios" "verdict refused (exit 3), refused:"
# -q/-v change the text report only
expect 1 "quiet text report" "$BIN" run -q --report "text:$T/q.txt" "$T/f"
lacks "quiet text report hides passes" "$T/q.txt" "f.a"

# ---- bad --report values ------------------------------------------------------
expect 2 "--report without FILE" "$BIN" run --report json "$T/p"
contains "--report: names the form" "$T/err" "--report must be FORMAT:FILE, FORMAT being json, junit, tap, text or nagios"
expect 2 "--report empty FILE" "$BIN" run --report json: "$T/p"
expect 2 "--report unknown format" "$BIN" run --report xml:"$T/x" "$T/p"
[ -e "$T/x" ] && bad "--report xml wrote a file" || ok

# ---- a report that cannot be written: exit 2, and nothing claims a pass -------
mkdir -p "$T/e"
: >"$T/e/file"
expect 2 "report write fails" "$BIN" run --evidence "$T/e/ev.json" --metrics "$T/e/m.prom" \
    --report "json:$T/e/r.json" --report "nagios:$T/e/file/x" "$T/p"
contains "says which report" "$T/err" "report nagios:$T/e/file/x"
py "evidence, metrics and the report written before say error" "
import json, sys
for p in (sys.argv[1], sys.argv[2]):
    d = json.load(open(p))
    assert d['exit_code'] == 2 and d['verdict'] == 'error', (p, d['exit_code'])
    assert any('write failed' in x for x in d['problems']), d['problems']
m = [l for l in open(sys.argv[3]) if l.startswith('preflight_run_verdict ')]
assert m == ['preflight_run_verdict 2\n'], m" "$T/e/ev.json" "$T/e/r.json" "$T/e/m.prom"

# ---- stdout closed after the reports were written -----------------------------
mkdir -p "$T/g"
"$BIN" run $(every_report "$T/g") "$T/p" >&- 2>"$T/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "closed stdout: exit $rc, want 2"
reports_say "$T/g" 2 error

# ---- a signal during the checks ------------------------------------------------
mk "$T/w/wait.lua" <<EOF
return { id = "w.wait", title = "waits", timeout_ms = 30000, run = function()
  while not preflight.fs.stat("$T/w/release") do end
  return preflight.pass("released") end }
EOF
mkdir -p "$T/s"
"$BIN" run --timeout-ms 30000 --root "$T" $(every_report "$T/s") "$T/w" >/dev/null 2>&1 &
PID=$!
i=0
while [ -z "$(pgrep -P $PID)" ] && [ $i -lt 400 ]; do i=$((i + 1)); sleep 0.05; done
kill -s TERM $PID
wait $PID
rc=$?
[ $rc -eq 2 ] && ok || bad "SIGTERM: exit $rc, want 2"
reports_say "$T/s" 2 error
contains "nagios: interrupted" "$T/s/r.nagios" "interrupted by SIGTERM"

# ---- the nagios line ------------------------------------------------------------
"$BIN" run --report "nagios:$T/n1" "$T/f" >/dev/null 2>&1
py "nagios: one line, no text from the check" "
import sys
s = open(sys.argv[1], 'rb').read()
assert s.count(b'\n') == 1 and b'\x1b' not in s, s
head, perf = s.decode().rstrip('\n').split(' | ')
assert 'broken' not in head, head
assert perf.startswith('checks=2;;;0 passed=1;;;0 failed=1;;;0 '), perf" "$T/n1"
# examples/nagios/check_preflight: the plugin exit codes
PLUG="$SRC/examples/nagios/check_preflight"
sh -n "$PLUG" && ok || bad "check_preflight: not valid sh"
for case in "p 0 OK" "f 2 CRITICAL" "empty 3 UNKNOWN"; do
    set -- $case
    PREFLIGHT="$BIN" sh "$PLUG" "$T/$1" >"$T/plug.out" 2>&1
    rc=$?
    [ $rc -eq "$2" ] && ok || bad "check_preflight $1: exit $rc, want $2"
    [ "$(wc -l <"$T/plug.out")" -eq 1 ] && ok || bad "check_preflight $1: not one line"
    contains "check_preflight $1 state" "$T/plug.out" "PREFLIGHT $3 - "
done
PREFLIGHT=/nonexistent/preflight sh "$PLUG" "$T/p" >"$T/plug.out" 2>&1
rc=$?
[ $rc -eq 3 ] && ok || bad "check_preflight without preflight: exit $rc, want 3"

# ---- list --format, and what list refuses ----------------------------------------
mk "$T/l/a.lua" <<'EOF'
return { id = "l.a", title = "quoted \"title\"", tags = { "x", "y" },
  run = function() return preflight.pass("x") end }
EOF
pass_check "$T/l/b.lua" l.b
expect 0 "list --format json" "$BIN" list --format json "$T/l"
py "list json: checks with id, title, file, tags" "
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ['checks'], d
assert [sorted(c) for c in d['checks']] == [['file', 'id', 'tags', 'title']] * 2, d
a = d['checks'][0]
assert a == {'id': 'l.a', 'title': 'quoted \"title\"', 'file': sys.argv[2] + '/a.lua', 'tags': ['x', 'y']}, a" "$T/out" "$T/l"
expect 0 "list --format text" "$BIN" list --format text "$T/l"
"$BIN" list "$T/l" >"$T/list.default"
cmp -s "$T/out" "$T/list.default" && ok || bad "list --format text differs from list"
printf 'return {' >"$T/l/c.lua"
expect 2 "list json with a file that does not load" "$BIN" list --format json "$T/l"
py "list json: the error" "
import json, sys
d = json.load(open(sys.argv[1]))
c = d['checks'][2]
assert c['id'] is None and c['error']['reason'] == 'load', c" "$T/out"
for opt in "--format junit" "--format tap" "--evidence $T/x.json" "--metrics $T/x.prom" \
    "--report json:$T/x.json" "--sign-key $T/k" "--quiet" "--verbose"; do
    # shellcheck disable=SC2086
    expect 2 "list refuses $opt" "$BIN" list $opt "$T/l"
done
[ -e "$T/x.json" ] || [ -e "$T/x.prom" ] && bad "list wrote a report file" || ok

finish reports
