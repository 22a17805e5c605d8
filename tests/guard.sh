#!/bin/sh
# The guard (DESIGN 8.8): a guarded exec keeps COMMAND as its child and
# stops it, with real processes: the kill switch (SIGTERM, then SIGKILL
# after the grace; a grandchild that called setsid too), a failing guard
# check (with guard_failures), preflight killed with SIGKILL, forwarded
# signals, the exit statuses of 8.7, the start and stop documents and the
# guard-stop audit line. Waits are bounded loops on files the processes
# write, never sleeps that assume a speed.
# Needs PREFLIGHT_BIN; runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=${PREFLIGHT_SRC:-$(pwd)}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir guard

unset ARBITRAGE_ENV LIVE_APPROVALS LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD
export PREFLIGHT_HOST_ID=guard-host

# wait_for FILE: until FILE exists (at most 120 s: a hang, not a speed)
wait_for() {
    n=0
    while [ ! -e "$1" ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
    [ -e "$1" ]
}
# gone PID: the process no longer runs (absent, or a zombie)
gone() {
    st=$(ps -o stat= -p "$1" 2>/dev/null | tr -d ' ')
    [ -z "$st" ] || [ "${st#Z}" != "$st" ]
}
# wait_gone PID: until gone (at most 120 s)
wait_gone() {
    n=0
    while ! gone "$1" && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
    gone "$1"
}
stopq() { jsonq "$1" "$2"; }

# The project: one required guard check that fails when FAIL exists and
# says in which phase; another, with guard_failures = 3, that fails in
# guard cycles while FAIL3 exists; a policy with a 1 s interval.
P=$T/proj
mkdir -p "$P/checks"
cat >"$P/checks/g.lua" <<'EOF'
return { id = "g", title = "guard check", tags = { "guard" },
  run = function(ctx)
    if preflight.fs.stat("FAIL") then
      return preflight.fail("FAIL seen in phase " .. ctx.phase)
    end
    return preflight.pass("fine in phase " .. ctx.phase,
      { fill_rate_pct = 97.5, fill_rate_pct_alert_min = 90, alert = false, note = "x" })
  end }
EOF
cat >"$P/checks/g3.lua" <<'EOF'
return { id = "g3", title = "tolerant guard check", tags = { "guard" },
  guard_failures = 3,
  run = function(ctx)
    if ctx.phase == "guard" and preflight.fs.stat("FAIL3") then
      return preflight.fail("FAIL3 seen")
    end
    return preflight.pass("fine")
  end }
EOF
printf 'g\ng3\n' >"$P/checks/manifest"
printf 'kill_switch = KS\nguard_interval_s = 1\nstop_grace_ms = 300\n' >"$P/checks/policy"
cd "$P" || exit 2
G() { "$BIN" exec --guard --evidence "$P/ev/$1.json" --metrics "$P/m/$1.prom" checks -- "$@"; }
# run NAME COMMAND...: a guarded paper exec in the background; PF its pid
run() {
    name=$1
    shift
    "$BIN" exec --guard --evidence "$P/ev/$name.json" --metrics "$P/m/$name.prom" \
        checks -- "$@" >"$T/$name.out" 2>"$T/$name.err" &
    PF=$!
}
# done_with NAME WANT: wait for the background exec, compare its status
done_with() {
    wait "$PF"
    got=$?
    if [ "$got" = "$2" ]; then ok; else
        bad "$1: exit $got, want $2"
        sed 's/^/    /' "$T/$1.out" "$T/$1.err" | head -20
    fi
}

# ---- COMMAND ends by itself: its status, the stop document ------------------
expect 7 "exit status is COMMAND's" "$BIN" exec --guard --evidence "$P/ev/a.json" \
    --metrics "$P/m/a.prom" --metrics-label run=exec checks -- sh -c \
    'n=0; until grep -q "^preflight_guard_cycles{run=\"exec\"} [1-9]" m/a.prom 2>/dev/null; do
         n=$((n + 1)); [ $n -gt 1200 ] && exit 9; sleep 0.1; done; exit 7'
[ "$(stopq ev/a.json "d['started'], d['exit_code'], d['guard']['stop'], d['guard']['checks']")" = "True None None ['g', 'g3']" ] \
    && ok || bad "start document: $(stopq ev/a.json "d['started'], d['exit_code'], d['guard']")"
[ "$(stopq ev/a-stop.json "d['started'], d['exit_code'], d['guard']['stop']['by'], d['guard']['stop']['command_exit_code'], d['guard']['stop']['command_signal']")" = "True 7 command-exited 7 None" ] \
    && ok || bad "stop document: $(stopq ev/a-stop.json "d['exit_code'], d['guard']")"
schema ev/a.json
schema ev/a-stop.json
contains "metrics: guard series, labelled" m/a.prom 'preflight_guard_stopped{run="exec"} 1'
contains "metrics: a guard check's series" m/a.prom 'preflight_guard_check_failures_limit{run="exec",id="g3",required="true"} 3'
contains "metrics: a KPI value for alerts" m/a.prom 'preflight_check_detail{run="exec",id="g",file="checks/g.lua",detail="fill_rate_pct"} 97.5'
contains "metrics: a guard cycle's KPI value" m/a.prom 'preflight_guard_check_detail{run="exec",id="g",detail="fill_rate_pct"} 97.5'
contains "metrics: its threshold beside it" m/a.prom 'preflight_guard_check_detail{run="exec",id="g",detail="fill_rate_pct_alert_min"} 90'
contains "metrics: booleans as 0 or 1" m/a.prom 'preflight_guard_check_detail{run="exec",id="g",detail="alert"} 0'
lacks "metrics: strings are not samples" m/a.prom 'detail="note"'
if command -v promtool >/dev/null 2>&1; then
    promtool check metrics <m/a.prom >"$T/promtool.out" 2>&1 && ok || {
        bad "promtool rejects the guard's metrics"; sed 's/^/    /' "$T/promtool.out"; }
fi
contains "metrics: the run's series kept" m/a.prom 'preflight_run_verdict{run="exec"} 0'
expect 137 "a signal's status is 128+N" "$BIN" exec --guard --evidence "$P/ev/b.json" checks -- sh -c 'kill -KILL $$'
[ "$(stopq ev/b-stop.json "d['exit_code'], d['guard']['stop']['command_signal']")" = "137 9" ] && ok || bad "stop document of a killed COMMAND"
expect 2 "COMMAND that cannot start" "$BIN" exec --guard --evidence "$P/ev/c.json" checks -- "$T/no/such/bot"
[ "$(stopq ev/c.json "d['started'], d['exit_code']")" = "False 2" ] && ok || bad "start document not retracted"
[ -e ev/c-stop.json ] && bad "a stop document for a COMMAND that never ran" || ok

# ---- the kill switch ---------------------------------------------------------
rm -f started
run ks sh -c 'touch started; exec sleep 600'
wait_for started || bad "COMMAND did not start"
expect 0 "engage" "$BIN" kill --reason "drill stop" checks
done_with ks 3
[ "$(stopq ev/ks-stop.json "d['guard']['stop']['by'], d['guard']['stop']['command_signal'], d['guard']['stop']['escalated']")" = "kill-switch 15 False" ] \
    && ok || bad "kill-switch stop: $(stopq ev/ks-stop.json "d['guard']['stop']")"
contains "the reason names the switch" ev/ks-stop.json "drill stop"
rm -f KS started

# a job-control stop (Ctrl-Z, SIGTSTP) must not freeze the guard while
# COMMAND trades on
run tstp sh -c 'touch started; exec sleep 600'
wait_for started || bad "COMMAND did not start"
kill -TSTP "$PF"
"$BIN" kill --reason "after a stop signal" checks >/dev/null
if wait_for ev/tstp-stop.json; then ok "SIGTSTP does not stop the guard"; else
    bad "the guard was stopped by SIGTSTP while COMMAND ran"
    kill -CONT "$PF"
fi
done_with tstp 3
rm -f KS started

# TERM ignored: SIGKILL after the grace
run term sh -c 'trap "" TERM; touch started; while :; do sleep 1; done'
wait_for started || bad "COMMAND did not start"
"$BIN" kill --reason "stubborn" checks >/dev/null
done_with term 3
[ "$(stopq ev/term-stop.json "d['guard']['stop']['command_signal'], d['guard']['stop']['escalated']")" = "9 True" ] \
    && ok || bad "SIGKILL after the grace: $(stopq ev/term-stop.json "d['guard']['stop']")"
rm -f KS started

# a grandchild in its own session is stopped too
run gc sh -c 'setsid sh -c "echo \$\$ >gc.pid; exec sleep 600" & touch started; wait'
wait_for started && wait_for gc.pid || bad "COMMAND or its grandchild did not start"
"$BIN" kill --reason "stop all" checks >/dev/null
done_with gc 3
wait_gone "$(cat gc.pid)" && ok "the setsid grandchild is gone" || bad "the setsid grandchild survived the stop"
rm -f KS started gc.pid

# a bot writing a log next to the switch does not wake the guard per write
# (it did: IN_MODIFY on the folder, about 1000 wake-ups a second for a log
# appended 1000 times a second); the switch still stops it afterwards
cat >logbot <<'EOF2'
#!/bin/sh
# COMMAND: append 200 lines to a file in the switch's folder, count the
# guard's (its parent's) wake-ups meanwhile, then wait to be stopped
cs() { sed -n 's/^voluntary_ctxt_switches:[[:space:]]*//p' "/proc/$PPID/status"; }
a=$(cs)
i=0
while [ $i -lt 200 ]; do echo "line $i" >>bot.log; sleep 0.005; i=$((i + 1)); done
echo $(($(cs) - a)) >wakeups.tmp && mv wakeups.tmp wakeups
exec sleep 600
EOF2
chmod +x logbot
rm -f wakeups bot.log
run lb ./logbot
wait_for wakeups || bad "the log bot did not finish"
w=$(cat wakeups)
[ "$w" -lt 50 ] && ok "guard wake-ups during 200 writes in its folder: $w" \
    || bad "the guard woke $w times for 200 writes next to the switch"
"$BIN" kill --reason "after the log" checks >/dev/null
done_with lb 3
rm -f KS wakeups bot.log

# the switch's folder removed while COMMAND runs: engaged
printf 'kill_switch = ksdir/KS\nguard_interval_s = 1\nstop_grace_ms = 300\n' >checks/policy
mkdir -p ksdir
run kd sh -c 'touch started; exec sleep 600'
wait_for started || bad "COMMAND did not start"
rmdir ksdir
done_with kd 3
contains "missing folder reason" ev/kd-stop.json "ksdir is missing"
rm -f started
# and a switch whose folder is missing at the start: nothing starts
expect 3 "missing kill-switch folder" "$BIN" exec --guard --evidence "$P/ev/kd2.json" checks -- touch started
[ -e started ] && bad "COMMAND started without a watch on the kill switch" || ok
[ "$(stopq ev/kd2.json "d['started'], d['exit_code']")" = "False 3" ] && ok || bad "start document not retracted"
printf 'kill_switch = KS\nguard_interval_s = 1\nstop_grace_ms = 300\n' >checks/policy

# ---- guard checks ------------------------------------------------------------
run gf sh -c 'touch started; exec sleep 600'
wait_for started || bad "COMMAND did not start"
touch FAIL
done_with gf 3
[ "$(stopq ev/gf-stop.json "d['guard']['stop']['by'], d['guard']['stop']['reason']")" = "guard-check g: FAIL seen in phase guard" ] \
    && ok || bad "guard-check stop: $(stopq ev/gf-stop.json "d['guard']['stop']")"
contains "the switch records the check" KS "g: FAIL seen in phase guard"
rm -f KS FAIL started

# guard_failures = 3: two failures in a row do not stop, three do
cat >bot3 <<'EOF'
#!/bin/sh
# fail twice in a row, recover, then end by itself
touch FAIL3
n=0
until grep -q 'preflight_guard_check_failures_in_a_row{id="g3"} 2' m/t3.prom 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 1200 ] && exit 9; sleep 0.1
done
rm -f FAIL3
n=0
until grep -q 'preflight_guard_check_failures_in_a_row{id="g3"} 0' m/t3.prom 2>/dev/null; do
    n=$((n + 1)); [ $n -gt 1200 ] && exit 9; sleep 0.1
done
exit 0
EOF
chmod +x bot3
expect 0 "two failures of a check that tolerates three" "$BIN" exec --guard \
    --evidence "$P/ev/t3.json" --metrics "$P/m/t3.prom" checks -- ./bot3
[ -e KS ] && bad "the switch was engaged below guard_failures" || ok
touch FAIL3
expect 3 "three failures in a row stop" "$BIN" exec --guard --evidence "$P/ev/t4.json" checks -- sleep 600
[ "$(stopq ev/t4-stop.json "d['guard']['stop']['reason'], d['guard']['stop']['cycles'] >= 3")" = "g3: FAIL3 seen True" ] \
    && ok || bad "guard_failures 3: $(stopq ev/t4-stop.json "d['guard']['stop']")"
rm -f KS FAIL3

# a guard check that hangs is a timeout of the cycle's own limit (the
# interval, at least 1 s), named as such, and stops COMMAND
H=$T/hang
mkdir -p "$H/checks"
cat >"$H/checks/h.lua" <<'EOF'
return { id = "h", title = "hangs in guard cycles", tags = { "guard" },
  run = function(ctx)
    if ctx.phase == "guard" then while true do end end
    return preflight.pass("fine at start")
  end }
EOF
printf 'h\n' >"$H/checks/manifest"
printf 'kill_switch = KS\nguard_interval_s = 1\nstop_grace_ms = 300\n' >"$H/checks/policy"
expect 3 "a hung guard check stops COMMAND" "$BIN" exec --guard --evidence "$H/ev.json" "$H/checks" -- sleep 600
[ "$(jsonq "$H/ev-stop.json" "d['guard']['stop']['by']")" = "guard-check" ] && ok || bad "hung check: $(jsonq "$H/ev-stop.json" "d['guard']['stop']")"
contains "the reason names the cycle's limit" "$H/ev-stop.json" "1000 ms"

# ---- preflight killed: COMMAND goes with it ---------------------------------
rm -f cmd.pid
run k9 sh -c 'echo $$ >cmd.pid; exec sleep 600'
wait_for cmd.pid || bad "COMMAND did not start"
kill -KILL "$PF"
wait "$PF" 2>/dev/null
wait_gone "$(cat cmd.pid)" && ok "COMMAND died with preflight" || bad "COMMAND outlived preflight killed by SIGKILL"

# ---- signals are forwarded ---------------------------------------------------
rm -f started got_usr1
run sig sh -c 'trap "touch got_usr1" USR1; trap "exit 0" TERM; touch started; while :; do sleep 0.1; done'
wait_for started || bad "COMMAND did not start"
kill -USR1 "$PF"
wait_for got_usr1 && ok "SIGUSR1 reached COMMAND" || bad "SIGUSR1 not forwarded"
kill -TERM "$PF"
done_with sig 0
[ "$(stopq ev/sig-stop.json "d['guard']['stop']['by'], d['guard']['stop']['signals_forwarded']")" = "command-exited 2" ] \
    && ok || bad "forwarded signals: $(stopq ev/sig-stop.json "d['guard']['stop']")"
rm -f started got_usr1

# ---- verify refuses a stop document -----------------------------------------
"$BIN" keygen --out "$T/ev.key" --name evidence >"$T/ev.pub" 2>/dev/null
expect 0 "signed guarded exec" "$BIN" exec --guard --sign-key "$T/ev.key" --evidence "$P/ev/s.json" checks -- true
[ -s ev/s-stop.json.sig ] && ok || bad "the stop document is not signed"
expect 0 "the start document verifies" "$BIN" verify ev/s.json --pubkey "$T/ev.pub" --require pass
expect 1 "the stop document does not" "$BIN" verify ev/s-stop.json --pubkey "$T/ev.pub" --require pass
contains "why" "$T/out" "stop document"

# ---- live: guarded always; no required guard check, no start ----------------
L=$T/live
mkdir -p "$L/checks"
pass_check "$L/checks/a.lua" live.a
printf 'live.a\n' >"$L/checks/manifest"
live_pack "$L/checks" "audit = $L/audit.jsonl
guard_interval_s = 1" || bad "live pack"
cd "$L" || exit 2
live_env() {
    LIVE_APPROVALS=$(approval "$L/checks" 250) ARBITRAGE_ENV=live LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK \
        LIVE_ARM_AT=$(date -u +%s) LIVE_MAX_NOTIONAL_USD=250 "$@"
}
live_env expect 3 "live exec without a guard check" "$BIN" exec --http real --evidence "$L/e1.json" checks -- touch "$L/started"
contains "reason" "$T/out" "needs a required guard check"
[ -e "$L/started" ] && bad "live exec started without a guard check" || ok
pass_check "$L/checks/a.lua" live.a guard
"$BIN" lock checks >/dev/null
live_env expect 0 "live exec guarded" "$BIN" exec --http real --evidence "$L/e2.json" checks -- sh -c 'touch started; exit 0'
[ -e "$L/started" ] && ok || bad "live exec did not start COMMAND"
[ "$(jsonq "$L/e2-stop.json" "d['arming']['state'], d['guard']['stop']['by'], d['exit_code']")" = "armed command-exited 0" ] \
    && ok || bad "live stop document"
"$BIN" audit show "$L/audit.jsonl" --format json >"$T/audit.json" 2>&1
contains "guard-stop recorded" "$T/audit.json" '"guard-stop"'
expect 0 "audit chain intact" "$BIN" audit verify "$L/audit.jsonl"
# a check file changed while COMMAND runs: the next guard cycle finds the
# pack off its lock, engages the switch and stops COMMAND (pack-changed);
# COMMAND ends by itself after 120 s if it does not (exit 0, not 3)
rm -f "$L/started"
live_env expect 3 "live exec: the pack changed under the guard" "$BIN" exec --http real \
    --evidence "$L/e3.json" checks -- sh -c 'echo "-- changed" >>checks/a.lua; touch started; exec sleep 120'
[ "$(jsonq "$L/e3-stop.json" "d['guard']['stop']['by'], d['exit_code']")" = "pack-changed 3" ] \
    && ok || bad "pack-changed stop: $(jsonq "$L/e3-stop.json" "d['guard']['stop']")"
contains "the switch says why" "$L/KILL_SWITCH" "the pack changed"
"$BIN" audit show "$L/audit.jsonl" --format json >"$T/audit.json" 2>&1
contains "guard-stop pack-changed recorded" "$T/audit.json" '"outcome":"pack-changed"'
rm -f "$L/KILL_SWITCH" "$L/started"
pass_check "$L/checks/a.lua" live.a guard

finish guard
