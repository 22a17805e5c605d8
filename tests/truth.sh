#!/bin/sh
# Evidence that never lies and a kill switch that always wins (issue 12,
# DESIGN 8.7): the kill switch engaged while the checks run stops a paper
# exec; twenty concurrent kills, exactly one wins; a folder that cannot be
# fsynced, a closed stdout and every signal that ends a command leave
# evidence and metrics whose exit code is the process's; exec's start
# document; unique default evidence names. No assertion depends on timing:
# the test waits for states (a worker exists, a file appears), bounded.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN}
SRC=$(cd "${PREFLIGHT_SRC:-.}" && pwd)
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir truth
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR
cd "$T" || exit 2


# truthful NAME RC EVIDENCE [METRICS]: the evidence is whole JSON, its
# exit_code is RC, it says pass only when RC is 0, and the metrics agree
truthful() {
    py "$1: evidence agrees with exit $2" "
import json, sys
rc = int(sys.argv[1])
d = json.load(open(sys.argv[2]))
assert d['started'] is False, d['started']
assert d['exit_code'] == rc, (d['exit_code'], rc)
assert (d['verdict'] == 'pass') == (rc == 0), (d['verdict'], rc)
if len(sys.argv) > 3:
    v = [l for l in open(sys.argv[3]) if l.startswith('preflight_run_verdict ')]
    assert int(v[0].split()[1]) == rc, v
" "$2" "$3" ${4:+"$4"}
}

# wait_worker PID: until PID has a child (a worker: the checks run), at
# most 20 s
wait_worker() {
    i=0
    while [ -z "$(pgrep -P "$1")" ] && [ $i -lt 400 ]; do
        i=$((i + 1))
        sleep 0.05
    done
}

pass_check "$T/p/a.lua" p.a
# a check that waits (bounded by its time limit) until $T/ks/release
# exists: the checks are still running while the test acts
mk "$T/ks/wait.lua" <<EOF
return { id = "ks.wait", title = "waits for release", timeout_ms = 25000,
  run = function()
    while not preflight.fs.stat("$T/ks/release") do end
    return preflight.pass("released")
  end }
EOF

# ---- the kill switch engaged while the checks run: paper exec refuses ------
"$BIN" exec --timeout-ms 30000 --root "$T" --kill-switch "$T/KS1" \
    --evidence "$T/ks1.json" "$T/ks" -- touch "$T/started1" >"$T/ks1.out" 2>&1 &
PID=$!
wait_worker $PID # the first look at the switch is behind it
"$BIN" kill --reason "engaged mid-run" --kill-switch "$T/KS1" >/dev/null
touch "$T/ks/release"
wait $PID
rc=$?
[ "$rc" -eq 3 ] && ok || bad "kill switch mid-run: exit $rc, want 3"
[ -e "$T/started1" ] && bad "paper exec started COMMAND with the kill switch engaged" || ok
contains "paper refusal says kill switch is engaged" "$T/ks1.out" "kill switch is engaged"
contains "paper refusal names the file" "$T/ks1.out" "$T/KS1"
contains "paper refusal names the reason" "$T/ks1.out" "engaged mid-run"
contains "paper refusal names who" "$T/ks1.out" "engaged by $(id -un)"
truthful "kill switch mid-run" 3 "$T/ks1.json"
rm -f "$T/ks/release"
# engaged before: refused early, in the same words
expect 3 "paper exec, switch engaged" "$BIN" exec --kill-switch "$T/KS1" "$T/p" -- touch "$T/started2"
contains "early paper refusal says kill switch is engaged" "$T/out" "kill switch is engaged"
contains "early paper refusal names the file" "$T/out" "$T/KS1"
[ -e "$T/started2" ] && bad "paper exec started COMMAND with the kill switch engaged" || ok

# ---- twenty concurrent kills: exactly one wins -------------------------------
mkdir "$T/race"
i=1
while [ $i -le 20 ]; do
    ("$BIN" kill --reason "reason-$i" --kill-switch "$T/race/KS" >"$T/race/out.$i" 2>&1
     echo $? >"$T/race/rc.$i") &
    i=$((i + 1))
done
wait
won=$(grep -l '^kill switch engaged:' "$T/race"/out.* | wc -l)
already=$(grep -l '^kill switch already engaged' "$T/race"/out.* | wc -l)
[ "$won" -eq 1 ] && ok || bad "concurrent kills: $won said engaged, want 1"
[ "$already" -eq 19 ] && ok || bad "concurrent kills: $already said already engaged, want 19"
[ "$(cat "$T/race"/rc.* | sort -u)" = 0 ] && ok || bad "concurrent kills: an exit was not 0"
winner=$(grep -l '^kill switch engaged:' "$T/race"/out.* | head -1)
n=${winner##*.}
contains "the winner's reason is kept" "$T/race/KS" "\"reason-$n\""
contains "the losers are told by whom" "$T/race/out.$(( n % 20 + 1 ))" "engaged by $(id -un)"
contains "the losers are told why" "$T/race/out.$(( n % 20 + 1 ))" "reason-$n"
ls "$T/race" | grep -q tmp && bad "concurrent kills left a temporary file" || ok

# ---- a folder that can be written but not fsynced (not readable) -------------
# as an unprivileged user: root reads any folder
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
    chmod 755 "$T" "$T/p"
    chmod 644 "$T/p/a.lua"
    mkdir "$T/wo"
    chmod 0733 "$T/wo"
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        "$BIN" run --evidence "$T/wo/ev.json" --metrics "$T/wo/m.prom" "$T/p" >"$T/wo.out" 2>&1
    rc=$?
    [ "$rc" -eq 2 ] && ok || bad "unsyncable folder: exit $rc, want 2"
    if [ -e "$T/wo/ev.json" ]; then truthful "unsyncable folder" "$rc" "$T/wo/ev.json"; else ok; fi
    if [ -e "$T/wo/m.prom" ]; then
        grep -q '^preflight_run_verdict 0' "$T/wo/m.prom" && bad "unsyncable folder: metrics say pass" || ok
    else ok; fi
    contains "unsyncable folder: says why" "$T/wo.out" "open folder"
    chmod 700 "$T"
else
    echo "note: not root or no setpriv: the unsyncable-folder case is skipped"
fi

# ---- a closed stdout: exit 2 and evidence that says so, nothing started -----
cat >"$T/closed.py" <<'PYEOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)  # whatever preflight prints meets EPIPE
p = subprocess.run(sys.argv[2:], stdout=w, stderr=subprocess.DEVNULL,
                   timeout=120)
open(sys.argv[1], "w").write(str(p.returncode))
PYEOF
$PY "$T/closed.py" "$T/c1.rc" "$BIN" exec --evidence "$T/c1.json" --metrics "$T/c1.prom" "$T/p" -- touch "$T/started3"
rc=$(cat "$T/c1.rc")
[ "$rc" = 2 ] && ok || bad "exec, stdout closed: exit $rc, want 2 (141 is death by SIGPIPE)"
truthful "exec, stdout closed" "$rc" "$T/c1.json" "$T/c1.prom"
[ -e "$T/started3" ] && bad "exec started COMMAND though its report could not be written" || ok
$PY "$T/closed.py" "$T/c2.rc" "$BIN" run --format json --evidence "$T/c2.json" "$T/p"
rc=$(cat "$T/c2.rc")
[ "$rc" = 2 ] && ok || bad "run --format json, stdout closed: exit $rc, want 2"
truthful "run, stdout closed" "$rc" "$T/c2.json"
pass_check "$T/live/a.lua" live.a
printf 'live.a\n' >"$T/live/manifest"
ARBITRAGE_ENV=live LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK LIVE_ARM_AT="$(date -u +%s)" \
    LIVE_MAX_NOTIONAL_USD=10 $PY "$T/closed.py" "$T/c3.rc" \
    "$BIN" arm --http real --kill-switch "$T/KS-none" --evidence "$T/c3.json" "$T/live"
rc=$(cat "$T/c3.rc")
[ "$rc" = 2 ] && ok || bad "live arm, stdout closed: exit $rc, want 2"
truthful "live arm, stdout closed" "$rc" "$T/c3.json"

# ---- signals: caught, workers stopped, whole evidence, exit 2 ----------------
# moment 1: while a check runs (a worker exists); moment 2: already pending
# when preflight starts, before any check (blocked and raised in the child
# before exec). SIGPIPE is ignored: the run goes on and its word stands.
cat >"$T/pending.py" <<'PYEOF'
import os, signal, subprocess, sys
sig = getattr(signal, sys.argv[2])
def pend():
    signal.pthread_sigmask(signal.SIG_BLOCK, {sig})
    os.kill(os.getpid(), sig)
p = subprocess.run(sys.argv[3:], preexec_fn=pend, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
open(sys.argv[1], "w").write(str(p.returncode))
PYEOF
for sig in HUP INT QUIT TERM USR1 USR2 ALRM; do
    for cmd in run exec; do
        rm -f "$T/s.json" "$T/s.prom" "$T/started4"
        # (no command substitution on the background line: its subshell
        # would be the child wait_worker sees, before preflight runs)
        if [ $cmd = exec ]; then set -- -- touch "$T/started4"; else set --; fi
        # --kill-switch for exec only: run refuses it
        ks=""
        if [ $cmd = exec ]; then ks="--kill-switch=$T/KS-none"; fi
        "$BIN" $cmd --timeout-ms 30000 --root "$T" $ks \
            --evidence "$T/s.json" --metrics "$T/s.prom" "$T/ks" "$@" >/dev/null 2>&1 &
        PID=$!
        wait_worker $PID
        kill -s $sig $PID
        wait $PID
        rc=$?
        [ "$rc" -eq 2 ] && ok || bad "SIG$sig during a check ($cmd): exit $rc, want 2"
        truthful "SIG$sig during a check ($cmd)" "$rc" "$T/s.json" "$T/s.prom"
        [ -e "$T/started4" ] && bad "SIG$sig: exec started COMMAND" || ok
        rm -f "$T/s.json" "$T/s.prom"
        $PY "$T/pending.py" "$T/s.rc" SIG$sig "$BIN" $cmd $ks \
            --evidence "$T/s.json" --metrics "$T/s.prom" "$T/p" "$@"
        rc=$(cat "$T/s.rc")
        [ "$rc" = 2 ] && ok || bad "SIG$sig before the checks ($cmd): exit $rc, want 2"
        truthful "SIG$sig before the checks ($cmd)" "$rc" "$T/s.json" "$T/s.prom"
        [ -e "$T/started4" ] && bad "SIG$sig pending: exec started COMMAND" || ok
    done
done
sleep 0.2
pgrep -f "$T/ks" >/dev/null && bad "a worker outlived a signal" || ok
# SIGPIPE is not fatal: the run ends on its own and its word stands
"$BIN" run --timeout-ms 30000 --root "$T" --evidence "$T/sp.json" --metrics "$T/sp.prom" "$T/ks" >/dev/null 2>&1 &
PID=$!
wait_worker $PID
kill -s PIPE $PID
touch "$T/ks/release"
wait $PID
rc=$?
[ "$rc" -eq 0 ] && ok || bad "SIGPIPE during a check: exit $rc, want 0"
truthful "SIGPIPE during a check" "$rc" "$T/sp.json" "$T/sp.prom"
rm -f "$T/ks/release"

# ---- exec's start document ---------------------------------------------------
expect 0 "exec start document" "$BIN" exec --kill-switch "$T/KS-none" "$T/p" -- \
    sh -c 'cp "$PREFLIGHT_EVIDENCE" "$0"' "$T/start.json"
py "start document: started, exit_code null, pass" "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['started'] is True and d['exit_code'] is None and d['verdict'] == 'pass', d
" "$T/start.json"
schema "$T/start.json"
# COMMAND gets SIGPIPE as preflight found it (default here), not ignored
expect 0 "exec restores SIGPIPE" "$BIN" exec --kill-switch "$T/KS-none" "$T/p" -- \
    sh -c 'grep SigIgn /proc/self/status > "$0"' "$T/sigign"
py "COMMAND does not inherit an ignored SIGPIPE" "
import sys
mask = int(open(sys.argv[1]).read().split()[1], 16)
assert not mask & (1 << 12), hex(mask)
" "$T/sigign"
# a COMMAND that cannot be started: the evidence says error, exit 2
expect 2 "exec of a missing command" "$BIN" exec --kill-switch "$T/KS-none" --evidence "$T/nostart.json" "$T/p" -- "$T/no-such-command"
truthful "exec of a missing command" 2 "$T/nostart.json"
schema "$T/nostart.json"

# ---- 32 concurrent execs: 32 evidence files ----------------------------------
# all 32 wait in their check until every one runs, then are released
# together, so their evidence is written within the same few milliseconds
# (in the project root's evidence/, $T/evidence, not the working folder)
mkdir "$T/many"
cd "$T/many" || exit 2
n0=$(ls "$T/evidence" 2>/dev/null | grep -c '\-exec\.json$')
pids=
i=1
while [ $i -le 32 ]; do
    "$BIN" exec --timeout-ms 30000 --root "$T" --kill-switch "$T/KS-none" "$T/ks" -- true >/dev/null 2>&1 &
    pids="$pids $!"
    i=$((i + 1))
done
i=0
while [ "$(for p in $pids; do pgrep -P "$p"; done | wc -l)" -lt 32 ] && [ $i -lt 400 ]; do
    i=$((i + 1))
    sleep 0.05
done
touch "$T/ks/release"
wait
cd "$T" || exit 2
rm -f "$T/ks/release"
n=$(($(ls "$T/evidence" | grep -c '\-exec\.json$') - n0))
[ "$n" -eq 32 ] && ok || bad "32 concurrent execs left $n evidence files, want 32"
ls "$T/evidence" | grep -q tmp && bad "concurrent execs left a temporary file" || ok
[ -e "$T/many/evidence" ] && bad "default evidence went to the working folder" || ok

finish truth
