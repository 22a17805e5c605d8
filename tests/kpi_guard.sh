#!/bin/sh
# A guarded paper bot stopped by a KPI (issue 17, end to end): a real
# PostgreSQL (scripts/services.sh) with the kpi schema
# (examples/kpi/schema.sql), a pack with the shipped kpi.pnl_drawdown
# check and the lib/ modules it needs, and `preflight exec --guard`
# running a "bot" that keeps its heartbeat fresh in kpi.bot_status.
#   1. healthy guard cycles pass; a realized loss over the kill threshold
#      (2 % of PAPER_MAX_NOTIONAL_USD) stops the bot: exit 3, stop
#      document by guard-check with the check's reason, the kill switch
#      written with it, the bot gone;
#   2. the kpi schema dropped mid-run: missing data stops the bot;
#   3. the database stopped mid-run: the failed query stops the bot, and
#      the password is in neither the reason nor the switch.
# Waits are bounded loops on files and metrics the processes write, never
# sleeps that assume a speed. The server is stopped at exit, on failure
# too. Needs PREFLIGHT_BIN; runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=${PREFLIGHT_SRC:-$(pwd)}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir kpi_guard
# shellcheck source=../scripts/services.sh
PF_SERVICES_LIB=1 . "$SRC/scripts/services.sh"

SVC=$(mktemp -d /tmp/pf_kpi_guard_svc.XXXXXX) || exit 2
trap 'sh "$SRC/scripts/services.sh" stop "$SVC"; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

unset ARBITRAGE_ENV LIVE_APPROVALS LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD \
    KPI_DATABASE_URL
export PREFLIGHT_HOST_ID=kpi-guard-host

if ! urls=$(sh "$SRC/scripts/services.sh" start "$SVC" postgres 2>"$T/svc.err"); then
    bad "PostgreSQL did not start"
    sed 's/^/    /' "$T/svc.err"
    finish kpi_guard
    exit
fi
DATABASE_URL=$(echo "$urls" | sed -n 's/^DATABASE_URL=//p')
PGPW=$(echo "$DATABASE_URL" | sed -n 's|^postgresql://postgres:\([^@]*\)@.*|\1|p')
PF_SVC_PG_PORT=${DATABASE_URL##*:}
PF_SVC_PG_PORT=${PF_SVC_PG_PORT%%/*}
PSQL=$(pf_svc_pgbin)/psql
export DATABASE_URL PSQL PAPER_MAX_NOTIONAL_USD=1000 # kill above 20 USD

# sql: stdin to psql as the superuser over the cluster's socket
sql() {
    (unset LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
     pf_svc_as_pg "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$SVC/pg/sock" \
        -p "$PF_SVC_PG_PORT" -U postgres -d postgres -f -) >"$T/sql.out" 2>&1
}
# seed: a fresh kpi schema, a heartbeat and a profit made today
seed() {
    { echo "DROP SCHEMA IF EXISTS kpi CASCADE;"
      cat "$SRC/examples/kpi/schema.sql"
      echo "INSERT INTO kpi.bot_status (heartbeat_at, started_at) VALUES (now(), now());"
      echo "INSERT INTO kpi.pnl (at, realized_usd) VALUES (now(), 30);"
    } | sql || { bad "seeding the kpi schema"; sed 's/^/    /' "$T/sql.out"; }
}

# wait_for FILE: until FILE exists (at most 120 s: a hang, not a speed)
wait_for() {
    n=0
    while [ ! -e "$1" ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done
    [ -e "$1" ]
}
# wait_grep FILE TEXT: until FILE holds TEXT (at most 120 s)
wait_grep() {
    n=0
    while ! grep -qF -- "$2" "$1" 2>/dev/null && [ $n -lt 1200 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    grep -qF -- "$2" "$1" 2>/dev/null
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

# The pack: the shipped check and the modules it requires, as shipped;
# a policy with a 1 s guard interval and the kill switch.
P=$T/proj
mkdir -p "$P/checks" "$P/lib" "$P/ev" "$P/m"
cp "$SRC/checks/kpi_pnl_drawdown.lua" "$P/checks/"
for m in kpi messages settings; do cp "$SRC/lib/$m.lua" "$P/lib/"; done
printf 'kpi.pnl_drawdown\n' >"$P/checks/manifest"
printf 'kill_switch = %s/KS\nguard_interval_s = 1\nstop_grace_ms = 300\n' "$P" \
    >"$P/checks/policy"
# the bot: a heartbeat every second (errors ignored: the database may be
# gone), its pid and a started file once the first heartbeat is in
cat >"$P/bot" <<'EOF'
#!/bin/sh
unset LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
hb() {
    PGCONNECT_TIMEOUT=5 "$PSQL" -X -q "$DATABASE_URL" -c "INSERT INTO kpi.bot_status
        (id, heartbeat_at) VALUES (1, now())
        ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()" >/dev/null 2>&1
}
echo $$ >bot.pid
hb || exit 9
touch started
while :; do sleep 1; hb; done
EOF
chmod +x "$P/bot"
cd "$P" || exit 2

G='kpi.pnl_drawdown'
# run NAME: a guarded paper exec of the bot in the background; PF its pid
run() {
    rm -f started bot.pid KS
    "$BIN" exec --guard --evidence "$P/ev/$1.json" --metrics "$P/m/$1.prom" \
        checks -- ./bot >"$T/$1.out" 2>"$T/$1.err" &
    PF=$!
}
# healthy NAME: the bot started and a guard cycle passed the check
healthy() {
    wait_for started || bad "$1: the bot did not start"
    wait_grep "m/$1.prom" "preflight_guard_check_status{id=\"$G\"} 1" \
        && ok "$1: healthy guard cycles pass" \
        || { bad "$1: no passing guard cycle"; sed 's/^/    /' "m/$1.prom" "$T/$1.err" | head -30; }
}
# stopped NAME REASON [TEXT]: exit 3, stopped by the check with a reason
# that starts with "ID: REASON" (and holds TEXT), the switch says so, the
# bot is gone
stopped() {
    if ! wait_gone "$PF"; then
        bad "$1: preflight did not stop the bot within 120 s"
        kill -TERM "$PF"
    fi
    wait "$PF"
    got=$?
    if [ "$got" = 3 ]; then ok; else
        bad "$1: exit $got, want 3"
        sed 's/^/    /' "$T/$1.out" "$T/$1.err" | head -20
    fi
    [ "$(jsonq "ev/$1-stop.json" "d['exit_code'], d['guard']['stop']['by']")" = "3 guard-check" ] \
        && ok || bad "$1: stop document: $(jsonq "ev/$1-stop.json" "d['guard']")"
    reason=$(jsonq "ev/$1-stop.json" "d['guard']['stop']['reason']")
    case $reason in
    "$G: $2"*"${3:-}"*) ok "$1: stopped by $G: $reason" ;;
    *) bad "$1: stop reason '$reason', want '$G: $2...${3:-}...'" ;;
    esac
    [ -e KS ] && ok || bad "$1: the kill switch was not engaged"
    [ "$(jsonq KS "d['reason']")" = "$reason" ] && ok \
        || bad "$1: the switch's reason: $(cat KS)"
    [ -s bot.pid ] && wait_gone "$(cat bot.pid)" && ok "$1: the bot is gone" \
        || bad "$1: the bot survived the stop"
    # stopped after as many failing cycles as the check's guard_failures
    # (unset: 1), never fewer
    limit=$(sed -n "s/^preflight_guard_check_failures_limit{id=\"$G\",required=\"true\"} //p" "m/$1.prom")
    row=$(sed -n "s/^preflight_guard_check_failures_in_a_row{id=\"$G\"} //p" "m/$1.prom")
    [ "$limit" = 1 ] && [ "$row" = "$limit" ] && ok \
        || bad "$1: failures in a row '$row', limit '$limit', want 1 and 1"
    schema "ev/$1-stop.json"
}

# ---- 1. a realized loss over the kill threshold ------------------------------
seed
run loss
healthy loss
echo "INSERT INTO kpi.pnl (at, realized_usd) VALUES (now(), -60);" | sql \
    || bad "inserting the loss"
stopped loss "realized PnL today " "drawdown 60.00 USD > kill threshold 20.00 USD"

# ---- 2. the kpi schema dropped mid-run: missing data -------------------------
seed
run noschema
healthy noschema
echo "DROP SCHEMA kpi CASCADE;" | sql || bad "dropping the kpi schema"
stopped noschema "no data: no kpi schema in the database at DATABASE_URL"

# ---- 3. the database stopped mid-run ------------------------------------------
seed
run nodb
healthy nodb
(unset LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
 pf_svc_as_pg "$(pf_svc_pgbin)/pg_ctl" -D "$SVC/pg/data" -m immediate -w stop) \
    >"$T/pgstop.out" 2>&1 || bad "stopping PostgreSQL"
stopped nodb "KPI query on DATABASE_URL failed:"
lacks "nodb: the password is masked in the switch" KS "$PGPW"
lacks "nodb: the password is masked in the stop document" ev/nodb-stop.json "$PGPW"

finish kpi_guard
