#!/usr/bin/python3
"""How fast the guard's kill switch stops COMMAND (issue 16: from the
kill-switch file appearing to COMMAND gone, 100 ms at p99 on a local
filesystem; 50 trials, median and p99 reported).

  /usr/bin/python3 -B bench/guard_stop.py --bin PATH [--trials 50]
      [--dir DIR]

Each trial starts a paper `preflight exec --guard` of a one-check pack
(one required guard check; policy guard_interval_s = 300, so no guard
cycle runs during a trial, and stop_grace_ms = 10000, so no SIGKILL
sweep hides a slow SIGTERM) whose COMMAND is a small Python bot: it
writes its pid to a ready file (temp file + rename) and waits in
signal.pause(); its SIGTERM handler exits at once. Once the ready file
is there (and 50 ms more, so the guard is surely in its poll loop), the
switch is engaged, in one of two ways, alternating trial by trial:

* rename: the bench writes the switch's JSON to a temp file in the same
  folder, fsyncs it (outside the timing), takes t0 and renames it onto
  the switch's path: the moment the file appears.
* kill: t0 is taken just before the bench starts `preflight kill
  --reason ... checks` (its fork, exec, policy read, the file's write,
  fsync and link are inside the timing, as an operator sees it).

From t0 two pidfds (os.pidfd_open, opened before t0) are polled: one on
COMMAND (its pid from the ready file; readable when it has exited, before
it is reaped) and one on preflight (readable when preflight has exited:
after the stop document and metrics are written). Every trial must end
with preflight's exit status 3 and a stop document saying kill-switch;
otherwise the bench exits 1.

Percentiles are nearest-rank: p99 of 50 trials is the largest but none
(rank ceil(0.99 * 50) = 50, i.e. the maximum); p90 is rank 45. Prints a
Markdown report on stdout.
"""
import argparse
import json
import math
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BOT = r'''
import os, signal, sys
signal.signal(signal.SIGTERM, lambda s, f: os._exit(0))
ready = sys.argv[1]
with open(ready + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(ready + ".tmp", ready)
while True:
    signal.pause()
'''

SWITCH = '{"reason":"bench","at":"2026-01-01T00:00:00.000Z",' \
         '"user":"bench","host":"bench"}\n'


def nearest_rank(xs, p):
    s = sorted(xs)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def summary(xs):
    return (statistics.median(xs), nearest_rank(xs, 90),
            nearest_rank(xs, 99), max(xs), min(xs))


def wait_file(path, proc, limit_s=60.0):
    """Until path exists; False when proc ended first or time ran out."""
    t_end = time.monotonic() + limit_s
    while not os.path.exists(path):
        if proc.poll() is not None or time.monotonic() > t_end:
            return False
        time.sleep(0.002)
    return True


def fail(what, proc=None, err_path=None):
    sys.stderr.write("guard_stop: %s\n" % what)
    if err_path and os.path.exists(err_path):
        with open(err_path) as f:
            sys.stderr.write(f.read()[-1500:])
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    sys.exit(1)


def trial(b, proj, env, n, how):
    ks = os.path.join(proj, "KS")
    ready = os.path.join(proj, "ready%d" % n)
    ev = os.path.join(proj, "ev", "t%d.json" % n)
    errp = os.path.join(proj, "err%d" % n)
    with open(errp, "w") as err:
        pf = subprocess.Popen(
            [b, "exec", "--guard", "--quiet", "--evidence", ev, "checks",
             "--", "/usr/bin/python3", "-B", "-c", BOT, ready],
            cwd=proj, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=err)
    if not wait_file(ready, pf):
        fail("trial %d: COMMAND did not start" % n, pf, errp)
    with open(ready) as f:
        cmd_pid = int(f.read())
    time.sleep(0.05)
    cmd_fd = os.pidfd_open(cmd_pid)
    pf_fd = os.pidfd_open(pf.pid)
    killer = None
    if how == "rename":
        tmp = ks + ".bench.tmp"
        with open(tmp, "w") as f:
            f.write(SWITCH)
            f.flush()
            os.fsync(f.fileno())
        t0 = time.perf_counter()
        os.rename(tmp, ks)
    else:
        t0 = time.perf_counter()
        killer = subprocess.Popen([b, "kill", "--reason", "bench", "checks"],
                                  cwd=proj, env=env,
                                  stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
    po = select.poll()
    po.register(cmd_fd, select.POLLIN)
    po.register(pf_fd, select.POLLIN)
    kill_fd = None
    if killer is not None:
        kill_fd = os.pidfd_open(killer.pid)
        po.register(kill_fd, select.POLLIN)
    got = {}
    names = {cmd_fd: "cmd", pf_fd: "pf", kill_fd: "kill"}
    want = 3 if kill_fd is not None else 2
    t_limit = t0 + 30.0
    while len(got) < want:
        left = t_limit - time.perf_counter()
        if left <= 0:
            fail("trial %d: no stop within 30 s" % n, pf, errp)
        for fd, _ in po.poll(left * 1000.0):
            got[names[fd]] = (time.perf_counter() - t0) * 1000.0
            po.unregister(fd)
    for fd in (cmd_fd, pf_fd, kill_fd):
        if fd is not None:
            os.close(fd)
    rc = pf.wait()
    if killer is not None and killer.wait() != 0:
        fail("trial %d: preflight kill exited %d" % (n, killer.returncode))
    if rc != 3:
        fail("trial %d: preflight exited %d, want 3" % (n, rc), None, errp)
    with open(ev[:-5] + "-stop.json") as f:
        stop = json.load(f)["guard"]["stop"]
    if stop["by"] != "kill-switch" or stop.get("escalated"):
        fail("trial %d: stop document: %r" % (n, stop))
    os.unlink(ks)
    os.unlink(ready)
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--dir", help="where the project goes (default: a "
                    "mktemp folder under $TMPDIR, removed at the end)")
    a = ap.parse_args()
    b = os.path.abspath(a.bin)
    base = tempfile.mkdtemp(prefix="pf_bench_guard.", dir=a.dir)
    proj = os.path.join(base, "proj")
    os.makedirs(os.path.join(proj, "checks"))
    os.makedirs(os.path.join(proj, "ev"))
    with open(os.path.join(proj, "checks", "g.lua"), "w") as f:
        f.write('return { id = "g", title = "guard check", '
                'tags = { "guard" }, run = function() '
                'return preflight.pass("ok") end }\n')
    with open(os.path.join(proj, "checks", "manifest"), "w") as f:
        f.write("g\n")
    with open(os.path.join(proj, "checks", "policy"), "w") as f:
        f.write("kill_switch = KS\nguard_interval_s = 300\n"
                "stop_grace_ms = 10000\n")
    env = dict(os.environ)
    for k in list(env):
        if k.startswith("LIVE_") or k.startswith("PYTHON") or \
                k == "ARBITRAGE_ENV":
            del env[k]
    env["PREFLIGHT_HOST_ID"] = "bench"
    env["NO_COLOR"] = "1"
    fs = subprocess.run(["stat", "-f", "-c", "%T", proj],
                        capture_output=True, text=True).stdout.strip()
    load0 = os.getloadavg()
    series = {"rename": [], "kill": []}
    for i in range(2 * a.trials):
        how = "rename" if i % 2 == 0 else "kill"
        series[how].append(trial(b, proj, env, i, how))
        sys.stderr.write(".")
        sys.stderr.flush()
    sys.stderr.write("\n")
    load1 = os.getloadavg()
    shutil.rmtree(base)

    print("### guard stop latency, %s UTC" %
          time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print()
    print("%d trials per series, interleaved; filesystem of the switch: "
          "%s; load average before %.2f %.2f %.2f, after %.2f %.2f %.2f "
          "(%d cores)." % ((a.trials, fs) + load0 + load1 +
                           (os.cpu_count(),)))
    print()
    print("| series | to | median ms | p90 | p99 | max | min |")
    print("|---|---|---:|---:|---:|---:|---:|")
    rows = [("rename", "cmd", "the switch renamed into place",
             "COMMAND exited (pidfd)"),
            ("rename", "pf", "the switch renamed into place",
             "preflight exited"),
            ("kill", "cmd", "`preflight kill` started", "COMMAND exited"),
            ("kill", "pf", "`preflight kill` started", "preflight exited"),
            ("kill", "kill", "`preflight kill` started",
             "`preflight kill` exited")]
    res = {}
    for how, key, frm, to in rows:
        xs = [t[key] for t in series[how]]
        s = summary(xs)
        res[(how, key)] = s
        print("| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f |" %
              ((frm, to) + s))
    print()
    p99 = res[("rename", "cmd")][2]
    print("Goal: from the file appearing to COMMAND gone, p99 <= 100 ms: "
          "**%.1f ms, %s**." % (p99, "met" if p99 <= 100.0 else "NOT met"))


if __name__ == "__main__":
    main()
