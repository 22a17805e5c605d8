#!/usr/bin/python3
"""What a guarded exec costs while COMMAND runs (issue 16: idle cost
under 1% of a core between cycles, measured and reported).

  /usr/bin/python3 -B bench/guard_idle.py --bin PATH [--runs 3]
      [--window 60]

Four paper `preflight exec --guard ... -- sleep 65` run side by side,
each with a one-check pack (one required guard check that passes):

* (a) guard_interval_s = 300: no cycle runs in the window; what is left
  is the watch (inotify, the once-a-second stat of the switch).
* (b) guard_interval_s = 10: a guard cycle every 10 s (a forked process
  that runs the check in a sandboxed worker and reports back), with
  --metrics written after each.
* (d) as (a), while another process appends a line to a file in the
  switch's folder about every millisecond (a bot's log next to the
  switch).
* (c) guard_interval_s = 1 (the policy's minimum): the worst case, and
  enough cycles (about 60) to tell one cycle's cost despite the 10 ms
  clock ticks of cutime/cstime.

Once `sleep` is preflight's child, the bench waits 1 s, reads preflight's
counters, waits --window seconds (60; COMMAND is `sleep WINDOW+5`, so
`sleep 65`, still running at the end) and reads them again:

* preflight itself: se.sum_exec_runtime from /proc/PID/sched (the
  scheduler's on-CPU time, microsecond precision) and utime + stime from
  /proc/PID/stat (clock ticks, 10 ms), and its context switches (each
  one a wake-up);
* its reaped children: cutime + cstime from /proc/PID/stat (clock ticks:
  every cycle process and, through it, the cycle's workers, which the
  cycle waits for or preflight, their subreaper, reaps). COMMAND is not
  reaped in the window, so none of sleep's time is in it.

Reported as a percentage of one core over the window; the median of the
runs. Exit 1 when an exec does not end with status 0 (COMMAND's).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import shutil
import time

TICK = os.sysconf("SC_CLK_TCK")

LOGGER = r'''
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    os.write(fd, b"2026-01-01T00:00:00Z tick\n")
    time.sleep(0.001)
'''


def read_counters(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is the state (field 3): utime is field 14 -> index 11
    ut, st, cut, cst = (int(x) for x in fields[11:15])
    with open("/proc/%d/sched" % pid) as f:
        sched = f.read()
    run_ms = float(re.search(r"se\.sum_exec_runtime\s*:\s*([0-9.]+)",
                             sched).group(1))
    sw = int(re.search(r"^nr_switches\s*:\s*(\d+)", sched, re.M).group(1))
    return {"self_ms": run_ms, "self_ticks_ms": (ut + st) * 1000.0 / TICK,
            "child_ms": (cut + cst) * 1000.0 / TICK, "switches": sw,
            "t": time.monotonic()}


def child_sleep(ppid):
    """The pid of a `sleep` whose parent is ppid, or None."""
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        comm = s[s.index("(") + 1:s.rindex(")")]
        if comm == "sleep" and int(s.rsplit(")", 1)[1].split()[1]) == ppid:
            return int(d)
    return None


def make_pack(root, interval):
    os.makedirs(os.path.join(root, "checks"))
    with open(os.path.join(root, "checks", "g.lua"), "w") as f:
        f.write('return { id = "g", title = "guard check", '
                'tags = { "guard" }, run = function() '
                'return preflight.pass("ok") end }\n')
    with open(os.path.join(root, "checks", "manifest"), "w") as f:
        f.write("g\n")
    with open(os.path.join(root, "checks", "policy"), "w") as f:
        f.write("kill_switch = KS\nguard_interval_s = %d\n"
                "stop_grace_ms = 10000\n" % interval)


def cycles_of(metrics):
    try:
        with open(metrics) as f:
            m = re.search(r"^preflight_guard_cycles(?:\{[^}]*\})? (\d+)",
                          f.read(), re.M)
    except OSError:
        return 0
    return int(m.group(1)) if m else 0


def one_run(b, base, env, window, n):
    cases = {}
    for name, interval in (("a", 300), ("b", 10), ("c", 1), ("d", 300)):
        root = os.path.join(base, "%s%d" % (name, n))
        make_pack(root, interval)
        metrics = os.path.join(root, "m.prom")
        p = subprocess.Popen(
            [b, "exec", "--guard", "--quiet", "--evidence",
             os.path.join(root, "ev.json"), "--metrics", metrics, "checks",
             "--", "sleep", "%d" % (window + 5)],
            cwd=root, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        cases[name] = {"p": p, "metrics": metrics, "interval": interval}
    t_end = time.monotonic() + 30
    for c in cases.values():
        while child_sleep(c["p"].pid) is None:
            if c["p"].poll() is not None or time.monotonic() > t_end:
                sys.stderr.write("guard_idle: COMMAND did not start: %s\n" %
                                 c["p"].stderr.read().decode()[-800:])
                sys.exit(1)
            time.sleep(0.01)
    # (d): a bot's log, appended about 1000 times a second, in the folder
    # of the switch (the default switch is ROOT/KILL_SWITCH, next to
    # whatever else the bot writes there)
    writer = subprocess.Popen(
        ["/usr/bin/python3", "-B", "-c", LOGGER,
         os.path.join(base, "d%d" % n, "bot.log"), str(window + 2)],
        stdin=subprocess.DEVNULL)
    time.sleep(1.0)
    for c in cases.values():
        c["c0"] = read_counters(c["p"].pid)
        c["cy0"] = cycles_of(c["metrics"])
    time.sleep(window)
    for c in cases.values():
        c["c1"] = read_counters(c["p"].pid)
        c["cy1"] = cycles_of(c["metrics"])
    writer.wait()
    out = {}
    for name, c in cases.items():
        rc = c["p"].wait()
        err = c["p"].stderr.read().decode()
        if rc != 0:
            sys.stderr.write("guard_idle: exec (%s) exited %d: %s\n" %
                             (name, rc, err[-800:]))
            sys.exit(1)
        c0, c1 = c["c0"], c["c1"]
        span = c1["t"] - c0["t"]
        out[name] = {
            "span": span,
            "self_pct": (c1["self_ms"] - c0["self_ms"]) / span / 10.0,
            "self_ticks_pct":
                (c1["self_ticks_ms"] - c0["self_ticks_ms"]) / span / 10.0,
            "child_pct": (c1["child_ms"] - c0["child_ms"]) / span / 10.0,
            "child_ms": c1["child_ms"] - c0["child_ms"],
            "self_ms": c1["self_ms"] - c0["self_ms"],
            "wakeups_s": (c1["switches"] - c0["switches"]) / span,
            "cycles": c["cy1"] - c["cy0"],
        }
        out[name]["total_pct"] = out[name]["self_pct"] + out[name]["child_pct"]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--window", type=float, default=60.0)
    a = ap.parse_args()
    b = os.path.abspath(a.bin)
    base = tempfile.mkdtemp(prefix="pf_bench_idle.")
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("LIVE_") or k == "ARBITRAGE_ENV":
            del env[k]
    env["PREFLIGHT_HOST_ID"] = "bench"
    load0 = os.getloadavg()
    runs = []
    for n in range(a.runs):
        runs.append(one_run(b, base, env, a.window, n))
        sys.stderr.write("run %d done\n" % (n + 1))
    load1 = os.getloadavg()
    shutil.rmtree(base)
    print("### guard idle cost, %s UTC" %
          time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print()
    print("%d runs of a %.0f s window, (a) to (d) side by side; load "
          "average before %.2f %.2f %.2f, after %.2f %.2f %.2f (%d cores). "
          "%% of one core; median of the runs (each run's value in "
          "brackets)." % ((a.runs, a.window) + load0 + load1 +
                          (os.cpu_count(),)))
    print()
    print("| case | cycles in window | preflight itself (sched) | "
          "preflight itself (ticks) | cycle processes (cutime+cstime) | "
          "total | CPU per cycle ms | wake-ups/s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    worst = busy = 0.0
    for name, label in (("a", "(a) interval 300 s: watch only"),
                        ("b", "(b) interval 10 s, one trivial check"),
                        ("c", "(c) interval 1 s (the policy's minimum)"),
                        ("d", "(d) as (a), a log in the switch's folder "
                         "appended ~1000/s")):
        rs = [r[name] for r in runs]

        def col(k, fmt="%.3f"):
            vals = [r[k] for r in rs]
            return (fmt % statistics.median(vals)) + " [" + \
                ", ".join(fmt % v for v in vals) + "]"
        cyc = statistics.median(r["cycles"] for r in rs)
        # a cycle's own cost: its processes, and what preflight itself
        # spent beyond the watch-only case (a) of the same run
        per = ("%.2f" % (statistics.median(
            (r["child_ms"] + r["self_ms"] - run["a"]["self_ms"]) /
            r["cycles"] for r, run in zip(rs, runs))) if cyc else "-")
        tot = statistics.median(r["total_pct"] for r in rs)
        if name in ("a", "b"):
            worst = max(worst, max(r["total_pct"] for r in rs))
        if name == "d":
            busy = max(r["total_pct"] for r in rs)
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            label, col("cycles", "%d"), col("self_pct"),
            col("self_ticks_pct", "%.2f"), col("child_pct", "%.2f"),
            "%.3f" % tot, per, col("wakeups_s", "%.1f")))
    print()
    print("CPU per cycle: (cycle processes + preflight itself - case (a)'s "
          "preflight itself) / cycles, ms. cutime/cstime count in 10 ms "
          "ticks over the whole window.")
    print()
    print("Goal: under 1%% of a core between cycles (cases a and b): worst "
          "run %.3f%%, **%s**. With a busy folder (case d): worst run "
          "%.3f%%, %s." % (worst, "met" if worst < 1.0 else "NOT met",
                           busy, "met" if busy < 1.0 else "NOT met"))

if __name__ == "__main__":
    main()
