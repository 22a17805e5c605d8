#!/bin/sh
# The adversarial corpus, end to end through the binary. Each file says on
# its first line what it must end as ("-- expect: error timeout", "-- expect:
# fail", ...). Each runs next to honest/honest.lua; the test asserts that
# the adversarial check does not pass and ends as expected, that the run
# ends (a generous outer timeout, not a timing: a busy machine may be slow),
# that the host exits normally with 1, and that the honest neighbour still
# passes. Which limit stops a runaway depends on the machine's speed: a
# memory bomb may run out of time first, and a time bomb out of memory, so
# "error memory" and "error timeout" accept either reason, never a pass.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN}
DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
. "$DIR/../lib.sh"
tmpdir adv
cd "$T" || exit 2
rm -f /tmp/pf_adv_escaped # a leftover of an earlier run must not fail this one
# the library folder (--root's lib/) for esc_require_symlink_* and
# esc_require_fifo: a module symlinked to one outside it, a symlinked
# folder, a FIFO
mkdir -p "$T/outside" "$T/lib"
echo 'return { msg = "loaded from outside the library folder" }' >"$T/outside/evil.lua"
ln -s "$T/outside/evil.lua" "$T/lib/evil_file.lua"
ln -s "$T/outside" "$T/lib/evil_dir"
mkfifo "$T/lib/fifo_mod.lua"
for f in "$DIR"/*.lua; do
    name=$(basename "$f" .lua)
    expect=$(sed -n '1s/^-- expect: //p' "$f")
    # 5 s per check at most: the time bombs set their own 200-300 ms; the
    # rest (400 ms once) have 3 s, so a slow machine cannot turn their
    # contract, runtime or fail ending into a timeout
    timeout 120 "$BIN" run --format json --timeout-ms 5000 --memory-mb 32 \
        --root "$T" "$f" "$DIR/honest/honest.lua" >"$T/out.json" 2>"$T/err"
    rc=$?
    verdict=$($PY - "$T/out.json" "$expect" "$rc" <<'PYEOF'
import json, sys
path, expect, rc = sys.argv[1], sys.argv[2], int(sys.argv[3])
problems = []
if rc == 124:
    print("the run did not end (outer timeout)")
    sys.exit(0)
try:
    d = json.load(open(path))
except Exception as e:
    print("output is not JSON: %s" % e)
    sys.exit(0)
if rc != 1:
    problems.append("exit %d, want 1" % rc)
checks = d["checks"]
adv = [c for c in checks if c["file"].endswith(".lua") and "honest" not in c["file"]]
hon = [c for c in checks if "honest" in c["file"]]
if len(adv) != 1 or len(hon) != 1:
    problems.append("want 2 checks, got %d" % len(checks))
else:
    a, h = adv[0], hon[0]
    want = expect.split()
    got = [a["status"]] + ([a["reason"]] if a["reason"] else [])
    if a["status"] == "pass":
        problems.append("THE ADVERSARIAL CHECK PASSED")
    runaway = ("timeout", "memory")
    if want[0] == "error" and want[1:] and want[1] in runaway and \
            got[0] == "error" and got[1:] and got[1] in runaway:
        got = want  # a runaway stopped by either limit
    if got != want:
        problems.append("ended as %s, want %s (%s)" % (" ".join(got), expect, a["message"][:120]))
    if h["status"] != "pass":
        problems.append("honest neighbour: %s %s" % (h["status"], h["message"][:120]))
print("; ".join(problems))
PYEOF
)
    if [ -z "$verdict" ]; then ok; else bad "$name: $verdict"; fi
done
[ -e /tmp/pf_adv_escaped ] && bad "os.execute escaped"
finish adversarial
