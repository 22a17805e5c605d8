#!/usr/bin/python3
"""How long `preflight verify` takes on a signed evidence document of a
100-check run (issue 15's goal: under 5 ms), median of --runs.

  /usr/bin/python3 -B bench/verify.py --bin PATH [--runs 15] [--checks 100]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--checks", type=int, default=100)
    a = ap.parse_args()
    b = os.path.abspath(a.bin)
    tmp = tempfile.mkdtemp(prefix="pf_bench_verify.")
    pack = os.path.join(tmp, "checks")
    os.makedirs(pack)
    for i in range(a.checks):
        with open(os.path.join(pack, "c%03d.lua" % i), "w") as f:
            f.write('return { id = "v.c%03d", title = "a check of the '
                    'benchmark", tags = { "bench" }, run = function() '
                    'return preflight.pass("fine", { n = %d }) end }\n'
                    % (i, i))
    key = os.path.join(tmp, "ev.key")
    pub = subprocess.run([b, "keygen", "--out", key, "--name", "ev"],
                         capture_output=True, check=True).stdout
    with open(os.path.join(tmp, "ev.pub"), "wb") as f:
        f.write(pub)
    ev = os.path.join(tmp, "ev.json")
    subprocess.run([b, "run", "--quiet", "--sign-key", key, "--evidence", ev,
                    pack], capture_output=True, check=True)
    size = os.path.getsize(ev)
    times = []
    for _ in range(a.runs):
        t0 = time.perf_counter()
        p = subprocess.run([b, "verify", ev, "--pubkey",
                            os.path.join(tmp, "ev.pub"), "--require", "pass"],
                           capture_output=True)
        times.append((time.perf_counter() - t0) * 1000.0)
        if p.returncode != 0:
            sys.stderr.write(p.stdout.decode() + p.stderr.decode())
            return 1
    print("verify of a %d-check evidence document (%d bytes): median %.2f ms "
          "(%.2f-%.2f, %d runs; goal under 5 ms)"
          % (a.checks, size, statistics.median(times), min(times), max(times),
             a.runs))
    subprocess.run(["rm", "-rf", tmp])
    return 0


if __name__ == "__main__":
    sys.exit(main())
