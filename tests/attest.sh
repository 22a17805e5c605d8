#!/bin/sh
# Signed evidence (DESIGN 8.9): --sign-key writes EVIDENCE.sig over the
# evidence's exact bytes and records the key id; `preflight verify`
# accepts only a valid signature by the given key, a fresh finished_at,
# the required outcome and (with --host) the host id, and lists every
# reason otherwise. The bot start script of examples/verify runs through
# a real live `exec`.
# Needs PREFLIGHT_BIN, openssl; runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=${PREFLIGHT_SRC:-$(pwd)}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir attest

unset ARBITRAGE_ENV LIVE_APPROVALS LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD
export PREFLIGHT_HOST_ID=attest-host
cd "$T" || exit 2
pass_check "$T/p/a.lua" p.a guard
printf 'p.a\n' >"$T/p/manifest"
"$BIN" keygen --out "$T/ev.key" --name evidence >"$T/ev.pub" 2>/dev/null
"$BIN" keygen --out "$T/other.key" --name other >"$T/other.pub" 2>/dev/null

# ---- signed run: verify pass -------------------------------------------------
expect 0 "signed run" "$BIN" run --sign-key "$T/ev.key" --evidence "$T/e/run.json" "$T/p"
[ -s "$T/e/run.json.sig" ] && ok || bad "no .sig written"
py "the evidence records the signing key's id" "
import base64, hashlib, json, sys
pub = open(sys.argv[2]).read().split()[1]
kid = hashlib.sha256(base64.b64decode(pub)).hexdigest()[:16]
d = json.load(open(sys.argv[1]))
assert d['signed_key_id'] == kid, (d['signed_key_id'], kid)
assert d['host_id'] == 'attest-host', d['host_id']
" "$T/e/run.json" "$T/ev.pub"
expect 0 "verify pass" "$BIN" verify "$T/e/run.json" --pubkey "$T/ev.pub" --require pass
contains "verify says signer" "$T/out" "signed by evidence"
expect 0 "verify pass, host" "$BIN" verify "$T/e/run.json" --pubkey "$T/ev.pub" --require pass --host attest-host
expect 1 "verify: other host" "$BIN" verify "$T/e/run.json" --pubkey "$T/ev.pub" --require pass --host bot-2
contains "other host reason" "$T/out" "host id is attest-host, not bot-2"
expect 1 "verify: armed required, paper run" "$BIN" verify "$T/e/run.json" --pubkey "$T/ev.pub" --require armed
contains "armed reason" "$T/out" "arming state is not-required, not armed"
expect 1 "verify: another key" "$BIN" verify "$T/e/run.json" --pubkey "$T/other.pub" --require pass
contains "another key reason" "$T/out" "not valid for key"
cp "$T/e/run.json" "$T/e/one.json"
cp "$T/e/run.json.sig" "$T/e/one.json.sig"
$PY -c "
import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[10]^=1; open(p,'wb').write(b)" "$T/e/one.json"
expect 1 "verify: one byte changed" "$BIN" verify "$T/e/one.json" --pubkey "$T/ev.pub" --require pass
rm "$T/e/one.json.sig"
expect 1 "verify: no .sig" "$BIN" verify "$T/e/one.json" --pubkey "$T/ev.pub" --require pass
contains "no sig reason" "$T/out" "no signature"
printf 'garbage\n' >"$T/e/one.json.sig"
expect 1 "verify: malformed .sig" "$BIN" verify "$T/e/one.json" --pubkey "$T/ev.pub" --require pass
expect 2 "verify: unreadable evidence" "$BIN" verify "$T/e/none.json" --pubkey "$T/ev.pub" --require pass
expect 2 "verify: bad pubkey file" "$BIN" verify "$T/e/run.json" --pubkey "$T/ev.key" --require pass
mkfifo "$T/e/fifo.json"
expect 2 "verify: FIFO evidence" timeout 20 "$BIN" verify "$T/e/fifo.json" --pubkey "$T/ev.pub" --require pass

# stale and future finished_at, signed properly (by openssl, same key)
resign() { # resign FILE PYEXPR: edit the JSON, sign the new bytes
    $PY -c "
import json,sys,datetime
p=sys.argv[1]; d=json.load(open(p)); now=datetime.datetime.now(datetime.timezone.utc)
exec(sys.argv[2])
open(p,'w').write(json.dumps(d,separators=(',',':'))+'\n')" "$1" "$2"
    openssl pkeyutl -sign -inkey "$T/ev.key" -rawin -in "$1" -out "$1.raw" &&
        base64 -w0 "$1.raw" >"$1.sig" && printf '\n' >>"$1.sig"
}
cp "$T/e/run.json" "$T/e/stale.json"
resign "$T/e/stale.json" "d['finished_at']=(now-datetime.timedelta(seconds=900)).strftime('%Y-%m-%dT%H:%M:%S.000Z')"
expect 0 "verify: resigned copy verifies apart from its age" "$BIN" verify "$T/e/stale.json" --pubkey "$T/ev.pub" --require pass --max-age-s 3600
expect 1 "verify: stale" "$BIN" verify "$T/e/stale.json" --pubkey "$T/ev.pub" --require pass
contains "stale reason" "$T/out" "s ago (at most 600)"
cp "$T/e/run.json" "$T/e/future.json"
resign "$T/e/future.json" "d['finished_at']=(now+datetime.timedelta(seconds=300)).strftime('%Y-%m-%dT%H:%M:%S.000Z')"
expect 1 "verify: future" "$BIN" verify "$T/e/future.json" --pubkey "$T/ev.pub" --require pass
contains "future reason" "$T/out" "is in the future"
fail_check "$T/f/a.lua" f.a
expect 1 "signed failing run" "$BIN" run --sign-key "$T/ev.key" --evidence "$T/e/fail.json" "$T/f"
expect 1 "verify: a failing run" "$BIN" verify "$T/e/fail.json" --pubkey "$T/ev.pub" --require pass
contains "fail reasons" "$T/out" "verdict is fail, not pass"
contains "fail reasons: exit" "$T/out" "exit_code is 1, not 0"
expect 2 "sign-key without evidence on run" "$BIN" run --sign-key "$T/ev.key" "$T/p"
chmod 644 "$T/other.key"
expect 2 "sign-key readable by others" "$BIN" run --sign-key "$T/other.key" --evidence "$T/e/x.json" "$T/p"

# ---- live exec through the bot start script ---------------------------------
live_pack "$T/p" || bad "pack"
mkdir -p "$T/bin"
ln -s "$BIN" "$T/bin/preflight"
cat >"$T/bot" <<'EOF2'
#!/bin/sh
echo "trading with $PREFLIGHT_EVIDENCE" >"$BOT_MARK"
EOF2
chmod +x "$T/bot"
export BOT_MARK="$T/traded" PREFLIGHT_EVIDENCE_PUBKEY="$T/ev.pub"
PATH="$T/bin:$PATH" LIVE_APPROVALS=$(approval "$T/p" 250) ARBITRAGE_ENV=live \
    LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK LIVE_ARM_AT=$(date -u +%s) LIVE_MAX_NOTIONAL_USD=250 \
    expect 0 "live exec with bot-start.sh" "$BIN" exec --http real --sign-key "$T/ev.key" \
    --evidence "$T/e/exec.json" "$T/p" -- sh "$SRC/examples/verify/bot-start.sh" "$T/bot"
[ -s "$T/traded" ] && ok || bad "bot-start.sh did not start the bot after an armed exec"
expect 0 "the start document verifies as armed" "$BIN" verify "$T/e/exec.json" --pubkey "$T/ev.pub" --require armed --host attest-host
rm -f "$T/traded"
# started by hand in live, without preflight: refused
PATH="$T/bin:$PATH" ARBITRAGE_ENV=live expect 3 "bot-start.sh by hand" sh "$SRC/examples/verify/bot-start.sh" "$T/bot"
[ -e "$T/traded" ] && bad "bot started by hand in live" || ok
# with a paper run's evidence: refused (not armed)
PATH="$T/bin:$PATH" ARBITRAGE_ENV=live PREFLIGHT_EVIDENCE="$T/e/run.json" \
    expect 3 "bot-start.sh with a paper run's evidence" sh "$SRC/examples/verify/bot-start.sh" "$T/bot"
[ -e "$T/traded" ] && bad "bot started on a paper run's evidence" || ok

finish attest
