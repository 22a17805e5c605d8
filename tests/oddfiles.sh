#!/bin/sh
# Odd files where preflight reads (issue 12, "Hangs"): a FIFO as the
# manifest, as the kill switch (the default KILL_SWITCH too, which even a
# plain run reads), as a check file, a fixture, a fixture body, a library
# module and an fs.read target, and as kill's --kill-switch. Each command
# ends promptly (never the 124 of `timeout`) with exit 2, a refusal or an
# error of the check, never a pass it should not give.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir oddfiles
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR
cd "$T" || exit 2

# bounded WANT NAME COMMAND...: COMMAND under `timeout 20` ends with WANT
# (and so not with 124, a hang)
bounded() {
    want=$1 name=$2
    shift 2
    timeout 20 "$@" >"$T/out" 2>"$T/err" </dev/null
    got=$?
    if [ "$got" = 124 ]; then
        bad "$name: hung (killed by timeout)"
    elif [ "$got" = "$want" ]; then ok; else
        bad "$name: exit $got, want $want"
        sed 's/^/    /' "$T/out" "$T/err" | head -10
    fi
}

# ---- a FIFO named manifest ----------------------------------------------------
pass_check "$T/m/a.lua" m.a
mkfifo "$T/m/manifest"
for cmd in run list arm exec; do
    # --kill-switch for the commands that take it (run and list refuse it)
    ks=""
    case $cmd in arm | exec) ks="--kill-switch=$T/none" ;; esac
    if [ $cmd = exec ]; then
        bounded 2 "FIFO manifest: $cmd" "$BIN" $cmd $ks "$T/m" -- touch "$T/started"
    else
        bounded 2 "FIFO manifest: $cmd" "$BIN" $cmd $ks "$T/m"
    fi
    contains "FIFO manifest: $cmd says why" "$T/err" "not a regular file"
done
[ -e "$T/started" ] && bad "FIFO manifest: exec started COMMAND" || ok

# ---- a FIFO at the kill-switch path (the default KILL_SWITCH) -----------------
pass_check "$T/checks/a.lua" k.a
mkfifo "$T/KILL_SWITCH"
bounded 0 "FIFO KILL_SWITCH: plain run" "$BIN" run
bounded 0 "FIFO KILL_SWITCH: list" "$BIN" list
bounded 3 "FIFO KILL_SWITCH: arm" "$BIN" arm
bounded 3 "FIFO KILL_SWITCH: exec" "$BIN" exec -- touch "$T/started"
contains "FIFO KILL_SWITCH: exec says engaged" "$T/out" "kill switch is engaged"
contains "FIFO KILL_SWITCH: exec says why" "$T/out" "not a regular file"
[ -e "$T/started" ] && bad "FIFO KILL_SWITCH: exec started COMMAND" || ok
ARBITRAGE_ENV=live LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK LIVE_ARM_AT="$(date -u +%s)" \
    LIVE_MAX_NOTIONAL_USD=10 bounded 3 "FIFO KILL_SWITCH: live arm" "$BIN" arm --http real
bounded 2 "FIFO KILL_SWITCH: kill" "$BIN" kill --reason "stop"
contains "FIFO KILL_SWITCH: kill says why" "$T/err" "not a regular file"
[ -p "$T/KILL_SWITCH" ] && ok || bad "kill replaced the FIFO"
mkfifo "$T/ks.fifo"
bounded 2 "FIFO --kill-switch: kill" "$BIN" kill --reason "stop" --kill-switch "$T/ks.fifo"
rm "$T/KILL_SWITCH"

# ---- a FIFO as a check file, a fixture, a body, a module, an fs.read ---------
pass_check "$T/c/a.lua" c.a
mkfifo "$T/c/fifo.lua"
bounded 1 "FIFO check file" "$BIN" run --format json "$T/c"
py "FIFO check file: a load error, its neighbour passes" "
import json, sys
d = json.load(open(sys.argv[1]))
by = {c['file'].rsplit('/', 1)[-1]: c for c in d['checks']}
assert by['fifo.lua']['status'] == 'error' and by['fifo.lua']['reason'] == 'load', by['fifo.lua']
assert by['a.lua']['status'] == 'pass'
" "$T/out"

mk "$T/h/h.lua" <<'EOF'
return { id = "h.get", title = "http", run = function()
  local r, err = preflight.http.request{url = "https://example.invalid/x"}
  if not r then return preflight.fail("no answer: " .. err) end
  return preflight.pass("status " .. r.status)
end }
EOF
mkdir -p "$T/h/fixtures"
mkfifo "$T/h/fixtures/fifo.json"
bounded 1 "FIFO fixture" "$BIN" run --fixtures "$T/h/fixtures" "$T/h"
contains "FIFO fixture: the request fails" "$T/out" "bad fixture"
rm "$T/h/fixtures/fifo.json"
cat >"$T/h/fixtures/x.json" <<'EOF'
{"request": {"method": "GET", "url": "https://example.invalid/x"},
 "response": {"status": 200, "body_file": "bodies/b"}}
EOF
mkdir "$T/h/fixtures/bodies"
mkfifo "$T/h/fixtures/bodies/b"
bounded 1 "FIFO fixture body" "$BIN" run --fixtures "$T/h/fixtures" "$T/h"
lacks "FIFO fixture body: no timeout" "$T/out" "timeout"

mkdir -p "$T/lib" "$T/r"
mkfifo "$T/lib/stuck.lua"
mk "$T/r/r.lua" <<'EOF'
return { id = "r.req", title = "require", run = function()
  local m = require("stuck")
  return preflight.pass("loaded " .. type(m))
end }
EOF
bounded 1 "FIFO library module" "$BIN" run --lib "$T/lib" "$T/r"
contains "FIFO library module: says why, no timeout" "$T/out" "not a regular file"

mkfifo "$T/data.fifo"
mk "$T/f/f.lua" <<'EOF'
return { id = "f.read", title = "fs.read", run = function()
  local s, err = preflight.fs.read("data.fifo")
  if not s then return preflight.fail(err) end
  return preflight.pass("read " .. #s)
end }
EOF
bounded 1 "FIFO fs.read" "$BIN" run --root "$T" "$T/f"
contains "FIFO fs.read: not a regular file" "$T/out" "not a regular file"

finish oddfiles
