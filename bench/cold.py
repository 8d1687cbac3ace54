#!/usr/bin/env python
"""Cold start side by side: `python -m gradcli run FILE.g`, whole process, for several trees.

    python bench/cold.py 5f7b8a4 main .             # git revisions and/or checkout paths
    python bench/cold.py --runs 40 main .           # more rounds (default 25)
    python bench/cold.py --script samples/mlp.g main .

A revision is checked out once with `git worktree add --detach /tmp/cold-<rev> <rev>` (kept for
the next time; `git worktree remove` it when done); a path is used as it is. Each contender is
run with PYTHONPATH=<tree>, from a scratch directory (so the current directory shadows nothing),
with PYTHONDONTWRITEBYTECODE unset: bytecode is cached, as a user has it (one warm-up run each
writes it). The contenders run in turns, round after round, the first of each round rotating, so
a burst of load hits all of them alike. A process's time is its CPU time (user + system, from
wait4): on a shared machine wall time mostly measures the wait for a core; both are printed, as
medians over the rounds, with the ratio of the medians to the first contender's.

The modules column counts `sys.modules` at the end of one run (all / gradcli's own), the run made
as `python -m gradcli` makes it (runpy), with the same environment.

`--instructions` adds the instructions of one run of each (Valgrind's cachegrind, `I refs`),
deterministic where times are not: PYTHONHASHSEED=0 and OPENBLAS_NUM_THREADS=1 (OpenBLAS's idle
threads spin for as long as they like), bytecode cached. Two trees whose times differ by less
than the noise of a shared machine (a few %) still differ in their instructions.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One run, as `python -m gradcli ARGS` runs it, then the module counts on stderr's last line.
COUNT = """\
import runpy, sys
sys.argv = ["gradcli", *sys.argv[1:]]
try:
    runpy.run_module("gradcli", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
sys.stderr.write("\\nmodules %d %d\\n" % (len(sys.modules), sum(m.split(".")[0] == "gradcli" for m in sys.modules)))
"""


def tree_of(spec):
    """A checkout path for `spec`: itself if it is a directory, else a worktree of the revision."""
    if os.path.isdir(os.path.join(spec, "gradcli")):
        return os.path.abspath(spec), spec
    rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", spec], capture_output=True,
                         text=True, check=True).stdout.strip()
    path = f"/tmp/cold-{rev}"
    if not os.path.isdir(path):
        subprocess.run(["git", "-C", REPO, "worktree", "add", "--detach", path, rev], check=True,
                       stdout=subprocess.DEVNULL)
    return path, f"{spec} ({rev})" if spec != rev else rev


def environment(tree):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = tree
    return env


def once(tree, args, cwd):
    """(wall seconds, CPU seconds) of one whole process."""
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "gradcli", *args], env=environment(tree), cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{tree}: gradcli {' '.join(args)} failed")
    return wall, ru.ru_utime + ru.ru_stime


def modules(tree, args, cwd):
    p = subprocess.run([sys.executable, "-c", COUNT, *args], env=environment(tree), cwd=cwd,
                       capture_output=True, text=True)
    every, own = p.stderr.rsplit("modules ", 1)[1].split()
    return int(every), int(own)


def instructions(tree, args, cwd):
    """Instructions of one run under cachegrind (see the module's docstring)."""
    env = dict(environment(tree), PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1")
    p = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                        sys.executable, "-m", "gradcli", *args], env=env, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    refs = [ln for ln in p.stderr.splitlines() if "I refs:" in ln or "I   refs:" in ln]
    if p.returncode != 0 or not refs:
        sys.exit(f"{tree}: valgrind failed:\n{p.stderr[-2000:]}")
    return int(refs[-1].rsplit(None, 1)[1].replace(",", ""))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trees", nargs="+", help="git revisions or checkout paths (the first is the reference)")
    ap.add_argument("--runs", type=int, default=25, help="rounds (default 25)")
    ap.add_argument("--script", default=os.path.join(REPO, "samples", "tutorial.g"),
                    help="the G script to run (default samples/tutorial.g)")
    ap.add_argument("--instructions", action="store_true",
                    help="also count the instructions of one run of each (needs valgrind)")
    a = ap.parse_args(argv)
    if a.instructions and not shutil.which("valgrind"):
        sys.exit("--instructions needs valgrind")
    trees = [tree_of(t) for t in a.trees]
    scratch = tempfile.mkdtemp(prefix="gradcli-cold-")
    try:
        script = os.path.join(scratch, os.path.basename(a.script))
        shutil.copy(a.script, script)
        args = ["run", script]
        counts = {path: modules(path, args, scratch) for path, _ in trees}   # also the warm-up
        irefs = {path: instructions(path, args, scratch) for path, _ in trees} if a.instructions else {}
        times = {path: [] for path, _ in trees}
        for r in range(a.runs):
            k = r % len(trees)
            for path, _ in trees[k:] + trees[:k]:
                times[path].append(once(path, args, scratch))
    finally:
        shutil.rmtree(scratch)
    ref = trees[0][0]
    med = {p: (statistics.median(w for w, _ in ts), statistics.median(c for _, c in ts))
           for p, ts in times.items()}
    print(f"gradcli run {os.path.basename(a.script)}: {a.runs} rounds, medians; "
          f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    more = f" {'instructions':>13} {'×':>6}" if irefs else ""
    print(f"{'tree':<28} {'wall ms':>8} {'CPU ms':>8} {'wall ×':>7} {'CPU ×':>7} {'modules':>8} {'gradcli':>8}"
          + more)
    for path, label in trees:
        w, c = med[path]
        more = f" {irefs[path]:13,d} {irefs[path] / irefs[ref]:6.4f}" if irefs else ""
        print(f"{label:<28} {1000 * w:8.1f} {1000 * c:8.1f} {w / med[ref][0]:7.3f} "
              f"{c / med[ref][1]:7.3f} {counts[path][0]:8d} {counts[path][1]:8d}" + more)


if __name__ == "__main__":
    main()
