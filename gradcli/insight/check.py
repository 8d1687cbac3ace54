"""--check: every --wrt gradient against central finite differences, in float64.

The numeric derivative comes from re-running the whole program, not from the recorded graph, so
control flow, --set expressions and everything else is exercised as in the real run: for element
j of input NAME, the program runs twice more, with that element moved by +h and by -h at the
moment NAME is marked (the `Session.bind_hook`, at the same marking the gradient is taken w.r.t.:
the last one). Every run is seeded identically (the runner picks a seed when --check is given
without --seed), and one unperturbed re-run first confirms the program repeats itself.

Step and tolerance (float64):
- h = 1e-6 · max(1, |x_j|): the central difference's truncation error is O(h²·f''') ≈ 1e-12·f'''
  and its rounding error ≈ eps·|f|/h ≈ 2e-10·|f|, both far below the tolerance;
- an entry agrees when |analytic - numeric| ≤ 1e-6 + 1e-4·|numeric| + 100·eps·max|f(x±h)|/h.
  The last term is the rounding noise of the difference quotient itself (it matters only for
  outputs of magnitude ≳ 1e3 with small derivatives); a wrong VJP is typically off by O(1)
  relatively and fails by orders of magnitude.
Inputs with more than `DEFAULT_SAMPLES` elements are checked on a seeded random sample of that
many elements (`--check-samples N` sets the sample size).

Where the function is not differentiable the central difference is no derivative, and the errors
reported are the real differences all the same (LANGUAGE.md §10: nothing is hidden):
- a kink (abs or relu at 0, a tie in max): the one-sided slopes differ and the analytic value,
  §8's convention, lies between them. The element is listed in `kinks` and does not fail the check.
- a jump (floor, round, a branch): the output moves by about as much over a step 16 times smaller,
  so the difference quotient grows like 1/h and no slope explains it. The element is listed in
  `jumps` and reported as a jump (not as a graph cut by detach()); it still fails the check: there
  is no derivative there for finite differences to confirm.
"""
from __future__ import annotations

import numpy as np

from ..autograd import functions as fn
from ..autograd.tensor import norm_data
from ..errors import GradcliError, GradError
from ..lang.runtime import Session
from .graph import attach

DEFAULT_SAMPLES = 64
ATOL = 1e-6
RTOL = 1e-4
NOISE = 100.0
EPS = float(np.finfo(np.float64).eps)


def step(x):
    return 1e-6 * max(1.0, abs(x))


def tolerance(numeric, fmax, h):
    return ATOL + RTOL * abs(numeric) + NOISE * EPS * fmax / h


class Rerunner:
    """Runs the program again in fresh sessions configured like the original one."""

    def __init__(self, session, opts, source, filename, start=None):
        self.start = dict(start or {})      # names bound before the code (a notebook's cells)
        self.options = session.options.replace(explain=False)
        self.opts = opts
        self.source = source
        self.filename = filename
        self.runs = 0

    def __call__(self, perturb=None):
        """The output's data, with `perturb = (name, ordinal, data)` applied at that marking."""
        self.runs += 1
        s = Session(self.options)           # no on_graph: graph(t) shows nothing in a re-run
        tracker = attach(s, names=False)
        tracker.perturb = perturb
        s.globals.update(self.start)
        if self.opts.get("seed") is not None:
            fn.seed(self.opts["seed"])
        s.apply_sets(self.opts.get("sets"))
        s.run(self.source, self.filename)
        out = s.result_output()
        if out is None:
            raise GradError("the re-run produced no output")
        return np.asarray(out.value.data, dtype=np.float64)


def _index_text(j, shape):
    if not shape:
        return "-"
    return "[" + ", ".join(str(int(i)) for i in np.unravel_index(j, shape)) + "]"


def _index(j, shape):
    """Element j of an input of `shape` as the JSON index list ([] for a 0-d input)."""
    return [int(i) for i in np.unravel_index(j, shape)] if shape else []


JUMP_SHRINK = 16      # the step of the jump test: h / 16 (render/check.py says so)


def _is_jump(moved, moved_small):
    """The output moved by `moved` over the step h and by `moved_small` over h/16: a smooth
    function (or a kink) moves 16 times less, a discontinuity about as much."""
    return np.isfinite(moved) and moved > 0 and moved_small > 0.5 * moved


def _entry_error(a, n, fmax, h):
    """(abs error, rel error, within tolerance) of one Jacobian entry."""
    if not (np.isfinite(a) and np.isfinite(n)):
        same = (np.isnan(a) and np.isnan(n)) or a == n
        return (0.0, 0.0, True) if same else (float("inf"), float("inf"), False)
    err = abs(a - n)
    scale = max(abs(a), abs(n))
    rel = err / scale if scale > 0 else 0.0
    return err, rel, err <= tolerance(n, fmax, h)


def _is_kink(a, left, right, fmax, h):
    """The function has a kink here (its one-sided slopes differ by more than a smooth function's
    would over h) and the analytic value `a` lies between them."""
    if not (np.isfinite(a) and np.isfinite(left) and np.isfinite(right)):
        return False
    tol = tolerance(max(abs(left), abs(right)), fmax, h)
    if abs(left - right) <= 100 * tol:
        return False
    # A kink bends the function; a jump breaks it. Across a jump a one-sided difference is
    # (jump)/h, so the function moves by far more over h than any slope explains: not a kink.
    if abs(left - right) * h > 1e-3 * (1.0 + fmax):
        return False
    return min(left, right) - tol <= a <= max(left, right) + tol


def check_input(name, rerun, base_out, jac, x0, ordinal, samples):
    """Check d output / d name. Returns (summary dict, rows, checked count)."""
    shape = np.shape(x0)
    flat = np.array(x0, dtype=np.float64).reshape(-1)
    n = flat.size
    k = n if (samples is None and n <= DEFAULT_SAMPLES) else min(n, samples or DEFAULT_SAMPLES)
    idx = np.arange(n) if k == n else np.sort(np.random.default_rng(0).choice(n, k, replace=False))
    out_shape = np.shape(base_out)
    f0 = np.asarray(base_out, dtype=np.float64).reshape(-1)
    m = int(np.prod(out_shape))
    if m == 0 or n == 0:                  # an empty output or input: no derivative to compare
        return {"max_abs_error": 0.0, "max_rel_error": 0.0, "ok": True, "kinks": []}, [], n
    J = np.asarray(jac, dtype=np.float64).reshape(m, n)
    rows = []
    kinks, jumps = [], []
    max_abs = max_rel = 0.0
    ok = True
    for j in idx:
        h = step(flat[j])
        xp, xm = flat.copy(), flat.copy()
        xp[j] += h
        xm[j] -= h
        span = xp[j] - xm[j]          # the step actually taken, after rounding
        try:
            fp = rerun((name, ordinal, norm_data(xp.reshape(shape))))
            fm = rerun((name, ordinal, norm_data(xm.reshape(shape))))
        except GradcliError as err:
            rows.append({"element": _index_text(j, shape), "output": "-", "analytic": float(J[0, j]),
                         "numeric": float("nan"), "abs": float("inf"), "rel": float("inf"), "ok": False,
                         "note": f"the re-run failed: {err.kind}: {err.message}"})
            ok = False
            max_abs = max_rel = float("inf")
            continue
        if np.shape(fp) != out_shape or np.shape(fm) != out_shape:
            rows.append({"element": _index_text(j, shape), "output": "-", "analytic": float(J[0, j]),
                         "numeric": float("nan"), "abs": float("inf"), "rel": float("inf"), "ok": False,
                         "note": "the re-run's output has another shape"})
            ok = False
            max_abs = max_rel = float("inf")
            continue
        with np.errstate(all="ignore"):
            num = ((fp - fm) / span).reshape(-1)
            fmax = np.maximum(np.abs(fp), np.abs(fm)).reshape(-1)
            left = ((f0 - fm.reshape(-1)) / (flat[j] - xm[j]))
            right = ((fp.reshape(-1) - f0) / (xp[j] - flat[j]))
        worst = None
        row_ok = True
        small = None            # the output over the step h/16, once an entry needs it
        for o in range(num.size):
            fm_o = fmax[o] if np.isfinite(fmax[o]) else 0.0
            e, r, good = _entry_error(J[o, j], num[o], fm_o, h)
            where = None
            if not good:
                if _is_kink(J[o, j], left[o], right[o], fm_o, h):
                    # one-sided slopes differ (a kink, not a wrong VJP) and the analytic value lies
                    # between them: the convention used there is a valid (sub)gradient
                    where, good = "kink", True
                else:
                    if small is None:
                        small = _small_step(rerun, name, ordinal, flat, shape, j, h)
                    if small is not None and _is_jump(abs(fp.reshape(-1)[o] - fm.reshape(-1)[o]),
                                                      small[o]):
                        where = "jump"
            row_ok &= good
            # the row shows the worst entry: failing first, then the largest error, then the
            # largest derivative (so a diagonal Jacobian shows its diagonal)
            key = (not good, where is not None, e,
                   max(abs(J[o, j]), abs(num[o])) if np.isfinite(num[o]) else 0.0)
            if worst is None or key > worst[0]:
                worst = (key, o, e, r, where)
        _, o, e, r, where = worst
        max_abs, max_rel = max(max_abs, e), max(max_rel, r)
        ok &= row_ok
        row = {"element": _index_text(j, shape), "output": _index_text(o, out_shape),
               "analytic": float(J[o, j]), "numeric": float(num[o]), "abs": e, "rel": r, "ok": row_ok}
        if where == "kink":
            row["kink"] = (float(left[o]), float(right[o]))
            kinks.append(_index(j, shape))
        elif where == "jump":
            row["jump"] = float(fp.reshape(-1)[o] - fm.reshape(-1)[o])
            jumps.append(_index(j, shape))
        elif not row_ok:
            why = _no_difference(f0[o], fm.reshape(-1)[o], fp.reshape(-1)[o])
            if why:
                row["note"] = why
        rows.append(row)
    summary = {"max_abs_error": max_abs, "max_rel_error": max_rel, "ok": bool(ok), "kinks": kinks}
    if jumps:
        summary["jumps"] = jumps
    return summary, rows, k


def _no_difference(f0, left, right):
    """Why no finite difference of the output exists here (it is not finite here, or nan on one
    side only: the edge of a domain), or None."""
    if not np.isfinite(f0):
        return (f"the output is {f0:g} here: differences of it are not numbers, so finite "
                "differences cannot check the gradient")
    if np.isnan(left) != np.isnan(right):
        side = "left" if np.isnan(left) else "right"
        return (f"the output is nan just {side} of this point (the edge of a function's domain, "
                "as sqrt or log at 0): there is no two-sided difference to check the gradient with")
    return None


def _small_step(rerun, name, ordinal, flat, shape, j, h):
    """|f(x + h/16) - f(x - h/16)| for each output element, or None if a re-run failed."""
    xp, xm = flat.copy(), flat.copy()
    xp[j] += h / JUMP_SHRINK
    xm[j] -= h / JUMP_SHRINK
    try:
        fp = rerun((name, ordinal, norm_data(xp.reshape(shape))))
        fm = rerun((name, ordinal, norm_data(xm.reshape(shape))))
    except GradcliError:
        return None
    if np.shape(fp) != np.shape(fm):
        return None
    with np.errstate(all="ignore"):
        return np.abs(np.asarray(fp, dtype=np.float64) - fm).reshape(-1)


class Checked:
    """What --check shows (render/check.py makes its text): why nothing was checked (`refused`:
    "nothing", "repeat"), or for each --wrt input (`inputs`: name, state, rows, summary, checked
    count, size, whether its gradient is 0 while the output moves) the rows of its table."""

    def __init__(self, oname, dname, scalar):
        self.oname, self.dname, self.scalar = oname, dname, scalar
        self.refused = None
        self.inputs = []
        self.failed = False
        self.empty_output = False


def check(session, output, grads, opts, source, filename, tracker):
    """Check every --wrt gradient: (the model, the JSON object)."""
    names = list(session.options.wrt)
    m = Checked(output.name or "output", output.name or "", True)
    if not names:
        m.refused = "nothing"
        return m, {}
    rerun = Rerunner(session, opts, source, filename, tracker.start)
    base = np.asarray(output.value.data, dtype=np.float64)
    again = rerun()
    if np.shape(again) != np.shape(base) or not np.array_equal(again, base, equal_nan=True):
        m.refused, m.failed = "repeat", True
        return m, {n: {"max_abs_error": None, "max_rel_error": None, "ok": False, "kinks": []} for n in names}
    m.scalar = base.ndim == 0       # the table's column; derivatives read d/dx as in the report
    result = {}
    samples = opts.get("check_samples")
    for name in names:
        x = session.marked[name]
        x0 = tracker.marked_data.get(name, x.data)
        if not tracker.marks[name]:
            # a notebook cell that uses an input bound in an earlier cell: the re-runs of this
            # cell cannot perturb it where it is bound
            result[name] = {"max_abs_error": None, "max_rel_error": None, "ok": True,
                            "skipped": "bound before the checked code"}
            m.inputs.append((name, "earlier", None, None, 0, 0, False))
            continue
        if x0 is not x.data:
            # an SGD step (`x -= …` under no_grad) gave x new values after it was bound: the
            # gradient is w.r.t. the values the last graph read, but a re-run can only perturb x
            # where it is bound, which changes the whole training run instead
            result[name] = {"max_abs_error": None, "max_rel_error": None, "ok": True,
                            "kinks": [], "skipped": "updated in place after it was bound"}
            m.inputs.append((name, "updated", None, None, 0, 0, False))
            continue
        summary, rows, k = check_input(name, rerun, base, grads[name].data, x0, tracker.marks[name],
                                       samples)
        result[name] = summary
        m.failed |= not summary["ok"]
        cut = not summary["ok"] and not np.any(grads[name].data) and \
            any(not r["ok"] and "jump" not in r and r["numeric"] != 0 for r in rows)
        m.inputs.append((name, "checked", rows, summary, k, int(np.size(x0)), cut))
    m.empty_output = base.size == 0
    return m, result
