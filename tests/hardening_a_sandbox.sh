#!/bin/sh
# Hardening A (issue 11). Where preflight_net.so comes from: only from the real
# executable's folder (/proc/self/exe) or the compiled-in install folder,
# never from argv[0]. A symlink to the binary, or an argv[0] set with
# exec -a, in a folder holding a forged plugin must not load it: a Redis
# ping against a closed port must fail, never pass. A binary reached
# through a symlink or PATH must still load its own plugin (the family is
# there: "refused", not "unavailable").
# Needs PREFLIGHT_BIN (the binary) and a C compiler for the forged plugin.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir hardening_a_sandbox
CC=${CC:-cc}

# a port nothing listens on (bound then closed: refused on connect)
PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

# the forged plugin: its constructor leaves a marker, and its redis.ping
# says the server is up whatever the port
mk "$T/forged.c" <<EOF
#include <fcntl.h>
#include <unistd.h>
#include <lua.h>
__attribute__((constructor)) static void forged_loaded(void)
{
    int fd = open("$T/forged_loaded", O_WRONLY | O_CREAT, 0600);
    if (fd >= 0) close(fd);
}
static int ping(lua_State *L)
{
    lua_pushboolean(L, 1);
    lua_pushnumber(L, 0.1);
    return 2;
}
int pf_open_redis(lua_State *L);
int pf_open_redis(lua_State *L)
{
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, ping);
    lua_setfield(L, -2, "ping");
    return 1;
}
EOF
mkdir -p "$T/evil" "$T/path" "$T/checks" "$T/run"
# shellcheck disable=SC2046
if ! $CC -shared -fPIC -o "$T/evil/preflight_net.so" "$T/forged.c" \
    $(pkg-config --cflags lua5.4) 2>"$T/cc.err"; then
    bad "cannot build the forged plugin: $(head -3 "$T/cc.err")"
    finish hardening_a_sandbox
    exit
fi
cp "$T/evil/preflight_net.so" "$T/run/preflight_net.so" # in the cwd too
mk "$T/checks/redis.lua" <<EOF
return { id = "net.redis", title = "redis up", run = function()
  local ok, err = preflight.redis.ping("redis://127.0.0.1:$PORT", 500)
  if ok then return preflight.pass("redis answered") end
  return preflight.fail(tostring(err))
end }
EOF

# run NAME COMMAND...: the check must fail on "refused" (the real plugin),
# never pass, and the forged plugin must never have been loaded
run() {
    name=$1
    shift
    rm -f "$T/forged_loaded"
    expect 1 "$name" "$@" run --format json "$T/checks"
    contains "$name: real plugin" "$T/out" "refused"
    lacks "$name: never passes" "$T/out" "redis answered"
    lacks "$name: family available" "$T/out" "unavailable"
    if [ -e "$T/forged_loaded" ]; then bad "$name: forged plugin loaded"; else ok; fi
}

cd "$T/run" || exit 2
ln -s "$BIN" "$T/evil/preflight"
run "symlink beside a forged plugin" "$T/evil/preflight"
run "exec -a beside a forged plugin" \
    $PY -c 'import os, sys; os.execv(sys.argv[1], sys.argv[2:])' \
    "$BIN" "$T/evil/preflight"
run "exec -a, bare name, forged plugin in cwd" \
    $PY -c 'import os, sys; os.execv(sys.argv[1], sys.argv[2:])' \
    "$BIN" preflight
ln -s "$BIN" "$T/path/preflight"
run "symlink elsewhere" "$T/path/preflight"
run "through PATH" env PATH="$(dirname "$BIN"):$PATH" preflight
run "symlink through PATH" env PATH="$T/path:$PATH" preflight
run "the binary itself" "$BIN"

# ---- require: symlinks below the library folder --------------------------
# The folder itself (--lib, or the root's lib/) is the operator's choice and
# is resolved once with realpath, like --root: a --lib that is a symlink is
# followed. Below it, every folder and file of a module must be real.
mkdir -p "$T/lib/real/a/b" "$T/lib/outside" "$T/lib/checks"
echo 'return { msg = "nested module loaded" }' >"$T/lib/real/a/b/c.lua"
echo 'return { msg = "loaded from outside" }' >"$T/lib/outside/m.lua"
ln -s "$T/lib/real" "$T/lib/link"
ln -s "$T/lib/outside" "$T/lib/real/x"
ln -s "$T/lib/outside/m.lua" "$T/lib/real/a/b/m.lua"
mk "$T/lib/checks/good.lua" <<'EOF'
return { id = "lib.good", title = "t", run = function()
  return preflight.pass(require("a.b.c").msg)
end }
EOF
expect 0 "--lib through a symlink, nested module" "$BIN" run --lib "$T/lib/link" "$T/lib/checks"
contains "--lib through a symlink: module ran" "$T/out" "nested module loaded"
for mod in x.m a.b.m; do
    mk "$T/lib/checks/bad.lua" <<EOF
return { id = "lib.bad", title = "t", run = function()
  return preflight.pass(require("$mod").msg)
end }
EOF
    expect 1 "symlink in module $mod" "$BIN" run --format json --lib "$T/lib/link" "$T/lib/checks"
    lacks "symlink in module $mod: never loaded" "$T/out" "loaded from outside"
    contains "symlink in module $mod: says why" "$T/out" "is a symlink"
done

# ---- the manifest: a regular file in the folder, like check files --------
# a symlinked manifest is refused (its target was not reviewed in the
# folder), a FIFO is refused at once (it used to hang the run)
mkdir -p "$T/man/link" "$T/man/fifo"
echo 'm.a' >"$T/man/elsewhere"
pass_check "$T/man/link/a.lua" m.a
ln -s "$T/man/elsewhere" "$T/man/link/manifest"
expect 2 "symlinked manifest" "$BIN" run "$T/man/link"
contains "symlinked manifest: says why" "$T/out" "is a symlink"
pass_check "$T/man/fifo/a.lua" m.a
mkfifo "$T/man/fifo/manifest"
expect 2 "FIFO manifest" timeout 20 "$BIN" run "$T/man/fifo"
contains "FIFO manifest: says why" "$T/out" "not a regular file"

# ---- an error message with an embedded NUL is shown whole ----------------
# (NUL as '?'), not cut at the NUL; ids, tags, titles and primitive
# arguments with a NUL are refused: tests/adversarial/nul_*.lua
mkdir -p "$T/nul"
mk "$T/nul/run.lua" <<'EOF'
return { id = "nul.run", title = "t", run = function()
  error("cut\0shown-after-the-nul", 0)
end }
EOF
mk "$T/nul/load.lua" <<'EOF'
error("cut\0shown-after-the-nul-at-load", 0)
EOF
expect 1 "NUL in error messages" "$BIN" run --format json "$T/nul"
contains "NUL in a run error: whole" "$T/out" "cut?shown-after-the-nul"
contains "NUL in a load error: whole" "$T/out" "cut?shown-after-the-nul-at-load"

finish hardening_a_sandbox
