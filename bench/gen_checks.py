#!/usr/bin/python3
"""Generate benchmark checks for preflight (Lua) and for the Python runner.

Usage:
  gen_checks.py lua N DIR        N trivial Lua checks (DESIGN.md section 2)
  gen_checks.py py N DIR         N trivial Python check modules
  gen_checks.py loop DIR [MS]    one Lua check running `while true do end`
  gen_checks.py backtrack DIR [MS]
                                 one Lua check stuck in a backtracking
                                 string.find (C code, no Lua hook fires)

DIR is created if missing; existing files with the same names are
overwritten. Only the standard library is used; measure.py imports this
module and calls the functions directly.
"""
import os
import sys

LUA_TRIVIAL = """\
return {{
  id = "bench.c{i:04d}",
  title = "Trivial benchmark check {i}",
  tags = {{ "bench" }},
  timeout_ms = 1000,
  run = function(ctx)
    return preflight.pass("ok")
  end,
}}
"""

# The Python counterpart of one trivial check: a module with ID, TITLE,
# run() returning a pass. No imports, so the cost is the import machinery
# itself (find, read, compile, exec) plus the call.
PY_TRIVIAL = """\
ID = "bench.c{i:04d}"
TITLE = "Trivial benchmark check {i}"
TAGS = ["bench"]
TIMEOUT_MS = 1000


def run(ctx):
    return {{"status": "pass", "message": "ok"}}
"""

LUA_LOOP = """\
return {{
  id = "bench.timeout.loop",
  title = "Spins forever in Lua code",
  tags = {{ "bench" }},
  timeout_ms = {ms},
  run = function(ctx)
    while true do end
  end,
}}
"""

LUA_BACKTRACK = """\
return {{
  id = "bench.timeout.backtrack",
  title = "Stuck in a backtracking pattern inside C",
  tags = {{ "bench" }},
  timeout_ms = {ms},
  run = function(ctx)
    string.find(("a"):rep(5000), ".-.-.-.-x")
    return preflight.pass("unreachable")
  end,
}}
"""


def _write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def gen_lua(n, d):
    os.makedirs(d, exist_ok=True)
    for i in range(1, n + 1):
        _write(os.path.join(d, "c%04d.lua" % i), LUA_TRIVIAL.format(i=i))


def gen_py(n, d):
    os.makedirs(d, exist_ok=True)
    for i in range(1, n + 1):
        _write(os.path.join(d, "check_c%04d.py" % i), PY_TRIVIAL.format(i=i))


def gen_loop(d, ms=200):
    os.makedirs(d, exist_ok=True)
    _write(os.path.join(d, "timeout_loop.lua"), LUA_LOOP.format(ms=ms))


def gen_backtrack(d, ms=200):
    os.makedirs(d, exist_ok=True)
    _write(os.path.join(d, "timeout_backtrack.lua"),
           LUA_BACKTRACK.format(ms=ms))


def main(argv):
    if len(argv) >= 4 and argv[1] in ("lua", "py"):
        (gen_lua if argv[1] == "lua" else gen_py)(int(argv[2]), argv[3])
        return 0
    if len(argv) in (3, 4) and argv[1] in ("loop", "backtrack"):
        ms = int(argv[3]) if len(argv) == 4 else 200
        (gen_loop if argv[1] == "loop" else gen_backtrack)(argv[2], ms)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
