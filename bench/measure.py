#!/usr/bin/python3
"""Time `preflight run` against the in-process Python equivalent.

Called by bench/run.sh (see bench/README.md); usable on its own:

  /usr/bin/python3 -B bench/measure.py --bin PATH [--runs 11]
      [--timeout-runs 7] [--out FILE] [--cwd DIR]

Every number is the wall clock of one whole command (fork+exec to exit),
measured here with time.perf_counter() around subprocess.run(), stdout and
stderr captured to pipes, for preflight and Python alike. The CPU column is
user+sys of the command and every process it waited for (getrusage of
children), so forked workers count. Check folders are generated fresh, in
a temporary folder, before each timed run and outside the timing.

Prints a Markdown report on stdout (and writes it to --out); progress goes
to stderr. Exit 0 when the measurements were made (whether or not the
goals were met), 1 when a run gave a wrong answer (a trivial run that did
not pass, a timeout case that passed or exited other than 1).
"""
import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_checks  # noqa: E402

PY = "/usr/bin/python3"
PY_RUNNER = os.path.join(HERE, "py_equivalent.py")

GOAL_100_MS = 25.0
GOAL_RATIO = 3.0
GOAL_TIMEOUT_MS = 700.0


class WrongAnswer(Exception):
    pass


def log(msg):
    try:
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()
    except OSError:
        pass  # progress is optional: a closed stderr must not stop the run


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd, cwd, env):
    """Run cmd once; return (wall_ms, cpu_ms, rc, stdout)."""
    c0 = child_cpu()
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t1 = time.perf_counter()
    c1 = child_cpu()
    return ((t1 - t0) * 1000.0, (c1 - c0) * 1000.0, p.returncode,
            p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


class Series:
    def __init__(self, name):
        self.name = name
        self.wall = []
        self.cpu = []

    def add(self, wall, cpu):
        self.wall.append(wall)
        self.cpu.append(cpu)

    def med(self):
        return statistics.median(self.wall)

    def span(self):
        return "%.1f–%.1f" % (min(self.wall), max(self.wall))

    def cpu_med(self):
        return statistics.median(self.cpu)


def expect_pass(label, n, rc, out, err):
    if rc != 0 or ("%d passed" % n) not in out:
        raise WrongAnswer("%s: expected %d passing checks and exit 0, got "
                          "exit %d\nstdout: %s\nstderr: %s"
                          % (label, n, rc, out[-800:], err[-800:]))


def bench_trivial(binary, n, runs, cwd, env, tmp, jobs_variants,
                  floors=False):
    """One N: preflight for each --jobs variant, python fresh (-B) and
    python with a warm .pyc cache, interleaved, order rotated each run.
    With floors, the fixed costs are measured in the same loop too."""
    pf = {j: Series("preflight jobs=%s" % j) for j in jobs_variants}
    py_fresh = Series("python fresh")
    py_warm = Series("python warm")
    fl = {}

    # the warm-cache Python folder: generated once, .pyc written by a run
    warm_dir = os.path.join(tmp, "pywarm%d" % n)
    gen_checks.gen_py(n, warm_dir)
    subprocess.run([PY, PY_RUNNER, warm_dir], cwd=cwd, env=env,
                   stdout=subprocess.DEVNULL, check=True)
    one_lua = os.path.join(tmp, "one_lua")
    one_py = os.path.join(tmp, "one_py")
    if floors:
        gen_checks.gen_lua(1, one_lua)
        gen_checks.gen_py(1, one_py)
        probes = [
            ("`/bin/true` (harness floor)", ["/bin/true"], None),
            ("`preflight version` (process start)", [binary, "version"],
             None),
            ("`preflight run` with 1 check", [binary, "run", one_lua], 1),
            ("`python3 -B -c pass` (interpreter start)",
             [PY, "-B", "-c", "pass"], None),
            ("`py_equivalent.py` with 1 module",
             [PY, "-B", PY_RUNNER, one_py], 1),
        ]
        for label, _cmd, _n in probes:
            fl[label] = Series(label)
    else:
        probes = []

    def one(kind, it, d_lua, d_py):
        if isinstance(kind, tuple):
            label, cmd, want = kind
            w, c, rc, out, err = timed(cmd, cwd, env)
            if want is not None:
                expect_pass(label, want, rc, out, err)
            if it >= 0:
                fl[label].add(w, c)
        elif kind == "py_fresh":
            w, c, rc, out, err = timed([PY, "-B", PY_RUNNER, d_py], cwd, env)
            expect_pass("python N=%d" % n, n, rc, out, err)
            if it >= 0:
                py_fresh.add(w, c)
        elif kind == "py_warm":
            w, c, rc, out, err = timed([PY, PY_RUNNER, warm_dir], cwd, env)
            expect_pass("python warm N=%d" % n, n, rc, out, err)
            if it >= 0:
                py_warm.add(w, c)
        else:
            cmd = [binary, "run", d_lua]
            if kind != "default":
                cmd += ["--jobs", str(kind)]
            w, c, rc, out, err = timed(cmd, cwd, env)
            expect_pass("preflight N=%d jobs=%s" % (n, kind), n, rc, out,
                        err)
            if it >= 0:
                pf[kind].add(w, c)

    kinds = list(jobs_variants) + ["py_fresh", "py_warm"] + probes
    for it in range(-1, runs):  # it == -1: warm-up, not counted
        d_lua = os.path.join(tmp, "lua%d_%d" % (n, it + 1))
        d_py = os.path.join(tmp, "py%d_%d" % (n, it + 1))
        gen_checks.gen_lua(n, d_lua)
        gen_checks.gen_py(n, d_py)
        k = (it + 1) % len(kinds)
        for kind in kinds[k:] + kinds[:k]:
            # d_py is new each iteration and imported once, with -B: no
            # __pycache__ is ever read or written for it
            one(kind, it, d_lua, d_py)
        shutil.rmtree(d_lua)
        shutil.rmtree(d_py)
        log("  N=%d run %d/%d done" % (n, it + 1, runs) if it >= 0
            else "  N=%d warm-up done" % n)
    for d in (warm_dir, one_lua, one_py):
        shutil.rmtree(d, ignore_errors=True)
    return pf, py_fresh, py_warm, fl


def bench_timeout(binary, label, make, runs, cwd, env, tmp):
    s = Series(label)
    rcs, verdicts, reasons = [], [], set()
    for it in range(runs):
        d = os.path.join(tmp, "to_%d" % it)
        make(d)
        w, c, rc, out, err = timed([binary, "run", d, "--format", "json"],
                                   cwd, env)
        shutil.rmtree(d)
        try:
            doc = json.loads(out)
            verdict = doc.get("verdict")
            for ch in doc.get("checks", []):
                if ch.get("status") != "pass":
                    reasons.add("%s: %s" % (ch.get("id") or ch.get("file"),
                                            ch.get("reason")))
        except ValueError:
            verdict = "unparsable"
        s.add(w, c)
        rcs.append(rc)
        verdicts.append(verdict)
        log("  %s run %d/%d: %.1f ms, exit %d, verdict %s"
            % (label, it + 1, runs, w, rc, verdict))
    return s, rcs, verdicts, sorted(reasons)


def machine_info(binary, cwd, env):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        ver = subprocess.run([binary, "version"], cwd=cwd, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT
                             ).stdout.decode().strip().splitlines()[0]
    except (OSError, IndexError):
        ver = "?"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "preflight": ver,
        "python": platform.python_version(),
        "load": loadavg(),
    }


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def fmt(x):
    return "%.1f" % x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--timeout-runs", type=int, default=7)
    ap.add_argument("--out")
    ap.add_argument("--cwd", default=os.path.dirname(HERE))
    a = ap.parse_args()
    if a.runs < 9 or a.timeout_runs < 5:
        ap.error("--runs must be >= 9 and --timeout-runs >= 5")
    binary = os.path.abspath(a.bin)
    if not os.access(binary, os.X_OK):
        ap.error("not an executable: %s" % binary)

    env = dict(os.environ)
    for k in ("ARBITRAGE_ENV", "LIVE_ARM_ACK", "LIVE_ARM_AT",
              "LIVE_MAX_NOTIONAL_USD", "PYTHONPATH", "PYTHONSTARTUP",
              "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
        env.pop(k, None)
    env["NO_COLOR"] = "1"

    info = machine_info(binary, a.cwd, env)
    tmp = tempfile.mkdtemp(prefix="pfbench.")
    lines = []
    bad = []
    try:
        log("N=100 ...")
        pf100, py100, pyw100, floors = bench_trivial(
            binary, 100, a.runs, a.cwd, env, tmp, ["default", 1, 2],
            floors=True)
        log("N=1000 ...")
        pf1000, py1000, pyw1000, _ = bench_trivial(
            binary, 1000, a.runs, a.cwd, env, tmp, ["default"])

        cases = [
            ("`while true do end`, timeout_ms=200",
             lambda d: gen_checks.gen_loop(d, 200)),
            ("backtracking `string.find`, timeout_ms=200",
             lambda d: gen_checks.gen_backtrack(d, 200)),
            ("backtracking `string.find`, timeout_ms=300",
             lambda d: gen_checks.gen_backtrack(d, 300)),
            ("both (200 ms each) + 100 trivial checks",
             lambda d: (gen_checks.gen_loop(d, 200),
                        gen_checks.gen_backtrack(d, 200),
                        gen_checks.gen_lua(100, d))),
        ]
        tres = []
        for label, make in cases:
            log(label + " ...")
            tres.append((label,) + bench_timeout(binary, label, make,
                                                 a.timeout_runs, a.cwd, env,
                                                 tmp))
    except WrongAnswer as e:
        log("WRONG ANSWER: %s" % e)
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    L = lines.append
    L("## preflight benchmark, %s" % info["date"])
    L("")
    L("Machine: %s cores, %s, Linux %s; %s; Python %s (/usr/bin/python3)."
      % (info["cores"], info["cpu"], info["kernel"], info["preflight"],
         info["python"]))
    L("Load average (1, 5, 15 min) before: %s; after: %s. Other processes "
      "on the machine share its cores: a load near or above the core count "
      "inflates every number below." % (info["load"], loadavg()))
    L("Wall clock of the whole command (ms), %d timed runs per cell after "
      "one warm-up, fresh check folders each run, all commands of one N "
      "interleaved." % a.runs)
    L("")
    L("### Trivial checks: preflight vs the in-process Python runner")
    L("")
    L("| N | preflight median | preflight min–max | preflight CPU | "
      "python median | python min–max | python CPU | python/preflight |")
    L("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, pf, py in ((100, pf100["default"], py100),
                      (1000, pf1000["default"], py1000)):
        L("| %d | %s | %s | %s | %s | %s | %s | %.2fx |"
          % (n, fmt(pf.med()), pf.span(), fmt(pf.cpu_med()), fmt(py.med()),
             py.span(), fmt(py.cpu_med()), py.med() / pf.med()))
    L("")
    L("Python is run as `/usr/bin/python3 -B bench/py_equivalent.py DIR` on "
      "a folder it never imported before, so it compiles every module from "
      "source each run, as preflight does with every Lua file. For "
      "reference, Python's best case (same folder, `.pyc` cache already "
      "written and read back):")
    L("")
    L("| N | python cached-.pyc median | min–max | python/preflight |")
    L("|---:|---:|---:|---:|")
    for n, pf, py in ((100, pf100["default"], pyw100),
                      (1000, pf1000["default"], pyw1000)):
        L("| %d | %s | %s | %.2fx |" % (n, fmt(py.med()), py.span(),
                                        py.med() / pf.med()))
    L("")
    L("### Pool effect, N=100")
    L("")
    L("| --jobs | median | min–max | CPU (user+sys) |")
    L("|---|---:|---:|---:|")
    for j, label in ((1, "1"), (2, "2"), ("default", "default")):
        s = pf100[j]
        L("| %s | %s | %s | %s |" % (label, fmt(s.med()), s.span(),
                                     fmt(s.cpu_med())))
    L("")
    L("### Fixed costs (measured in the N=100 loop)")
    L("")
    L("| command | median | min–max | CPU (user+sys) |")
    L("|---|---:|---:|---:|")
    for label, sr in floors.items():
        L("| %s | %s | %s | %s |" % (label, fmt(sr.med()), sr.span(),
                                     fmt(sr.cpu_med())))
    L("")
    L("### Runaway checks (must end as non-pass, exit 1, within %d ms)"
      % GOAL_TIMEOUT_MS)
    L("")
    L("| case | runs | median | min–max | exit codes | verdicts | "
      "non-pass checks (reason) |")
    L("|---|---:|---:|---:|---|---|---|")
    tgoal = True
    for label, s, rcs, verdicts, reasons in tres:
        ok = all(rc == 1 for rc in rcs) and all(v != "pass" for v in verdicts)
        if not ok:
            bad.append(label)
        tgoal &= ok and max(s.wall) <= GOAL_TIMEOUT_MS
        L("| %s | %d | %s | %s | %s | %s | %s |"
          % (label, len(s.wall), fmt(s.med()), s.span(),
             ",".join(str(r) for r in rcs), ",".join(map(str, verdicts)),
             "; ".join(reasons)))
    L("")
    g1 = pf100["default"].med() <= GOAL_100_MS
    g2 = py100.med() / pf100["default"].med() >= GOAL_RATIO
    L("### Goals")
    L("")
    L("| goal | measured | met |")
    L("|---|---|---|")
    L("| 100 checks, median <= %d ms | %s ms | %s |"
      % (GOAL_100_MS, fmt(pf100["default"].med()), "yes" if g1 else "NO"))
    L("| 100 checks, >= %dx faster than Python | %.2fx | %s |"
      % (GOAL_RATIO, py100.med() / pf100["default"].med(),
         "yes" if g2 else "NO"))
    L("| runaway checks end the run in <= %d ms, exit 1, non-pass | "
      "worst %s ms | %s |"
      % (GOAL_TIMEOUT_MS, fmt(max(max(t[1].wall) for t in tres)),
         "yes" if tgoal else "NO"))
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)
    if bad:
        log("WRONG ANSWER in: %s" % ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
