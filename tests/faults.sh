#!/bin/sh
# Fault injection through the binary: bad check files (a folder named
# x.lua, a FIFO, a 100 MB file, a symlink out of the folder, a non-UTF-8
# name), an outside SIGKILL of a worker, SIGINT mid-run, an unwritable
# evidence folder, and a folder of 10,000 checks. Each must fail closed
# with a clear message, lose nothing already written, and leave no process.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir faults
honest() {
    mkdir -p "$1"
    cat >"$1/honest.lua" <<'LUA'
return { id = "f.honest", title = "honest", run = function() return preflight.pass("fine") end }
LUA
}
# status_of FILE JSON: "status reason" of the check whose file ends with FILE
status_of() {
    $PY -c "
import json, sys
d = json.load(open(sys.argv[2]))
c = [c for c in d['checks'] if c['file'].endswith(sys.argv[1])]
print(c[0]['status'], c[0]['reason'], c[0]['message'][:200]) if c else print('missing')
" "$1" "$2"
}
expect_status() { # NAME FILE JSON WANT-PREFIX
    got=$(status_of "$2" "$3")
    case "$got" in "$4"*) ok ;; *) bad "$1: got '$got', want '$4...'" ;; esac
}

# ---- bad check files -------------------------------------------------------
honest "$T/bad"
mkdir "$T/bad/dir.lua"
mkfifo "$T/bad/fifo.lua"
head -c 104857600 /dev/zero | tr '\0' ' ' >"$T/bad/big.lua"
printf 'return 1\n' >"$T/outside.lua"
ln -s "$T/outside.lua" "$T/bad/link.lua"
printf "return { id = 'f.latin', title = 't', run = function() return preflight.pass('x') end }\n" \
    >"$T/bad/$(printf 'caf\351.lua')"
timeout 120 "$BIN" run --format json "$T/bad" >"$T/bad.json" 2>"$T/bad.err"
rc=$?
[ "$rc" -eq 1 ] && ok || bad "bad files: exit $rc, want 1 (124: did not end)"
expect_status "folder named .lua" "dir.lua" "$T/bad.json" "error load"
expect_status "fifo" "fifo.lua" "$T/bad.json" "error load"
expect_status "100 MB file" "big.lua" "$T/bad.json" "error load"
expect_status "symlink out" "link.lua" "$T/bad.json" "error load"
expect_status "honest neighbour" "honest.lua" "$T/bad.json" "pass"
$PY -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert any(c['id'] == 'f.latin' and c['status'] == 'pass' and '\ufffd' in c['file'] for c in d['checks'])
" "$T/bad.json" && ok || bad "non-UTF-8 file name: not run or not escaped"

# ---- an outside SIGKILL hits a worker ---------------------------------------
honest "$T/kill"
cat >"$T/kill/slow.lua" <<'LUA'
return { id = "f.slow", title = "slow", timeout_ms = 4000,
  run = function() while true do end end }
LUA
# wait_worker PID: wait (up to 30 s) until PID has a worker
wait_worker() {
    i=0
    while ! pgrep -P "$1" >/dev/null && [ $i -lt 600 ]; do
        i=$((i + 1))
        sleep 0.05
    done
}
"$BIN" run --format json "$T/kill" >"$T/kill.json" 2>&1 &
PID=$!
# kill the worker that spins (the one with CPU time), not the honest one,
# however slow the machine is to get there
i=0
while [ $i -lt 600 ]; do
    i=$((i + 1))
    W=$(for w in $(pgrep -P $PID); do
        awk -v w="$w" '$14 + $15 >= 20 { print w }' "/proc/$w/stat" 2>/dev/null
    done)
    [ -n "$W" ] && break
    sleep 0.05
done
for w in $W; do kill -KILL "$w"; done
wait $PID
rc=$?
[ "$rc" -eq 1 ] && ok || bad "worker SIGKILL: exit $rc, want 1"
expect_status "killed worker" "slow.lua" "$T/kill.json" "error crash"
expect_status "neighbour of killed worker" "honest.lua" "$T/kill.json" "pass"

# ---- SIGINT mid-run: workers end, complete evidence, non-zero exit ----------
"$BIN" run --evidence "$T/int.json" "$T/kill" >"$T/int.out" 2>&1 &
PID=$!
wait_worker $PID # the run is under way: its handlers are in place
sleep 0.2
kill -INT $PID
wait $PID
rc=$?
[ "$rc" -eq 2 ] && ok || bad "SIGINT: exit $rc, want 2"
$PY -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['verdict'] == 'error'" "$T/int.json" \
    && ok || bad "SIGINT: evidence not complete or not an error"
i=0
while pgrep -f "$T/kill" >/dev/null && [ $i -lt 100 ]; do
    i=$((i + 1))
    sleep 0.1
done
pgrep -f "$T/kill" >/dev/null && bad "SIGINT: a worker survived" || ok

# ---- a worker cannot be started: fork (RLIMIT_NPROC) or pipe (EMFILE) ------
# The limit is lowered on the running process once its first worker is up:
# each check then times out, its worker is replaced, and the replacement
# cannot start. The checks left must fail at once with the cause, not wait
# for the run deadline as "not started".
mkdir -p "$T/nofork"
for i in 1 2 3 4 5 6; do
    mk "$T/nofork/spin$i.lua" <<LUA
return { id = "nofork.c$i", title = "spins", timeout_ms = 800,
  run = function() while true do end end }
LUA
done
chmod 711 "$T"
# start_limited LIMIT OUT [USER-PREFIX...]: run the folder with one worker
# (as that user), lower LIMIT (a prlimit option) on it once its worker is
# up, as the same user (root may lack CAP_SYS_RESOURCE), wait
start_limited() {
    lim=$1 out=$2
    shift 2
    timeout 60 "$@" "$BIN" run --format json --jobs 1 --run-timeout-ms 120000 \
        "$T/nofork" >"$out" 2>"$out.err" &
    TO=$!
    i=0
    PID=
    while [ -z "$PID" ] && [ $i -lt 400 ]; do
        i=$((i + 1))
        sleep 0.05
        for p in $(pgrep -P $TO); do
            pgrep -P "$p" >/dev/null && PID=$p
        done
    done
    [ -n "$PID" ] && "$@" prlimit --pid "$PID" "$lim"
    wait $TO
    rc=$?
}
# start_failed NAME OUT CAUSE: exit 1 or 2 within the outer timeout, no
# check passed, and the checks that never ran say why
start_failed() {
    case $rc in 1 | 2) ok ;; 124) bad "$1: stalled (outer timeout)" ;;
        *) bad "$1: exit $rc, want 1 or 2" ;; esac
    $PY - "$2" "$3" <<'PYEOF' && ok || bad "$1: see above"
import json, sys
d = json.load(open(sys.argv[1]))
st = [c["status"] for c in d["checks"]]
assert len(st) == 6 and "pass" not in st, st
msgs = [c["message"] for c in d["checks"]]
cause = [m for m in msgs if "could not start worker: " + sys.argv[2] in m]
assert cause, msgs
assert not any("deadline" in m for m in msgs), msgs
PYEOF
}
if [ "$(id -u)" -eq 0 ]; then
    # RLIMIT_NPROC binds only a user without CAP_SYS_RESOURCE
    start_limited --nproc=1:1 "$T/nofork.json" \
        setpriv --reuid=nobody --regid=nogroup --clear-groups
else
    start_limited --nproc=1:1 "$T/nofork.json"
fi
start_failed "fork fails (EAGAIN)" "$T/nofork.json" "fork: Resource temporarily unavailable"
start_limited --nofile=5:5 "$T/nopipe.json"
start_failed "pipe fails (EMFILE)" "$T/nopipe.json" "pipe: Too many open files"

# ---- evidence folder not writable ---------------------------------------------
printf 'x' >"$T/notadir"
"$BIN" run --evidence "$T/notadir/ev.json" "$T/kill/honest.lua" >"$T/o" 2>"$T/e"
rc=$?
[ "$rc" -eq 2 ] && ok || bad "unwritable evidence folder: exit $rc, want 2"
grep -q "evidence" "$T/e" && ok || bad "unwritable evidence folder: no message"
printf 'keep me\n' >"$T/old.json"
"$BIN" run --evidence "$T/old.json" "$T/kill/honest.lua" >/dev/null 2>&1
grep -q '"schema"' "$T/old.json" && ok || bad "evidence not replaced"
(trap "" XFSZ; ulimit -f 0; "$BIN" run --evidence "$T/old.json" "$T/kill/honest.lua" >/dev/null 2>&1)
grep -q '"schema"' "$T/old.json" && ok || bad "a failed write lost the previous evidence"

# ---- 10,000 checks ------------------------------------------------------------
mkdir -p "$T/many"
$PY - "$T/many" <<'PYEOF'
import sys
for i in range(10000):
    with open("%s/c%05d.lua" % (sys.argv[1], i), "w") as f:
        f.write('return { id = "many.c%05d", title = "t", run = function() '
                'return preflight.pass("ok") end }\n' % i)
PYEOF
start=$(date +%s)
"$BIN" run --format json "$T/many" >"$T/many.json" 2>&1
rc=$?
took=$(($(date +%s) - start))
[ "$rc" -eq 0 ] && ok || bad "10,000 checks: exit $rc, want 0"
$PY -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['summary']['passed'] == 10000" "$T/many.json" \
    && ok || bad "10,000 checks: not all passed"
echo "10,000 checks in ${took}s"

# ---- peers that die mid-run: HTTP, Redis and PostgreSQL --------------------
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
$PY "$SRCDIR/tests/net/httpd.py" http "$T/port" >/dev/null 2>&1 &
HTTPD=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
chmod 755 "$T" # the postgres user must reach its cluster below it
if SVC=$(sh "$SRCDIR/scripts/services.sh" start "$T/svc" redis postgres); then
    eval "$SVC"
    export REDIS_URL DATABASE_URL
    export PACE_URL="http://127.0.0.1:$(cat "$T/port")/delay/100"
    mkdir -p "$T/die"
    honest "$T"
    for kind in http redis db; do
        cat >"$T/die/$kind.lua" <<LUA
-- pings its peer every ~100 ms (paced by the HTTP server) for ~1.5 s
return { id = "die.$kind", title = "peer dies", timeout_ms = 4000, run = function()
  for i = 1, 15 do
    local r, err = preflight.http.request{url = preflight.env.get("PACE_URL")}
    if not r then return preflight.fail("http gone at " .. i .. ": " .. err) end
    if "$kind" == "redis" then
      local ok, e = preflight.redis.ping(preflight.env.get("REDIS_URL"), 500)
      if not ok then return preflight.fail("redis gone at " .. i .. ": " .. e) end
    elseif "$kind" == "db" then
      local ok, e = preflight.db.ping(preflight.env.get("DATABASE_URL"), 1000)
      if not ok then return preflight.fail("db gone at " .. i .. ": " .. e) end
    end
  end
  return preflight.pass("peer stayed up")
end }
LUA
    done
    # the HTTP pacer stays up for the redis and db checks; each peer dies
    (sleep 0.5; redis-cli -u "$REDIS_URL" shutdown nosave >/dev/null 2>&1
     sh "$SRCDIR/scripts/services.sh" stop "$T/svc" >/dev/null 2>&1) &
    KILLER=$!
    "$BIN" run --format json --http real "$T/die/redis.lua" "$T/die/db.lua" "$T/honest.lua" \
        >"$T/die.json" 2>&1
    rc=$?
    wait "$KILLER"
    [ "$rc" -eq 1 ] && ok || bad "peers die mid-run: exit $rc, want 1"
    expect_status "redis dies mid-run" "redis.lua" "$T/die.json" "fail"
    expect_status "postgres dies mid-run" "db.lua" "$T/die.json" "fail"
    (sleep 0.5; kill "$HTTPD") &
    KILLER=$!
    "$BIN" run --format json --http real "$T/die/http.lua" "$T/honest.lua" >"$T/die2.json" 2>&1
    rc=$?
    wait "$KILLER"
    wait "$HTTPD" 2>/dev/null
    [ "$rc" -eq 1 ] && ok || bad "http peer dies mid-run: exit $rc, want 1"
    expect_status "http peer dies mid-run" "http.lua" "$T/die2.json" "fail"
    expect_status "neighbour of dying peers" "honest.lua" "$T/die2.json" "pass"
else
    bad "could not start redis and postgres for the mid-run test"
    kill "$HTTPD" 2>/dev/null
    sh "$SRCDIR/scripts/services.sh" stop "$T/svc" >/dev/null 2>&1
fi

finish faults
