#!/bin/sh
# Signed approvals end to end (DESIGN 8.5), with real keys from keygen and
# tokens from approve (or, for the payloads approve never writes, signed
# with the same key by openssl): each kind of bad token is refused by live
# arm with its fixed `why` in the evidence, and a good one arms once.
# Also the trust roots (8.4) and a pack changed after approval.
# Needs PREFLIGHT_BIN, openssl and runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir approvals


export PREFLIGHT_HOST_ID=bot-1 ARBITRAGE_ENV=live
export LIVE_ARM_ACK=I_UNDERSTAND_LIVE_RISK LIVE_MAX_NOTIONAL_USD=250
unset LIVE_APPROVALS
cd "$T" || exit 2
pass_check "$T/p/a.lua" p.a
printf 'p.a\n' >"$T/p/manifest"
live_pack "$T/p" || bad "pack"

# arm_with NAME WANT_EXIT WHY TOKENS...: a live arm presenting TOKENS (one
# a line); WHY is the expected why of the first rejected line ("" none)
arm_with() {
    name=$1 want=$2 why=$3
    shift 3
    printf '%s\n' "$@" >"$T/tokens"
    LIVE_ARM_AT=$(date -u +%s) expect "$want" "$name" "$BIN" arm --http real \
        --approvals "$T/tokens" --evidence "$T/$name.json" "$T/p"
    if [ -n "$why" ]; then
        got=$(jsonq "$T/$name.json" "d['arming']['approvals']['rejected'][0]['why']" 2>/dev/null)
        [ "$got" = "$why" ] && ok || bad "$name: why '$got', want '$why'"
    fi
}

# sign_payload JSON: a token over JSON signed with alice's key by openssl
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
sign_payload() {
    printf '%s' "$1" >"$T/payload"
    openssl pkeyutl -sign -inkey "$T/p.keys/alice.key" -rawin \
        -in "$T/payload" -out "$T/sig" || return 1
    printf 'pfa1.%s.%s' "$(b64url <"$T/payload")" "$(b64url <"$T/sig")"
}
GOOD=$(approval "$T/p" 250)
[ -n "$GOOD" ] && ok || bad "approve printed no token"
# the fields of a good token, to forge variants
PAYLOAD=$($PY -c "
import base64,sys
t=sys.argv[1].split('.')[1]; t+='='*(-len(t)%4)
print(base64.urlsafe_b64decode(t).decode())" "$GOOD")
variant() { $PY -c "
import json,sys,time
d=json.loads(sys.argv[1]); now=int(time.time())
exec(sys.argv[2])
print(json.dumps(d,separators=(',',':')))" "$PAYLOAD" "$1"; }

# ---- every why ------------------------------------------------------------
arm_with malformed 3 malformed "pfa1.bm90IGEgdG9rZW4.AAAA"
arm_with truncated 3 malformed "$(printf '%s' "$GOOD" | cut -c1-200)"
arm_with crlf 3 malformed "$(printf '%s\r' "$GOOD")"
arm_with long 3 malformed "$(head -c 1500 /dev/zero | tr '\0' 'A')"
TAMPERED="pfa1.$(variant "d['cap']='2500.00'" | tr -d '\n' | b64url).$(printf '%s' "$GOOD" | cut -d. -f3)"
arm_with tampered 3 signature "$TAMPERED"
arm_with other-cap 3 cap "$(sign_payload "$(variant "d['cap']='300.00'")")"
arm_with other-host 3 host "$(sign_payload "$(variant "d['host']='bot-2'")")"
arm_with other-pack 3 pack "$(sign_payload "$(variant "d['pack']='0'*64")")"
arm_with expired 3 expired "$(sign_payload "$(variant "d['iat']=now-700; d['exp']=now-100")")"
arm_with future 3 future "$(sign_payload "$(variant "d['iat']=now+120; d['exp']=now+400")")"
arm_with over-long 3 ttl "$(sign_payload "$(variant "d['exp']=d['iat']+601")")"
arm_with odd-cap 3 malformed "$(sign_payload "$(variant "d['cap']='1.2.3'")")"
# carol signs for a pack that lists her: presented here, her key is unlisted
pass_check "$T/q/a.lua" p.a
printf 'p.a\n' >"$T/q/manifest"
mkdir -p "$T/q.keys"
"$BIN" keygen --out "$T/q.keys/alice.key" --name carol >"$T/q/approvers" 2>/dev/null
"$BIN" lock "$T/q" >/dev/null
arm_with unlisted-key 3 unlisted-key "$(approval "$T/q" 250)"
# approve itself refuses a key that is not listed, and a stale lock
expect 3 "approve: unlisted key" "$BIN" approve --key "$T/q.keys/alice.key" --cap 250 --host bot-1 "$T/p"
contains "approve: says not listed" "$T/err" "not listed"
# the good token arms, once; then it is replayed
arm_with good 0 "" "$GOOD"
[ "$(jsonq "$T/good.json" "d['arming']['state'], len(d['arming']['approvals']['accepted']), d['arming']['approvals']['accepted'][0]['approver']")" = "armed 1 alice" ] && ok || bad "good: armed by alice"
arm_with replayed 3 replayed "$GOOD"
contains "audit chain intact" "$T/p/../evidence/audit.jsonl" '"outcome":"armed"'

# ---- require 2: two approvers, not the same key twice ----------------------
"$BIN" keygen --out "$T/p.keys/bob.key" --name bob >>"$T/p/approvers" 2>/dev/null
printf 'require 2\n' >>"$T/p/approvers"
"$BIN" lock "$T/p" >/dev/null
A1=$(approval "$T/p" 250)
A2=$(approval "$T/p" 250)
arm_with duplicate-key 3 duplicate-key "$A1" "$A2"
B1=$("$BIN" approve --key "$T/p.keys/bob.key" --cap 250 --host bot-1 "$T/p" 2>/dev/null)
arm_with two-approvers 0 "" "$(approval "$T/p" 250)" "$B1"

# ---- the pack changed after approval ---------------------------------------
TOK=$(approval "$T/p" 250)
TOK2=$("$BIN" approve --key "$T/p.keys/bob.key" --cap 250 --host bot-1 "$T/p" 2>/dev/null)
printf -- '-- edited\n' >>"$T/p/a.lua"
arm_with edited-check 3 "" "$TOK" "$TOK2"
contains "edited: lock reason" "$T/out" "does not match its lock"
expect 3 "approve refuses a stale lock" "$BIN" approve --key "$T/p.keys/alice.key" --cap 250 --host bot-1 "$T/p"
"$BIN" lock "$T/p" >/dev/null
arm_with relocked 3 pack "$TOK" "$TOK2"

# ---- trust roots (8.4) --------------------------------------------------------
A1=$(approval "$T/p" 250)
B1=$("$BIN" approve --key "$T/p.keys/bob.key" --cap 250 --host bot-1 "$T/p" 2>/dev/null)
chmod g+w "$T/p/approvers"
arm_with group-writable 3 "" "$A1" "$B1"
contains "trust reason" "$T/out" "p/approvers is writable by group"
chmod g-w "$T/p/approvers"
arm_with trusted-again 0 "" "$A1" "$B1"
# owned by the user running preflight (nobody), as a bot user's own copy
if command -v setpriv >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    cp -r "$T/p" "$T/own"
    chown -R nobody "$T/own" && chmod 755 "$T"
    "$BIN" lock "$T/own" >/dev/null
    chown nobody "$T/own/preflight.lock"
    A1=$("$BIN" approve --key "$T/p.keys/alice.key" --cap 250 --host bot-1 "$T/own" 2>/dev/null)
    B1=$("$BIN" approve --key "$T/p.keys/bob.key" --cap 250 --host bot-1 "$T/own" 2>/dev/null)
    printf '%s\n%s\n' "$A1" "$B1" >"$T/own.tokens"
    chmod 644 "$T/own.tokens"
    mkdir "$T/ev" && chown nobody "$T/ev"
    LIVE_ARM_AT=$(date -u +%s) setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$BIN" arm --http real --approvals "$T/own.tokens" --evidence "$T/ev/own.json" "$T/own" \
        >"$T/out" 2>"$T/err"
    rc=$?; [ $rc -eq 3 ] && ok || { bad "pack owned by the user running preflight: exit $rc, want 3"; cat "$T/out" "$T/err" | head; }
    contains "own pack: reason" "$T/out" "the user running preflight"
fi

# ---- a policy that does not parse -------------------------------------------
cp -r "$T/p" "$T/bad"
printf 'kill_switch = KS\nguard_interval_s = 0\n' >"$T/bad/policy"
expect 2 "lock refuses a malformed policy" "$BIN" lock "$T/bad"
contains "lock: policy line" "$T/err" "policy: line 2: guard_interval_s"
LIVE_ARM_AT=$(date -u +%s) expect 3 "live arm: malformed policy" "$BIN" arm --http real "$T/bad"
contains "live arm: names the policy" "$T/out" "the pack cannot be read"
unset ARBITRAGE_ENV
expect 2 "paper run: malformed policy" "$BIN" run "$T/bad"
export ARBITRAGE_ENV=live

# ---- the shipped pack (stage D98): no approvers, so LIVE cannot arm; the
# refusal comes before any check runs (no real API call is made)
SRC=${PREFLIGHT_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
LIVE_ARM_AT=$(date -u +%s) expect 3 "shipped pack: LIVE refused" "$BIN" arm --http real \
    --evidence "$T/d98.json" "$SRC/checks"
contains "shipped pack: no approvers" "$T/out" "no approvers: LIVE cannot be armed at this stage (D98)"
[ "$(jsonq "$T/d98.json" "len(d['checks']), d['arming']['state']")" = "0 refused" ] && ok || bad "shipped pack: no check ran"

finish approvals
