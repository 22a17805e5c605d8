#!/bin/sh
# The main job: install, build, then a dry-run (paper mode, mocked exchange
# APIs from checks/fixtures/) preflight of checks/ with its report, with the
# settings of examples/paper.env (fake credentials) and a throwaway
# redis-server and PostgreSQL on 127.0.0.1 (scripts/services.sh), stopped
# on exit. Writes evidence/live_preflight_dryrun.json and exits with
# preflight's exit code. If the servers cannot start, the run goes ahead
# and infra.redis / infra.postgres (and the KPI checks) report them
# unreachable. The database has no kpi schema (docs/KPI-SCHEMA.md): at
# start the KPI checks take that as a clean slate and pass.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
set -a
. examples/paper.env
set +a
unset LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD

SVC=$(mktemp -d /tmp/pf-demo.XXXXXX)
trap 'sh scripts/services.sh stop "$SVC"' EXIT
trap 'exit 130' INT TERM
if urls=$(sh scripts/services.sh start "$SVC" redis postgres); then
    eval "$(echo "$urls" | sed -n 's/^\(REDIS_URL\|DATABASE_URL\)=\([^ ]*\)$/export \1=\2/p')"
    echo "demo: redis-server and PostgreSQL started on 127.0.0.1"
else
    echo "demo: could not start redis-server and PostgreSQL;" \
        "the Redis and PostgreSQL checks will report them unreachable" >&2
fi
mkdir -p evidence
rc=0
./build/preflight run checks/ --evidence evidence/live_preflight_dryrun.json || rc=$?
exit "$rc"
