#!/bin/sh
# Valgrind memcheck over the main paths of the binary: the parent process
# must show no invalid access and no leak (workers are forked children;
# their reports are silenced with --child-silent-after-fork, since they
# end with _exit and are checked by the sanitizer build instead).
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN}
SRC=${PREFLIGHT_SRC:-$(pwd)}
command -v valgrind >/dev/null || { echo "valgrind: not installed"; exit 1; }
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir vg
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --child-silent-after-fork=yes"

run() { # run WANT NAME ARGS...
    want=$1 name=$2
    shift 2
    $VG "$BIN" "$@" >"$T/out" 2>"$T/err"
    got=$?
    if [ "$got" = "$want" ]; then ok; else
        bad "$name: exit $got, want $want"
        head -40 "$T/err"
    fi
}

mkdir -p "$T/c"
cat >"$T/c/a.lua" <<'LUA'
return { id = "vg.a", title = "passes", tags = { "x" },
  run = function() return preflight.pass("fine", { n = 1, s = "x", b = true, f = 0.5 }) end }
LUA
cat >"$T/c/b.lua" <<'LUA'
return { id = "vg.b", title = "loops", timeout_ms = 300,
  run = function() string.find(("a"):rep(5000), ".-.-.-.-x") end }
LUA
cat >"$T/c/c.lua" <<'LUA'
return { id = "vg.c", title = "fails", run = function() return preflight.fail("no") end }
LUA
printf 'vg.a\n' >"$T/c/manifest"
cd "$T" || exit 2
export VG_TEST_API_KEY=valgrind-secret
run 1 "run mixed" run --evidence "$T/ev.json" "$T/c"
run 1 "run json" run --format json "$T/c"
run 0 "run pass" run "$T/c/a.lua"
run 0 "list" list "$T/c"
run 2 "usage" run --nope
run 2 "zero checks" run "$T/empty-does-not-exist"
ARBITRAGE_ENV=live run 3 "arm refused" arm "$T/c"
run 0 "kill" kill --reason "valgrind" --kill-switch "$T/KS"
run 3 "exec refused by kill switch" exec --kill-switch "$T/KS" "$T/c/a.lua" -- true
run 0 "exec" exec "$T/c/a.lua" -- true
finish valgrind
