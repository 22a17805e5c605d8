#!/bin/sh
# The pack lock (DESIGN 8.2): `preflight lock` writes PATH/preflight.lock,
# `lock --check` finds every change to a check file, the manifest, the
# policy, the approvers or a library module (changed, missing, unlocked),
# refuses symlinks and FIFOs without hanging, and the shipped pack's lock
# is current (a commit that changes checks/ or lib/ without `preflight
# lock` fails here).
# Needs PREFLIGHT_BIN (the binary) and runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=${PREFLIGHT_SRC:-$(pwd)}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir lock

# ---- the shipped pack is locked, and the lock is current ------------------
expect 0 "shipped lock is current (run: preflight lock checks/)" \
    "$BIN" lock --check "$SRC/checks"
contains "shipped lock: digest" "$T/out" "pack digest "

# ---- a pack of our own -----------------------------------------------------
P=$T/proj
pass_check "$P/checks/a.lua" p.a
pass_check "$P/checks/b.lua" p.b
printf 'p.a\n' >"$P/checks/manifest"
mk "$P/lib/util.lua" <<'EOF2'
return { n = 1 }
EOF2
mk "$P/lib/exchange/probe.lua" <<'EOF2'
return { ok = true }
EOF2
expect 1 "no lock yet" "$BIN" lock --check "$P/checks"
contains "no lock yet: says so" "$T/err" "run \`preflight lock\`"
expect 0 "lock" "$BIN" lock "$P/checks"
contains "lock: file count" "$T/out" "(5 files)"
digest=$(sed -n 's/^pack digest //p' "$T/out")
# the lock's exact format: sha256, two spaces, path from the root, sorted
py "lock file format" "
import hashlib, sys
root = sys.argv[1]
lines = open(root + '/checks/preflight.lock', 'rb').read().split(b'\n')
assert lines[-1] == b'', 'ends with a newline'
paths = []
for l in lines[:-1]:
    h, p = l.split(b'  ', 1)
    assert hashlib.sha256(open(root + '/' + p.decode(), 'rb').read()).hexdigest().encode() == h, p
    paths.append(p)
assert paths == sorted(paths), 'sorted'
assert paths == [b'checks/a.lua', b'checks/b.lua', b'checks/manifest',
                 b'lib/exchange/probe.lua', b'lib/util.lua'], paths
d = hashlib.sha256(open(root + '/checks/preflight.lock', 'rb').read()).hexdigest()
assert d == sys.argv[2], (d, sys.argv[2])
" "$P" "$digest"
expect 0 "check matches" "$BIN" lock --check "$P/checks"
contains "check: same digest" "$T/out" "pack digest $digest"

# each kind of change is found, named, and exits 1
printf 'return { n = 2 }\n' >"$P/lib/util.lua"
expect 1 "changed module" "$BIN" lock --check "$P/checks"
contains "changed module named" "$T/out" "changed lib/util.lua"
printf 'return { n = 1 }\n' >"$P/lib/util.lua"
expect 0 "module restored" "$BIN" lock --check "$P/checks"

printf 'kill_switch = KS\n' >"$P/checks/policy"
pass_check "$P/checks/c.lua" p.c
rm "$P/lib/exchange/probe.lua"
expect 1 "three changes" "$BIN" lock --check "$P/checks"
contains "unlocked policy" "$T/out" "unlocked checks/policy"
contains "unlocked check" "$T/out" "unlocked checks/c.lua"
contains "missing module" "$T/out" "missing lib/exchange/probe.lua"
contains "count" "$T/out" "3 differences"
# one difference a line (each made terminal-safe on its own)
grep -qx 'missing lib/exchange/probe.lua' "$T/out" && ok || bad "differences not one a line"
expect 0 "relock" "$BIN" lock "$P/checks"
expect 0 "relocked matches" "$BIN" lock --check "$P/checks"

# a dot file is not a check (discovery skips it), so not in the pack
pass_check "$P/checks/.hidden.lua" p.h
expect 0 "dot file not in the pack" "$BIN" lock --check "$P/checks"
rm "$P/checks/.hidden.lua"

# ---- what refuses a pack (exit 2, named, never a hang) ---------------------
ln -s /etc/hostname "$P/lib/evil.lua"
expect 2 "symlinked module" timeout 20 "$BIN" lock --check "$P/checks"
contains "symlinked module named" "$T/err" "lib/evil.lua is a symbolic link"
expect 2 "symlinked module, lock" timeout 20 "$BIN" lock "$P/checks"
rm "$P/lib/evil.lua"
mkfifo "$P/lib/fifo.lua"
expect 2 "FIFO module" timeout 20 "$BIN" lock --check "$P/checks"
contains "FIFO module named" "$T/err" "lib/fifo.lua is not a regular file"
rm "$P/lib/fifo.lua"
mv "$P/checks/manifest" "$P/checks/m"
mkfifo "$P/checks/manifest"
expect 2 "FIFO manifest" timeout 20 "$BIN" lock "$P/checks"
rm "$P/checks/manifest"
mv "$P/checks/m" "$P/checks/manifest"
mkdir -p "$T/elsewhere"
expect 2 "library outside the root" "$BIN" lock --lib "$T/elsewhere" "$P/checks"
contains "library outside: says why" "$T/err" "not inside the project root"

# a broken lock file is refused by name and line, never taken as a match
cp "$P/checks/preflight.lock" "$T/good.lock"
printf 'garbage\n' >>"$P/checks/preflight.lock"
expect 2 "garbage line" "$BIN" lock --check "$P/checks"
contains "garbage: line" "$T/err" "preflight.lock: line 7"
head -c 100 "$T/good.lock" >"$P/checks/preflight.lock"
expect 2 "truncated lock" "$BIN" lock --check "$P/checks"
sed 's/$/\r/' "$T/good.lock" >"$P/checks/preflight.lock"
expect 2 "CRLF lock" "$BIN" lock --check "$P/checks"
cat "$T/good.lock" "$T/good.lock" >"$P/checks/preflight.lock"
expect 2 "doubled lock" "$BIN" lock --check "$P/checks"
rm "$P/checks/preflight.lock"
mkfifo "$P/checks/preflight.lock"
expect 2 "FIFO lock" timeout 20 "$BIN" lock --check "$P/checks"
rm "$P/checks/preflight.lock"
ln -s "$T/good.lock" "$P/checks/preflight.lock"
expect 2 "symlinked lock" "$BIN" lock --check "$P/checks"
rm "$P/checks/preflight.lock"
head -c 10485760 /dev/zero | tr '\0' 'a' >"$P/checks/preflight.lock"
expect 2 "10 MB lock" "$BIN" lock --check "$P/checks"
rm "$P/checks/preflight.lock"

# ---- usage ----------------------------------------------------------------
expect 2 "two paths" "$BIN" lock "$P/checks" "$P/checks"
expect 2 "run options are not lock's" "$BIN" lock --jobs 2 "$P/checks"
expect 2 "not a folder" "$BIN" lock "$P/checks/a.lua"

finish lock
