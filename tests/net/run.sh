#!/bin/sh
# tests/net/run.sh: end-to-end tests of preflight.http, preflight.redis and
# preflight.db against real peers on loopback, started here and stopped on
# exit: a Python HTTP server, a listener that logs connections, one that
# never answers, two redis-server instances (with and without requirepass,
# one also on a unix socket) and a throwaway PostgreSQL cluster (initdb +
# pg_ctl as the postgres user, scram password auth for a test role); the
# redis-server and PostgreSQL start and stop through scripts/services.sh,
# the same code the demo and the specs use.
#
# Env: PREFLIGHT_BIN (the binary), PREFLIGHT_SRC (the source tree).
# Prints one line per assertion and ends with "net: N passed, M failed";
# exits non-zero on any failure, or when a peer cannot be started.
set -u

SRC=${PREFLIGHT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${PREFLIGHT_BIN:-$SRC/build/preflight}
HERE=$SRC/tests/net
# shellcheck source=../lib.sh
. "$SRC/tests/lib.sh"
# shellcheck source=../../scripts/services.sh
PF_SERVICES_LIB=1 . "$SRC/scripts/services.sh"

PIDS=""
TMP=$(mktemp -d /tmp/pf-net.XXXXXX) || exit 2
chmod 755 "$TMP" # the postgres user must reach its cluster inside

# the checks must reach loopback directly, whatever proxy the caller has
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
unset PGPASSWORD PGSERVICE PGHOST PGPORT PGUSER PGDATABASE

cleanup() {
    for p in $PIDS; do
        kill "$p" 2>/dev/null
    done
    pf_svc_stop_all "$TMP" # redis-server and PostgreSQL
    for p in $PIDS; do
        wait "$p" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
    echo "net: setup failed: $*" >&2
    if [ -f "$TMP/last.log" ]; then sed 's/^/    /' "$TMP/last.log" >&2; fi
    echo "net: $PASSED passed, $((FAILED + 1)) failed"
    exit 1
}

# A port that was free a moment ago (for servers that cannot take port 0).
free_port() {
    pf_svc_free_port
}

# wait_file FILE: up to 10 s for a helper to write its port file.
wait_file() {
    i=0
    while [ ! -s "$1" ]; do
        i=$((i + 1))
        [ $i -gt 200 ] && return 1
        sleep 0.05
    done
    return 0
}

# start_helper NAME MODE [ARGS...]: start httpd.py in MODE; sets PORT.
start_helper() {
    name=$1
    mode=$2
    shift 2
    "$PY" "$HERE/httpd.py" "$mode" "$TMP/$name.port" "$@" \
        >"$TMP/$name.log" 2>&1 &
    PIDS="$PIDS $!"
    wait_file "$TMP/$name.port" || die "$name helper did not start"
    PORT=$(cat "$TMP/$name.port")
}

# run_checks NAME DIR [preflight options...]: run DIR, keep the JSON.
run_checks() {
    name=$1
    dir=$2
    shift 2
    "$BIN" run "$dir" --format json --timeout-ms 5000 "$@" \
        >"$TMP/$name.json" 2>"$TMP/$name.err"
    rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
        bad "$name: preflight exited $rc: $(cat "$TMP/$name.err")"
    fi
}

# expect_json NAME ARGS...: assert with expect.py, count its ok / not ok
# lines.
expect_json() {
    name=$1
    shift
    rc=0
    "$PY" "$HERE/expect.py" "$TMP/$name.json" "$@" >"$TMP/$name.out" 2>&1 ||
        rc=$?
    cat "$TMP/$name.out"
    n=$(grep -c '^ok ' "$TMP/$name.out")
    m=$(grep -c '^not ok ' "$TMP/$name.out")
    PASSED=$((PASSED + n))
    FAILED=$((FAILED + m))
    # expect.py failed without a 'not ok' line (bad JSON, a crash): count it
    if [ "$rc" -ne 0 ] && [ "$m" -eq 0 ]; then
        FAILED=$((FAILED + 1))
    fi
}

[ -x "$BIN" ] || die "PREFLIGHT_BIN $BIN is not an executable"
for tool in redis-server redis-cli openssl; do
    command -v $tool >/dev/null 2>&1 || die "$tool is not installed"
done
if [ "$(id -u)" -eq 0 ]; then
    command -v runuser >/dev/null 2>&1 || die "runuser is not installed"
fi
[ -x "$(pf_svc_pgbin)/initdb" ] || die "PostgreSQL's initdb not found (postgresql)"

# ---- peers ------------------------------------------------------------------

start_helper http http
HTTP_PORT=$PORT
# a self-signed certificate: TLS verification must refuse it
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$TMP/tls.key" -out "$TMP/tls.crt" >"$TMP/last.log" 2>&1 ||
    die "openssl could not make a test certificate"
start_helper https https "$TMP/tls.crt" "$TMP/tls.key"
HTTPS_PORT=$PORT
start_helper trap trap "$TMP/trap.connections"
TRAP_PORT=$PORT
: >"$TMP/trap.connections"
start_helper silent silent
SILENT_PORT=$PORT
CLOSED_PORT=$(free_port)

pf_svc_redis_start "$TMP" redis1 --unixsocket "$TMP/redis.sock" \
    --unixsocketperm 700 || die "redis-server (plain) did not start"
REDIS_PORT=$PF_SVC_PORT
REDIS_PASS='r3d1s-Pa55'
pf_svc_redis_start "$TMP" redis2 --requirepass "$REDIS_PASS" \
    --user alice on '>al1ce-Pa55' '~*' '+@all' ||
    die "redis-server (password) did not start"
REDIS_AUTH_PORT=$PF_SVC_PORT
REDIS_DOWN_PORT=$(free_port)

PG_PASS='pg-Pa55-w0rd'
pf_svc_pg_start "$TMP" "super-$PG_PASS" || die "PostgreSQL did not start"
PG_PORT=$PF_SVC_PG_PORT
pf_svc_pg_psql "$TMP" "CREATE ROLE pftest LOGIN PASSWORD '$PG_PASS'" \
    >"$TMP/last.log" 2>&1 || die "cannot create the test role"
PG_DOWN_PORT=$(free_port)

H=http://127.0.0.1:$HTTP_PORT
export NET_HTTP=$H
export NET_HTTPS=https://127.0.0.1:$HTTPS_PORT
export NET_CLOSED_URL=http://127.0.0.1:$CLOSED_PORT/x
export NET_TRAP_URL=http://127.0.0.1:$TRAP_PORT/trap
export NET_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export NET_REDIS_AUTH_URL=redis://:$REDIS_PASS@127.0.0.1:$REDIS_AUTH_PORT/2
export NET_REDIS_ACL_URL=redis://alice:al1ce-Pa55@127.0.0.1:$REDIS_AUTH_PORT/0
export NET_REDIS_WRONG_URL=redis://:not-$REDIS_PASS@127.0.0.1:$REDIS_AUTH_PORT
export NET_REDIS_NOAUTH_URL=redis://127.0.0.1:$REDIS_AUTH_PORT
export NET_REDIS_DOWN_URL=redis://127.0.0.1:$REDIS_DOWN_PORT
export NET_REDIS_UNIX_URL=unix://$TMP/redis.sock
export NET_REDIS_BADDB_URL=redis://127.0.0.1:$REDIS_PORT/999
export NET_SILENT_REDIS_URL=redis://127.0.0.1:$SILENT_PORT
export NET_PG_URL=postgresql://pftest:$PG_PASS@127.0.0.1:$PG_PORT/postgres
export NET_PG_CONNINFO="host=127.0.0.1 port=$PG_PORT user=pftest password=$PG_PASS dbname=postgres sslmode=disable"
export NET_PG_WRONG_URL=postgresql://pftest:not-$PG_PASS@127.0.0.1:$PG_PORT/postgres
export NET_PG_WRONG_CONNINFO="host=127.0.0.1 port=$PG_PORT user=pftest password=not-$PG_PASS dbname=postgres"
export NET_PG_DOWN_URL=postgresql://pftest:$PG_PASS@127.0.0.1:$PG_DOWN_PORT/postgres
export NET_SILENT_PG_URL="host=127.0.0.1 port=$SILENT_PORT user=pftest password=$PG_PASS dbname=postgres sslmode=disable"

# ---- HTTP, real -------------------------------------------------------------

run_checks http "$HERE/checks/http" --http real
expect_json http \
    "http.ok-json=pass" \
    "http.status-500=pass" \
    "http.rate-limited=pass" \
    "http.slow=fail:^timeout after 300 ms: GET $H/slow\$" \
    "http.clamped=error:^timeout" \
    "http.refused=fail:^connection refused: GET http://127.0.0.1:$CLOSED_PORT/x\$" \
    "http.big=pass" \
    "http.many-headers=fail:^response headers over the limit \\(100 headers" \
    "http.ftp=error:url must start with http:// or https://" \
    "http.echo=pass" \
    "http.redirect=pass" \
    "http.tls-self-signed=fail:^TLS failed \\(SSL certificate problem: self.signed certificate\\): GET https://127\\.0\\.0\\.1:$HTTPS_PORT/json\$" \
    "http.misuse=pass"
if "$PY" -c 'import json, sys
c = [c for c in json.load(open(sys.argv[1]))["checks"] if c["id"] == "http.clamped"][0]
sys.exit(0 if c["duration_ms"] < 5000 and c["reason"] == "timeout" else 1)' \
    "$TMP/http.json" 2>/dev/null; then
    # a bound, not a timing: far below the request's own 10 s, which an
    # unclamped request would have waited out had the check not been killed
    ok "http.clamped ended at its check's limit, not the request's"
else
    bad "http.clamped timing: duration or reason off"
fi

# ---- HTTP, mock -------------------------------------------------------------

run_checks mock "$HERE/checks/mock" --http mock --fixtures "$HERE/fixtures"
expect_json mock \
    "mock.hit=pass" \
    "mock.miss=fail:^no fixture for GET https://api\\.exchange\\.test/v1/status\\?x=1\$" \
    "mock.rate-limited=pass" \
    "mock.post=pass" \
    "mock.timeout=fail:^timeout after 250 ms: GET https://api\\.exchange\\.test/v1/timeout\$" \
    "mock.refused=fail:^connection refused: GET https://api\\.exchange\\.test/v1/refused\$" \
    "mock.delay=pass" \
    "mock.body-file=pass"

# the default backend in paper mode is mock
run_checks mockdefault "$HERE/checks/mock/hit.lua" --fixtures "$HERE/fixtures"
expect_json mockdefault "mock.hit=pass"

run_checks mockbad "$HERE/checks/mock-bad" --http mock \
    --fixtures "$HERE/fixtures-bad"
expect_json mockbad \
    "mock.bad-fixture=fail:^bad fixture .*fixtures-bad/zz_broken\\.json: line 3: expected ',' or '}'\$"

run_checks mocknodir "$HERE/checks/mock-bad" --http mock \
    --fixtures "$TMP/no-such-folder"
expect_json mocknodir \
    "mock.bad-fixture=fail:^cannot open fixtures folder .*no-such-folder: No such file or directory\$"

# mock mode never opens a socket: the trap listener must see nothing
mkdir -p "$TMP/fx"
cat >"$TMP/fx/trap.json" <<EOF
{"request": {"method": "GET", "url": "$NET_TRAP_URL"},
 "response": {"status": 200, "body": "from the fixture"}}
EOF
run_checks nonet "$HERE/checks/nonet" --http mock --fixtures "$TMP/fx"
expect_json nonet "mock.no-network=pass"
sleep 0.2
if [ -s "$TMP/trap.connections" ]; then
    bad "mock.no-network listener: saw: $(cat "$TMP/trap.connections")"
else
    ok "mock.no-network listener saw no connection"
fi
# control: in real mode the listener does see the request
run_checks control "$HERE/checks/control" --http real
expect_json control "control.real-reaches-trap=pass"
if wait_file "$TMP/trap.connections"; then
    ok "control: the listener sees a real-mode connection"
else
    bad "control: the listener saw nothing; the no-network test proves nothing"
fi

# ---- Redis ------------------------------------------------------------------

run_checks redis "$HERE/checks/redis"
expect_json redis --absent "$REDIS_PASS" --absent "al1ce-Pa55" \
    "redis.ok=pass" \
    "redis.auth=pass" \
    "redis.acl=pass" \
    "redis.wrong-password=fail:^AUTH refused by redis redis://:\\*\\*\\*@127\\.0\\.0\\.1:$REDIS_AUTH_PORT: WRONGPASS" \
    "redis.no-password=fail:^PING refused by redis .*NOAUTH" \
    "redis.down=fail:^cannot connect to redis redis://127\\.0\\.0\\.1:$REDIS_DOWN_PORT: Connection refused\$" \
    "redis.unix=pass" \
    "redis.silent=fail:^timeout after 300 ms: redis redis://127\\.0\\.0\\.1:$SILENT_PORT\$" \
    "redis.bad-db=fail:^SELECT refused by redis .*DB index is out of range" \
    "redis.misuse=pass"

# ---- PostgreSQL -------------------------------------------------------------

run_checks pg "$HERE/checks/pg"
expect_json pg --absent "$PG_PASS" \
    "pg.ok-url=pass" \
    "pg.ok-conninfo=pass" \
    "pg.wrong-password=fail:password authentication failed for user \"pftest\"" \
    "pg.wrong-password-conninfo=fail:password authentication failed for user \"pftest\"" \
    "pg.down=fail:port $PG_DOWN_PORT failed: Connection refused" \
    "pg.silent=fail:^timeout after 400 ms: postgres 127\\.0\\.0\\.1:$SILENT_PORT/postgres\$" \
    "pg.misuse=pass"

# ---- Bounded workers: peers that send without end ---------------------------
# A peer's bytes land in hiredis, libpq and libcurl buffers, outside the Lua
# memory cap. Whatever a peer sends, each worker's peak RSS stays under
# --memory-mb + 128 MiB (measured: the largest RSS of any process of the
# run, from getrusage), and the check does not pass. A property, not a
# timing: the peers stream for 30 s, the checks give up well before.
mkdir -p "$TMP/flood"
for mode in redis http pg; do
    "$PY" "$HERE/flood.py" "$mode" "$TMP/flood-$mode.port" \
        >"$TMP/flood-$mode.log" 2>&1 &
    PIDS="$PIDS $!"
    wait_file "$TMP/flood-$mode.port" || die "flood.py $mode did not start"
done
cat >"$TMP/flood/redis.lua" <<LUA
return { id = "flood.redis", title = "a 2 GB PING reply", timeout_ms = 8000,
  run = function()
    local ok, err = preflight.redis.ping("redis://127.0.0.1:$(cat "$TMP/flood-redis.port")", 6000)
    if ok then return preflight.pass("PONG") end
    return preflight.fail(err)
  end }
LUA
cat >"$TMP/flood/http.lua" <<LUA
return { id = "flood.http", title = "an endless body", timeout_ms = 8000,
  run = function()
    local r, err = preflight.http.request{url = "http://127.0.0.1:$(cat "$TMP/flood-http.port")/",
                                          timeout_ms = 6000, max_body_bytes = 16777216}
    if r then return preflight.pass("a body of " .. #r.body) end
    return preflight.fail(err)
  end }
LUA
cat >"$TMP/flood/pg.lua" <<LUA
return { id = "flood.pg", title = "a 400 MB row", timeout_ms = 8000,
  run = function()
    local ok, err = preflight.db.ping("host=127.0.0.1 port=$(cat "$TMP/flood-pg.port") user=x dbname=x sslmode=disable", 6000)
    if ok then return preflight.pass("SELECT 1") end
    return preflight.fail(err)
  end }
LUA
"$PY" - "$BIN" "$TMP/flood" "$TMP/flood.json" <<'PYEOF' >"$TMP/flood.out" 2>&1
import json, resource, subprocess, sys
binp, d, out = sys.argv[1:4]
mem_mb = 64
with open(out, "w") as f:
    rc = subprocess.call([binp, "run", d, "--format", "json", "--http", "real",
                          "--memory-mb", str(mem_mb), "--timeout-ms", "10000"],
                         stdout=f, stderr=subprocess.DEVNULL)
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("exit %d, peak RSS of the run's processes %.0f MiB" % (rc, peak_mb))
assert rc in (1, 2), "exit %d" % rc
# 32 MiB of slack for what any process maps at start (libraries, Lua);
# an ASan build allows its quarantine 64 MiB more (host/worker.c)
asan = b"libasan" in subprocess.run(["ldd", binp], capture_output=True).stdout
assert peak_mb < mem_mb + 128 + 32 + 64 * asan, "peak RSS %.0f MiB" % peak_mb
PYEOF
if [ $? -eq 0 ]; then ok "flooding peers: $(head -1 "$TMP/flood.out")"; else
    bad "flooding peers: $(cat "$TMP/flood.out")"
fi
expect_json flood \
    "flood.redis=fail:^redis peer redis://127\\.0\\.0\\.1:[0-9]+ sent a reply larger than 64 KiB to PING" \
    "flood.http=fail:" \
    "flood.pg=fail:"

finish net
