#!/usr/bin/python3
"""Cost of binding LIVE to a reviewed pack (issue 14): `preflight arm` in
live with two approvals (require 2: lock check, trust roots, two Ed25519
verifications, the audit append) against `preflight run` of the same pack
in paper, and the start-up cost of `preflight version` and of a one-check
`run` against a baseline binary.

  /usr/bin/python3 -B bench/approvals.py --bin PATH [--baseline PATH]
      [--runs 15] [--checks 5]

Each number is the wall clock of one whole command (fork+exec to exit)
with time.perf_counter() around subprocess.run(); the runs of the
compared commands are interleaved. Approval tokens are made with
`preflight approve` before each arm, outside the timing (each is used
once). Prints a Markdown table; exit 1 when a command gives the wrong
answer (a run that does not pass, an arm that is not ARMED).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd, cwd, env):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return (time.perf_counter() - t0) * 1000.0, p


def must(p, rc, what):
    if p.returncode != rc:
        sys.stderr.write("%s: exit %d, want %d\n%s\n%s\n" % (
            what, p.returncode, rc, p.stdout.decode()[-600:],
            p.stderr.decode()[-600:]))
        sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--baseline")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--checks", type=int, default=5)
    a = ap.parse_args()
    b = os.path.abspath(a.bin)
    tmp = tempfile.mkdtemp(prefix="pf_bench_appr.")
    pack = os.path.join(tmp, "checks")
    os.makedirs(pack)
    ids = []
    for i in range(a.checks):
        ids.append("b.c%d" % i)
        with open(os.path.join(pack, "c%d.lua" % i), "w") as f:
            f.write('return { id = "b.c%d", title = "t", run = function() '
                    'return preflight.pass("ok") end }\n' % i)
    with open(os.path.join(pack, "manifest"), "w") as f:
        f.write("\n".join(ids) + "\n")
    keys = os.path.join(tmp, "keys")
    os.makedirs(keys)
    lines = []
    for name in ("alice", "bob"):
        p = subprocess.run([b, "keygen", "--out", os.path.join(keys, name),
                            "--name", name], capture_output=True, check=True)
        lines.append(p.stdout.decode())
    with open(os.path.join(pack, "approvers"), "w") as f:
        f.write("".join(lines) + "require 2\n")
    subprocess.run([b, "lock", pack], capture_output=True, check=True)
    env = dict(os.environ)
    for k in ("ARBITRAGE_ENV", "LIVE_APPROVALS", "NO_COLOR"):
        env.pop(k, None)
    env["PREFLIGHT_HOST_ID"] = "bench"
    live = dict(env, ARBITRAGE_ENV="live",
                LIVE_ARM_ACK="I_UNDERSTAND_LIVE_RISK",
                LIVE_MAX_NOTIONAL_USD="250")

    def tokens():
        out = []
        for name in ("alice", "bob"):
            p = subprocess.run([b, "approve", "--key",
                                os.path.join(keys, name), "--cap", "250",
                                "--host", "bench", pack],
                               capture_output=True, check=True)
            out.append(p.stdout.decode().strip())
        return "\n".join(out)

    one = os.path.join(tmp, "one")
    os.makedirs(one)
    with open(os.path.join(one, "a.lua"), "w") as f:
        f.write('return { id = "o.a", title = "t", run = function() '
                'return preflight.pass("ok") end }\n')

    series = {k: [] for k in ("run", "arm", "version", "version_base",
                              "run1", "run1_base")}
    for i in range(a.runs):
        w, p = timed([b, "run", "--quiet", pack], tmp, env)
        must(p, 0, "run")
        series["run"].append(w)
        env_arm = dict(live, LIVE_APPROVALS=tokens(),
                       LIVE_ARM_AT=str(int(time.time())))
        w, p = timed([b, "arm", "--quiet", "--http", "real", "--evidence",
                      os.path.join(tmp, "arm.json"), pack], tmp, env_arm)
        must(p, 0, "arm")
        series["arm"].append(w)
        w, p = timed([b, "version"], tmp, env)
        series["version"].append(w)
        w, p = timed([b, "run", "--quiet", one], tmp, env)
        must(p, 0, "run one")
        series["run1"].append(w)
        if a.baseline:
            w, p = timed([a.baseline, "version"], tmp, env)
            series["version_base"].append(w)
            w, p = timed([a.baseline, "run", "--quiet", one], tmp, env)
            series["run1_base"].append(w)

    med = {k: statistics.median(v) for k, v in series.items() if v}
    print("| command | median ms (%d runs) | range |" % a.runs)
    print("|---|---|---|")
    names = {"run": "run, %d checks, paper" % a.checks,
             "arm": "arm, same pack, live, 2 approvals",
             "version": "version", "version_base": "version (baseline)",
             "run1": "run, 1 check", "run1_base": "run, 1 check (baseline)"}
    for k, v in series.items():
        if v:
            print("| %s | %.2f | %.2f–%.2f |" % (names[k], med[k], min(v),
                                                max(v)))
    print()
    print("arm - run: %.2f ms (goal: at most 2 ms)" % (med["arm"] - med["run"]))
    if a.baseline:
        print("version: %.2f ms vs baseline %.2f ms; run of 1 check: %.2f ms "
              "vs baseline %.2f ms" % (med["version"], med["version_base"],
                                       med["run1"], med["run1_base"]))
    subprocess.run(["rm", "-rf", tmp])
    return 0


if __name__ == "__main__":
    sys.exit(main())
