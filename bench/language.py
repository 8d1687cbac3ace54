"""Benchmarks of the language layer (issue "The G language and `gradcli run`"), side by side.

    python bench/language.py [--repeats N] [--quick]

1. Cold start: whole-process wall time of `gradcli run samples/tutorial.g` against a Python script
   doing the same tutorial with numpy by hand (the floor) and against the PyTorch version (when a
   Python with torch is found). Target: at most 1.5x the numpy script.
2. Interpreter overhead: the engine benchmark's scalar chain (a) and small-tensor loop (b) written in
   G and run by the interpreter, against the same loops driving the engine from Python.
   Target: at most 1.5x per op.
3. Parse and compile of a generated 10,000-line script. Target: at least 10,000 lines per second.

Each measurement runs in a fresh subprocess; medians of --repeats runs are quoted.
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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

NUMPY_TUTORIAL = """
import numpy as np
x = np.ones((2, 2)); y = x + 2; z = y * y * 3; out = z.mean()
print(y); print(z, out)
g_x = np.full((2, 2), 1 / z.size) * 6 * y        # d out / d x by hand
print(g_x)
rng = np.random.default_rng(0)
x = rng.standard_normal(3); y = x * 2; k = 1
while np.linalg.norm(y) < 1000:
    y = y * 2; k += 1
print(y); print(np.array([0.1, 1.0, 0.0001]) * 2.0 ** k)
"""

TORCH_TUTORIAL = """
import torch
x = torch.ones(2, 2, requires_grad=True); y = x + 2; z = y * y * 3; out = z.mean()
print(y); print(z, out); out.backward(); print(x.grad)
x = torch.randn(3, requires_grad=True); y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y); y.backward(torch.tensor([0.1, 1.0, 0.0001])); print(x.grad)
"""

G_A = """x = tensor(0.3, requires_grad=True)
y = x
for i in range({n}):
    y = sin(y)*0.5 + y*0.25 + 0.1
y.backward()
"""
PY_A = """
import gradcli.autograd as ag
x = ag.tensor(0.3, requires_grad=True)
y = x
for i in range({n}):
    y = ag.sin(y)*0.5 + y*0.25 + 0.1
y.backward()
"""
G_B = """W = tensor(W0)
x = tensor(X0, requires_grad=True)
y = x
for i in range({n}):
    y = tanh(y @ W)*0.9 + y*0.1
l = sum(y*y)
l.backward()
"""
PY_B = """
import gradcli.autograd as ag
W = ag.tensor(W0)
x = ag.tensor(X0, requires_grad=True)
y = x
for i in range({n}):
    y = ag.tanh(y @ W)*0.9 + y*0.1
l = ag.sum(y*y)
l.backward()
"""

GEN_LINES = """x = tensor([1.0, 2.0, 3.0], requires_grad=True)
y = sin(x) * 2 + x ** 2 - exp(-x) / 3
if y.sum() > 0: z = y.mean()
for i in range(3):
    z = z + i * y[0]
def f(a, b=2): return a * b + 1
"""


def child(kind, n, repeats):
    """Runs in a subprocess: prints one median time in seconds per op (or per line)."""
    import numpy as np
    times = []
    if kind.startswith("parse"):
        from gradcli.lang.compiler import compile_program
        from gradcli.lang.parse import parse
        from gradcli.lang.runtime import Session
        reps = -(-n // GEN_LINES.count("\n"))
        src = GEN_LINES * reps
        lines = src.count("\n")
        parse("x = 1\n")           # load the parser tables once, as a warm process would
        for _ in range(repeats):
            t0 = time.perf_counter()
            prog = parse(src, "gen.g")
            if kind == "parse+compile":
                compile_program(prog, Session(), src)
            times.append((time.perf_counter() - t0) / lines)
        print(statistics.median(times))
        return
    rng = np.random.default_rng(1)
    W0 = rng.standard_normal((16, 16)) * 0.5
    X0 = rng.standard_normal((16, 16))
    ops = 5 * n + (2 if kind.endswith("b") else 0)
    for _ in range(repeats + 1):        # one warm-up
        if kind.startswith("g"):
            from gradcli.lang.runtime import Session
            from gradcli.autograd import functions as fn
            s = Session()
            src = (G_A if kind == "g_a" else G_B).format(n=n)
            if kind == "g_b":
                s.globals["W0"] = fn.tensor(W0)
                s.globals["X0"] = fn.tensor(X0)
            t0 = time.perf_counter()
            s.run(src, "bench.g")
            s.globals.clear()
            s.output = None
        else:
            code = (PY_A if kind == "py_a" else PY_B).format(n=n)
            env = {"W0": W0, "X0": X0}
            t0 = time.perf_counter()
            exec(code, env)
            env.clear()
        times.append((time.perf_counter() - t0) / ops)
    print(statistics.median(times[1:]))


def run_child(kind, n, repeats):
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(n), str(repeats)],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise SystemExit(f"child {kind} failed:\n{out.stderr}")
    return float(out.stdout.strip().splitlines()[-1])


def wall(cmd, repeats, cwd=ROOT):
    times = []
    for _ in range(repeats + 1):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:])


def torch_python():
    for py in (os.environ.get("GRADCLI_TORCH_PYTHON"), sys.executable):
        if py and os.path.exists(py) and subprocess.run(
                [py, "-c", "import torch"], capture_output=True).returncode == 0:
            return py
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--child", nargs=3)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    repeats = 2 if args.quick else args.repeats
    scale = 10 if args.quick else 1
    print("gradcli language benchmark")
    print(f"command: {' '.join([os.path.basename(sys.executable)] + sys.argv)}   (cwd {ROOT})")
    print(f"machine: nproc {os.cpu_count()}, python {sys.version.split()[0]}; medians of {repeats} runs\n")

    # Byte-compile first: with PYTHONDONTWRITEBYTECODE set (as on some machines) every run would
    # otherwise recompile gradcli's modules, which is not what a cold start of an install costs.
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "gradcli")],
                   stdout=subprocess.DEVNULL, check=False)
    gradcli = shutil.which("gradcli") or "gradcli"
    tmp = tempfile.mkdtemp()
    np_script = os.path.join(tmp, "numpy_tutorial.py")
    with open(np_script, "w") as fh:
        fh.write(NUMPY_TUTORIAL)
    t_g = wall([gradcli, "run", "samples/tutorial.g"], repeats)
    t_np = wall([sys.executable, np_script], repeats)
    tpy = torch_python()
    t_t = None
    if tpy:
        t_script = os.path.join(tmp, "torch_tutorial.py")
        with open(t_script, "w") as fh:
            fh.write(TORCH_TUTORIAL)
        t_t = wall([tpy, t_script], max(1, repeats // 2))
    print("1. cold start: whole process, the tutorial")
    print(f"   gradcli run samples/tutorial.g   {t_g * 1000:7.1f} ms")
    print(f"   numpy by hand (the floor)        {t_np * 1000:7.1f} ms")
    print("   PyTorch                          " + (f"{t_t * 1000:7.1f} ms" if t_t else "   n/a (no torch)"))
    r = t_g / t_np
    print(f"   gradcli / numpy = {r:.2f}x   target <= 1.5x: {'PASS' if r <= 1.5 else 'FAIL'}\n")

    print("2. interpreter overhead: the same loops in G and driving the engine from Python")
    print(f"   {'case':<28}{'G µs/op':>10}{'Python µs/op':>14}{'ratio':>8}")
    results = []
    for label, g, py, n in (("(a) scalar chain, 100,000", "g_a", "py_a", 100_000 // scale),
                            ("(b) 16x16 loop, 20,000", "g_b", "py_b", 20_000 // scale)):
        tg = run_child(g, n, max(1, repeats // 2))
        tp = run_child(py, n, max(1, repeats // 2))
        results.append(tg / tp)
        print(f"   {label:<28}{tg * 1e6:>10.2f}{tp * 1e6:>14.2f}{tg / tp:>7.2f}x")
    worst = max(results)
    print(f"   worst ratio {worst:.2f}x   target <= 1.5x: {'PASS' if worst <= 1.5 else 'FAIL'}\n")

    print("3. parse and compile a generated 10,000-line script")
    tp_ = run_child("parse", 10_000, repeats)
    tc_ = run_child("parse+compile", 10_000, repeats)
    print(f"   parse only          {1 / tp_:>10,.0f} lines/s")
    print(f"   parse + compile     {1 / tc_:>10,.0f} lines/s   target >= 10,000: "
          f"{'PASS' if 1 / tc_ >= 10_000 else 'FAIL'}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
