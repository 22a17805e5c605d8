#!/bin/sh
# End-to-end tests of the command line made from one table (host/cli.c,
# issue 20): "did you mean" for a mistyped command or option, the bash
# completion (sourced in bash, asked for commands, options and values),
# docs/CLI.md and the man page listing exactly the table's options, the
# short and global options, --color, and the progress line only when
# stderr and stdout are both terminals (under a pseudo-terminal).
#
# Needs PREFLIGHT_BIN. Runs from the source root.
set -u
BIN=${PREFLIGHT_BIN:?set PREFLIGHT_BIN to the preflight binary}
SRC=${PREFLIGHT_SRC:-$(pwd)}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
tmpdir cli
note() { echo "note: $*"; }
unset ARBITRAGE_ENV LIVE_ARM_ACK LIVE_ARM_AT LIVE_MAX_NOTIONAL_USD NO_COLOR

pass_check "$T/p/a.lua" p.a
pass_check "$T/p/b.lua" p.b

# ---- did you mean -----------------------------------------------------------
expect 2 "mistyped command" "$BIN" rnu "$T/p"
contains "mistyped command: suggestion" "$T/err" "Did you mean 'run'?"
expect 2 "mistyped option" "$BIN" run --fromat json "$T/p"
contains "mistyped option: suggestion" "$T/err" "Did you mean '--format'?"
expect 2 "shortened option" "$BIN" run --evid x "$T/p"
contains "shortened option: suggestion" "$T/err" "Did you mean '--evidence'?"
expect 2 "one dash" "$BIN" run -quiet "$T/p"
contains "one dash: suggestion" "$T/err" "Did you mean '--quiet'?"
expect 2 "mistyped help topic" "$BIN" help lcok
contains "help topic: suggestion" "$T/err" "Did you mean 'lock'?"
expect 2 "nothing close" "$BIN" run --frobnicate "$T/p"
lacks "nothing close: no suggestion" "$T/err" "Did you mean"
expect 2 "another command's option" "$BIN" kill --reason x --format json
contains "another command's option: named" "$T/err" "kill takes only"
expect 2 "bad value" "$BIN" run --http fake "$T/p"
contains "bad value: the choices" "$T/err" "--http must be mock or real (got 'fake')"

# ---- bash completion --------------------------------------------------------
"$BIN" completion bash >"$T/comp.bash"
[ $? -eq 0 ] && [ -s "$T/comp.bash" ] && ok || bad "completion bash"
bash -n "$T/comp.bash" && ok || bad "completion: not valid bash"
BUILT="$(dirname "$BIN")/completion/preflight"
if [ -f "$BUILT" ]; then
    cmp -s "$BUILT" "$T/comp.bash" && ok || bad "the built completion is stale"
fi
expect 2 "completion of another shell" "$BIN" completion tcsh

# comp WORD... : what the completion offers for the last WORD (the words
# before it as typed), one a line, sorted
comp() {
    bash --norc --noprofile -c '
        source "$1"; shift
        COMP_WORDS=(preflight "$@"); COMP_CWORD=$#
        _preflight
        printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$T/comp.bash" "$@"
}
# offers NAME WANT WORD...: the completion of WORD... is exactly WANT
offers() {
    name=$1 want=$2
    shift 2
    got=$(comp "$@" | tr '\n' ' ' | sed 's/ $//')
    [ "$got" = "$want" ] && ok || bad "completion $name: got '$got', want '$want'"
}
# includes NAME WANT WORD...: WANT is one of what WORD... completes to
includes() {
    name=$1 want=$2
    shift 2
    comp "$@" | grep -qx -- "$want" && ok || bad "completion $name: no '$want' in: $(comp "$@" | tr '\n' ' ')"
}
offers "a command" "run" ru
offers "commands starting with a" "approve arm audit" a
offers "an option" "--format" run --for
offers "format values" "json junit tap text" run --format ""
offers "format values after =" "json junit" run --format = j
offers "audit's formats" "json text" audit show --format ""
offers "http values" "mock real" list --http ""
offers "global option before the command" "--quiet" --qu
offers "color values before the command" "always auto" --color a
offers "command after a global option" "run" --color never ru
offers "audit subcommands" "show verify" audit ""
offers "help topics" "keygen kill" help k
offers "completion shells" "bash" completion ""
includes "lock's own option" "--check" lock --
includes "short options" "-q" run -
comp lock -- | grep -qx -- --format && bad "completion offers lock a --format" || ok
comp kill -- | grep -qx -- --quiet && bad "completion offers kill --quiet" || ok
mkdir -p "$T/cwd/checks" "$T/cwd/cfile"
: >"$T/cwd/evidence.json"
(cd "$T/cwd" && comp run --evidence ev) | grep -qx evidence.json && ok ||
    bad "completion: --evidence completes file names"
(cd "$T/cwd" && comp lock ch) | grep -qx checks && ok ||
    bad "completion: lock completes a folder"
(cd "$T/cwd" && comp exec -- ech) | grep -qx echo && ok ||
    bad "completion: exec's COMMAND completes a command"

# ---- docs/CLI.md and the man page list the table's options, and only them --
# the table's options: every name the completion offers for some command
grep -o -- '-W "[^"]*"' "$T/comp.bash" | tr ' "' '\n\n' | grep -E -- '^--?[a-zA-Z]' | grep -vx -- -W |
    sort -u >"$T/table.opts"
[ "$(wc -l <"$T/table.opts")" -gt 30 ] && ok || bad "table: too few options read"
# docs/CLI.md: the first cell of each row of the "## Options" table
$PY - "$SRC/docs/CLI.md" >"$T/md.opts" <<'PYEOF'
import re, sys
s = open(sys.argv[1]).read().split("\n## Options\n")[1].split("\n## ")[0]
out = set()
for line in s.splitlines():
    if line.startswith("| `"):
        cell = line.split(" | ")[0]
        out.update(re.findall(r"`(--?[a-zA-Z][a-z-]*)", cell))
        out.update(re.findall(r", `?(--?[a-zA-Z][a-z-]*)", cell))
print("\n".join(sorted(out)))
PYEOF
# the man page: the tags (.TP's next line) of the OPTIONS section
$PY - "$SRC/docs/preflight.1" >"$T/man.opts" <<'PYEOF'
import re, sys
s = open(sys.argv[1]).read().split("\n.SH OPTIONS\n")[1].split("\n.SH ")[0]
lines = s.splitlines()
out = set()
for i, line in enumerate(lines[:-1]):
    if line == ".TP":
        tag = lines[i + 1].replace("\\-", "-")
        out.update(re.findall(r"(?<![\w-])(--?[a-zA-Z][a-z-]*)", tag))
print("\n".join(sorted(out)))
PYEOF
for doc in md man; do
    diff "$T/table.opts" "$T/$doc.opts" >"$T/$doc.diff" && ok ||
        { bad "$doc options differ from the table (< table only, > doc only)"; cat "$T/$doc.diff"; }
done

# ---- short and global options -------------------------------------------------
expect 0 "-V" "$BIN" -V
contains "-V prints the version" "$T/out" "preflight 0."
expect 0 "--version" "$BIN" --version
expect 0 "-h" "$BIN" -h
contains "-h: the overview" "$T/out" "commands:"
expect 0 "run -h" "$BIN" run -h
contains "run -h: run's help" "$T/out" "usage: preflight run"
expect 0 "-h before the command" "$BIN" -h lock
contains "-h lock: lock's help" "$T/out" "usage: preflight lock"
expect 0 "-q" "$BIN" run -q "$T/p"
[ "$(cat "$T/out")" = "verdict: pass (exit 0)" ] && ok || bad "-q prints only the verdict"
expect 0 "--quiet before the command" "$BIN" --quiet run "$T/p"
[ "$(cat "$T/out")" = "verdict: pass (exit 0)" ] && ok || bad "--quiet run prints only the verdict"
expect 0 "-v" "$BIN" -v run "$T/p"
contains "-v: verbose" "$T/out" "title:   passes"
expect 2 "-q and -v" "$BIN" -q run -v "$T/p"
expect 2 "a run option before the command" "$BIN" --jobs 2 run "$T/p"
contains "before the command: said where it goes" "$T/err" "goes after the command"
expect 2 "global option the command does not take" "$BIN" --quiet lock "$T/p"
expect 2 "only global options" "$BIN" --quiet
expect 0 "--color= before the command" "$BIN" --color=never run "$T/p"
expect 2 "--color bad value" "$BIN" run --color sometimes "$T/p"
contains "--color: the choices" "$T/err" "--color must be auto, always or never"
# exec: a global option before the command and '--' after it
expect 0 "exec with a global option" "$BIN" -q exec --evidence "$T/ev.json" "$T/p" -- true
[ -z "$(grep -v '^verdict' "$T/out")" ] && ok || bad "exec -q printed more than the verdict"

# ---- colour -------------------------------------------------------------------
# --color always colours a pipe, even with NO_COLOR; never and auto do not
"$BIN" run --color always "$T/p" >"$T/c1" 2>&1
contains "--color always: colour in a pipe" "$T/c1" "$(printf '\033[32m')"
NO_COLOR=1 "$BIN" run --color always "$T/p" >"$T/c2" 2>&1
contains "--color always beats NO_COLOR" "$T/c2" "$(printf '\033[32m')"
"$BIN" run --color auto "$T/p" >"$T/c3" 2>&1
lacks "--color auto: none in a pipe" "$T/c3" "$(printf '\033[')"
if command -v script >/dev/null 2>&1; then
    TERM=xterm script -qec "'$BIN' run --color never '$T/p'" /dev/null >"$T/c4" 2>&1
    lacks "--color never: none on a terminal" "$T/c4" "$(printf '\033[3')"
    TERM=xterm script -qec "'$BIN' run '$T/p'" /dev/null >"$T/c5" 2>&1
    contains "auto: colour on a terminal" "$T/c5" "$(printf '\033[32m')"
    TERM=dumb script -qec "'$BIN' run '$T/p'" /dev/null >"$T/c6" 2>&1
    lacks "auto: TERM=dumb, no colour" "$T/c6" "$(printf '\033[3')"
    NO_COLOR=1 TERM=xterm script -qec "'$BIN' run '$T/p'" /dev/null >"$T/c7" 2>&1
    lacks "auto: NO_COLOR, no colour" "$T/c7" "$(printf '\033[3')"
else
    note "script (util-linux) absent: colour on a terminal not tested"
fi

# ---- the progress line: only when stderr and stdout are terminals ----------
mk "$T/slow/a.lua" <<'EOF'
return { id = "slow.a", title = "slow", run = function()
  local t = preflight.clock.monotonic_ms()
  while preflight.clock.monotonic_ms() - t < 1500 do end
  return preflight.pass("done") end }
EOF
pass_check "$T/slow/b.lua" slow.b
# a pseudo-terminal on stdin, stdout and stderr, or on stderr only (stdout a
# pipe, as `preflight run | less` has it); stderr is read from the terminal
$PY - "$BIN" "$T/slow" >"$T/pty.out" 2>&1 <<'PYEOF'
import os, pty, subprocess, sys
binary, pack = sys.argv[1], sys.argv[2]
env = dict(os.environ, TERM="xterm")
env.pop("NO_COLOR", None)

def run(stdout_tty):
    master, slave = pty.openpty()
    out = slave if stdout_tty else subprocess.PIPE
    p = subprocess.Popen([binary, "run", pack], stdin=slave, stdout=out,
                         stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    piped = p.stdout.read() if p.stdout else b""
    p.wait()
    os.close(master)
    return p.returncode, seen, piped

rc, tty, _ = run(True)
assert rc == 0, rc
assert b"checks done" in tty, ("no progress line on a terminal", tty[-400:])
rc, tty, piped = run(False)
assert rc == 0, rc
assert b"checks done" not in tty, ("progress line while stdout is a pipe", tty)
assert b"\r" not in piped and b"\033" not in piped, piped
assert b"verdict: pass" in piped, piped
print("pty ok")
PYEOF
[ $? -eq 0 ] && ok || { bad "progress line under a pseudo-terminal"; cat "$T/pty.out"; }

finish cli
