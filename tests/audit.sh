#!/bin/sh
# The audit log end to end (DESIGN 8.6): lock, approve, arm, exec and kill
# each append a hash-chained record; 32 concurrent arms leave an intact
# chain of 32 records; `audit verify` names the first bad line of an
# edited, cut or reordered log; a record that cannot be written refuses
# live (exit 3) and fails paper (exit 2), and nothing starts.
# Needs PREFLIGHT_BIN and runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir audit

unset ARBITRAGE_ENV LIVE_APPROVALS LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD
export PREFLIGHT_HOST_ID=audit-host
cd "$T" || exit 2
pass_check "$T/p/a.lua" p.a
printf 'p.a\n' >"$T/p/manifest"
live_pack "$T/p" "audit = $T/log/audit.jsonl" || bad "pack"
LOG=$T/log/audit.jsonl

# ---- lock, approve, kill, arm, exec each leave a record ----------------------
expect 0 "lock" "$BIN" lock "$T/p"
TOK=$(approval "$T/p" 250)
expect 0 "paper exec" "$BIN" exec "$T/p" -- true
expect 3 "paper arm" "$BIN" arm "$T/p"
LIVE_APPROVALS=$TOK ARBITRAGE_ENV=live LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK \
    LIVE_ARM_AT=$(date -u +%s) LIVE_MAX_NOTIONAL_USD=250 \
    expect 0 "live arm" "$BIN" arm --http real "$T/p"
expect 0 "kill" "$BIN" kill --reason "audit test" "$T/p"
rm -f "$T/KILL_SWITCH"
expect 0 "verify" "$BIN" audit verify "$LOG"
contains "verify count (lock twice, approve, exec, arm, arm, kill)" "$T/out" "(7 records)"
expect 0 "show" "$BIN" audit show "$LOG"
for c in lock approve exec arm kill; do contains "show: $c" "$T/out" " $c "; done
contains "show: armed" "$T/out" "armed"
expect 0 "show json" "$BIN" audit show --format json --last 2 "$LOG"
py "show json: the last two lines, as they are" "
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
assert [json.loads(l)['command'] for l in lines] == ['arm', 'kill'], lines
assert lines == open(sys.argv[2]).read().splitlines()[-2:]
" "$T/out" "$LOG"
py "the armed record names the approval, the pack and the chain" "
import hashlib, json, sys
lines = open(sys.argv[1], 'rb').read().split(b'\n')[:-1]
prev = '0' * 64
for l in lines:
    d = json.loads(l)
    assert d['prev'] == prev, (d['seq'], d['prev'], prev)
    prev = hashlib.sha256(l).hexdigest()
arm = [json.loads(l) for l in lines if json.loads(l)['outcome'] == 'armed'][0]
assert len(arm['nonces']) == 1 and len(arm['key_ids']) == 1, arm
assert arm['pack'] and arm['host'] == 'audit-host', arm
" "$LOG"

# ---- 32 concurrent arms: one intact chain ----------------------------------
rm -f "$LOG"
i=0
while [ $i -lt 32 ]; do
    "$BIN" arm --evidence "$T/c$i.json" "$T/p" >/dev/null 2>&1 &
    i=$((i + 1))
done
wait
expect 0 "32 concurrent arms: chain intact" "$BIN" audit verify "$LOG"
contains "32 records" "$T/out" "(32 records)"

# ---- a broken log is named at its first bad line ------------------------------
cp "$LOG" "$T/good.jsonl"
sed -i '5s/"arm"/"ARM"/' "$LOG"
expect 1 "edited line" "$BIN" audit verify "$LOG"
contains "edited: line 6" "$T/out" "line 6: prev is not the hash of line 5"
cp "$T/good.jsonl" "$LOG"
sed -i '10d' "$LOG"
expect 1 "removed line" "$BIN" audit verify "$LOG"
contains "removed: line 10" "$T/out" "line 10: seq is not 10"
cp "$T/good.jsonl" "$LOG"
head -c -20 "$T/good.jsonl" >"$LOG"
expect 1 "cut mid-append" "$BIN" audit verify "$LOG"
contains "cut: last line" "$T/out" "line 32 is not whole"
expect 2 "unreadable" "$BIN" audit verify "$T/none.jsonl"
mkfifo "$T/fifo.jsonl"
expect 2 "FIFO log" timeout 20 "$BIN" audit verify "$T/fifo.jsonl"
cp "$T/good.jsonl" "$LOG"

# ---- no record, no start -----------------------------------------------------
# paper: exec with a log that cannot be written (a cut last line): exit 2
head -c -1 "$T/good.jsonl" >"$LOG"
expect 2 "paper exec, no audit record" "$BIN" exec "$T/p" -- touch "$T/started"
[ -e "$T/started" ] && bad "paper exec started with no audit record" || ok
contains "paper: says why" "$T/out" "no audit record"
# live: /dev/full as the log (a character device: refused, never written)
mkdir -p "$T/q"
cp "$T/p/a.lua" "$T/p/manifest" "$T/q/"
# (its lock's own record cannot be written either: lock says so, exit 2)
live_pack "$T/q" "audit = /dev/full" && bad "lock with an unwritable audit log: want exit 2" || ok
expect 0 "q is locked all the same" "$BIN" lock --check "$T/q"
LIVE_APPROVALS=$(approval "$T/q" 250) ARBITRAGE_ENV=live LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK \
    LIVE_ARM_AT=$(date -u +%s) LIVE_MAX_NOTIONAL_USD=250 \
    expect 3 "live exec, no audit record" "$BIN" exec --http real "$T/q" -- touch "$T/started"
[ -e "$T/started" ] && bad "live exec started with no audit record" || ok
contains "live: says why" "$T/out" "no audit record"

finish audit
