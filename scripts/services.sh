#!/bin/sh
# scripts/services.sh: throwaway redis-server and PostgreSQL servers on
# 127.0.0.1, for the demo, the specs of infra.redis / infra.postgres and
# the network tests. One implementation, two ways to use it:
#
#   as a command
#     sh scripts/services.sh start DIR [redis] [postgres]
#         start them (both by default) with their state in DIR (created,
#         mode 755 so the postgres user can reach its cluster) and print
#             REDIS_URL=redis://127.0.0.1:PORT/0
#             DATABASE_URL=postgresql://postgres:PASSWORD@127.0.0.1:PORT/postgres
#         on stdout; exit 1 with the reason on stderr if one did not start
#         (what did start is stopped again).
#     sh scripts/services.sh stop DIR
#         stop everything started in DIR and remove DIR.
#
#   as a library (PF_SERVICES_LIB=1 . scripts/services.sh): the pf_svc_*
#   functions below; tests/net/run.sh starts its variants with them.
#
# The servers run in the background (redis-server --daemonize, pg_ctl)
# and keep running after the command exits: always pair a start with a
# stop. PostgreSQL runs as the postgres user when we are root (initdb
# refuses root). Env: PF_PGBIN (default: the newest
# /usr/lib/postgresql/*/bin).

# pf_svc_pgbin: the PostgreSQL server binaries' folder.
pf_svc_pgbin() {
    if [ -n "${PF_PGBIN:-}" ]; then
        echo "$PF_PGBIN"
        return
    fi
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# pf_svc_free_port: a port that was free a moment ago on 127.0.0.1.
pf_svc_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# pf_svc_as_pg CMD...: run CMD as the postgres user when root.
pf_svc_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# pf_svc_password: 16 random hex digits.
pf_svc_password() {
    od -An -N8 -tx1 /dev/urandom | tr -d ' \n'
}

# pf_svc_redis_start DIR NAME [redis-server options...]: start a
# redis-server on a free port, pid in DIR/NAME.pid, log in DIR/NAME.log;
# sets PF_SVC_PORT. Returns 1 when it does not answer within 10 s.
pf_svc_redis_start() {
    _dir=$1
    _name=$2
    shift 2
    command -v redis-server >/dev/null 2>&1 || {
        echo "redis-server is not installed" >"$_dir/last.log"
        return 1
    }
    PF_SVC_PORT=$(pf_svc_free_port) || return 1
    redis-server --port "$PF_SVC_PORT" --bind 127.0.0.1 --save '' \
        --appendonly no --daemonize yes --pidfile "$_dir/$_name.pid" \
        --logfile "$_dir/$_name.log" --dir "$_dir" "$@" \
        >"$_dir/last.log" 2>&1 || return 1
    _i=0
    until redis-cli -h 127.0.0.1 -p "$PF_SVC_PORT" ping 2>/dev/null |
        grep -q 'PONG\|NOAUTH'; do
        _i=$((_i + 1))
        if [ $_i -gt 200 ]; then
            cat "$_dir/$_name.log" >>"$_dir/last.log" 2>/dev/null
            return 1
        fi
        sleep 0.05
    done
    return 0
}

# pf_svc_pg_start DIR PASSWORD: initdb a cluster in DIR/pg (superuser
# postgres with PASSWORD; scram over TCP, trust on the socket in
# DIR/pg/sock) and start it on a free port; sets PF_SVC_PG_PORT and
# PF_SVC_PG_SOCK. Returns 1 on failure, the reason in DIR/last.log.
pf_svc_pg_start() {
    _dir=$1
    _bin=$(pf_svc_pgbin)
    if [ -z "$_bin" ] || [ ! -x "$_bin/initdb" ]; then
        echo "PostgreSQL server binaries not found (install postgresql)" \
            >"$_dir/last.log"
        return 1
    fi
    if [ "$(id -u)" -eq 0 ] && ! command -v runuser >/dev/null 2>&1; then
        echo "runuser is not installed" >"$_dir/last.log"
        return 1
    fi
    PF_SVC_PG_PORT=$(pf_svc_free_port) || return 1
    PF_SVC_PG_SOCK=$_dir/pg/sock
    mkdir -p "$PF_SVC_PG_SOCK" || return 1
    echo "$2" >"$_dir/pg/pw"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres "$_dir/pg"; fi
    pf_svc_as_pg "$_bin/initdb" -D "$_dir/pg/data" -U postgres \
        --pwfile="$_dir/pg/pw" --auth-local=trust \
        --auth-host=scram-sha-256 --no-sync >"$_dir/last.log" 2>&1 ||
        return 1
    rm -f "$_dir/pg/pw"
    pf_svc_as_pg "$_bin/pg_ctl" -D "$_dir/pg/data" -w -t 30 \
        -l "$_dir/pg/log" -o "-p $PF_SVC_PG_PORT -k $PF_SVC_PG_SOCK -c listen_addresses=127.0.0.1 -c fsync=off" \
        start >"$_dir/last.log" 2>&1 || {
        cat "$_dir/pg/log" >>"$_dir/last.log" 2>/dev/null
        return 1
    }
    return 0
}

# pf_svc_pg_psql DIR SQL: run SQL as the superuser over the socket.
pf_svc_pg_psql() {
    pf_svc_as_pg "$(pf_svc_pgbin)/psql" -X -q -h "$1/pg/sock" \
        -p "$PF_SVC_PG_PORT" -U postgres -d postgres -c "$2"
}

# pf_svc_stop_all DIR: stop every redis-server and the cluster started in
# DIR (never anything else: pids come from DIR's pid files only).
pf_svc_stop_all() {
    _dir=$1
    [ -d "$_dir" ] || return 0
    if [ -f "$_dir/pg/data/postmaster.pid" ]; then
        pf_svc_as_pg "$(pf_svc_pgbin)/pg_ctl" -D "$_dir/pg/data" \
            -m immediate -w stop >/dev/null 2>&1
    fi
    for _pidfile in "$_dir"/*.pid; do
        [ -f "$_pidfile" ] || continue
        _pid=$(cat "$_pidfile")
        case $_pid in '' | *[!0-9]*) continue ;; esac
        kill "$_pid" 2>/dev/null
        _i=0
        while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 100 ]; do
            _i=$((_i + 1))
            sleep 0.05
        done
    done
}

pf_svc_main() {
    # the servers are not ours: a sanitizer runtime preloaded for the
    # caller (the ASan busted run) must not reach them (postgres -V hangs
    # under it)
    unset LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS
    cmd=${1:-}
    dir=${2:-}
    if [ -z "$dir" ]; then
        echo "usage: services.sh start DIR [redis] [postgres] | stop DIR" >&2
        return 2
    fi
    shift 2
    case $cmd in
    start)
        want=${*:-redis postgres}
        mkdir -p "$dir" && chmod 755 "$dir" || return 1
        for svc in $want; do
            case $svc in
            redis)
                if ! pf_svc_redis_start "$dir" redis; then
                    echo "services: redis-server did not start:" >&2
                    sed 's/^/    /' "$dir/last.log" >&2
                    pf_svc_stop_all "$dir"
                    return 1
                fi
                echo "REDIS_URL=redis://127.0.0.1:$PF_SVC_PORT/0"
                ;;
            postgres)
                pw=$(pf_svc_password)
                if ! pf_svc_pg_start "$dir" "$pw"; then
                    echo "services: PostgreSQL did not start:" >&2
                    sed 's/^/    /' "$dir/last.log" >&2
                    pf_svc_stop_all "$dir"
                    return 1
                fi
                echo "DATABASE_URL=postgresql://postgres:$pw@127.0.0.1:$PF_SVC_PG_PORT/postgres"
                ;;
            *)
                echo "services: unknown service $svc (redis, postgres)" >&2
                return 2
                ;;
            esac
        done
        ;;
    stop)
        pf_svc_stop_all "$dir"
        rm -rf "$dir"
        ;;
    *)
        echo "usage: services.sh start DIR [redis] [postgres] | stop DIR" >&2
        return 2
        ;;
    esac
}

if [ -z "${PF_SERVICES_LIB:-}" ]; then
    pf_svc_main "$@"
fi
