#!/bin/sh
# tests/paths.sh: the working directory does not decide (issue 19 item 1,
# DESIGN.md 2, 6, 8). The project root is the checks folder's parent (its
# real path), and lib/, fixtures/ (in the checks folder), the default kill
# switch, the evidence folder and fs.read/fs.stat confinement follow from
# it; errors name the folder they looked in; --root, --lib and --fixtures
# still override; a relative --evidence or --metrics stays relative to the
# working directory.
#
# The shipped pack with the demo's settings (examples/paper.env, redis-server
# and PostgreSQL from scripts/services.sh) passes whole from /, from a
# temporary folder, as ./checks/, by absolute path and through a symlinked
# checks folder.
#
# Needs PREFLIGHT_BIN; runs from anywhere (PREFLIGHT_SRC: the source root).
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=$(cd "${PREFLIGHT_SRC:-.}" && pwd)
# shellcheck source=lib.sh
. "$SRC/tests/lib.sh"
tmpdir paths
trap 'sh "$SRC/scripts/services.sh" stop "$T/svc" >/dev/null 2>&1; rm -rf "$T"' EXIT
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD

# ---- the shipped pack, from anywhere ----------------------------------------
chmod 755 "$T" # the postgres user must reach its cluster below it
urls=$(sh "$SRC/scripts/services.sh" start "$T/svc" redis postgres) ||
    { bad "scripts/services.sh did not start redis-server and PostgreSQL"; finish paths; exit 1; }
(
    set -a
    . "$SRC/examples/paper.env"
    set +a
    unset LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD
    eval "$(echo "$urls" | sed -n 's/^\(REDIS_URL\|DATABASE_URL\)=\([^ ]*\)$/export \1=\2/p')"
    mkdir -p "$T/elsewhere" "$T/link"
    ln -s "$SRC/checks" "$T/link/checks"
    # where to start, and the PATH typed there
    for how in "/|$SRC/checks" "$T/elsewhere|$SRC/checks" "$SRC|./checks/" \
        "$SRC|checks" "$SRC/checks|." "$SRC/lib|../checks" \
        "$T/elsewhere|$T/link/checks" "/|$T/link/checks/"; do
        dir=${how%%|*} path=${how#*|}
        (cd "$dir" && "$BIN" run --format json "$path" >"$T/out" 2>"$T/err")
        rc=$?
        if [ "$rc" -eq 0 ] && [ "$(jsonq "$T/out" "d['summary']['passed']")" = "$(ls "$SRC"/checks/*.lua | wc -l)" ]; then
            ok "shipped pack passes from $dir as $path"
        else
            bad "shipped pack from $dir as $path: exit $rc"
            jsonq "$T/out" "'\n'.join(c['id'] + ': ' + c['message'] for c in d['checks'] if c['status'] != 'pass')" 2>/dev/null | head -20
            head -5 "$T/err"
        fi
    done
    exit "$FAILED"
)
st=$?
PASSED=$((PASSED + 8 - st))
FAILED=$((FAILED + st))

# ---- a pack of our own ------------------------------------------------------
P=$T/proj # the project root
mkdir -p "$P/checks/fixtures" "$P/lib/util" "$T/cwd/checks/fixtures" "$T/cwd/lib"
mk "$P/lib/util/greet.lua" <<'EOF'
return { word = "from-root-lib" }
EOF
mk "$T/cwd/lib/util/greet.lua" <<'EOF'
return { word = "from-cwd-lib" }
EOF
echo root-marker >"$P/marker"
echo cwd-marker >"$T/cwd/marker"
mk "$P/checks/lib.lua" <<'EOF'
return { id = "p.lib", title = "requires from lib/", run = function()
  return preflight.pass(require("util.greet").word) end }
EOF
mk "$P/checks/read.lua" <<'EOF'
return { id = "p.read", title = "reads marker", run = function()
  local s, err = preflight.fs.read("marker")
  if not s then return preflight.fail(err) end
  local st = preflight.fs.stat("marker")
  return preflight.pass(s:gsub("%s+$", "") .. " " .. tostring(st and st.size))
end }
EOF
mk "$P/checks/http.lua" <<'EOF'
return { id = "p.http", title = "a mocked request", run = function()
  local r, err = preflight.http.request{ url = "https://api.example.test/ping" }
  if not r then return preflight.fail(err) end
  return preflight.pass(r.body)
end }
EOF
for d in "$P/checks/fixtures" "$T/cwd/checks/fixtures"; do
    body=$([ "$d" = "$P/checks/fixtures" ] && echo from-pack-fixtures || echo from-cwd-fixtures)
    mk "$d/ping.json" <<EOF
{ "request": { "method": "GET", "url": "https://api.example.test/ping" },
  "response": { "status": 200, "body": "$body" } }
EOF
done
msg() { jsonq "$T/out" "[c['message'] for c in d['checks'] if c['id'] == '$1'][0]"; }

cd "$T/cwd" || exit 2
expect 0 "own pack from another folder" "$BIN" run --format json "$P/checks"
[ "$(msg p.lib)" = from-root-lib ] && ok || bad "lib/ is the project root's: $(msg p.lib)"
[ "$(msg p.read)" = "root-marker 12" ] && ok || bad "fs.read/fs.stat are the project root's: $(msg p.read)"
[ "$(msg p.http)" = from-pack-fixtures ] && ok || bad "fixtures are the checks folder's: $(msg p.http)"
expect 0 "a check file's root is its folder's parent" "$BIN" run --format json "$P/checks/read.lua"
[ "$(msg p.read)" = "root-marker 12" ] && ok || bad "check file: fs.read root: $(msg p.read)"

# the overrides still hold; relative ones are the working directory's
expect 0 "--root --lib --fixtures" "$BIN" run --format json --root "$T/cwd" \
    --lib lib --fixtures checks/fixtures "$P/checks"
[ "$(msg p.lib)" = from-cwd-lib ] && ok || bad "--lib: $(msg p.lib)"
[ "$(msg p.read)" = "cwd-marker 11" ] && ok || bad "--root: $(msg p.read)"
[ "$(msg p.http)" = from-cwd-fixtures ] && ok || bad "--fixtures: $(msg p.http)"
expect 0 "--root alone also moves lib/" "$BIN" run --format json --root "$T/cwd" "$P/checks"
[ "$(msg p.lib)" = from-cwd-lib ] && ok || bad "--root's lib/: $(msg p.lib)"

# fs.read stays below the project root, whatever the working directory
mk "$P/checks/escape.lua" <<EOF
return { id = "p.escape", title = "reads outside", run = function()
  local s, err = preflight.fs.read("$T/cwd/marker")
  if s then return preflight.pass("read " .. s) end
  return preflight.fail(err)
end }
EOF
expect 1 "fs.read outside the project root fails" "$BIN" run --format json "$P/checks"
case $(msg p.escape) in *"outside the project root"*) ok ;; *) bad "escape: $(msg p.escape)" ;; esac
rm "$P/checks/escape.lua"

# errors name the folder they looked in
mk "$P/checks/missing.lua" <<'EOF'
return { id = "p.missing", title = "requires a missing module", run = function()
  return preflight.pass(require("util.nothere").word) end }
EOF
expect 1 "a missing module" "$BIN" run --format json "$P/checks"
case $(msg p.missing) in
*"module 'util.nothere' not found in the library folder $P/lib"*) ok ;;
*) bad "the missing module's folder is not named: $(msg p.missing)" ;;
esac
rm "$P/checks/missing.lua"
mv "$P/checks/fixtures" "$P/checks/fixtures.off"
expect 1 "no fixtures folder" "$BIN" run --format json "$P/checks"
case $(msg p.http) in
*"cannot open fixtures folder $P/checks/fixtures: "*) ok ;;
*) bad "the fixtures folder is not named: $(msg p.http)" ;;
esac
mv "$P/checks/fixtures.off" "$P/checks/fixtures"
if [ ! -d /usr/local/share/preflight/lib ]; then
    # no lib/ under the root and no installed copy: the message says where
    mv "$P/lib" "$P/lib.off"
    expect 1 "no library folder" "$BIN" run --format json "$P/checks"
    case $(msg p.lib) in
    *"no library folder (no lib/ in the project root $P"*) ok ;;
    *) bad "no library folder: $(msg p.lib)" ;;
    esac
    mv "$P/lib.off" "$P/lib"
fi

# the default kill switch and evidence are the project root's
rm -f "$P/checks/http.lua"
expect 0 "kill from elsewhere" "$BIN" kill --reason "paths test" "$P/checks"
[ -f "$P/KILL_SWITCH" ] && ok || bad "kill did not write ROOT/KILL_SWITCH"
cd / || exit 2
expect 3 "exec from / sees ROOT/KILL_SWITCH" "$BIN" exec "$P/checks" -- true
contains "exec names the kill switch" "$T/out" "$P/KILL_SWITCH"
expect 3 "exec of a check file sees ROOT/KILL_SWITCH" "$BIN" exec "$P/checks/read.lua" -- true
rm -f "$P/KILL_SWITCH"
cd "$T/cwd" || exit 2
rm -rf "$P/evidence"
expect 0 "exec from elsewhere" "$BIN" exec "$P/checks" -- true
n=$(ls "$P/evidence" 2>/dev/null | grep -c '\-exec\.json$')
[ "$n" -eq 1 ] && ok || bad "exec's default evidence is not in ROOT/evidence ($n files)"
[ -e "$T/cwd/evidence" ] && bad "exec wrote evidence/ in the working directory" || ok
expect 0 "relative --evidence and --metrics" "$BIN" run --evidence out/e.json \
    --metrics out/m.prom "$P/checks"
[ -f "$T/cwd/out/e.json" ] && [ -f "$T/cwd/out/m.prom" ] && ok ||
    bad "a relative --evidence/--metrics is not the working directory's"
[ -e "$P/out" ] && bad "a relative --evidence went to the project root" || ok

finish paths
