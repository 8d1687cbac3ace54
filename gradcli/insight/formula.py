"""--formula (LANGUAGE.md §12): the gradient as a closed form, from the run's trace.

How: the recorded graph of the output *is* its expression on this run's path. Each node's op has
a symbolic forward form in the ops table (`Op.sym`, run on `autograd.symbolic.SymF`); walking
the trace from the --wrt symbols gives the output as SymPy expressions, which SymPy
differentiates, then simplifies under a time budget. Differentiating the forward form (rather
than running the VJPs on SymPy values) gives SymPy's natural forms (`x**2*cos(x) + 2*x*sin(x)`,
not a product of chain-rule factors), while §8's conventions at kinks come from the forms
themselves (see symbolic.py), so the formula at the run's point equals the numeric gradient —
which is checked (`verified`).

The path: comparisons whose operands depend on a --wrt input are recorded as they run (the
`Recorder`, installed as `mode.formula`), and each truth value taken of one (an `if`, a `while`,
`and`/`or`, a conditional expression) is a test of the path: `valid_while` lists them in the
symbols. Selections inside the ops (`where`, `max`, `clamp`, `relu`, `abs`) are in the formula
itself (Piecewise, Max, Heaviside, sign): they hold everywhere and are not listed.

Free symbols: with --formula a --wrt NAME nothing binds reads as a placeholder leaf (its value
NaN, never shown) that the ops record like any input; a test, `item()`, an index or a shape that
needs its value is a ValueError naming `--set NAME=VALUE`.
"""
from __future__ import annotations


import numpy as np

from ..autograd.tensor import Node, Tensor, _seq, const, mode
from ..errors import GValueError
from . import budget as B
from .simplify import count_ops, ops_bound, simplify_all, verify as _verify

MAX_OPS = 5000            # --formula-max-ops: the largest trace turned into a formula
BUILD_SECONDS = 20.0      # differentiating (the formula is refused past it)
SIMPLIFY_SECONDS = 1.5    # simplifying (the unsimplified formula is shown past it)
VERIFY_SECONDS = 3.0      # evaluating the formula at the run's point (null past it)
SHOWN_TESTS = 5           # valid_while lists the first few distinct tests, and counts them all
KEPT_TESTS = 50


class Recorder:
    """What a run with --formula records besides the graph: comparisons, tests, free symbols."""

    def __init__(self, session, max_ops=MAX_OPS):
        self.session = session
        self.max_ops = max_ops
        self.conds = {}       # id(boolean result) -> (result, op, inputs, params)
        self.tests = []       # the first KEPT_TESTS (tensor, truth value taken)
        self.n_tests = 0
        self.last = None
        self.free = {}        # NAME -> its placeholder leaf
        self.seq0 = next(_seq)     # node numbers count down: the run's nodes are those below

    def recorded(self) -> int:
        """How many graph nodes the run recorded (all of them, not only the output's)."""
        return self.seq0 - next(_seq) - 1

    # ----- hooks (autograd.tensor.mode.formula) -----
    def nondiff(self, op, inputs, params, r):
        """A comparison (or and/or/not/any/all) ran: keep it when it depends on an input."""
        if op.sym is None or len(self.conds) > 4 * self.max_ops:
            return
        for x in inputs:
            if x.requires_grad or id(x) in self.conds:
                self.conds[id(r)] = (r, op, inputs, params)
                return

    def taken(self, t, value):
        """The truth value of `t` chose the path."""
        if not (t.requires_grad or id(t) in self.conds):
            return
        if self.free:
            self._need_value(t)
        self.n_tests += 1
        self.last = (t, value)
        if len(self.tests) < KEPT_TESTS:
            self.tests.append(self.last)

    def undecided(self, t) -> bool:
        """Whether the comparison `t` depends on a free symbol (so it has no truth value yet:
        `where(x > 0, …)` keeps it symbolic; `if x > 0:` asks for its value)."""
        if not self.free or id(t) not in self.conds:
            return False
        free = {id(v) for v in self.free.values()}
        return any(i in free for i in self.leaves(t))

    def value_used(self, t):
        """item(), an index or a shape read t's value."""
        if self.free and np.any(np.isnan(t.data)):
            self._need_value(t)

    def symbolic_elements(self, t):
        """print() of a value computed from a free symbol: its elements as SymPy formulas, or
        texts saying why there are none (free_values.py)."""
        from .free_values import elements
        return elements(self, t)

    def free_symbol(self, name):
        """The placeholder a free --wrt NAME reads as (bound and marked like --set NAME)."""
        t = const(np.float64("nan"))
        t.requires_grad = True
        self.free[name] = t
        self.session.globals[name] = t
        self.session.marked[name] = t
        return t

    def _need_value(self, t):
        free_ids = {id(v): k for k, v in self.free.items()}
        names = [free_ids[i] for i in self.leaves(t) if i in free_ids]
        if names:
            name = names[0]
            raise GValueError(f"this needs the value of '{name}', a free symbol under --formula: "
                              f"give it one with --set {name}=VALUE")

    def leaves(self, t):
        """ids of the leaves t depends on (through the graph and recorded comparisons)."""
        seen, out, stack = set(), [], [t]
        while stack:
            u = stack.pop()
            if id(u) in seen:
                continue
            seen.add(id(u))
            entry = self.conds.get(id(u))
            if entry is not None:
                stack.extend(entry[2])
                continue
            node = u if type(u) is Node else getattr(u, "grad_fn", None)
            if node is None:
                out.append(id(u))
            else:
                stack.extend(node.inputs)
        return out


def install(session, max_ops=MAX_OPS) -> Recorder:
    """Record the run's tests and let --wrt names nothing binds be free symbols."""
    rec = Recorder(session, max_ops)
    mode.formula = rec
    session.free_symbol = rec.free_symbol
    return rec


def uninstall(session):
    mode.formula = None
    session.free_symbol = None


class FormulaRun:
    """--formula on one run: record while it runs (`stop` after it), then `compute` the models."""

    def __init__(self, session, opts):
        self.session = session
        self.latex = bool(opts.get("latex"))
        self.max_ops = opts.get("formula_max_ops") or MAX_OPS
        self.recorder = install(session, self.max_ops)
        self.models = None

    @property
    def free(self) -> bool:
        """Whether a --wrt name is a free symbol (then values and numeric gradients are null)."""
        return bool(self.recorder.free)

    def stop(self):
        """The run is over: a --wrt name it never bound is a free symbol too."""
        uninstall(self.session)
        s = self.session
        for name in s.options.wrt:
            if name not in s.marked and name not in s.globals:
                self.recorder.free_symbol(name)

    def compute(self, output, grads):
        self.models = formulas(self.session, output, self.recorder, grads, self.max_ops)
        return self.models

    def for_value(self, value, grads):
        """Piped mode and the REPL: the formulas of one value w.r.t. the --wrt names bound so far
        (None when there are none, or the value is not a float tensor)."""
        if not isinstance(value, Tensor) or value.data.dtype.kind == "b":
            return None
        names = [n for n in self.session.options.wrt if n in self.session.marked]
        if not names:
            return None
        models = formulas(self.session, _Value(value), self.recorder, grads, self.max_ops)
        return {n: m for n, m in models.items() if n in names}

    def depends_on_free(self, value) -> bool:
        """Whether `value` is computed from a free symbol (its numbers mean nothing)."""
        if not self.recorder.free or not isinstance(value, Tensor) or not value.requires_grad:
            return False
        free = {id(t) for t in self.recorder.free.values()}
        return any(i in free for i in self.recorder.leaves(value))


class _Value:
    """A value standing as the output (piped mode, the REPL)."""

    def __init__(self, value):
        self.value = value
        self.name = None


def trace_size(t, conds=None, stop=None) -> int:
    """The number of ops in t's trace (nodes reachable from it), counting up to `stop`."""
    conds = conds or {}
    seen = set()
    stack = [t]
    n = 0
    while stack:
        u = stack.pop()
        entry = conds.get(id(u))
        if entry is not None:
            if id(u) not in seen:
                seen.add(id(u))
                stack.extend(entry[2])
            continue
        node = u if type(u) is Node else getattr(u, "grad_fn", None)
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        n += 1
        if stop is not None and n > stop:
            return n
        stack.extend(node.inputs)
    return n


def local_derivatives(session, max_ops=None):
    """--explain --formula: `local(node, i)`, the derivative of a step's output w.r.t. its
    input i in the --wrt symbols, for steps on single numbers (where a formula helps more than
    the number it gives); None elsewhere, or when it is a plain number."""
    # here, for start-up time: SymPy loads when a formula is computed, not with the recorder
    from ..autograd import symbolic as S
    from ..autograd.symbolic_trace import Builder, drop_impulses
    import sympy as sp
    xs = dict(session.marked)
    syms = {id(x): S.symbols(n, x.data.shape) for n, x in xs.items()}
    b = Builder(syms, {}, max_ops or MAX_OPS)

    def local(node, i):
        if node.op.sym is None or any(d is not None and np.size(d) != 1 for d in node.saved):
            return None
        try:
            vals = [b.value(x, d) for x, d in zip(node.inputs, node.saved)]
            if any(v.size != 1 for v in vals):
                return None
            us = [sp.Dummy(real=True) for _ in vals]
            form = S.arr(node.op.sym(S.SymF, node.params, *[S.arr(u).reshape(v.shape)
                                                            for u, v in zip(us, vals)]))
            if form.size != 1:
                return None
            d = drop_impulses(sp.diff(form.flat[0], us[i]))
            d = d.xreplace({u: v.flat[0] for u, v in zip(us, vals)})
        except Exception:  # noqa: BLE001 — a step without a symbolic view still has its numbers
            return None
        return None if d.is_number else str(d)
    return local


# ----- the model -----

def formulas(session, output, rec: Recorder, grads, max_ops=MAX_OPS, budget=BUILD_SECONDS,
             simplify_budget=SIMPLIFY_SECONDS) -> dict:
    """For each --wrt NAME: {"expr": SymPy objects in the gradient's shape (or None), "reason",
    "valid_while": [SymPy booleans], "n_tests", "verified": bool or None, "raw": the formulas as differentiated}."""
    names = list(session.options.wrt)
    if output is None:
        return {n: _refused("there is no output to differentiate") for n in names}
    y = output.value
    if y.data.dtype.kind == "b":
        return {n: _refused("the output is a boolean tensor: it has no gradient") for n in names}
    n_ops = trace_size(y, rec.conds, stop=10 * max_ops)     # counting a huge trace costs too
    if n_ops > max_ops:
        size = f"{n_ops:,} ops" if n_ops <= 10 * max_ops else \
            f"more than {10 * max_ops:,} ops (the run recorded {rec.recorded():,})"
        return {n: _refused(f"the trace has {size}, over the formula budget of "
                            f"{max_ops:,} (raise it with --formula-max-ops N)") for n in names}
    xs = {n: session.marked[n] for n in names if n in session.marked}
    for n, x in xs.items():
        if y.data.size * x.data.size > max_ops:
            return {n: _refused(f"the Jacobian has {y.data.size * x.data.size:,} entries, over the "
                                f"formula budget of {max_ops:,} (raise it with --formula-max-ops N)")
                    for n in names}
    from ..autograd.symbolic_trace import NoForm, TooLarge   # here, for start-up time: SymPy
    try:
        built = B.run(lambda: _differentiate(y, xs, rec, max_ops), budget)
    except B.OutOfTime:
        return {n: _refused(f"differentiating took more than {budget:g} s") for n in names}
    except TooLarge:
        return {n: _refused(f"the formula has more than {max_ops:,} ops (raise --formula-max-ops N)")
                for n in names}
    except NoForm as exc:
        return {n: _refused(f"the op {exc.args[0]} has no symbolic form") for n in names}
    except RecursionError:
        return {n: _refused("the formula nests too deeply") for n in names}
    raw, tests, symbols = built
    simplified = simplify_all(raw, symbols, simplify_budget)
    too_large = _too_large(simplified, max_ops)
    point = None if rec.free else {s: float(x.data[i]) for n, x in xs.items()
                                   for i, s in np.ndenumerate(symbols[n])}
    verified = {}
    if point is not None:
        def verify():
            for n in raw:
                if n in grads and n not in too_large:
                    verified[n] = _verify(simplified[n], grads[n].data, point)
        try:
            B.run(verify, VERIFY_SECONDS)
        except B.OutOfTime:
            pass                      # not verified: null, as for a free symbol
    out = {}
    for n in names:
        if n not in raw:
            out[n] = _refused(f"'{n}' was never bound")
            continue
        if n in too_large:
            out[n] = _refused(too_large[n])
            continue
        out[n] = {"expr": simplified[n], "reason": None, "valid_while": tests[0], "n_tests": tests[1],
                  "verified": verified.get(n), "raw": raw[n]}
    return out


SHOWN_OPS = 100           # a formula shown is at most this many times --formula-max-ops


def _too_large(formulas, max_ops):
    """{NAME: reason} for the formulas too large to show. A trace within the budget can still
    give a formula far larger written out (each step of Newton's method uses the previous
    value three times: 20 steps, 10**14 operations), counted over its distinct parts."""
    out, memo = {}, {}
    for n, J in formulas.items():
        if sum(ops_bound(e, memo) for e in J.flat) <= SHOWN_OPS * max_ops:
            continue                    # (within the budget for sure: no need to count)
        ops = sum(count_ops(e, memo) for e in J.flat)
        if ops > SHOWN_OPS * max_ops:
            out[n] = (f"the formula has {ops:,} ops written out, over {SHOWN_OPS} times the "
                      f"formula budget of {max_ops:,} (raise it with --formula-max-ops N)")
    return out


def _refused(reason):
    return {"expr": None, "reason": reason, "valid_while": [], "n_tests": 0, "verified": None,
            "raw": None}


def _differentiate(y, xs, rec, max_ops):
    import sympy as sp          # here, for start-up time: SymPy (as in local_derivatives)

    from ..autograd.symbolic_trace import jacobians
    raw, syms, b = jacobians(y, xs, rec.conds, max_ops)
    conds, seen = [], set()
    tests = rec.tests if rec.last is None or rec.last is rec.tests[-1] else rec.tests + [rec.last]
    for t, value in tests:
        c = b.value(t)[()] if t.data.size == 1 else None
        if c is None:
            continue
        if t.data.dtype.kind != "b":
            c = sp.Ne(c, 0)
        c = c if value else sp.Not(c)
        if isinstance(c, sp.core.relational.Relational):
            c = c.canonical                 # the symbols on the left: `2*x < 1000`
        if c is sp.true or c in seen:
            continue
        seen.add(c)
        conds.append(c)
    if len(conds) > SHOWN_TESTS:          # the first few, and the last (a loop's exit test)
        conds = conds[:SHOWN_TESTS - 1] + conds[-1:]
    return raw, (conds, rec.n_tests), syms


__all__ = ["Recorder", "install", "uninstall", "formulas", "trace_size", "MAX_OPS"]
