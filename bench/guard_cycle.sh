#!/bin/sh
# bench/guard_cycle.sh: the cost of one guard cycle of the shipped pack
# (issue 17), with the demo's settings (examples/paper.env, mocked
# exchange APIs) and a throwaway redis-server and PostgreSQL
# (scripts/services.sh, stopped at exit).
#
#   bench/guard_cycle.sh [PREFLIGHT_BINARY]      (default build/preflight)
#
# For each database state, BENCH_RUNS (default 7) runs of
#     preflight run checks/ --phase guard [--tag guard]
# timed by /usr/bin/time (wall; user and sys CPU of preflight and of the
# workers it reaped), medians printed as a Markdown table. States:
#   empty   the demo's database: no kpi schema (the KPI checks fail for
#           missing data after one probe)
#   seeded  examples/kpi/schema.sql with a fresh heartbeat and a few rows
#           in every table (expected balances as the fixtures hold), so
#           every KPI query runs in full and every check passes
# and of the same on a copy of checks/ holding only the checks tagged
# guard (what a guard cycle runs; `--tag guard` would not do: a tag filter
# never drops a required check). Last, the guard's own
# preflight_guard_cycle_duration_seconds over BENCH_RUNS cycles of one
# `exec --guard` of that copy (1 s interval, seeded database). Writes
# nothing outside its temporary folders.
set -eu
[ -n "${BENCH_TRACE:-}" ] && set -x
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${1:-${PREFLIGHT_BIN:-$root/build/preflight}}
runs=${BENCH_RUNS:-7}
cd "$root"
PF_SERVICES_LIB=1 . "$root/scripts/services.sh"
W=$(mktemp -d /tmp/pf_bench_guard.XXXXXX)
SVC=$(mktemp -d /tmp/pf_bench_guard_svc.XXXXXX) # its own: mode 755 for postgres
trap 'pf_svc_stop_all "$SVC"; rm -rf "$W" "$SVC"' EXIT
trap 'exit 130' INT TERM
set -a
. examples/paper.env
set +a
unset LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD KPI_DATABASE_URL
urls=$(sh scripts/services.sh start "$SVC" redis postgres)
eval "$(echo "$urls" | sed -n 's/^\(REDIS_URL\|DATABASE_URL\)=\([^ ]*\)$/export \1=\2/p')"
PF_SVC_PG_PORT=${DATABASE_URL##*:}
PF_SVC_PG_PORT=${PF_SVC_PG_PORT%%/*}
sql() {
    pf_svc_as_pg "$(pf_svc_pgbin)/psql" -X -q -v ON_ERROR_STOP=1 -h "$SVC/pg/sock" \
        -p "$PF_SVC_PG_PORT" -U postgres -d postgres -f - >/dev/null
}

# time_runs LABEL ARGS...: runs timed runs; prints "LABEL wall user sys checks"
time_runs() {
    label=$1
    shift
    : >"$W/t"
    i=0
    while [ $i -lt "$runs" ]; do
        /usr/bin/time -o "$W/t" -a -f "%e %U %S" "$bin" "$@" >"$W/out" 2>&1 || true
        i=$((i + 1))
    done
    n=$(sed -n 's/^\([0-9]*\) checks: .*/\1/p' "$W/out")
    s=$(sed -n 's/^[0-9]* checks: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 pass, \2 fail/p' "$W/out")
    /usr/bin/python3 - "$W/t" "$label" "$n" "$s" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[:1].isdigit()]
med = lambda k: statistics.median(float(r[k]) for r in rows)
print("| %s | %s (%s) | %d | %.2f | %.2f | %.2f | %.2f |" % (sys.argv[2], sys.argv[3],
      sys.argv[4], len(rows), med(0), med(1), med(2), med(1) + med(2)))
PY
}

# cycle_durations: one guarded exec of the guard-tagged copy (its policy:
# a 1 s interval) whose COMMAND notes preflight_guard_cycle_duration_seconds
# after each of `runs` guard cycles; prints the median in seconds
cycle_durations() {
    printf 'guard_interval_s = 1\nkill_switch = %s/KS\n' "$W" >"$G/policy"
    : >"$W/c"
    "$bin" exec --guard --lib lib --evidence "$W/ev.json" --metrics "$W/m.prom" "$G" -- \
        sh -c 'k=0 n=0
            while [ "$k" -lt "$2" ] && [ $n -lt 3000 ]; do
                cp "$0" "$0.snap" 2>/dev/null
                c=$(sed -n "s/^preflight_guard_cycles //p" "$0.snap" 2>/dev/null)
                if [ -n "$c" ] && [ "$c" -gt "$k" ]; then
                    k=$c
                    sed -n "s/^preflight_guard_cycle_duration_seconds //p" "$0.snap" >>"$1"
                fi
                n=$((n + 1))
                sleep 0.1
            done' "$W/m.prom" "$W/c" "$runs" >"$W/out" 2>&1 || cat "$W/out" >&2
    rm -f "$G/policy"
    /usr/bin/python3 -c 'import statistics,sys; v=[float(l) for l in open(sys.argv[1]) if l.strip()]
print("%.3f s (%d cycles, min %.3f, max %.3f)" % (statistics.median(v), len(v), min(v), max(v)) if v else "n/a")' "$W/c"
}

seed() {
    { cat examples/kpi/schema.sql
      cat <<'SQL'
INSERT INTO kpi.bot_status (heartbeat_at, started_at) VALUES (now(), now());
INSERT INTO kpi.pnl (at, realized_usd) SELECT now() - i * interval '1 min', 1 FROM generate_series(1, 50) i;
INSERT INTO kpi.exchange_requests (exchange, endpoint, sent_at, latency_ms, http_status, outcome)
SELECT x, 'GET /x', now() - i * interval '1 s', 20, 200, 'ok'
FROM generate_series(1, 200) i, unnest(ARRAY['binance', 'upbit']) x;
INSERT INTO kpi.order_attempts (attempt_id, arb_id, exchange, symbol, side, qty,
  decision_price, decided_at, sent_at, acked_at, state)
SELECT 'a' || i || x, 'arb' || i, x, 'BTC', 'buy', 0.001, 100000, now() - i * interval '10 s',
  now() - i * interval '10 s', now() - i * interval '10 s' + interval '50 ms', 'filled'
FROM generate_series(1, 100) i, unnest(ARRAY['binance', 'upbit']) x;
INSERT INTO kpi.fills (fill_id, attempt_id, filled_at, price, qty)
SELECT 'f' || attempt_id, attempt_id, sent_at, 100001, 0.001 FROM kpi.order_attempts;
INSERT INTO kpi.exposure_snapshots (at, unhedged_usd) VALUES (now(), 0);
-- what checks/fixtures/binance_account.json and upbit_accounts.json hold
INSERT INTO kpi.expected_balances (exchange, asset, expected) VALUES
  ('binance', 'BTC', 0.002), ('binance', 'USDT', 1500),
  ('upbit', 'BTC', 0.002), ('upbit', 'KRW', 2000000);
SQL
    } | sql
}

# the guard-tagged checks alone (what a guard cycle runs): a copy of
# checks/ (fixtures too) without the others, the same lib/
G=$W/guardonly/checks
mkdir -p "$G"
cp -R checks/fixtures "$G/"
: >"$G/ids"
for f in checks/*.lua; do
    grep -q '"guard"' "$f" || continue
    cp "$f" "$G/"
    sed -n 's/^ *id = "\(.*\)",.*/\1/p' "$f" >>"$G/ids"
done
grep -Fx -f "$G/ids" checks/manifest >"$G/manifest"
rm -f "$G/ids"

echo "| database | pack | checks (result) | runs | wall s | user s | sys s | CPU s |"
echo "|---|---|---|---|---|---|---|---|"
time_runs "empty | checks/" run checks/ --phase guard
time_runs "empty | guard-tagged" run "$G" --phase guard --lib lib
seed
time_runs "seeded | checks/" run checks/ --phase guard
time_runs "seeded | guard-tagged" run "$G" --phase guard --lib lib
[ -n "${BENCH_KEEP:-}" ] && cp "$W/out" "$BENCH_KEEP"
echo
echo "guard cycle of the guard-tagged checks (exec --guard, seeded): median $(cycle_durations)"
