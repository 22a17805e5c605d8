#!/bin/sh
# What the workers compiled against the lock (DESIGN 8.2, issue 14): a
# library module swapped after the parent checked the lock and put back
# before the parent checks it again is seen only in the bytes the worker
# compiled. Live arm refuses (exit 3) naming the module; paper lists it as
# a difference. The handshake is made of FIFOs the check opens (a reader
# that comes and goes) and files it waits for, so no timing is assumed.
# Needs PREFLIGHT_BIN and runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir compiled
SRC=$(pwd)

export PREFLIGHT_HOST_ID=bot-1 LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK
export LIVE_MAX_NOTIONAL_USD=250
unset LIVE_APPROVALS
cd "$T" || exit 2

# the check: says it runs, waits for sync/go, requires swapmod, says so,
# waits for sync/restored
mk "$T/p/a.lua" <<'LUA'
local function signal_until(fifo, file)
  local t0 = preflight.clock.monotonic_ms()
  repeat
    preflight.fs.read(fifo) -- a FIFO: opening it wakes the test's writer
    if preflight.clock.monotonic_ms() - t0 > 25000 then
      error("timed out waiting for " .. file)
    end
  until preflight.fs.stat(file)
end
return { id = "p.a", title = "swapped module", tags = { "t" },
  timeout_ms = 30000,
  run = function()
    signal_until("sync/running", "sync/go")
    local m = require(preflight.fs.read("sync/modname"))
    signal_until("sync/compiled", "sync/restored")
    return preflight.pass("the module says " .. m.word)
  end }
LUA
printf 'p.a\n' >"$T/p/manifest"
printf 'return { word = "good" }\n' >"$T/good.lua"
printf 'return { word = "evil" }\n' >"$T/evil.lua"
mkdir -p "$T/lib"
cp "$T/good.lua" "$T/lib/swapmod.lua"
live_pack "$T/p" || bad "pack"

# swap_run NAME MODULE COMMAND...: COMMAND in the background; from the
# check's start until its worker compiled MODULE, lib/MODULE.lua is evil
# (swapmod: the locked module's bytes changed; newmod: a module that is
# not in the lock, there only then)
swap_run() {
    name=$1 mod=$2
    shift 2
    rm -rf "$T/sync"
    mkdir -p "$T/sync"
    mkfifo "$T/sync/running" "$T/sync/compiled"
    printf '%s' "$mod" >"$T/sync/modname"
    cp "$T/good.lua" "$T/lib/swapmod.lua"
    "$@" >"$T/out" 2>"$T/err" &
    pid=$!
    if timeout 30 sh -c ': >"$1"' sh "$T/sync/running"; then
        cp "$T/evil.lua" "$T/lib/$mod.lua"
        : >"$T/sync/go"
        timeout 30 sh -c ': >"$1"' sh "$T/sync/compiled" ||
            bad "$name: the check never compiled the module"
        if [ "$mod" = swapmod ]; then
            cp "$T/good.lua" "$T/lib/swapmod.lua"
        else
            rm -f "$T/lib/$mod.lua"
        fi
        : >"$T/sync/restored"
    else
        bad "$name: the check never started"
        : >"$T/sync/go"
        : >"$T/sync/restored"
    fi
    wait "$pid"
    got=$?
}

# ---- live: refused, the module named -----------------------------------
printf '%s\n' "$(approval "$T/p" 250)" >"$T/tokens"
swap_run live swapmod env ARBITRAGE_ENV=live LIVE_ARM_AT="$(date -u +%s)" \
    "$BIN" arm --http real --timeout-ms 30000 --approvals "$T/tokens" \
    --evidence "$T/live.json" "$T/p"
[ "$got" = 3 ] && ok || { bad "live arm: exit $got, want 3"; sed 's/^/    /' "$T/out" "$T/err" | head -20; }
contains "live reason" "$T/live.json" "lib/swapmod.lua"
py "live evidence" "
import json
d = json.load(open('$T/live.json'))
assert d['arming']['state'] == 'refused', d['arming']
r = [x for x in d['arming']['reasons'] if 'compiled' in x]
assert r and 'lib/swapmod.lua' in r[0], d['arming']['reasons']
assert 'compiled lib/swapmod.lua: other bytes than the locked file' in d['pack']['differences'], d['pack']
assert d['pack']['locked'] is False
assert d['checks'][0]['status'] == 'pass'
"
schema "$T/live.json"
# the file on disk is the good one again: only the compiled bytes told
expect 0 "lock --check after" "$BIN" lock --check "$T/p"

# ---- paper: a listed difference, the verdict unchanged -------------------
swap_run paper swapmod env ARBITRAGE_ENV=paper "$BIN" run --timeout-ms 30000 \
    --evidence "$T/paper.json" "$T/p"
[ "$got" = 0 ] && ok || bad "paper run: exit $got, want 0"
contains "paper note" "$T/err" "compiled lib/swapmod.lua"
py "paper evidence" "
import json
d = json.load(open('$T/paper.json'))
assert d['verdict'] == 'pass'
assert 'compiled lib/swapmod.lua: other bytes than the locked file' in d['pack']['differences'], d['pack']
assert d['pack']['locked'] is False
assert any(f['path'] == 'lib/swapmod.lua' for f in d['pack']['files'])
"

# ---- a module from outside the lock, there only while it was compiled ---
printf '%s\n' "$(approval "$T/p" 250)" >"$T/tokens"
swap_run outside newmod env ARBITRAGE_ENV=live LIVE_ARM_AT="$(date -u +%s)" \
    "$BIN" arm --http real --timeout-ms 30000 --approvals "$T/tokens" \
    --evidence "$T/new.json" "$T/p"
[ "$got" = 3 ] && ok || { bad "outside: exit $got, want 3"; sed 's/^/    /' "$T/out" "$T/err" | head -20; }
py "not in the lock" "
import json
d = json.load(open('$T/new.json'))
assert 'compiled lib/newmod.lua: not in the lock' in d['pack']['differences'], d['pack']
assert any('lib/newmod.lua' in x for x in d['arming']['reasons']), d['arming']
# pack.files lists every file the run read, the one outside the lock too
assert any(f['path'] == 'lib/newmod.lua' for f in d['pack']['files']), d['pack']['files']
"
[ ! -e "$T/lib/newmod.lua" ] && expect 0 "lock --check: the files match" "$BIN" lock --check "$T/p"

finish compiled
