#!/usr/bin/env python
"""G scripts run by `gradcli`, measured from outside against their references, side by side.

    python bench/script.py                     # every workload (a few minutes)
    python bench/script.py --quick             # smoke test: small sizes, 2 rounds
    python bench/script.py mlp loop16          # some workloads only
    python bench/script.py --torch-python PY   # the interpreter for the PyTorch references
                                               # (default: $GRADCLI_TORCH_PYTHON, else this one
                                               # if it imports torch, else no PyTorch column)

Workloads (bench/README.md has the table of results):
  mlp      MLP training step, float64, written in G, against numpy by hand; at the environment's
           BLAS threads, then with OPENBLAS_NUM_THREADS=1 for both sides
  loop16   16x16 loop `s = s + tanh(x @ W) * 0.9 + x * 0.1` (6 recorded ops), backward; PyTorch eager
  chain    scalar chain `y = sin(y)*0.5 + y*0.25 + 0.1` (5 recorded ops), backward; PyTorch eager
  memory   peak resident size of the scalar chain at two sizes: bytes per recorded op; PyTorch
  cold     whole-process time of `gradcli run samples/tutorial.g` against `python -c 'import numpy'`
           (the floor) and the tutorial by hand in numpy; `gradcli --version` for the record

Every measurement is a whole process (`gradcli run FILE.g` with this interpreter, the reference
with its own), at two sizes: the slope between them is the cost per op or per step, start-up
cancels. A process's time is its CPU time (user + system, all its threads, from wait4) unless
`--clock wall`: on a shared machine with more runnable processes than cores, wall time mostly
measures the wait for a core. The contenders run in turns, round after round, so a burst of load
hits both; the tables quote medians over the rounds and the spread of the per-round ratios.
The report is not a test: it exits 0 unless a process fails.
"""
from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from language import NUMPY_TUTORIAL  # noqa: E402 (the cold-start reference of bench/language.py)

# ----- the workloads: G source and reference source, with {n} the size -----

G_MLP = """seed(0)
X = randn(512, 1024)
W1 = randn(1024, 1024) * 0.03
W2 = randn(1024, 10) * 0.03
W1.requires_grad_()
W2.requires_grad_()
for i in range({n}):
    loss = mean((tanh(X @ W1) @ W2) ** 2)
    loss.backward()
    with no_grad():
        W1 -= 0.01 * W1.grad
        W2 -= 0.01 * W2.grad
    W1.grad = None
    W2.grad = None
print(loss.item())
"""
NUMPY_MLP = """import numpy as np
rng = np.random.default_rng(0)
X = rng.standard_normal((512, 1024))
W1 = rng.standard_normal((1024, 1024)) * 0.03
W2 = rng.standard_normal((1024, 10)) * 0.03
XT = X.T
for i in range({n}):
    t = np.tanh(X @ W1)
    o = t @ W2
    loss = (o * o).mean()
    go = o * (2.0 / o.size)          # d mean(o**2) / do
    gW2 = t.T @ go
    gh = (go @ W2.T) * (1.0 - t * t)
    gW1 = XT @ gh
    W1 -= 0.01 * gW1                 # SGD, in place
    W2 -= 0.01 * gW2
print(float(loss))
"""

G_LOOP16 = """seed(1)
W = randn(16, 16) * 0.5
x = randn(16, 16, requires_grad=True)
s = zeros(16, 16)
for i in range({n}):
    s = s + tanh(x @ W) * 0.9 + x * 0.1
sum(s).backward()
print(x.grad.sum().item())
"""
TORCH_LOOP16 = """import torch
torch.set_num_threads(1)
torch.manual_seed(1)
W = torch.randn(16, 16, dtype=torch.float64) * 0.5
x = torch.randn(16, 16, dtype=torch.float64, requires_grad=True)
s = torch.zeros(16, 16, dtype=torch.float64)
tanh = torch.tanh
for i in range({n}):
    s = s + tanh(x @ W) * 0.9 + x * 0.1
s.sum().backward()
print(x.grad.sum().item())
"""

G_CHAIN = """x = tensor(0.5, requires_grad=True)
y = x
for i in range({n}):
    y = sin(y)*0.5 + y*0.25 + 0.1
y.backward()
print(x.grad.item())
"""
TORCH_CHAIN = """import torch
torch.set_num_threads(1)
x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
y = x
sin = torch.sin
for i in range({n}):
    y = sin(y)*0.5 + y*0.25 + 0.1
y.backward()
print(x.grad.item())
"""


#            (G source, reference kind, reference source, unit, ops per unit of n, sizes, quick sizes)
SLOPES = {
    "mlp": (G_MLP, "numpy", NUMPY_MLP, "ms/step", 1, (2, 12), (1, 3)),
    "loop16": (G_LOOP16, "torch", TORCH_LOOP16, "µs/op", 6, (4_000, 24_000), (1_000, 3_000)),
    "chain": (G_CHAIN, "torch", TORCH_CHAIN, "µs/op", 5, (20_000, 120_000), (2_000, 12_000)),
}
CLOCK = "cpu"             # or "wall" (--clock)
TARGETS = {"mlp": 1.1, "mlp1": 1.1, "loop16": 0.7, "chain": 0.6, "cold": 1.5, "memory": 400}


class Runner:
    """Starts the processes: gradcli with this interpreter, references with theirs."""

    def __init__(self, torch_python, tmp):
        self.torch_python = torch_python
        self.tmp = tmp
        script = os.path.join(os.path.dirname(sys.executable), "gradcli")
        # The console script itself when it is next to this interpreter (what a user runs, without
        # a pyenv-style shim's own start-up in the measurement), else the module.
        self.gradcli = [sys.executable, script] if os.path.isfile(script) else [sys.executable, "-m", "gradcli"]

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    def cmd(self, kind, source, n, tag):
        text = source.format(n=n)
        if kind == "gradcli":
            return self.gradcli + ["run", self.write(f"{tag}_{n}.g", text)]
        py = self.torch_python if kind == "torch" else sys.executable
        return [py, self.write(f"{tag}_{kind}_{n}.py", text)]

    def time(self, cmd, env=None):
        """(wall seconds, CPU seconds, last line of stdout) of one whole process. CPU time is
        user + system time of the process and its threads (wait4): on a machine with more
        runnable processes than cores it leaves out the time spent waiting for a core."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            if proc.returncode != 0:
                raise SystemExit(f"failed ({proc.returncode}): {shlex.join(cmd)}\n"
                                 f"{err.read().decode()[-2000:]}")
            lines = out.read().decode().strip().splitlines()
        return wall, usage.ru_utime + usage.ru_stime, (lines[-1] if lines else "")

    def peak_rss(self, cmd):
        """Peak resident size of one whole process (wait4's ru_maxrss), in bytes."""
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {shlex.join(cmd)}\n{err[-2000:]}")
        return usage.ru_maxrss * 1024


def spread(ratios):
    return f"[rounds {min(ratios):.2f}-{max(ratios):.2f}]" if len(ratios) > 1 else ""


def verdict(ratio, target):
    return f"{'PASS' if ratio <= target else 'FAIL'} (target <= {target})"


def slope_workload(run, name, rounds, quick, env=None, label=None, log=sys.stderr):
    g_src, ref_kind, ref_src, unit, per, sizes, qsizes = SLOPES[name]
    n1, n2 = qsizes if quick else sizes
    scale = 1e3 if unit.startswith("ms") else 1e6
    contenders = ["gradcli", ref_kind]
    times = {(c, n): [] for c in contenders for n in (n1, n2)}
    checks = {}
    for r in range(rounds):
        print(f"  {label or name}: round {r + 1}/{rounds}", file=log, flush=True)
        for c in contenders:
            for n in (n1, n2):
                src = g_src if c == "gradcli" else ref_src
                wall, cpu, last = run.time(run.cmd(c, src, n, name), env=env)
                times[c, n].append(cpu if CLOCK == "cpu" else wall)
                checks[c, n] = last
    per_round = {c: [(b - a) / ((n2 - n1) * per) for a, b in zip(times[c, n1], times[c, n2])]
                 for c in contenders}
    med = {c: statistics.median(v) for c, v in per_round.items()}
    ratios = [g / ref for g, ref in zip(per_round["gradcli"], per_round[ref_kind])]
    ratio = med["gradcli"] / med[ref_kind]
    return {"name": label or name, "unit": unit, "gradcli": med["gradcli"] * scale,
            "ref": med[ref_kind] * scale, "ref_kind": ref_kind, "ratio": ratio, "ratios": ratios,
            "sizes": (n1, n2), "checks": (checks["gradcli", n2], checks[ref_kind, n2])}


def cold_workload(run, rounds, log=sys.stderr):
    tut = os.path.join(ROOT, "samples", "tutorial.g")
    cmds = {"gradcli run tutorial": run.gradcli + ["run", tut],
            "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
            "numpy tutorial by hand": [sys.executable, run.write("numpy_tutorial.py", NUMPY_TUTORIAL)],
            "gradcli --version": run.gradcli + ["--version"],
            "python -c 'pass'": [sys.executable, "-c", "pass"]}
    times = {k: [] for k in cmds}
    for r in range(rounds + 1):
        print(f"  cold: round {r + 1}/{rounds + 1}", file=log, flush=True)
        for k, c in cmds.items():
            wall, cpu, _ = run.time(c)
            if r:                             # the first round warms the disk cache
                times[k].append(cpu if CLOCK == "cpu" else wall)
    med = {k: statistics.median(v) for k, v in times.items()}
    ratios = [g / f for g, f in zip(times["gradcli run tutorial"], times["python -c 'import numpy'"])]
    return {"times": med, "ratio": med["gradcli run tutorial"] / med["python -c 'import numpy'"],
            "ratios": ratios}


def memory_workload(run, quick, log=sys.stderr):
    n1, n2 = (10_000, 100_000) if quick else (100_000, 1_000_000)
    out = {}
    for c, src in (("gradcli", G_CHAIN), ("torch", TORCH_CHAIN)):
        if c == "torch" and not run.torch_python:
            continue
        print(f"  memory: {c}", file=log, flush=True)
        a = run.peak_rss(run.cmd(c, src, n1, "mem"))
        b = run.peak_rss(run.cmd(c, src, n2, "mem"))
        out[c] = (a, b, (b - a) / ((n2 - n1) * 5))
    return {"sizes": (n1, n2), "rss": out}


def find_torch_python(requested):
    for py in ([requested] if requested else [os.environ.get("GRADCLI_TORCH_PYTHON"), sys.executable]):
        if py and subprocess.run([py, "-c", "import torch"], capture_output=True).returncode == 0:
            return py
    return None


def versions(py, what):
    r = subprocess.run([py, "-c", f"import {what}; print({what}.__version__)"], capture_output=True, text=True)
    return r.stdout.strip() or "?"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                    help="mlp, loop16, chain, memory, cold (default: all)")
    ap.add_argument("--rounds", type=int, default=None, help="rounds of every contender (default 5)")
    ap.add_argument("--quick", action="store_true", help="small sizes, 2 rounds: a smoke test")
    ap.add_argument("--torch-python", default=None, metavar="PY",
                    help="interpreter with torch for the PyTorch references (default $GRADCLI_TORCH_PYTHON)")
    ap.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                    help="time of a process: CPU time (user + system, all threads; the default, "
                         "steadier on a shared machine) or wall time")
    args = ap.parse_args(argv)
    global CLOCK
    CLOCK = args.clock
    every = ["mlp", "loop16", "chain", "memory", "cold"]
    if set(args.workloads) - set(every):
        ap.error(f"unknown workload {sorted(set(args.workloads) - set(every))}; choose from {every}")
    args.workloads = args.workloads or every
    rounds = args.rounds or (2 if args.quick else 5)
    torch_py = find_torch_python(args.torch_python)
    # With PYTHONDONTWRITEBYTECODE set, every run would compile gradcli's modules again, which is
    # not what the start of an installed gradcli costs.
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "gradcli")],
                   stdout=subprocess.DEVNULL, check=False)
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    print("gradcli G-script benchmark")
    print(f"command: {shlex.join([os.path.basename(sys.executable)] + sys.argv)}   (cwd {os.getcwd()})")
    print(f"machine: nproc {os.cpu_count()}, {platform.machine()}, load average {load:.1f} at start; "
          f"python {platform.python_version()}, numpy {versions(sys.executable, 'numpy')}, "
          f"torch {versions(torch_py, 'torch') if torch_py else 'not found (no PyTorch column)'}")
    blas = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    print("environment: " + (", ".join(f"{k}={v}" for k, v in sorted(blas.items())) or
                             "no OPENBLAS_*/OMP_*/MKL_* set") + f"; {rounds} rounds, medians; "
          f"{CLOCK} time of each process\n")
    with tempfile.TemporaryDirectory() as tmp:
        run = Runner(torch_py, tmp)
        rows = []
        for w in args.workloads:
            if w == "mlp":
                rows.append(slope_workload(run, "mlp", rounds, args.quick, label="mlp"))
                env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
                rows.append(slope_workload(run, "mlp", rounds, args.quick, env=env, label="mlp1"))
            elif w in ("loop16", "chain"):
                if torch_py:
                    rows.append(slope_workload(run, w, rounds, args.quick))
                else:
                    print(f"{w}: skipped, no interpreter with torch (--torch-python PY)\n")
            elif w == "memory":
                report_memory(memory_workload(run, args.quick))
            elif w == "cold":
                report_cold(cold_workload(run, rounds * 2))
        if rows:
            report_slopes(rows)


LABELS = {"mlp": "MLP step, default BLAS threads", "mlp1": "MLP step, OPENBLAS_NUM_THREADS=1",
          "loop16": "16x16 loop (6 ops/iteration)", "chain": "scalar chain (5 ops/iteration)"}


def report_slopes(rows):
    print(f"per op / per step (slope between two sizes of whole processes, {CLOCK} time):")
    print(f"  {'workload':<34}{'gradcli':>12}{'reference':>20}{'ratio':>8}  verdict")
    for r in rows:
        ref = f"{r['ref']:.2f} {r['ref_kind']}"
        print(f"  {LABELS[r['name']]:<34}{r['gradcli']:>8.2f} {r['unit'].split('/')[0]:<3}{ref:>20}"
              f"{r['ratio']:>7.2f}x  {verdict(r['ratio'], TARGETS[r['name']])} {spread(r['ratios'])}")
    for r in rows:
        print(f"  {r['name']}: sizes {r['sizes'][0]:,} and {r['sizes'][1]:,}; unit {r['unit']}; "
              f"check (last line printed) gradcli {r['checks'][0]} / {r['ref_kind']} {r['checks'][1]}")
    print()


def report_cold(res):
    print(f"cold start (whole process, median {CLOCK} time):")
    for k, t in res["times"].items():
        print(f"  {k:<28}{t * 1000:8.1f} ms")
    print(f"  gradcli run tutorial / python -c 'import numpy' = {res['ratio']:.2f}x  "
          f"{verdict(res['ratio'], TARGETS['cold'])} {spread(res['ratios'])}\n")


def report_memory(res):
    n1, n2 = res["sizes"]
    print(f"graph memory: peak RSS of the scalar chain at {n1:,} and {n2:,} iterations (5 ops each)")
    for c, (a, b, bpo) in res["rss"].items():
        print(f"  {c:<10}{a / 2**20:9.1f} MiB {b / 2**20:9.1f} MiB   {bpo:7.0f} B/op"
              + (f"  {verdict(bpo, TARGETS['memory'])}" if c == "gradcli" else ""))
    print()


if __name__ == "__main__":
    main()
