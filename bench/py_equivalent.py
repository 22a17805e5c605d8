#!/usr/bin/python3
"""What a team would write instead of preflight: one Python process that
imports every check module in a folder and calls its run().

Usage: py_equivalent.py DIR

Each *.py file in DIR (sorted) is a module with ID, TITLE and run(ctx)
returning {"status": "pass"|"fail", "message": ...}. The modules are
imported with importlib from their file paths, in this one process: no
isolation, no timeout, no memory cap (that is the point of comparison).
Prints a one-line summary; exit 0 when every check passed, 1 otherwise,
2 when there were no checks.
"""
import importlib.util
import os
import sys
import time


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    d = argv[1]
    t0 = time.perf_counter()
    files = sorted(f for f in os.listdir(d)
                   if f.endswith(".py") and not f.startswith("."))
    ctx = {"mode": "paper"}
    results = []
    seen = set()
    for f in files:
        path = os.path.join(d, f)
        name = "pfbench_" + f[:-3]
        try:
            spec = importlib.util.spec_from_file_location(name, path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
            cid = mod.ID
            if cid in seen:
                raise ValueError("duplicate id %s" % cid)
            seen.add(cid)
            res = mod.run(ctx)
            ok = isinstance(res, dict) and res.get("status") == "pass"
            results.append((cid, "pass" if ok else "fail"))
        except Exception as e:  # a broken check fails, the runner goes on
            results.append((f, "error: %s" % e))
    passed = sum(1 for _, s in results if s == "pass")
    total = len(results)
    ms = (time.perf_counter() - t0) * 1000.0
    print("%d checks: %d passed, %d not passed (%.0f ms in-process)"
          % (total, passed, total - passed, ms))
    if total == 0:
        return 2
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
