#!/bin/sh
# End-to-end tests of the operator outputs of the built binary: --format
# junit and tap (parsed with python3's xml.etree and a TAP 13 reader whose
# YAML blocks go through python3-yaml), --metrics (promtool check metrics
# and a strict reader of the text format), several outputs at once,
# --quiet and --verbose, the terminal (colour and the progress line, under
# script(1) for a TTY), `help COMMAND` and the man page, an install from
# an install prefix, the .deb from cpack, and the examples/ (systemd unit,
# Kubernetes Pod, CI job), each of which is also run with the real binary.
#
# Needs PREFLIGHT_BIN; PREFLIGHT_BUILD (the build folder), PREFLIGHT_CMAKE
# and PREFLIGHT_CPACK come from ctest. Runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=${PREFLIGHT_SRC:-$(pwd)}
BUILD=${PREFLIGHT_BUILD:-$(dirname "$BIN")}
CMAKE=${PREFLIGHT_CMAKE:-cmake}
CPACK=${PREFLIGHT_CPACK:-cpack}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir outputs

note() { echo "note: $*"; }

unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR

# ---- fixtures ---------------------------------------------------------------
pass_check "$T/p/a.lua" p.a
pass_check "$T/p/b.lua" p.b
# every status, hostile text, a secret, a skipped check, a missing manifest id
mk "$T/h/1_pass.lua" <<'EOF'
return { id = "h.pass", title = "passes <b>&amp;</b>", tags = { "t" },
  run = function() return preflight.pass("ok & <fine> \"q\" 'a'",
    { n = 3, s = "x]]>y" }) end }
EOF
mk "$T/h/2_fail.lua" <<'EOF'
return { id = "h.fail", title = "fails", tags = { "t" }, run = function()
  return preflight.fail("ctl\1\27[31m bad\255utf8 ]]> & <x> \"q\" 'a'\r\n"
    .. "line2: - [x] # not a comment\n  ...\n---\t\u{2028}\u{85}\u{FFFE}é "
    .. "key " .. preflight.env.get("OUTPUTS_API_KEY")) end }
EOF
mk "$T/h/3_err.lua" <<'EOF'
return { id = "h.err", title = "errors", tags = { "t" },
  run = function() error("boom <&>") end }
EOF
mk "$T/h/4_slow.lua" <<'EOF'
return { id = "h.slow", title = "times out", tags = { "t" }, timeout_ms = 100,
  run = function() while true do end end }
EOF
mk "$T/h/5_load.lua" <<'EOF'
return { id = "h.load", title = "x", run = function( end }
EOF
mk "$T/h/6_skip.lua" <<'EOF'
return { id = "h.skip", title = "not selected", tags = { "other" },
  run = function() return preflight.pass("x") end }
EOF
printf 'h.pass\nh.missing\n' >"$T/h/manifest"
export OUTPUTS_API_KEY=AKIA-outputs-77
mkdir -p "$T/empty"
pass_check "$T/d/a.lua" same.id
pass_check "$T/d/b.lua" same.id

# ---- JUnit ------------------------------------------------------------------
JUNIT_PY='
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
assert root.tag in ("testsuites", "testsuite"), root.tag
assert len(suites) == 1, "want one testsuite"
s = suites[0]
for a in ("tests", "failures", "errors", "time", "timestamp"):
    assert a in s.attrib, "testsuite lacks " + a
cases = s.findall("testcase")
assert int(s.get("tests")) == len(cases), (s.get("tests"), len(cases))
fails = [c for c in cases if c.find("failure") is not None]
errs = [c for c in cases if c.find("error") is not None]
assert int(s.get("failures")) == len(fails)
assert int(s.get("errors")) == len(errs)
float(s.get("time"))
import datetime
datetime.datetime.strptime(s.get("timestamp"), "%Y-%m-%dT%H:%M:%S")
for c in cases:
    assert c.get("classname") and c.get("name") and c.get("time") is not None, c.attrib
    float(c.get("time"))
got = {c.get("name"): c for c in cases}
want = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
for name, kind in want.items():
    assert name in got, "no testcase " + name
    c = got[name]
    if kind == "pass":
        assert c.find("failure") is None and c.find("error") is None, name
    elif kind == "skip":
        assert c.find("skipped") is not None, name
    elif kind == "failure":
        assert c.find("failure") is not None, name
        assert c.find("failure").get("message"), name
    else:
        e = c.find("error")
        assert e is not None, name
        assert e.get("type") == kind, (name, e.get("type"), kind)
        assert e.get("message"), name
if len(sys.argv) > 3:
    assert len(cases) == int(sys.argv[3]), len(cases)
'
expect 0 "junit pass" "$BIN" run --format junit "$T/p"
cp "$T/out" "$T/p.xml"
py "junit pass parses" "$JUNIT_PY" "$T/p.xml" '{"p.a": "pass", "p.b": "pass"}' 2
py "junit classname is the folder" "
import sys, xml.etree.ElementTree as ET
c = ET.parse(sys.argv[1]).getroot().find('testsuite').find('testcase')
assert c.get('classname') == sys.argv[2], c.get('classname')" "$T/p.xml" p

expect 1 "junit hostile" "$BIN" run --format junit --tag t "$T/h"
cp "$T/out" "$T/h.xml"
py "junit hostile parses" "$JUNIT_PY" "$T/h.xml" \
    '{"h.pass": "pass", "h.fail": "failure", "h.err": "runtime", "h.slow": "timeout", "run": "fail", "h.skip": "skip"}' 7
lacks "junit masks the secret" "$T/h.xml" "AKIA-outputs-77"
contains "junit shows the mask" "$T/h.xml" "key ***"
py "junit load error named by file, reason load" "
import sys, xml.etree.ElementTree as ET
cs = ET.parse(sys.argv[1]).getroot().iter('testcase')
c = [c for c in cs if c.get('name').endswith('5_load.lua')][0]
assert c.find('error').get('type') == 'load'" "$T/h.xml"
# the JUnit messages are the evidence messages, less what XML 1.0 forbids
expect 1 "json of the same run" "$BIN" run --format json --tag t "$T/h"
cp "$T/out" "$T/h.json"
py "junit message equals evidence message" "
import json, os, re, sys, xml.etree.ElementTree as ET
ev = {c['id'] or os.path.basename(c['file']): c['message'] for c in json.load(open(sys.argv[2]))['checks']}
bad = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
n = 0
for c in ET.parse(sys.argv[1]).getroot().iter('testcase'):
    for tag in ('failure', 'error'):
        e = c.find(tag)
        if e is not None and c.get('name') in ev:
            assert e.get('message') == bad.sub('', ev[c.get('name')]), (e.get('message'), ev[c.get('name')])
            n += 1
assert n == 4, n" "$T/h.xml" "$T/h.json"

expect 1 "junit duplicate ids" "$BIN" run --format junit "$T/d"
cp "$T/out" "$T/d.xml"
py "junit duplicate: errors plus a run testcase" "$JUNIT_PY" "$T/d.xml" '{"run": "fail"}' 3
expect 2 "junit zero checks" "$BIN" run --format junit "$T/empty"
cp "$T/out" "$T/z.xml"
py "junit zero checks: one errored testcase" "$JUNIT_PY" "$T/z.xml" '{"run": "error"}' 1
expect 2 "junit missing folder" "$BIN" run --format junit "$T/nope"
cp "$T/out" "$T/n.xml"
py "junit missing folder: errored run testcase" "$JUNIT_PY" "$T/n.xml" '{"run": "error"}' 1
contains "junit missing folder says why" "$T/n.xml" "No such file"
expect 3 "junit paper arm refused" "$BIN" arm --format junit --evidence "$T/arm.json" "$T/p"
cp "$T/out" "$T/r.xml"
py "junit refusal: errored run testcase" "$JUNIT_PY" "$T/r.xml" '{"p.a": "pass", "run": "refused"}' 3
contains "junit refusal reason" "$T/r.xml" "paper mode cannot be armed"

# ---- TAP --------------------------------------------------------------------
TAP_PY='
import json, re, sys, yaml
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[0] == "TAP version 13", lines[0]
m = re.fullmatch(r"1\.\.(\d+)", lines[1])
assert m, lines[1]
plan = int(m.group(1))
tests, i = [], 2
while i < len(lines):
    ln = lines[i]
    t = re.fullmatch(r"(ok|not ok) (\d+) - (.*)", ln)
    if t:
        assert int(t.group(2)) == len(tests) + 1, ln
        block = None
        if i + 1 < len(lines) and lines[i + 1] == "  ---":
            j = i + 2
            body = []
            while lines[j] != "  ...":
                assert lines[j].startswith("  "), repr(lines[j])
                body.append(lines[j][2:])
                j += 1
            block = yaml.safe_load("\n".join(body))
            assert isinstance(block, dict), block
            for k in ("reason", "message", "duration_ms"):
                assert k in block, (k, block)
            assert isinstance(block["duration_ms"], (int, float))
            i = j
        tests.append((t.group(1) == "ok", t.group(3), block))
    else:
        assert ln == "" or ln.startswith("#"), "stray line: %r" % ln
    i += 1
assert len(tests) == plan, (len(tests), plan)
want = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
got = {d.split(" # ")[0]: (okk, b) for okk, d, b in tests}
for name, (w_ok, w_reason) in want.items():
    assert name in got, "no test " + name
    assert got[name][0] == w_ok, name
    assert got[name][1]["reason"] == w_reason, (name, got[name][1]["reason"])
if len(sys.argv) > 3:
    ev = {c["id"] or c["file"]: c["message"] for c in json.load(open(sys.argv[3]))["checks"]}
    n = 0
    for okk, d, b in tests:
        if b.get("id") in ev:
            assert b["message"] == ev[b["id"]], (b["message"], ev[b["id"]])
            n += 1
    assert n >= 4, n
'
expect 0 "tap pass" "$BIN" run --format tap "$T/p"
cp "$T/out" "$T/p.tap"
py "tap pass parses" "$TAP_PY" "$T/p.tap" '{"p.a": [true, null], "p.b": [true, null]}'
expect 1 "tap hostile" "$BIN" run --format tap --tag t "$T/h"
cp "$T/out" "$T/h.tap"
py "tap hostile parses; messages equal the evidence" "$TAP_PY" "$T/h.tap" \
    '{"h.pass": [true, null], "h.fail": [false, null], "h.err": [false, "runtime"], "h.slow": [false, "timeout"], "run": [false, "fail"]}' "$T/h.json"
contains "tap skip directive" "$T/h.tap" "ok 6 - h.skip # SKIP"
lacks "tap masks the secret" "$T/h.tap" "AKIA-outputs-77"
expect 2 "tap zero checks" "$BIN" run --format tap "$T/empty"
cp "$T/out" "$T/z.tap"
py "tap zero checks is not ok" "$TAP_PY" "$T/z.tap" '{"run": [false, "error"]}'
lacks "tap zero checks never plans 1..0" "$T/z.tap" "1..0"
if command -v prove >/dev/null 2>&1; then
    if prove -e cat "$T/p.tap" >"$T/prove.out" 2>&1; then ok; else bad "prove rejects the passing TAP"; cat "$T/prove.out"; fi
    if prove -e cat "$T/h.tap" >"$T/prove.out" 2>&1; then bad "prove accepts the failing TAP"; else ok; fi
    contains "prove reads every test" "$T/prove.out" "Tests=7"
else
    note "prove (perl) absent: TAP checked by the Python reader only"
fi

# ---- metrics ----------------------------------------------------------------
# A strict reader of the Prometheus text format (0.0.4): HELP and TYPE
# before a family's samples, one TYPE per family, names and label names
# by the grammar, label values with only \\ \" \n escapes, no duplicate
# series, finite values, no timestamps, valid UTF-8, ends with a newline.
PROM_PY='
import math, re, sys
raw = open(sys.argv[1], "rb").read()
text = raw.decode("utf-8")
assert text.endswith("\n"), "no final newline"
NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LNAME = r"[a-zA-Z_][a-zA-Z0-9_]*"
LVAL = "\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\""
SAMPLE = re.compile(r"(%s)(\{(?:%s=%s(?:,%s=%s)*)?\})? (\S+)" % (NAME, LNAME, LVAL, LNAME, LVAL))
help_, type_, series, fams = {}, {}, set(), {}
for ln in text.split("\n")[:-1]:
    if ln.startswith("# HELP "):
        n, _, h = ln[7:].partition(" ")
        assert re.fullmatch(NAME, n) and n not in help_, ln
        help_[n] = h
    elif ln.startswith("# TYPE "):
        n, _, t = ln[7:].partition(" ")
        assert re.fullmatch(NAME, n) and n not in type_, ln
        assert t in ("gauge", "counter", "untyped", "summary", "histogram"), ln
        assert n not in fams, "TYPE after samples: " + ln
        type_[n] = t
    else:
        assert not ln.startswith("#") and ln.strip() == ln and ln, repr(ln)
        m = SAMPLE.fullmatch(ln)
        assert m, "bad sample line: %r" % ln
        n = m.group(1)
        assert n in help_ and n in type_, "no HELP/TYPE for " + n
        v = float(m.group(3))
        assert math.isfinite(v), ln
        labels = tuple(sorted(re.findall(r"(%s)=(%s)" % (LNAME, LVAL), m.group(2) or "")))
        assert len(set(k for k, _ in labels)) == len(labels), "repeated label: " + ln
        key = (n, labels)
        assert key not in series, "duplicate series: " + ln
        series.add(key)
        fams[n] = fams.get(n, 0) + 1
want = ["preflight_check_status", "preflight_check_duration_seconds",
        "preflight_run_verdict", "preflight_arming_state",
        "preflight_last_run_timestamp_seconds"]
for n in want:
    assert n in type_ and n in help_, "missing family " + n
'
# METRIC FILE NAME LABELS: print the value of one series
metric() {
    $PY - "$@" <<'PYEOF'
import re, sys
f, name, labels = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
for ln in open(f, encoding="utf-8"):
    if ln.startswith(name + ("{" + labels + "}" if labels else " ")):
        print(ln.rsplit(" ", 1)[1].strip())
        break
else:
    print("absent")
PYEOF
}
promcheck() {
    if command -v promtool >/dev/null 2>&1; then
        if promtool check metrics <"$1" >"$T/promtool.out" 2>&1; then ok; else
            bad "promtool check metrics $1"
            sed 's/^/    /' "$T/promtool.out" | head -20
        fi
    fi
    py "strict text-format reader: $1" "$PROM_PY" "$1"
}
command -v promtool >/dev/null 2>&1 ||
    note "promtool absent (Debian package prometheus): metrics checked by the Python reader only"

mkdir -p "$T/m"
expect 0 "metrics pass" "$BIN" run --metrics "$T/m/p.prom" "$T/p"
promcheck "$T/m/p.prom"
[ "$(metric "$T/m/p.prom" preflight_check_status "id=\"p.a\",file=\"$T/p/a.lua\"")" = 1 ] && ok || bad "metrics: p.a status 1"
[ "$(metric "$T/m/p.prom" preflight_run_verdict)" = 0 ] && ok || bad "metrics: verdict 0"
[ "$(metric "$T/m/p.prom" preflight_arming_state 'state="not-required"')" = 1 ] && ok || bad "metrics: arming not-required"
py "metrics timestamp is now" "
import sys, time
for ln in open(sys.argv[1]):
    if ln.startswith('preflight_last_run_timestamp_seconds '):
        assert abs(float(ln.split()[1]) - time.time()) < 120, ln
        break
else:
    raise SystemExit('no timestamp')" "$T/m/p.prom"
expect 1 "metrics hostile" "$BIN" run --metrics "$T/m/h.prom" --tag t "$T/h"
promcheck "$T/m/h.prom"
[ "$(metric "$T/m/h.prom" preflight_check_status "id=\"h.fail\",file=\"$T/h/2_fail.lua\"")" = 0 ] && ok || bad "metrics: h.fail status 0"
[ "$(metric "$T/m/h.prom" preflight_run_verdict)" = 1 ] && ok || bad "metrics: verdict 1"
lacks "metrics leave skipped checks out" "$T/m/h.prom" 'id="h.skip"'
lacks "metrics mask the secret" "$T/m/h.prom" "AKIA-outputs-77"
if ls "$T/m" | grep -q tmp; then bad "temporary metrics file left"; else ok; fi
# label values that need escaping: a folder named with a quote and a backslash
Q="$T/we\"ird\\dir"
pass_check "$Q/a.lua" q.a
expect 0 "metrics escaping" "$BIN" run --metrics "$T/m/q.prom" "$Q"
promcheck "$T/m/q.prom"
contains "metrics label escaped" "$T/m/q.prom" 'we\"ird\\dir/a.lua"} 1'
expect 1 "metrics duplicate ids" "$BIN" run --metrics "$T/m/d.prom" "$T/d" "$T/d"
promcheck "$T/m/d.prom"
expect 2 "metrics zero checks" "$BIN" run --metrics "$T/m/z.prom" "$T/empty"
promcheck "$T/m/z.prom"
[ "$(metric "$T/m/z.prom" preflight_run_verdict)" = 2 ] && ok || bad "metrics: zero checks verdict 2"
# a run that cannot be prepared still replaces the last run's metrics
cp "$T/m/p.prom" "$T/m/x.prom"
expect 2 "metrics missing folder" "$BIN" run --metrics "$T/m/x.prom" "$T/nope"
[ "$(metric "$T/m/x.prom" preflight_run_verdict)" = 2 ] && ok || bad "metrics: missing folder verdict 2"
ARBITRAGE_ENV=prod expect 3 "metrics refused mode" "$BIN" run --metrics "$T/m/r.prom" "$T/p"
[ "$(metric "$T/m/r.prom" preflight_run_verdict)" = 3 ] && ok || bad "metrics: refused verdict 3"
[ "$(metric "$T/m/r.prom" preflight_arming_state 'state="refused"')" = 1 ] && ok || bad "metrics: arming refused"
promcheck "$T/m/r.prom"
# missing folders above --metrics are made (0750)
expect 0 "metrics into a missing folder" "$BIN" run --metrics "$T/no/such/m.prom" "$T/p"
promcheck "$T/no/such/m.prom"
# a failed metrics write is exit 2 and leaves nothing (a plain file where
# a folder should be: it cannot be made)
printf 'x' >"$T/plainf"
expect 2 "metrics below a plain file" "$BIN" run --metrics "$T/plainf/such/m.prom" "$T/p"
contains "metrics error said" "$T/err" "metrics"
[ -e "$T/plainf/such/m.prom" ] && bad "metrics appeared after a failure" || ok
mkdir -p "$T/m/dir.prom/inner"
expect 2 "metrics onto a folder" "$BIN" run --metrics "$T/m/dir.prom" "$T/p"
[ -d "$T/m/dir.prom/inner" ] && ok || bad "folder clobbered by metrics"
expect 2 "metrics failure with evidence" "$BIN" run --metrics "$T/plainf/m.prom" --evidence "$T/m/ev1.json" --format json "$T/p"
py "evidence records the metrics failure" "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['verdict'] == 'error' and d['exit_code'] == 2, d['verdict']
assert any('metrics write failed' in p for p in d['problems']), d['problems']" "$T/m/ev1.json"
if ls "$T/m" | grep -q tmp; then bad "temporary file left after failures"; else ok; fi

# ---- several outputs at once ------------------------------------------------
expect 1 "junit + evidence + metrics" "$BIN" run --format junit --evidence "$T/m/all.json" --metrics "$T/m/all.prom" --tag t "$T/h"
cp "$T/out" "$T/all.xml"
py "all: junit parses" "$JUNIT_PY" "$T/all.xml"
promcheck "$T/m/all.prom"
py "all: evidence and metrics agree" "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['exit_code'] == 1
v = [l for l in open(sys.argv[2]) if l.startswith('preflight_run_verdict ')][0]
assert int(v.split()[1]) == d['exit_code'], v" "$T/m/all.json" "$T/m/all.prom"
# the evidence fails after the metrics were written: the metrics say error
expect 2 "evidence failure rewrites metrics" "$BIN" run --metrics "$T/m/ev.prom" --evidence "$T/plainf/ev.json" "$T/p"
[ "$(metric "$T/m/ev.prom" preflight_run_verdict)" = 2 ] && ok || bad "metrics kept a pass after the evidence failed"
expect 0 "tap + evidence + metrics" "$BIN" run --format tap --evidence "$T/m/t.json" --metrics "$T/m/t.prom" "$T/p"
cp "$T/out" "$T/t.tap"
py "tap + files: tap parses" "$TAP_PY" "$T/t.tap"
[ -s "$T/m/t.json" ] && [ -s "$T/m/t.prom" ] && ok || bad "tap + files: files missing"

# ---- quiet and verbose ------------------------------------------------------
expect 1 "quiet" "$BIN" run --quiet --evidence "$T/q.json" --tag t "$T/h"
lacks "quiet hides passes" "$T/out" "h.pass"
contains "quiet shows failures" "$T/out" "FAIL   h.fail"
contains "quiet shows errors" "$T/out" "ERROR  h.err"
contains "quiet shows problems" "$T/out" 'manifest id "h.missing" did not run'
lacks "quiet has no summary" "$T/out" "checks:"
lacks "quiet has no evidence line" "$T/out" "evidence:"
contains "quiet shows the verdict" "$T/out" "verdict: fail (exit 1)"
expect 0 "quiet pass" "$BIN" run --quiet "$T/p"
[ "$(cat "$T/out")" = "verdict: pass (exit 0)" ] && ok || bad "quiet pass prints only the verdict"
expect 1 "verbose" "$BIN" run --verbose --metrics "$T/v.prom" --tag t "$T/h"
contains "verbose title" "$T/out" "title:   passes <b>&amp;</b>"
contains "verbose file and hash" "$T/out" "file:    $T/h/1_pass.lua  sha256 "
contains "verbose details" "$T/out" "detail:  n = 3"
contains "verbose reason" "$T/out" "reason:  timeout"
contains "verbose not selected" "$T/out" "-      h.skip"
contains "verbose metrics line" "$T/out" "metrics: $T/v.prom"
lacks "verbose masks the secret" "$T/out" "AKIA-outputs-77"
expect 2 "quiet and verbose" "$BIN" run --quiet --verbose "$T/p"
expect 2 "quiet takes no value" "$BIN" run --quiet=yes "$T/p"
expect 2 "kill refuses --quiet" "$BIN" kill --reason x --quiet
expect 2 "bad format" "$BIN" run --format xml "$T/p"
contains "format hint lists all" "$T/err" "text, json, junit or tap"

# ---- skips: every format tells the same story (DESIGN 8.1, issue 11) ---------
# One pack with a pass, an optional skip, a required skip (its id is in the
# manifest) and a check left out by --tag. JSON, JUnit, TAP, metrics and
# text must agree on each check and on the counts; the required skip fails
# the run everywhere and is never shown as a mere skip.
mk "$T/s/a.lua" <<'EOF'
return { id = "s.pass", title = "passes", tags = { "t" },
  run = function() return preflight.pass("fine") end }
EOF
mk "$T/s/o.lua" <<'EOF'
return { id = "s.optional", title = "optional skip", tags = { "t" },
  run = function() return preflight.skip("feature off", { why = "off" }) end }
EOF
mk "$T/s/r.lua" <<'EOF'
return { id = "s.required", title = "required skip", tags = { "t" },
  run = function() return preflight.skip("upbit is not in EXCHANGES") end }
EOF
mk "$T/s/n.lua" <<'EOF'
return { id = "s.notsel", title = "left out", tags = { "other" },
  run = function() return preflight.pass("never runs") end }
EOF
printf 's.pass\ns.required\n' >"$T/s/manifest"
expect 1 "skips: json" "$BIN" run --format json --tag t "$T/s"
cp "$T/out" "$T/s.json"
expect 1 "skips: junit" "$BIN" run --format junit --tag t "$T/s"
cp "$T/out" "$T/s.xml"
expect 1 "skips: tap" "$BIN" run --format tap --tag t "$T/s"
cp "$T/out" "$T/s.tap"
expect 1 "skips: text and metrics" "$BIN" run --metrics "$T/m/s.prom" --tag t "$T/s"
cp "$T/out" "$T/s.txt"
promcheck "$T/m/s.prom"
py "skips: JSON, JUnit, TAP, metrics and text agree" '
import json, re, sys, xml.etree.ElementTree as ET
d = json.load(open(sys.argv[1]))
st = {c["id"]: (c["status"], c["reason"]) for c in d["checks"]}
assert st == {"s.pass": ("pass", None), "s.optional": ("skip", None),
              "s.required": ("skip", "required"),
              "s.notsel": ("not-selected", None)}, st
msg = {c["id"]: c["message"] for c in d["checks"]}
assert msg["s.required"] == "required check skipped: upbit is not in EXCHANGES", msg
assert msg["s.optional"] == "feature off", msg
sm = d["summary"]
assert sm == {"total": 3, "passed": 1, "failed": 0, "errored": 0, "skipped": 2,
              "not_selected": 1}, sm
assert d["verdict"] == "fail" and d["exit_code"] == 1, d["verdict"]
assert "required check \"s.required\" skipped" in d["problems"], d["problems"]
# JUnit: a required skip is a failure, the others are <skipped/>
s = ET.parse(sys.argv[2]).getroot().find("testsuite")
cases = {c.get("name"): c for c in s.findall("testcase")}
assert cases["s.optional"].find("skipped") is not None
assert cases["s.notsel"].find("skipped") is not None
f = cases["s.required"].find("failure")
assert f is not None and cases["s.required"].find("skipped") is None
assert f.get("type") == "required-skip" and f.get("message") == msg["s.required"]
assert cases["s.pass"].find("failure") is None and cases["s.pass"].find("skipped") is None
required = sum(1 for v in st.values() if v == ("skip", "required"))
assert int(s.get("skipped")) == sm["skipped"] - required + sm["not_selected"], s.attrib
assert int(s.get("failures")) == sm["failed"] + required, s.attrib
assert "run" in cases  # the problem is shown too
# TAP: ok / not ok / # SKIP per check
tap = open(sys.argv[3]).read()
assert re.search(r"^ok \d+ - s\.pass$", tap, re.M)
assert re.search(r"^ok \d+ - s\.optional # SKIP feature off$", tap, re.M), tap
assert re.search(r"^not ok \d+ - s\.required$", tap, re.M), tap
assert re.search(r"^ok \d+ - s\.notsel # SKIP not selected by --tag$", tap, re.M), tap
assert "# 3 checks: 1 passed, 0 failed, 0 errored, 2 skipped, 1 not selected\n" in tap
assert "# verdict: fail (exit 1)" in tap
# metrics: counts are the summary counts, per check skipped 1 / 2
prom = open(sys.argv[4]).read()
def m(series):
    x = re.search("^" + re.escape(series) + r" (\S+)$", prom, re.M)
    assert x, series
    return float(x.group(1))
for k, name in (("passed", "pass"), ("failed", "fail"), ("errored", "error"),
                ("skipped", "skip"), ("not_selected", "not-selected")):
    assert m("preflight_run_checks{status=\"%s\"}" % name) == sm[k], (k, name)
skipped = {re.search(r"id=\"([^\"]*)\"", ln).group(1): float(ln.split()[-1])
           for ln in prom.splitlines() if ln.startswith("preflight_check_skipped{")}
assert skipped == {"s.pass": 0, "s.optional": 1, "s.required": 2}, skipped
assert m("preflight_run_verdict") == 1
# text: a SKIP line for each skip, the summary with the same counts
txt = open(sys.argv[5]).read()
assert re.search(r"^SKIP   s\.optional .* feature off$", txt, re.M), txt
assert re.search(r"^SKIP   s\.required .* required check skipped: upbit", txt, re.M), txt
assert "s.notsel" not in txt
assert "\n3 checks: 1 passed, 0 failed, 0 errored, 2 skipped, 1 not selected (" in txt, txt
assert "problem: required check \"s.required\" skipped" in txt
assert "verdict: fail (exit 1)" in txt
' "$T/s.json" "$T/s.xml" "$T/s.tap" "$T/m/s.prom" "$T/s.txt"
# without the required skip, a pass and an optional skip pass the run
printf 's.pass\n' >"$T/s/manifest"
expect 0 "skips: an optional skip does not fail the run" "$BIN" run --tag t "$T/s"
contains "skips: optional skip line" "$T/out" "SKIP   s.optional"
# only skips: no check passed, so the run does not pass
rm "$T/s/manifest" "$T/s/a.lua"
expect 1 "skips: only skips is not a pass" "$BIN" run --format json --tag t "$T/s"
cp "$T/out" "$T/s2.json"
py "skips: only skips names why" "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['verdict'] == 'fail' and d['summary']['passed'] == 0, d['summary']
assert any(p.startswith('no check passed') for p in d['problems']), d['problems']" "$T/s2.json"

# ---- the terminal -----------------------------------------------------------
mk "$T/slow/a.lua" <<'EOF'
return { id = "slow.a", title = "slow", run = function()
  local t = preflight.clock.monotonic_ms()
  while preflight.clock.monotonic_ms() - t < 1500 do end
  return preflight.pass("done") end }
EOF
pass_check "$T/slow/b.lua" slow.b
if command -v script >/dev/null 2>&1; then
    TERM=xterm script -qec "'$BIN' run '$T/slow'" /dev/null >"$T/tty.out" 2>&1
    [ $? -eq 0 ] && ok || bad "run under a TTY"
    contains "tty: progress line" "$T/tty.out" "1/2 checks done, waiting for slow.a"
    contains "tty: progress erases its line" "$T/tty.out" "$(printf '\r\033[K')"
    contains "tty: colour" "$T/tty.out" "$(printf '\033[32m')"
    contains "tty: symbols" "$T/tty.out" "✔ PASS"
    NO_COLOR=1 TERM=xterm script -qec "'$BIN' run '$T/slow'" /dev/null >"$T/tty2.out" 2>&1
    lacks "NO_COLOR: no colour" "$T/tty2.out" "$(printf '\033[3')"
    lacks "NO_COLOR: no symbols" "$T/tty2.out" "✔"
    contains "NO_COLOR: still a progress line" "$T/tty2.out" "checks done"
    TERM=xterm script -qec "'$BIN' run --quiet '$T/slow'" /dev/null >"$T/tty3.out" 2>&1
    lacks "quiet: no progress line" "$T/tty3.out" "checks done"
    TERM=dumb script -qec "'$BIN' run '$T/slow'" /dev/null >"$T/tty4.out" 2>&1
    lacks "TERM=dumb: no progress line" "$T/tty4.out" "checks done"
    TERM=xterm script -qec "'$BIN' run '$T/p'" /dev/null >"$T/tty5.out" 2>&1
    # the line appears after 1 s: only a run that was fast can show none
    # (a busy machine may make even this run slow)
    if grep -qE '\((0|[1-8][0-9]?[0-9]?) ms,' "$T/tty5.out"; then
        lacks "fast run: no progress line" "$T/tty5.out" "checks done"
    else
        note "the small run took over 900 ms: progress line not asserted"
    fi
else
    note "script (util-linux) absent: TTY output not tested here"
fi
"$BIN" run "$T/slow" >"$T/pipe.out" 2>"$T/pipe.err"
lacks "piped: no progress line" "$T/pipe.err" "checks done"
lacks "piped: no carriage return" "$T/pipe.out" "$(printf '\r')"
lacks "piped: no escape" "$T/pipe.out" "$(printf '\033')"
py "text columns line up" "
import sys
rows = [l for l in open(sys.argv[1]) if l.startswith(('PASS', 'FAIL', 'ERROR'))]
ends = {l.index(' ms ') for l in rows}
assert len(rows) == 2 and len(ends) == 1, rows" "$T/pipe.out"

# ---- help, the man page, CLI.md ---------------------------------------------
for c in run list arm exec kill version help; do
    expect 0 "help $c" "$BIN" help "$c"
    contains "help $c usage line" "$T/out" "usage: preflight $c"
done
"$BIN" help run >"$T/h1"
"$BIN" run --help >"$T/h2"
cmp -s "$T/h1" "$T/h2" && ok || bad "run --help differs from help run"
expect 0 "help kill via --help" "$BIN" kill --help
contains "kill help names --reason" "$T/out" "--reason TEXT"
expect 2 "help of no command" "$BIN" help frobnicate
expect 2 "help with two words" "$BIN" help run list
expect 0 "help overview" "$BIN" help
cp "$T/out" "$T/help.txt"
contains "overview points at help COMMAND" "$T/help.txt" "preflight help COMMAND"
MAN="$SRC/docs/preflight.1"
for opt in $(grep -o -- '--[a-z][a-z-]*' "$T/help.txt" | sort -u); do
    roff=$(printf '%s' "$opt" | sed 's/-/\\-/g')
    grep -qF -- "$roff" "$MAN" && ok || bad "man page lacks $opt"
    grep -qF -- "\`$opt" "$SRC/docs/CLI.md" && ok || bad "docs/CLI.md lacks $opt"
done
for word in ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR PREFLIGHT_EVIDENCE \
    'preflight run' 'preflight list' 'preflight arm' 'preflight exec' 'preflight kill' \
    'preflight version' 'preflight help' \
    '.SH EXIT STATUS' '.SH ENVIRONMENT' '.SH OPTIONS'; do
    contains "man page: $word" "$MAN" "$word"
done
py "man page lists exit codes 0-3" "
import re, sys
s = open(sys.argv[1]).read().split('.SH EXIT STATUS')[1].split('.SH')[0]
assert re.findall(r'^\.B ([0-9])$', s, re.M) == ['0', '1', '2', '3'], s" "$MAN"
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$MAN" >"$T/groff.out" 2>&1
    [ $? -eq 0 ] && [ ! -s "$T/groff.out" ] && ok || { bad "groff warns about the man page"; cat "$T/groff.out"; }
fi
if command -v man >/dev/null 2>&1; then
    MANWIDTH=80 man -l "$MAN" >"$T/man.txt" 2>"$T/man.err"
    [ $? -eq 0 ] && ok || bad "man -l fails"
    contains "man renders" "$T/man.txt" "preflight - fail-closed readiness checks"
fi

# ---- install from a prefix --------------------------------------------------
# A build configured for an install prefix finds the installed Lua library
# at its compiled-in PF_INSTALL_LIBDIR, from a project with no lib/.
if "$CMAKE" -S "$SRC" -B "$T/bx" -DCMAKE_INSTALL_PREFIX="$T/pfx" \
        -DCMAKE_BUILD_TYPE=Release >"$T/bx.log" 2>&1 &&
    "$CMAKE" --build "$T/bx" --target preflight -j2 >>"$T/bx.log" 2>&1 &&
    "$CMAKE" --install "$T/bx" >>"$T/bx.log" 2>&1; then
    ok
    [ -x "$T/pfx/bin/preflight" ] && ok || bad "install: no bin/preflight"
    [ -f "$T/pfx/share/man/man1/preflight.1.gz" ] && ok || bad "install: no man page"
    "$T/pfx/bin/preflight" completion bash >"$T/comp.want"
    cmp -s "$T/comp.want" "$T/pfx/share/bash-completion/completions/preflight" && ok ||
        bad "install: no bash completion, or not the binary's"
    ls "$T/pfx/share/preflight/lib/"*.lua >/dev/null 2>&1 && ok || bad "install: no Lua library"
    printf 'local M = {}\nfunction M.word() return "installed" end\nreturn M\n' \
        >"$T/pfx/share/preflight/lib/pf_outputs_probe.lua"
    mkdir -p "$T/proj"
    mk "$T/proj/checks/a.lua" <<'EOF'
local probe = require("pf_outputs_probe")
return { id = "proj.a", title = "requires an installed module",
  run = function() return preflight.pass(probe.word()) end }
EOF
    (cd "$T/proj" && "$T/pfx/bin/preflight" run) >"$T/out" 2>&1
    [ $? -eq 0 ] && ok || { bad "installed binary cannot require from its lib"; cat "$T/out"; }
    contains "installed module answered" "$T/out" "installed"
    (cd "$T/proj" && MANPATH="$T/pfx/share/man" man -w preflight) >"$T/out" 2>&1
    contains "man finds the installed page" "$T/out" "$T/pfx/share/man/man1/preflight.1"
else
    bad "configure, build and install into a prefix"
    tail -20 "$T/bx.log"
fi

# ---- the .deb ---------------------------------------------------------------
if [ -f "$BUILD/CPackConfig.cmake" ] && command -v dpkg-deb >/dev/null 2>&1; then
    if "$CPACK" -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1; then ok; else
        bad "cpack -G DEB"
        tail -20 "$T/cpack.log"
    fi
    DEB=$(ls "$T/pkg/"*.deb 2>/dev/null | head -1)
    if [ -n "$DEB" ]; then
        ok
        dpkg-deb -f "$DEB" Package Version Depends >"$T/deb.fields"
        contains "deb: package name" "$T/deb.fields" "Package: preflight"
        for dep in liblua5.4-0 lua-cjson libcurl4 libhiredis0.14 libpq5 libc6; do
            contains "deb depends on $dep" "$T/deb.fields" "$dep"
        done
        dpkg-deb -c "$DEB" >"$T/deb.list"
        contains "deb has the binary" "$T/deb.list" "/bin/preflight"
        contains "deb has the man page" "$T/deb.list" "/share/man/man1/preflight.1"
        contains "deb has the completion" "$T/deb.list" "/share/bash-completion/completions/preflight"
        contains "deb has the Lua library" "$T/deb.list" "/share/preflight/lib/"
        dpkg -x "$DEB" "$T/root"
        PBIN=$(find "$T/root" -path '*/bin/preflight' -type f | head -1)
        PLIB=$(find "$T/root" -path '*/share/preflight/lib' -type d | head -1)
        if [ -n "$PBIN" ] && [ -n "$PLIB" ]; then
            ok
            # the compiled-in library path is outside the temporary root:
            # name the unpacked one with --lib
            cp "$T/pfx/share/preflight/lib/pf_outputs_probe.lua" "$PLIB/" 2>/dev/null ||
                printf 'local M = {}\nfunction M.word() return "installed" end\nreturn M\n' >"$PLIB/pf_outputs_probe.lua"
            pass_check "$T/deb/checks/a.lua" deb.a
            cp "$T/proj/checks/a.lua" "$T/deb/checks/b.lua"
            sed -i 's/proj.a/deb.b/' "$T/deb/checks/b.lua"
            (cd "$T/deb" && "$PBIN" run --lib "$PLIB") >"$T/out" 2>&1
            [ $? -eq 0 ] && ok || { bad "unpacked binary: run"; cat "$T/out"; }
            (cd "$T/deb" && "$PBIN" list --lib "$PLIB") >"$T/out" 2>&1
            [ $? -eq 0 ] && ok || { bad "unpacked binary: list"; cat "$T/out"; }
            contains "unpacked list shows the ids" "$T/out" "deb.b"
            "$PBIN" version >"$T/out" 2>&1
            contains "unpacked version" "$T/out" "preflight 0."
        else
            bad "deb: no bin/preflight or share/preflight/lib after dpkg -x"
        fi
    else
        bad "cpack made no .deb"
    fi
else
    note "no CPackConfig.cmake in $BUILD or no dpkg-deb: .deb not tested"
fi

# ---- examples ---------------------------------------------------------------
EX="$SRC/examples"
# systemd: the unit parses as INI with the keys it needs, systemd-analyze
# verify finds nothing to say, and its ExecStart runs with the real binary
UNIT="$EX/systemd/arbitrage-bot.service"
py "systemd unit: INI with the required keys" "
import configparser, shlex, sys
cp = configparser.ConfigParser(strict=False, interpolation=None)
cp.optionxform = str
cp.read(sys.argv[1])
assert cp['Unit']['Description']
s = cp['Service']
argv = shlex.split(s['ExecStart'])
assert argv[0].endswith('/preflight') and argv[1] == 'exec', argv
assert '--' in argv and argv.index('--') < len(argv) - 1, argv
assert set(s['RestartPreventExitStatus'].split()) >= {'1', '2', '3'}
assert s.get('Restart', 'no') == 'no', 'a LIVE bot is never restarted without a new approval'
assert '--kill-switch' not in argv, 'live takes the kill switch from the policy'
# the guard (DESIGN 8.8): the exec is guarded in paper too; systemd sends
# SIGTERM to preflight only (it forwards and stops the rest itself), and
# waits longer than any stop_grace_ms (at most 60000 ms) before SIGKILL
assert '--guard' in argv[:argv.index('--')], 'ExecStart is the guarded exec'
assert s.get('KillMode') == 'mixed', 'KillMode=mixed: SIGTERM to preflight, SIGKILL to the rest'
tss = s['TimeoutStopSec']
assert tss.isdigit() and int(tss) * 1000 > 60000, 'TimeoutStopSec above the largest stop_grace_ms'
assert s.get('Type', 'simple') != 'notify' or s.get('NotifyAccess') == 'all', \
    'a Type=notify bot is preflight\'s child: NotifyAccess=all'
assert s['User'] and s['WorkingDirectory']
assert cp['Install']['WantedBy']" "$UNIT"
mkdir -p "$T/ex/srv/checks" "$T/ex/srv/evidence" "$T/ex/state" "$T/ex/tc"
pass_check "$T/ex/srv/checks/a.lua" ex.a
printf 'ex.a\n' >"$T/ex/srv/checks/manifest"
printf 'kill_switch = %s\n' "$T/ex/state/KILL_SWITCH" >"$T/ex/srv/checks/policy"
sed -e "s#/usr/bin/preflight#$BIN#" \
    -e "s#/srv/arbitrage/bin/arbitrage-bot#/bin/touch $T/ex/started#" \
    -e "s#/var/lib/prometheus/node-exporter#$T/ex/tc#g" \
    -e "s#/run/arbitrage#$T/ex/run#g" \
    -e "s#/var/lib/arbitrage#$T/ex/state#g" \
    -e "s#/srv/arbitrage#$T/ex/srv#g" \
    -e "s#/etc/arbitrage/bot.env#$T/ex/bot.env#" "$UNIT" >"$T/ex/arbitrage-bot.service"
: >"$T/ex/bot.env"
if command -v systemd-analyze >/dev/null 2>&1; then
    mkdir -p "$T/man/man1"
    cp "$MAN" "$T/man/man1/"
    MANPATH="$T/man" systemd-analyze verify "$T/ex/arbitrage-bot.service" >"$T/verify.out" 2>&1
    rc=$?
    [ $rc -eq 0 ] && [ ! -s "$T/verify.out" ] && ok ||
        { bad "systemd-analyze verify (exit $rc)"; cat "$T/verify.out"; }
else
    note "systemd-analyze absent: the unit is checked as INI only"
fi
EXEC=$($PY -c "
import configparser, sys
cp = configparser.ConfigParser(strict=False, interpolation=None)
cp.read(sys.argv[1])
print(cp['Service']['ExecStart'])" "$T/ex/arbitrage-bot.service")
(cd "$T/ex/srv" && eval "$EXEC") >"$T/out" 2>&1
[ $? -eq 0 ] && ok || { bad "systemd ExecStart does not run"; cat "$T/out"; }
[ -e "$T/ex/started" ] && ok || bad "systemd ExecStart did not start the bot"
ls "$T/ex/srv/evidence/"*-exec.json >/dev/null 2>&1 && ok || bad "systemd ExecStart wrote no evidence"
[ -s "$T/ex/tc/arbitrage-preflight.prom" ] && ok || bad "systemd ExecStart wrote no metrics"
grep -q '^preflight_run_verdict{run="exec"} 0$' "$T/ex/tc/arbitrage-preflight.prom" && ok ||
    bad "systemd ExecStart: metrics without the run=exec label"
grep -q '^preflight_guard_stopped{run="exec"} 1$' "$T/ex/tc/arbitrage-preflight.prom" && ok ||
    bad "systemd ExecStart: no guard metrics (not guarded?)"
ls "$T/ex/srv/evidence/"*-exec-stop.json >/dev/null 2>&1 && ok ||
    bad "systemd ExecStart wrote no stop document (not guarded?)"
rm -f "$T/ex/started"
"$BIN" kill --reason "test" --kill-switch "$T/ex/state/KILL_SWITCH" >/dev/null
(cd "$T/ex/srv" && eval "$EXEC") >"$T/out" 2>&1
[ $? -eq 3 ] && ok || bad "systemd ExecStart with the kill switch engaged: want 3"
[ -e "$T/ex/started" ] && bad "bot started with the kill switch engaged" || ok
rm -f "$T/ex/state/KILL_SWITCH"

# Kubernetes: the Pod's structure, then its init container and the bot
# container's guarded exec, with the Pod's environment, against a
# live-ready pack with a required guard check; COMMAND is the bot's own
# start (examples/verify/bot-start.sh), which verifies the signed evidence
POD="$EX/k8s/pod.yaml"
py "k8s pod structure" "
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d['apiVersion'] == 'v1' and d['kind'] == 'Pod'
sp = d['spec']
assert sp['restartPolicy'] == 'Never'
# above the largest stop_grace_ms (60000 ms): the guard stops the bot first
assert int(sp['terminationGracePeriodSeconds']) > 60, sp.get('terminationGracePeriodSeconds')
bot = sp['containers']
assert len(bot) == 1 and bot[0]['name'] == 'bot'
cmd = bot[0].get('command', []) + bot[0].get('args', [])
assert cmd[0].endswith('preflight') and cmd[1] == 'exec', 'the bot container runs the guarded preflight exec: %r' % cmd
assert '--' in cmd and cmd[cmd.index('--') + 1].endswith('/bot-start.sh'), 'COMMAND is the bot start that verifies: %r' % cmd
assert '--sign-key' in cmd[:cmd.index('--')], cmd
env = {e['name']: e.get('value') for e in bot[0]['env']}
assert env['ARBITRAGE_ENV'] == 'live' and env['LIVE_ARM_ACK'] == 'I_UNDERSTAND_LIVE_RISK'
assert 'LIVE_ARM_AT' in env and 'LIVE_MAX_NOTIONAL_USD' in env and 'LIVE_APPROVALS' in env
for c in sp.get('initContainers', []):
    assert not c['command'][0].endswith('preflight'), 'an init container must not use the approval'
vols = {v['name'] for v in sp['volumes']}
assert {m['name'] for m in bot[0]['volumeMounts']} <= vols" "$POD"
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# the pack as a deployment has it: policy on the state volume, an
# approver, a lock, a required guard check; the approval is made for the
# Pod's cap and host id; the evidence key as the Secret holds it
pass_check "$T/ex/srv/checks/a.lua" ex.a guard
live_pack "$T/ex/srv/checks" "$(printf 'kill_switch = %s\naudit = %s\nguard_interval_s = 1' \
    "$T/ex/state/KILL_SWITCH" "$T/ex/state/audit.jsonl")" || bad "k8s pack"
mkdir -p "$T/ex/secret" "$T/ex/pub" "$T/ex/key" "$T/ex/bin"
"$BIN" keygen --out "$T/ex/secret/evidence.key" --name host-evidence >"$T/ex/pub/evidence.pub" 2>/dev/null ||
    bad "k8s evidence key"
chmod 0440 "$T/ex/secret/evidence.key" # as the Secret volume under fsGroup
ln -s "$BIN" "$T/ex/bin/preflight"     # bot-start.sh runs preflight verify
printf '#!/bin/sh\ntouch %s/ex/started\n' "$T" >"$T/ex/arbitrage-bot"
chmod +x "$T/ex/arbitrage-bot"
rm -f "$T/ex/started"
TOKEN=$(PREFLIGHT_HOST_ID=arbitrage-bot approval "$T/ex/srv/checks" 250)
$PY - "$POD" "$T/ex" "$BIN" "$NOW" "$TOKEN" "$SRC" >"$T/ex/pod.sh" <<'PYEOF'
import shlex, sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
root, binary, now, token, src = sys.argv[2:7]
def sub(s):
    return (s.replace('/var/lib/arbitrage', root + '/state')
             .replace('/srv/arbitrage/bin/bot-start.sh', src + '/examples/verify/bot-start.sh')
             .replace('/srv/arbitrage/bin/arbitrage-bot', root + '/arbitrage-bot')
             .replace('/srv/arbitrage', root + '/srv')
             .replace('/run/preflight-key', root + '/key')
             .replace('/etc/preflight-secret', root + '/secret')
             .replace('/etc/preflight', root + '/pub')
             .replace('__ARM_AT__', now).replace('__APPROVALS__', token))
for c in d['spec'].get('initContainers', []):
    print(' '.join(map(shlex.quote, map(sub, c['command'] + c.get('args', [])))) + ' || exit 70')
bot = d['spec']['containers'][0]
# a volume mounted with a subPath: a symlink to that folder of the volume
for m in bot['volumeMounts']:
    if m.get('subPath'):
        s = sub('/var/lib/arbitrage') + '/' + m['subPath']
        t = sub(m['mountPath'])
        print('mkdir -p %s && rm -rf %s && ln -s %s %s' % tuple(map(shlex.quote, (s, t, s, t))))
cmd = [binary] + [sub(a) for a in (bot['command'] + bot.get('args', []))[1:]]
env = ' '.join('%s=%s' % (e['name'], shlex.quote(sub(e['value']))) for e in bot['env'])
print('cd %s && PATH=%s:$PATH env %s %s' % (shlex.quote(sub(bot['workingDir'])),
      shlex.quote(root + '/bin'), env, ' '.join(map(shlex.quote, cmd))))
PYEOF
sh "$T/ex/pod.sh" >"$T/out" 2>"$T/err"
[ $? -eq 0 ] && ok || { bad "k8s bot container: want the bot's status 0"; cat "$T/out" "$T/err"; }
[ "$(stat -c %a "$T/ex/key/evidence.key" 2>/dev/null)" = 400 ] && ok || bad "k8s init container: key not copied 0400"
[ -e "$T/ex/started" ] && ok || { bad "k8s: the bot did not start (bot-start.sh refused?)"; cat "$T/err"; }
ls "$T/ex/state/evidence/"*-exec.json >/dev/null 2>&1 && ok || bad "k8s exec kept no evidence on the volume"
py "k8s exec: armed start document, guarded stop document" "
import glob, json, sys
st = glob.glob(sys.argv[1] + '/*-exec.json')
assert len(st) == 1, st
d = json.load(open(st[0]))
assert d['arming']['state'] == 'armed' and d['started'] is True and d['guard']['checks'] == ['ex.a'], d['arming']
s = json.load(open(st[0][:-5] + '-stop.json'))
assert s['guard']['stop']['by'] == 'command-exited' and s['exit_code'] == 0, s['guard']" "$T/ex/state/evidence"
grep -q '"command":"guard-stop"' "$T/ex/state/audit.jsonl" && ok || bad "k8s: no guard-stop line in the audit log"
rm -f "$T/ex/started"
sed "s/LIVE_ARM_AT=[^ ]*Z /LIVE_ARM_AT=2020-01-01T00:00:00Z /" "$T/ex/pod.sh" >"$T/ex/pod_stale.sh"
sh "$T/ex/pod_stale.sh" >"$T/out" 2>&1
[ $? -eq 3 ] && ok || bad "k8s bot container with a stale arm time: want 3"
[ -e "$T/ex/started" ] && bad "k8s: the bot started with a stale arm time" || ok

# Prometheus: the guard's alert rules load (promtool check rules), are the
# RUNBOOK's, and fire on the metrics a real guarded exec wrote: a guard
# check failing in its cycle stops the bot (PreflightGuardStopped,
# PreflightGuardCheckNotPassing); the same series with the bot running and
# no cycle for 15 minutes (PreflightGuardCyclesStalled,
# PreflightGuardCheckNoRecentPass)
RULES="$EX/prometheus/preflight-guard.rules.yml"
py "the RUNBOOK shows the example's alert rules" "
import sys
rules = open(sys.argv[1]).read()
doc = open(sys.argv[2]).read()
body = rules[rules.index('groups:'):]
assert '\`\`\`yaml\n' + body + '\`\`\`' in doc, 'docs/RUNBOOK.md does not hold the rules of ' + sys.argv[1]" \
    "$RULES" "$SRC/docs/RUNBOOK.md"
if command -v promtool >/dev/null 2>&1; then
    promtool check rules "$RULES" >"$T/promtool.out" 2>&1 && ok ||
        { bad "promtool check rules $RULES"; sed 's/^/    /' "$T/promtool.out"; }
    mkdir -p "$T/pr/checks"
    cat >"$T/pr/checks/g.lua" <<'LUA'
return { id = "pr.g", title = "fails in guard cycles", tags = { "guard" },
  run = function(ctx)
    if ctx.phase == "guard" then return preflight.fail("down") end
    return preflight.pass("up")
  end }
LUA
    printf 'pr.g\n' >"$T/pr/checks/manifest"
    printf 'guard_interval_s = 1\nstop_grace_ms = 100\n' >"$T/pr/checks/policy"
    (cd "$T/pr" && "$BIN" exec --guard --quiet --metrics "$T/pr/m.prom" --metrics-label run=exec \
        --evidence "$T/pr/ev.json" checks -- sleep 120) >"$T/out" 2>&1
    [ $? -eq 3 ] && ok || { bad "prometheus: the guard did not stop the bot"; cat "$T/out"; }
    $PY - "$T/pr/m.prom" "$RULES" >"$T/pr/test.yml" <<'PYEOF'
import re, sys
series = {}
for line in open(sys.argv[1]):
    if line.startswith('#') or not line.strip():
        continue
    name, value = line.rsplit(' ', 1)
    if not name.startswith('preflight_guard_'):
        continue
    m = re.match(r'([a-z_]+)(?:\{(.*)\})?$', name)
    labels = 'instance="bot-1",job="node"' + (',' + m.group(2) if m.group(2) else '')
    series[m.group(1) + '{' + labels + '}'] = float(value)
def inp(over):
    out = []
    for k, v in series.items():
        v = over(k, v)
        out.append('      - series: %s\n        values: "%s+0x15"' % (repr(k), repr(v)))
    return '\n'.join(out)
s = lambda k, v: v
assert series['preflight_guard_stopped{instance="bot-1",job="node",run="exec"}'] == 1
assert series['preflight_guard_check_failures_in_a_row{instance="bot-1",job="node",run="exec",id="pr.g"}'] == 1
running = lambda k, v: 0.0 if k.startswith('preflight_guard_stopped') else v
print('''rule_files:
  - %s
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
%s
    alert_rule_test:
      - eval_time: 10m
        alertname: PreflightGuardStopped
        exp_alerts:
          - exp_labels: {severity: page, instance: bot-1, job: node, run: exec}
            exp_annotations:
              summary: "the bot on bot-1 has ended: read EVIDENCE-stop.json and the guard-stop audit line"
      - eval_time: 10m
        alertname: PreflightGuardCheckNotPassing
        exp_alerts:
          - exp_labels: {severity: warning, instance: bot-1, job: node, run: exec, id: pr.g}
            exp_annotations:
              summary: "guard check pr.g on bot-1 did not pass 1 cycle(s) in a row"
      - eval_time: 10m
        alertname: PreflightGuardCyclesStalled
      - eval_time: 10m
        alertname: PreflightGuardCheckNoRecentPass
  - interval: 1m
    input_series:
%s
    alert_rule_test:
      - eval_time: 15m
        alertname: PreflightGuardStopped
      - eval_time: 15m
        alertname: PreflightGuardCyclesStalled
        exp_alerts:
          - exp_labels: {severity: page, instance: bot-1, job: node, run: exec}
            exp_annotations:
              summary: "no guard cycle on bot-1 for 10 minutes: check preflight and the bot, engage the kill switch if in doubt"
      - eval_time: 15m
        alertname: PreflightGuardCheckNoRecentPass
        exp_alerts:
          - exp_labels: {severity: page, instance: bot-1, job: node, run: exec, id: pr.g}
            exp_annotations:
              summary: "guard check pr.g on bot-1 has not passed for 10 minutes"
''' % (sys.argv[2], inp(s), inp(running)))
PYEOF
    promtool test rules "$T/pr/test.yml" >"$T/promtool.out" 2>&1 && ok ||
        { bad "promtool test rules: the guard's alerts on a guarded exec's metrics"; sed 's/^/    /' "$T/promtool.out" | head -40; }
else
    note "promtool absent: the guard's alert rules not tested"
fi

# CI: the job keeps the evidence whatever happens, and its run step works
CI="$EX/ci/github-actions.yml"
py "ci job structure" "
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
on = d.get('on', d.get(True))
assert 'push' in on and 'pull_request' in on, on
steps = d['jobs']['preflight']['steps']
runs = [s for s in steps if 'preflight run' in s.get('run', '')]
assert len(runs) == 1, runs
r = runs[0]['run']
assert '--format junit' in r and '--evidence' in r and '> ' in r, r
up = [s for s in steps if s.get('uses', '').startswith('actions/upload-artifact')]
assert len(up) == 1 and up[0].get('if') == 'always()', up
ev = r.split('--evidence ')[1].split()[0]
assert ev in up[0]['with']['path'], (ev, up[0]['with']['path'])
rep = [s for s in steps if 'report_paths' in s.get('with', {})]
assert rep and rep[0].get('if') == 'always()'
xml = r.rsplit('> ', 1)[1].strip()
assert xml in rep[0]['with']['report_paths'], (xml, rep)" "$CI"
mkdir -p "$T/ci/build" "$T/ci/examples"
ln -s "$BIN" "$T/ci/build/preflight"
cp "$EX/paper.env" "$T/ci/examples/" # the step loads the settings file
pass_check "$T/ci/checks/a.lua" ci.a
fail_check "$T/ci/checks/b.lua" ci.b
$PY -c "
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
print([s for s in d['jobs']['preflight']['steps'] if 'preflight run' in s.get('run', '')][0]['run'])" "$CI" >"$T/ci/step.sh"
(cd "$T/ci" && ARBITRAGE_ENV=paper sh -e step.sh) >"$T/out" 2>&1
[ $? -eq 1 ] && ok || { bad "ci step: a failing check must fail the step with exit 1"; cat "$T/out"; }
py "ci step: junit report and evidence" "
import json, sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1] + '/reports/preflight-junit.xml').getroot().find('testsuite')
assert s.get('tests') == '2' and s.get('failures') == '1', s.attrib
d = json.load(open(sys.argv[1] + '/evidence/ci-preflight.json'))
assert d['verdict'] == 'fail'" "$T/ci"
[ -s "$T/ci/reports/preflight.prom" ] && ok || bad "ci step wrote no metrics"

unset OUTPUTS_API_KEY
finish outputs
