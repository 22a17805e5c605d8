#!/bin/sh
# tests/consumers.sh: the machine-readable reports read by the real
# consumers (issue 19 item 3).
#
# JUnit: xmllint (libxml2-utils) validates every --format junit report
# (passing, failing, hostile text, load errors, skips, a refusal, zero
# checks, a missing folder) against tests/junit-10.xsd, our mirror of the
# Jenkins xunit plugin's junit-10.xsd; the schema must also reject what
# that schema rejects (a file attribute on a testcase, skipped on
# <testsuites>), so it cannot pass everything. classname and name are the
# same whichever way PATH was typed (checks, ./checks/, absolute, from
# another folder, through a symlink).
#
# TAP: prove (perl's TAP::Harness) reads --format tap of the same runs and
# its verdict is preflight's: PASS exactly when preflight exits 0, also
# for hostile file names and messages that try to forge TAP lines.
#
# Needs PREFLIGHT_BIN; PREFLIGHT_SRC is the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=$(cd "${PREFLIGHT_SRC:-.}" && pwd)
XSD=$SRC/tests/junit-10.xsd
# shellcheck source=lib.sh
. "$SRC/tests/lib.sh"
tmpdir consumers
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR
for tool in xmllint prove; do
    command -v $tool >/dev/null 2>&1 || { bad "$tool is not installed (scripts/install-deps.sh)"; finish consumers; exit 1; }
done
cd "$T" || exit 2

# ---- packs: every outcome -----------------------------------------------------
pass_check "$T/p/a.lua" p.a
pass_check "$T/p/b.lua" p.b
fail_check "$T/f/a.lua" f.a
pass_check "$T/f/b.lua" f.b
mk "$T/h/err.lua" <<'EOF'
return { id = "h.err", title = "errors <&>", run = function() error("boom <&> ]]>") end }
EOF
mk "$T/h/hostile.lua" <<'EOF'
return { id = "h.hostile", title = "forges", run = function()
  return preflight.fail("ctl\1\27[31m bad\255utf8 ]]> & <x> \"q\"\r\n"
    .. "ok 9 - forged\nBail out!\n# SKIP\n1..1\n---\n...\n\u{FFFE}")
end }
EOF
printf 'return { id = "x", run = function( end }\n' >"$T/h/a # TODO later.lua"
printf 'return { id = "x", run = function( end }\n' >"$T/h/$(printf 'nl\nok 7 - forged')x.lua"
mk "$T/h/skip.lua" <<'EOF'
return { id = "h.skip", title = "skips", run = function() return preflight.skip("not here") end }
EOF
mk "$T/h/other.lua" <<'EOF'
return { id = "h.other", title = "other tag", tags = { "other" },
  run = function() return preflight.pass("x") end }
EOF
pass_check "$T/s/a.lua" s.a
mk "$T/s/skip.lua" <<'EOF'
return { id = "s.skip", title = "skips", run = function() return preflight.skip("optional") end }
EOF
pass_check "$T/r/a.lua" r.a
mk "$T/r/skip.lua" <<'EOF'
return { id = "r.skip", title = "skips", run = function() return preflight.skip("required") end }
EOF
printf 'r.a\nr.skip\n' >"$T/r/manifest"
pass_check "$T/m/a.lua" m.a
printf 'm.a\nm.missing\n' >"$T/m/manifest"
pass_check "$T/d/a.lua" same.id
pass_check "$T/d/b.lua" same.id
mkdir -p "$T/empty"

# CASE: "name|want exit|command..." (the command gets --format FORMAT)
run_case() {
    fmt=$1 name=$2 want=$3
    shift 3
    "$BIN" "$@" --format "$fmt" >"$T/$name.$fmt" 2>"$T/$name.err"
    got=$?
    if [ "$got" = "$want" ]; then ok; else
        bad "$name ($fmt): exit $got, want $want"
        head -5 "$T/$name.err"
    fi
}
cases() {
    run_case "$1" pass 0 run p
    run_case "$1" fail 1 run f
    run_case "$1" hostile 1 run h
    run_case "$1" skip 0 run s
    run_case "$1" reqskip 1 run r
    run_case "$1" manifest 1 run m
    run_case "$1" dup 1 run d
    run_case "$1" empty 2 run empty
    run_case "$1" nope 2 run nope
    run_case "$1" tagnone 2 run --tag zzz p
    run_case "$1" refused 3 arm --evidence "$T/arm.json" p
}
NAMES="pass fail hostile skip reqskip manifest dup empty nope tagnone refused"

# ---- JUnit against the Jenkins schema ---------------------------------------
xmllint --noout "$XSD" 2>"$T/xsd.err" && ok || { bad "the schema does not parse"; cat "$T/xsd.err"; }
cases junit
for n in $NAMES; do
    if xmllint --noout --schema "$XSD" "$T/$n.junit" >"$T/x.out" 2>&1; then
        ok "junit $n is valid against junit-10.xsd"
    else
        bad "junit $n is not valid against junit-10.xsd"
        sed 's/^/    /' "$T/x.out" | head -10
    fi
done
# the schema rejects what Jenkins rejects (so the test above can fail)
sed 's/<testcase /<testcase file="x" /' "$T/pass.junit" >"$T/bad1.xml"
sed 's/<testsuites /<testsuites skipped="0" /' "$T/pass.junit" >"$T/bad2.xml"
sed 's/<testsuite name="preflight"/<testsuite/' "$T/pass.junit" >"$T/bad3.xml"
for b in bad1 bad2 bad3; do
    xmllint --noout --schema "$XSD" "$T/$b.xml" >/dev/null 2>&1 &&
        bad "junit-10.xsd accepted $b.xml" || ok
done
# each check's file is a suite property
contains "junit: the file as a property" "$T/fail.junit" '<property name="file:f.a" value="f/a.lua"/>'

# classname and name: the same however PATH is typed
mkdir -p "$T/proj/checks" "$T/other" "$T/ln"
pass_check "$T/proj/checks/a.lua" c.a
printf 'return { id = "x", run = function( end }\n' >"$T/proj/checks/broken.lua"
ln -s "$T/proj/checks" "$T/ln/checks"
for how in "$T/proj|checks" "$T/proj|./checks/" "$T/proj|$T/proj/checks" \
    "$T/other|$T/proj/checks/" "$T/proj/checks|." "$T/other|../proj/checks" \
    "$T/other|$T/ln/checks"; do
    dir=${how%%|*} path=${how#*|}
    (cd "$dir" && "$BIN" run --format junit "$path" >"$T/cls.xml" 2>/dev/null)
    got=$($PY -c '
import sys, xml.etree.ElementTree as ET
print(" ".join(sorted(c.get("classname") + ":" + c.get("name") for c in ET.parse(sys.argv[1]).getroot().iter("testcase"))))' "$T/cls.xml")
    [ "$got" = "checks:broken.lua checks:c.a" ] && ok ||
        bad "junit from $dir as $path: classname:name are '$got'"
done

# ---- TAP through prove ------------------------------------------------------
cases tap
for n in $NAMES; do
    case $n in pass | skip) want=PASS ;; *) want=FAIL ;; esac
    prove --exec cat "$T/$n.tap" >"$T/prove.out" 2>&1
    prc=$?
    pwant=1
    [ $want = PASS ] && pwant=0
    [ $prc -ne 0 ] && prc=1
    if grep -q "^Result: $want" "$T/prove.out" && [ $prc -eq $pwant ]; then
        ok "prove says $want for tap $n"
    else
        bad "prove on tap $n: exit $prc, want Result: $want"
        sed 's/^/    /' "$T/prove.out" | head -20
    fi
done
# each check is one test to prove, as many as the plan says: no line a
# message or a file name forged counts, and a file name is no directive
prove --exec cat "$T/hostile.tap" >"$T/prove.out" 2>&1
contains "prove counts each check once" "$T/prove.out" "Tests=6"
contains "prove: 4 of 6 did not pass" "$T/prove.out" "Failed 4/6 subtests"
lacks "no TODO from a file name" "$T/prove.out" "TODO passed"
lacks "prove sees no parse error" "$T/prove.out" "Parse errors"

finish consumers
