#!/bin/sh
# What a check author meets first (issue 20): the template and the disk
# example of docs/CHECKS.md pass luacheck with the shipped standard
# (share/preflight/luacheckrc.lua) and run through the binary;
# preflight.log reaches the evidence (checks[].log, schema-valid) and,
# with --verbose only, stderr, masked and one line a message.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN}
SRC=$(cd "${PREFLIGHT_SRC:-.}" && pwd)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir authoring
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR REDIS_URL
STD="$SRC/share/preflight/luacheckrc.lua"

# block FILE AFTER OUT: the first ```lua block of FILE after the line
# AFTER (a heading) into OUT
block() {
    awk -v after="$2" '
        $0 == after { seen = 1; next }
        seen && !inside && /^```lua$/ { inside = 1; next }
        inside && /^```$/ { exit }
        inside { print }' "$1" >"$3"
    if [ -s "$3" ]; then ok; else bad "no lua block after '$2' in $1"; fi
}

mkdir -p "$T/p/checks"
block "$SRC/docs/CHECKS.md" "# Writing a check" "$T/p/checks/redis_ping.lua"
block "$SRC/docs/CHECKS.md" "### Example: disk has 1 GiB free" "$T/p/checks/disk_free.lua"
contains "the template is the one with ctx" "$T/p/checks/redis_ping.lua" 'run = function(ctx)'
contains "the example uses fs.statvfs" "$T/p/checks/disk_free.lua" 'preflight.fs.statvfs('

# ---- luacheck with the shipped standard ------------------------------------
if command -v luacheck >/dev/null 2>&1; then
    for f in redis_ping disk_free; do
        expect 0 "luacheck $f (shipped standard)" \
            luacheck --no-color --config "$STD" "$T/p/checks/$f.lua"
    done
    # the standard is what the sandbox has: print, io, a misspelt
    # primitive and a write to preflight are reported
    mk "$T/p/bad.lua" <<'EOF'
print(preflight.fs.stats("x"), io)
preflight.pass = nil
EOF
    expect 1 "luacheck refuses what the sandbox lacks" \
        luacheck --no-color --config "$STD" "$T/p/bad.lua"
    for w in "undefined variable 'print'" "undefined field 'fs.stats'" \
        "undefined variable 'io'" "read-only field 'pass'"; do
        contains "luacheck: $w" "$T/out" "$w"
    done
else
    bad "luacheck is not installed (scripts/install-deps.sh installs lua-check)"
fi

# ---- the template and the example run --------------------------------------
cd "$T/p" || exit 2
expect 1 "template without REDIS_URL fails" "$BIN" run checks/redis_ping.lua
contains "template says what is missing" "$T/out" "REDIS_URL is not set"
"$BIN" run checks/disk_free.lua --format json >"$T/disk.json" 2>"$T/err"
rc=$?
if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then ok; else bad "disk example: exit $rc"; cat "$T/err"; fi
py "disk example: a pass or a fail with the numbers, never an error" "
import json, sys
c = json.load(open(sys.argv[1]))['checks'][0]
assert c['status'] in ('pass', 'fail'), c
assert 'GiB free' in c['message'], c
assert c['details']['total_bytes'] > 0 and c['details']['free_bytes'] >= 0, c
assert c['status'] == ('pass' if c['details']['free_bytes'] >= 1 << 30 else 'fail'), c
assert len(c['log']) == 1 and c['log'][0].startswith('host.disk_free: '), c
" "$T/disk.json"

# ---- preflight.log: evidence and --verbose ----------------------------------
mk "$T/p/checks/logs.lua" <<'EOF'
return { id = "t.logs", title = "logs", run = function()
  preflight.log("token " .. preflight.env.get("PF_AUTHORING_API_TOKEN"))
  preflight.log("two\nlines")
  return preflight.pass("ok")
end }
EOF
export PF_AUTHORING_API_TOKEN=tok-a83hf02kd9
expect 0 "log: run --verbose" "$BIN" run checks/logs.lua --verbose --evidence "$T/ev.json"
contains "log: --verbose writes it to stderr" "$T/err" "log t.logs: token ***"
contains "log: a newline is shown as ?" "$T/err" "log t.logs: two?lines"
lacks "log: the secret is masked on stderr" "$T/err" "tok-a83hf02kd9"
lacks "log: the secret is masked in the evidence" "$T/ev.json" "tok-a83hf02kd9"
lacks "log: stdout keeps the report only" "$T/out" "log t.logs"
py "log: in the evidence under its check" "
import json, sys
c = json.load(open(sys.argv[1]))['checks'][0]
assert c['log'] == ['token ***', 'two\nlines'], c['log']
" "$T/ev.json"
schema "$T/ev.json"
expect 0 "log: run without --verbose" "$BIN" run checks/logs.lua --format json
lacks "log: not on stderr without --verbose" "$T/err" "log t.logs"
py "log: in --format json too" "
import json, sys
assert json.load(open(sys.argv[1]))['checks'][0]['log'] == ['token ***', 'two\nlines']
" "$T/out"
unset PF_AUTHORING_API_TOKEN

finish authoring
