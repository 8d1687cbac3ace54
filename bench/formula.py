"""--formula: the whole command's time on traces of up to 200 ops, and the time to a formula for
traces of 10, 100, 1,000 and 5,000 ops with its size before and after simplification.

Part 1, whole process: `python -m gradcli run FILE --wrt NAME --formula`, as a user runs it
(Python's start, the imports, SymPy's among them, the run, the formula, printing it), for a few
representative traces of at most 200 ops: the median of --repeat runs of wall time, and of CPU
time (user + system: on a shared machine the wall time also counts the other processes' turns).
Beside it, the same command without --formula, and `python -c "import sympy"` alone.

Part 2, in-process: each program runs (not timed), then what --formula adds after it is timed:
building the trace's expression, differentiating, simplifying (its budget: 1.5 s) and verifying
at the run's point. Sizes are SymPy's count_ops of the formula before and after simplification
(counted over its distinct parts: a loop's formula shares them). Three families of traces:
  poly    Horner's rule, y = y*x + c          (a polynomial of growing degree: 2 ops a step)
  sines   y = y + sin(k*x)*x                  (a sum of terms: 4 ops a step)
  tanh    y = tanh(y*w + 1)                   (a deep composition: 3 ops a step)
Also the 1,000,000-op trace, refused by --formula-max-ops after counting.

Run:  python bench/formula.py [--repeat N] [--only whole|sizes] [TRACE-NAME-PART…]
      (PYTHONPATH pointing at the repository; about 2 minutes)
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gradcli.insight.formula import FormulaRun, trace_size  # noqa: E402
from gradcli.insight.simplify import size  # noqa: E402
from gradcli.run import make_session  # noqa: E402

# ----- part 1: whole process, traces of at most 200 ops -----

WHOLE = {        # name: (--wrt, the program, more options)
    "polynomial": ("x", "x = 0.5\ny = 1.0\nfor k in range(100): y = y * x + 1\n", ()),
    "sines": ("x", "x = 0.5\ny = 0.0\nfor k in range(50): y = y + sin(k * x) * x\n", ()),
    "tanh (deep)": ("x", "x = 0.5\ny = 0.1\nfor k in range(66): y = tanh(y * x + 1)\n", ()),
    "sigmoid (deep)": ("x", "x = 0.5\ny = 0.1\nfor k in range(66): y = sigmoid(y * x + 1)\n", ()),
    "softplus (deep)": ("x", "x = 0.5\ny = 0.1\nfor k in range(66): y = softplus(y * x + 1)\n", ()),
    "squares (deep)": ("x", "x = 0.9\ny = x\nfor k in range(60): y = (y ** 2) * 0.5 + x\n", ()),
    "loop with if": ("x", "x = 0.5\ny = 0.0\nfor k in range(40):\n    if y < 3: y = y + x * sin(x)\n"
                          "    else: y = y - x / 2\n", ()),
    "sigmoid x199": ("x", "x = 0.5\ny = x\nfor k in range(199): y = sigmoid(y)\n", ()),
    "softsign x66": ("x", "x = 0.5\ny = x\nfor k in range(66): y = y/(1+abs(y))\n", ()),
    "exp(-y) x99": ("x", "x = 0.5\ny = x\nfor k in range(99): y = exp(-y)\n", ()),
    "sin x199": ("x", "x = 0.5\ny = x\nfor k in range(199): y = sin(y)\n", ()),
    "Newton (sample)": ("a", (ROOT / "samples" / "formulas.g").read_text(), ("--set", "a=2")),
    "softmax entry": ("x", "x = tensor([1.0, 2.0, 3.0, 0.5, -1.0, 0.0, 2.5, 1.5])\n"
                           "y = softmax(x)[0]\n", ()),
    "MLP (tensor)": ("x", "x = tensor([0.5, -1.0, 2.0])\n"
                          "W1 = tensor([[0.1, 0.2, -0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9], "
                          "[0.3, -0.2, 0.1]])\n"
                          "b1 = tensor([0.1, -0.1, 0.2, 0.0])\n"
                          "W2 = tensor([[0.5, -0.4, 0.3, 0.2]])\n"
                          "y = sum(W2 @ tanh(W1 @ x + b1))\n", ()),
}


def timed(cmd, env):
    """(wall s, CPU s of the child) of one run of cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, encoding="utf-8")
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def median_of(cmd, env, repeat):
    runs = [timed(cmd, env) for _ in range(repeat)]
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            runs[0][2])


def trace_ops(source, wrt, more=()):
    """The number of ops in the output's trace (comparisons that chose the path included)."""
    opts = {"wrt": (wrt,), "formula": True, "formula_max_ops": 10**7}
    session = make_session(opts)
    run = FormulaRun(session, opts)
    with contextlib.redirect_stdout(io.StringIO()):
        session.apply_sets([tuple(v.split("=", 1)) for k, v in zip(more[::2], more[1::2])
                            if k == "--set"])
        session.run(source, "<bench>")
    run.stop()
    return trace_size(session.result_output().value, run.recorder.conds)


def whole(repeat, only=()):
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    py = sys.executable
    print(f"Whole process, median of {repeat} runs (wall / CPU seconds); "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    w, c, _ = median_of([py, "-c", "import sympy"], env, repeat)
    label = 'python -c "import sympy"'
    print(f"{label:>26} {w:6.2f} / {c:4.2f}")
    print(f"{'trace':>16} {'ops':>4} {'--formula s':>13} {'without s':>11}  formula")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (wrt, source, more) in WHOLE.items():
            if only and not any(o in name for o in only):
                continue
            path = Path(tmp) / "trace.g"
            path.write_text(source)
            cmd = [py, "-m", "gradcli", "run", str(path), "--wrt", wrt, *more]
            w, c, out = median_of(cmd + ["--formula"], env, repeat)
            w0, c0, _ = median_of(cmd, env, repeat)
            line = next((ln for ln in out.splitlines() if ln.startswith("d") and "tensor(" not in ln), "")
            line = line if len(line) <= 60 else line[:57] + "..."
            print(f"{name:>16} {trace_ops(source, wrt, more):>4} {w:6.2f} / {c:4.2f} {w0:5.2f} / {c0:4.2f}"
                  f"  {line}")


# ----- part 2: in-process, 10 to 5,000 ops -----

FAMILIES = {
    "poly": ("x = 0.5\ny = 1.0\nfor k in range({n}): y = y * x + 1", 2),
    "sines": ("x = 0.5\ny = 0.0\nfor k in range({n}): y = y + sin(k * x) * x", 4),
    "tanh": ("w = 0.5\ny = 0.1\nfor k in range({n}): y = tanh(y * w + 1)", 3),
}
WRT = {"poly": "x", "sines": "x", "tanh": "w"}


def time_formula(source, wrt, max_ops=10**7):
    opts = {"wrt": (wrt,), "formula": True, "formula_max_ops": max_ops}
    session = make_session(opts)
    run = FormulaRun(session, opts)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        session.run(source, "<bench>")
    run.stop()
    out = session.result_output()
    grads = session.gradients(out)
    t1 = time.perf_counter()
    model = run.compute(out, grads)[wrt]
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, model


def sizes():
    import sympy  # noqa: F401  (imported once, not counted in the first measurement)
    print(f"{'trace':>14} {'ops':>6} {'run s':>7} {'formula s':>10} {'size before':>12} "
          f"{'after':>7}  note")
    for family, (template, per_step) in FAMILIES.items():
        for ops in (10, 100, 1000, 5000):
            n = max(1, ops // per_step)
            run_s, formula_s, m = time_formula(template.format(n=n), WRT[family])
            before, after = (size(m["raw"]), size(m["expr"])) if m["expr"] is not None else ("-", "-")
            note = m["reason"] or {True: "verified", False: "NOT verified", None: "not verified (3 s)"}[m["verified"]]
            print(f"{family:>14} {n * per_step:>6} {run_s:>7.3f} {formula_s:>10.3f} {before!s:>12} "
                  f"{after!s:>7}  {note}")
    run_s, formula_s, m = time_formula("x = 1.0\ny = x\nfor i in range(1000000): y = y * 1.0000001",
                                       "x", 5000)
    print(f"{'refused':>14} {1000000:>6} {run_s:>7.3f} {formula_s:>10.3f} {'-':>12} {'-':>7}  "
          f"{m['reason']}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per whole-process time (median)")
    ap.add_argument("--only", choices=("whole", "sizes"))
    ap.add_argument("traces", nargs="*", help="part 1: only the traces whose name contains one of these")
    args = ap.parse_args()
    if args.only != "sizes":
        whole(args.repeat, args.traces)
        print()
    if args.only != "whole":
        sizes()


if __name__ == "__main__":
    main()
