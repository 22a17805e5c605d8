#!/bin/sh
# tests/hardening_a.sh: end-to-end tests of issue 11's "Secrets", "Forged
# lines" and "Messages that mislead" (docs/SECURITY.md, "Hardening A:
# secrets and terminal output"): no piece of a secret in any output
# whatever cut or kill happened, no raw control byte from a check, a file
# name or an argument on the terminal, and messages that say what
# happened. Loopback peers (tests/net/httpd.py, a fake PostgreSQL server)
# are started here and stopped on exit.
#
# Needs PREFLIGHT_BIN (the binary) and runs from the source root.
set -u
SRC=${PREFLIGHT_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
# shellcheck source=lib.sh
. "$SRC/tests/lib.sh"
T=$(mktemp -d /tmp/pf_hardening_a.XXXXXX) || exit 2
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    for p in $PIDS; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
unset PGPASSWORD PGSERVICE PGHOST PGPORT PGUSER PGDATABASE

# no_piece NAME FILE SECRET: no 8-byte piece of SECRET is in FILE
no_piece() {
    py "$1" "import sys
s = open(sys.argv[1], 'rb').read(); k = sys.argv[2].encode()
bad = [i for i in range(len(k) - 7) if k[i:i + 8] in s]
sys.exit('piece of the secret at offset %d in %s' % (bad[0], sys.argv[1]) if bad else 0)" "$2" "$3"
}

# term_safe NAME FILE: no ESC, CR or other C0 byte but LF in FILE, and no
# line of it starts with PASS or "verdict: pass" unless SAFE_OK allows
term_safe() {
    py "$1" "import sys
s = open(sys.argv[1], 'rb').read()
bad = sorted({c for c in s if (c < 0x20 and c != 0x0a) or c == 0x7f})
if bad: sys.exit('control bytes %r in %s' % (bad, sys.argv[1]))
for l in s.split(b'\n'):
    if l.startswith(b'PASS') or l.startswith(b'verdict: pass') or l.startswith(b'\xe2\x9c\x94'):
        sys.exit('forged line: %r' % l)" "$2"
}

# a port nothing listens on
closed_port() {
    $PY -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
}

wait_file() {
    i=0
    while [ ! -s "$1" ]; do
        i=$((i + 1))
        [ $i -gt 200 ] && return 1
        sleep 0.05
    done
}

# ---- secrets: mask, then cut ----------------------------------------------
S700=$($PY -c "import hashlib; print(''.join(hashlib.sha256(b'%d' % i).hexdigest() for i in range(11))[:700])")
S1100=$($PY -c "import hashlib; print(''.join(hashlib.sha256(b'p%d' % i).hexdigest() for i in range(18))[:1100])")
export HA_API_KEY="$S700" HA_PG_PASSWORD="$S1100"
CLOSED=$(closed_port)
mk "$T/sec/http.lua" <<'EOF'
return { id = "ha.http", title = "a secret in a URL with no fixture", run = function()
  local r, err = preflight.http.request{ url = "http://x.test/a?k=" .. preflight.env.get("HA_API_KEY") }
  return preflight.fail(tostring(err), { err = tostring(err) })
end }
EOF
mkdir -p "$T/sec/fixtures" # its fixtures folder (none matches)
mk "$T/sec/pg.lua" <<EOF
return { id = "ha.pg", title = "a secret in a conninfo to a closed port", run = function()
  local s = preflight.env.get("HA_API_KEY")
  local ok, err = preflight.db.ping("host=127.0.0.1 port=$CLOSED dbname=" .. s .. " user=" .. s .. " password=" .. s, 2000)
  return preflight.fail(tostring(err))
end }
EOF
mk "$T/sec/pgaddr.lua" <<EOF
return { id = "ha.pgaddr", title = "a secret libpq quotes whole", run = function()
  local ok, err = preflight.db.ping("hostaddr=" .. preflight.env.get("HA_PG_PASSWORD") .. " port=$CLOSED", 2000)
  return preflight.fail(tostring(err))
end }
EOF
expect 1 "secrets: json run" "$BIN" run --format json --evidence "$T/ev.json" \
    --metrics "$T/m.prom" "$T/sec"
for f in "$T/out" "$T/err" "$T/ev.json" "$T/m.prom"; do
    no_piece "secrets: no piece of the URL secret in $(basename "$f")" "$f" "$S700"
    no_piece "secrets: no piece of the libpq secret in $(basename "$f")" "$f" "$S1100"
done
contains "secrets: the URL message is there, masked" "$T/out" "no fixture for GET http://x.test/a?k=***"
contains "secrets: the libpq message is there, masked" "$T/out" 'could not parse network address \"***'
expect 1 "secrets: text run" "$BIN" run --verbose "$T/sec"
no_piece "secrets: text report" "$T/out" "$S700"
no_piece "secrets: text report, libpq" "$T/out" "$S1100"
unset HA_API_KEY HA_PG_PASSWORD

# a secret used as the id of a check the parent kills at its deadline
export HA_ID_TOKEN=ha.secret-id-0123456789
mk "$T/kill/a.lua" <<'EOF'
return { id = preflight.env.get("HA_ID_TOKEN"), title = "hangs in C", run = function()
  string.find(string.rep("a", 40), string.rep("a*", 40) .. "b")
  return preflight.pass("x")
end }
EOF
expect 1 "killed: json run" "$BIN" run --timeout-ms 300 --format json \
    --evidence "$T/kev.json" --metrics "$T/km.prom" "$T/kill"
contains "killed: it was a kill" "$T/out" "worker killed"
for f in "$T/out" "$T/kev.json" "$T/km.prom"; do
    lacks "killed: id masked in $(basename "$f")" "$f" "secret-id-0123"
done
contains "killed: id shown as the mask" "$T/out" '"id":"***"'
expect 1 "killed: text run" "$BIN" run --timeout-ms 300 "$T/kill"
lacks "killed: id masked in the text report" "$T/out" "secret-id-0123"
unset HA_ID_TOKEN

# over-matching: short values of secret-by-name variables
export TOKENIZERS_PARALLELISM=true KEYMAP=fi
mk "$T/short/a.lua" <<'EOF'
return { id = "ha.short", title = "plain words", run = function()
  return preflight.pass("fine: true", { flag = true, note = "fine" })
end }
EOF
expect 0 "short values: run" "$BIN" run --format json "$T/short"
contains "short values: message kept" "$T/out" '"message":"fine: true"'
contains "short values: boolean detail kept" "$T/out" '"flag":true'
contains "short values: string detail kept" "$T/out" '"note":"fine"'
expect 0 "short values: --secret forces" "$BIN" run --secret KEYMAP --format json "$T/short"
contains "short values: --secret masks" "$T/out" '"note":"***ne"'
unset TOKENIZERS_PARALLELISM KEYMAP

# ---- forged lines -----------------------------------------------------------
FORGE=$(printf 'x\r\nPASS  forged.check  1 ms  ok\nverdict: pass (exit 0)\n\033[2Ky')
mkdir -p "$T/forge"
printf 'return {\n' >"$T/forge/$FORGE.lua" # a syntax error: a load error
mk "$T/forge/b.lua" <<'EOF'
return { id = "ha.b", title = "t\r\nPASS  x\27[1A\27[2K", tags = { "t" },
  run = function() return preflight.fail("m\r\nPASS  ha.c  1 ms  ok\nverdict: pass (exit 0)\27[0m\194\155") end }
EOF
mk "$T/forge/c.lua" <<'EOF'
error("boom\r\nPASS  ha.d  1 ms  ok\nverdict: pass (exit 0)\27[0m")
EOF
expect 1 "forged: run" "$BIN" run "$T/forge"
term_safe "forged: run stdout" "$T/out"
term_safe "forged: run stderr" "$T/err"
expect 1 "forged: run --verbose" "$BIN" run --verbose "$T/forge"
term_safe "forged: run --verbose stdout" "$T/out"
expect 2 "forged: list" "$BIN" list "$T/forge"
term_safe "forged: list stdout" "$T/out"
term_safe "forged: list stderr" "$T/err"
expect 2 "forged: unknown option" "$BIN" run "--x$(printf '\033[2J\r\nverdict: pass (exit 0)')"
term_safe "forged: unknown option stderr" "$T/err"
expect 2 "forged: unknown command" "$BIN" "$(printf 'x\033[31m\nPASS')"
term_safe "forged: unknown command stderr" "$T/err"
expect 2 "forged: help of a non-command" "$BIN" help "$(printf 'x\033[31m\nPASS')"
term_safe "forged: help stderr" "$T/err"
expect 2 "forged: missing path" "$BIN" run "$T/nope$(printf '\nPASS  x\033[0m')"
term_safe "forged: missing path stderr" "$T/err"
expect 2 "forged: bad --tag" "$BIN" run --tag "$(printf 'A\033[1A')" "$T/forge"
term_safe "forged: bad --tag stderr" "$T/err"
KS="$T/ks$(printf '\033[2J\r\nPASS  x')"
REASON="$(printf 'drill\033[1A\r\nverdict: pass (exit 0)')"
expect 0 "forged: kill" "$BIN" kill --reason "$REASON" --kill-switch "$KS"
term_safe "forged: kill stdout" "$T/out"
expect 0 "forged: kill again" "$BIN" kill --reason "$REASON" --kill-switch "$KS"
contains "forged: kill again reports the record" "$T/out" "already engaged"
term_safe "forged: kill again stdout" "$T/out"

# ---- messages that mislead --------------------------------------------------
pass_check "$T/ok/a.lua" ha.ok
expect 0 "RLIMIT_NOFILE 64: workers start" sh -c 'ulimit -n 64 && exec "$0" run "$1"' "$BIN" "$T/ok"
expect 1 "RLIMIT_NOFILE 10: an error" sh -c 'ulimit -n 10 && exec "$0" run "$1"' "$BIN" "$T/ok"
lacks "RLIMIT_NOFILE 10: not a bare exit status" "$T/out" "exited with status"
py "RLIMIT_NOFILE 10: says why" "import sys
s = open(sys.argv[1]).read()
sys.exit(0 if 'RLIMIT_NOFILE' in s or 'Too many open files' in s else s)" "$T/out"

pass_check "$T/bom/honest.lua" f.honest
printf '\357\273\277f.honest\n' >"$T/bom/manifest"
expect 2 "manifest with a BOM" "$BIN" run "$T/bom"
contains "manifest BOM named" "$T/err" "manifest starts with a UTF-8 byte order mark"

mk "$T/mem/a.lua" <<'EOF'
return { id = "ha.mem", title = "fills memory", run = function()
  local t = {}
  for i = 1, 100 do t[i] = string.rep("x", 8 << 20) .. i end
  return preflight.pass("ok")
end }
EOF
if sh -c 'ulimit -v 200000 && exec "$0" version' "$BIN" >/dev/null 2>&1; then
    expect 1 "RLIMIT_AS: an error" sh -c 'ulimit -v 200000 && exec "$0" run --timeout-ms 120000 --memory-mb 2000 "$1"' "$BIN" "$T/mem"
    contains "RLIMIT_AS: the system refused" "$T/out" "the system refused memory"
    lacks "RLIMIT_AS: not the per-check limit" "$T/out" "exceeded the 2000 MiB limit"
else
    echo "skip: RLIMIT_AS (the binary cannot start under ulimit -v; sanitizer build)"
fi
expect 1 "memory cap: still the cap" "$BIN" run --memory-mb 64 "$T/mem"
contains "memory cap: said" "$T/out" "exceeded the 64 MiB limit"

# HTTP replies that are not HTTP, and a header line over 100 KB
"$PY" "$SRC/tests/net/httpd.py" http "$T/http.port" >"$T/http.log" 2>&1 &
PIDS="$PIDS $!"
if wait_file "$T/http.port"; then
    P=$(cat "$T/http.port")
    for r in http09 garbage-status huge-header; do
        mk "$T/http/$r.lua" <<EOF
return { id = "ha.$r", title = "t", run = function()
  local r, err = preflight.http.request{ url = "http://127.0.0.1:$P/$r" }
  if not r then return preflight.fail(err) end
  return preflight.pass("status " .. r.status)
end }
EOF
    done
    expect 1 "http: run" "$BIN" run --http real "$T/http"
    lacks "http: no redirect wording" "$T/out" "refused a redirect"
    lacks "http: no out of memory" "$T/out" "out of memory"
    contains "http: HTTP/0.9 named" "$T/out" "FAIL   ha.http09"
    py "http: each says what happened" "import sys
s = open(sys.argv[1]).read()
want = {'ha.http09': 'not a valid HTTP response', 'ha.garbage-status': 'not a valid HTTP response', 'ha.huge-header': 'response header too large'}
for l in s.splitlines():
    for k, v in want.items():
        if k + ' ' in l and v not in l: sys.exit('%s: %s' % (k, l))" "$T/out"
else
    bad "http: httpd.py did not start"
fi

# a PostgreSQL server whose error message is malformed
cat >"$T/fakepg.py" <<'EOF'
import os, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    d = c.recv(65536)
    if d[4:8] == b"\x04\xd2\x16\x2f":  # SSLRequest: no
        c.sendall(b"N"); c.recv(65536)
    c.sendall(b"E\x00\x00\x00\x08M@\x00\x00")  # an error whose text is "@"
    c.close()
EOF
"$PY" "$T/fakepg.py" "$T/pg.port" >"$T/pg.log" 2>&1 &
PIDS="$PIDS $!"
if wait_file "$T/pg.port"; then
    P=$(cat "$T/pg.port")
    mk "$T/pgbad/a.lua" <<EOF
return { id = "ha.pgbad", title = "t", run = function()
  local ok, err = preflight.db.ping("host=127.0.0.1 port=$P user=u dbname=d", 2000)
  return preflight.fail(tostring(err))
end }
EOF
    expect 1 "pg malformed: run" "$BIN" run "$T/pgbad"
    contains "pg malformed: said" "$T/out" "not a well-formed PostgreSQL message"
    contains "pg malformed: what came, escaped" "$T/out" "(libpq's text: \"@\")"
else
    bad "pg malformed: fake server did not start"
fi

finish hardening_a
