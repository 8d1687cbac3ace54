"""--formula: the time to a formula for traces of 10, 100, 1,000 and 5,000 ops, and its size.

Each program runs in-process (the run itself is not timed); what is timed is what --formula adds
after it: building the trace's expression, differentiating, simplifying (its budget: 3 s) and
verifying at the run's point. Sizes are SymPy's count_ops of the formula before and after
simplification. Three families of traces:
  poly    Horner's rule, y = y*x + c          (a polynomial of growing degree: 2 ops a step)
  sines   y = y + sin(k*x)*x                  (a sum of terms: 4 ops a step)
  tanh    y = tanh(y*w + 1)                   (a deep composition: 3 ops a step)
Also the 1,000,000-op trace, refused by --formula-max-ops after counting.

Run:  python bench/formula.py            (PYTHONPATH pointing at the repository)
"""
from __future__ import annotations

import contextlib
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gradcli.insight.formula import FormulaRun
from gradcli.insight.simplify import size  # noqa: E402
from gradcli.run import make_session  # noqa: E402

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


def main():
    import sympy  # noqa: F401  (imported once, not counted in the first measurement)
    print(f"{'trace':>14} {'ops':>6} {'run s':>7} {'formula s':>10} {'size before':>12} "
          f"{'after':>7}  note")
    for family, (template, per_step) in FAMILIES.items():
        for ops in (10, 100, 1000, 5000):
            n = max(1, ops // per_step)
            run_s, formula_s, m = time_formula(template.format(n=n), WRT[family])
            before, after = (size(m["raw"]), size(m["expr"])) if m["expr"] is not None else ("-", "-")
            note = m["reason"] or ("verified" if m["verified"] else "NOT verified")
            print(f"{family:>14} {n * per_step:>6} {run_s:>7.3f} {formula_s:>10.3f} {before!s:>12} "
                  f"{after!s:>7}  {note}")
    run_s, formula_s, m = time_formula("x = 1.0\ny = x\nfor i in range(1000000): y = y * 1.0000001",
                                       "x", 5000)
    print(f"{'refused':>14} {1000000:>6} {run_s:>7.3f} {formula_s:>10.3f} {'-':>12} {'-':>7}  "
          f"{m['reason']}")


if __name__ == "__main__":
    main()
