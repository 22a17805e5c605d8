# tests/lib.sh: the helpers the shell tests share (e2e.sh, outputs.sh,
# faults.sh, valgrind.sh, adversarial/run.sh, net/run.sh), sourced by each.
#
# Assertions count into PASSED and FAILED; finish NAME prints the totals
# and is the script's last command, so its status is the test's. The
# helpers that keep output (expect, py) write below $T, the folder
# tmpdir makes.

PY=/usr/bin/python3
PASSED=0
FAILED=0

# tmpdir NAME: make $T, a temporary folder removed when the script exits.
tmpdir() {
    T=$(mktemp -d "/tmp/pf_$1.XXXXXX") || exit 2
    trap 'rm -rf "$T"' EXIT
}

# ok [NAME] / bad WHY: one assertion passed (named ones are printed) or
# failed.
ok() {
    PASSED=$((PASSED + 1))
    if [ $# -gt 0 ]; then echo "ok $*"; fi
}
bad() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }

# finish NAME: print "NAME: N passed, M failed"; fails when any failed.
finish() {
    echo "$1: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

# expect CODE NAME COMMAND...: run COMMAND (stdout to $T/out, stderr to
# $T/err), compare its exit code
expect() {
    want=$1 name=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok; else
        bad "$name: exit $got, want $want"
        sed 's/^/    /' "$T/out" "$T/err" | head -20
    fi
}

# contains NAME FILE TEXT / lacks NAME FILE TEXT
contains() {
    if grep -qF -- "$3" "$2"; then ok; else
        bad "$1: '$3' not in $2"
        sed 's/^/    /' "$2" | head -20
    fi
}
lacks() {
    if grep -qF -- "$3" "$2"; then bad "$1: '$3' found in $2"; else ok; fi
}

# py NAME SCRIPT ARGS...: a Python check; its output is shown on failure
py() {
    name=$1
    shift
    if $PY -c "$@" >"$T/py.out" 2>&1; then ok; else
        bad "$name"
        sed 's/^/    /' "$T/py.out" | head -20
    fi
}

# mk FILE: write stdin to FILE, making its folder.
mk() { mkdir -p "$(dirname "$1")"; cat >"$1"; }

# pass_check FILE ID [TAG] / fail_check FILE ID [TAG]: a check file that
# passes or fails, tagged TAG (default t).
pass_check() {
    mk "$1" <<EOF
return { id = "$2", title = "passes", tags = { "${3:-t}" },
  run = function() return preflight.pass("fine") end }
EOF
}
fail_check() {
    mk "$1" <<EOF
return { id = "$2", title = "fails", tags = { "${3:-t}" },
  run = function() return preflight.fail("broken on purpose") end }
EOF
}

# live_pack DIR [POLICY]: make DIR (its checks and manifest written) a
# pack live arm and exec accept (DESIGN 8.2-8.5): an approver key in
# DIR.keys/ (outside the pack), DIR/approvers, DIR/policy (POLICY lines,
# default none), and the lock. Needs BIN.
live_pack() {
    mkdir -p "$1.keys"
    rm -f "$1.keys/alice.key"
    "$BIN" keygen --out "$1.keys/alice.key" --name alice >"$1/approvers" \
        2>/dev/null || return 1
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" >"$1/policy"; fi
    "$BIN" lock "$1" >/dev/null
}

# approval DIR CAP: print one fresh approval of DIR's pack by alice for
# CAP USD on host $PREFLIGHT_HOST_ID (each is used once).
approval() {
    "$BIN" approve --key "$1.keys/alice.key" --cap "$2" \
        --host "${PREFLIGHT_HOST_ID:-test-host}" "$1" 2>/dev/null
}

# jsonq FILE EXPR: print a Python expression over the JSON document d
jsonq() { $PY -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# schema FILE: one assertion, FILE validates against
# docs/evidence.schema.json (of $SRC, else the working directory)
schema() {
    if $PY - "$1" "${SRC:-$(pwd)}/docs/evidence.schema.json" <<'PYEOF2'
import json, sys
import jsonschema
doc = json.load(open(sys.argv[1]))
sch = json.load(open(sys.argv[2]))
jsonschema.validate(doc, sch, cls=jsonschema.Draft202012Validator)
PYEOF2
    then ok; else bad "schema: $1 does not match"; fi
}
