#!/bin/sh
# Audit log rotation that keeps the chain (DESIGN 8.6, issue 15): `audit
# rotate` archives the log as LOG.FIRST-LAST and starts a new file whose
# first line links to it; verify of the new file alone says so and prints
# the hash; verify of old and new in order is intact, in the wrong order
# broken; appends racing the rotations lose no line; an approval used
# before a rotation is still refused as replayed after it.
# Needs PREFLIGHT_BIN and runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir rotate

export ARBITRAGE_ENV=paper PREFLIGHT_HOST_ID=bot-1
unset LIVE_APPROVALS
cd "$T" || exit 2
pass_check "$T/p/a.lua" p.a
printf 'p.a\n' >"$T/p/manifest"
LOG="$T/log/audit.jsonl"
mkdir -p "$T/log"
for i in 1 2 3; do
    "$BIN" exec --audit "$LOG" --evidence "$T/e$i.json" "$T/p" -- true \
        >/dev/null 2>&1 || bad "exec $i"
done
LAST=$($PY -c "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read().splitlines()[-1]).hexdigest())" "$LOG")

expect 0 "rotate" "$BIN" audit rotate "$LOG"
contains "rotate names the archive" "$T/out" "audit.jsonl.1-3"
[ -f "$LOG.1-3" ] && ok || bad "no archive $LOG.1-3"
py "the new file's first line" "
import json
l = open('$LOG').read().splitlines()
assert len(l) == 1, l
d = json.loads(l[0])
assert d['command'] == 'rotate' and d['seq'] == 4 and d['prev'] == '$LAST', d
"
"$BIN" exec --audit "$LOG" --evidence "$T/e4.json" "$T/p" -- true \
    >/dev/null 2>&1 || bad "exec after the rotation"
py "no evidence_sha256 in new lines" "
import json
for l in open('$LOG'):
    assert 'evidence_sha256' not in json.loads(l), l
"

# the new file alone: intact, and it says where it links to
expect 0 "verify the new file alone" "$BIN" audit verify "$LOG"
contains "links to a previous file" "$T/out" "links to a previous file"
contains "the hash it carries" "$T/out" "$LAST"
expect 0 "verify old and new in order" "$BIN" audit verify "$LOG.1-3" "$LOG"
contains "chained" "$T/out" "2 files, 5 records"
expect 1 "verify in the wrong order" "$BIN" audit verify "$LOG" "$LOG.1-3"
contains "wrong order named" "$T/out" "audit.jsonl.1-3: line 1"
# the archive edited: broken, named
cp "$LOG.1-3" "$T/saved"
sed -i '2s/"exec"/"EXEC"/' "$LOG.1-3"
expect 1 "edited archive" "$BIN" audit verify "$LOG.1-3" "$LOG"
contains "edited archive named" "$T/out" "line 3: prev is not the hash of line 2"
cp "$T/saved" "$LOG.1-3"
# the new file's first line removed: not a log start, not a rotation
sed '1d' "$LOG" >"$T/cut.jsonl"
expect 1 "head cut" "$BIN" audit verify "$T/cut.jsonl"
# rotate refuses a broken log, an empty one, a missing one
printf 'x\n' >>"$T/saved"
expect 1 "rotate a broken log" "$BIN" audit rotate "$T/saved"
: >"$T/empty.jsonl"
expect 1 "rotate an empty log" "$BIN" audit rotate "$T/empty.jsonl"
expect 2 "rotate a missing log" "$BIN" audit rotate "$T/none.jsonl"

# ---- appends racing rotations: no line lost ------------------------------
rm -f "$LOG"*
"$BIN" exec --audit "$LOG" --evidence "$T/r0.json" "$T/p" -- true \
    >/dev/null 2>&1
i=0
while [ $i -lt 16 ]; do
    "$BIN" exec --audit "$LOG" --evidence "$T/r$i.json" "$T/p" -- true \
        >/dev/null 2>&1 &
    i=$((i + 1))
done
for k in 1 2 3; do "$BIN" audit rotate "$LOG" >/dev/null 2>&1; done
wait
# shellcheck disable=SC2046
FILES=$($PY -c "
import glob, re, sys
a = [(int(re.search(r'\.(\d+)-\d+$', f).group(1)), f) for f in glob.glob(sys.argv[1] + '.*-*')]
print(' '.join([f for _, f in sorted(a)] + [sys.argv[1]]))" "$LOG")
# shellcheck disable=SC2086
expect 0 "racing appends: the files chain" "$BIN" audit verify $FILES
py "racing appends: 17 exec records" "
import json, sys
n = 0
for f in '$FILES'.split():
    for l in open(f):
        n += json.loads(l)['command'] == 'exec'
assert n == 17, n
"

# ---- a used approval stays used across a rotation --------------------------
export ARBITRAGE_ENV=live LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK
export LIVE_MAX_NOTIONAL_USD=250
live_pack "$T/p" || bad "live pack"
TOKEN=$(approval "$T/p" 250)
printf '%s\n' "$TOKEN" >"$T/tokens"
LIVE_ARM_AT=$(date -u +%s) expect 0 "live arm" "$BIN" arm --http real \
    --approvals "$T/tokens" --evidence "$T/l1.json" "$T/p"
ALOG="$T/evidence/audit.jsonl"
expect 0 "rotate the live log" "$BIN" audit rotate "$ALOG"
LIVE_ARM_AT=$(date -u +%s) expect 3 "replay after the rotation" "$BIN" arm \
    --http real --approvals "$T/tokens" --evidence "$T/l2.json" "$T/p"
py "replayed" "
import json
d = json.load(open('$T/l2.json'))
assert d['arming']['approvals']['rejected'][0]['why'] == 'replayed', d['arming']
"

finish rotate
