"""--formula on whole programs (LANGUAGE.md §12): each formula, read back from the JSON document
with `sympify` as a user's program would, is evaluated at several points and compared with the
numeric gradient gradcli computes there (and with PyTorch's, for programs of the cross-check set).

At each point the program runs with `--set NAME=VALUE --formula --json` (in this process); the
formula of the first point is also evaluated at the other points where its `valid_while` holds.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import pathlib
import re

import numpy as np
import pytest

sp = pytest.importorskip("sympy")

from gradcli.run import run_script  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent


def run(source, **opts):
    """`gradcli run -e SOURCE --json --formula` with opts, in-process: the parsed document."""
    opts = {"as_json": True, "formula": True, **opts}
    opts["wrt"] = tuple(opts.get("wrt", ()))
    opts["sets"] = list(opts.get("sets", ()))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = run_script(source, "<-e>", opts)
    doc = json.loads(out.getvalue())
    return status, doc


def parse(expr):
    """A formula of the JSON document, nested lists included, as SymPy objects."""
    if isinstance(expr, list):
        return [parse(e) for e in expr]
    return sp.sympify(expr)


def evaluate(f, point):
    if isinstance(f, list):
        return [evaluate(e, point) for e in f]
    v = complex(sp.N(f.subs(point)))
    assert abs(v.imag) < 1e-9
    return v.real


def holds(conds, point):
    return all(bool(sp.sympify(c).subs(point)) for c in conds)


def sym_point(name, value):
    """{Symbol: value} for NAME bound to `value` (a number or nested list), §12's names."""
    a = np.asarray(value, dtype=float)
    if a.ndim == 0:
        return {sp.Symbol(name): float(a)}
    return {sp.Symbol("_".join([name, *map(str, i)])): float(a[i]) for i in np.ndindex(*a.shape)}


# (program, {NAME: [values at several points]}): every NAME is a --wrt input set by --set
PROGRAMS = [
    ("y = x**2 * sin(x)", {"x": [0.5, 2.0, -1.3]}),
    ("y = 3*x**3 - 2*x + 7", {"x": [0.0, 1.5, -2.0]}),
    ("y = x; for i in range(10): y = y*2", {"x": [3.0, -1.0]}),
    ("y = exp(-x**2 / 2)", {"x": [0.3, 1.1, -2.0]}),
    ("y = log(x) / x", {"x": [0.5, 2.0, 7.0]}),
    ("y = sqrt(1 + x**2)", {"x": [0.0, 1.0, -3.0]}),
    ("y = tanh(x) * sigmoid(x)", {"x": [0.2, -1.0, 2.5]}),
    ("y = atan(x) + asin(x / 2) + acos(x / 3)", {"x": [0.1, -0.5, 0.9]}),
    ("y = sinh(x) * cosh(x) - tan(x)", {"x": [0.1, 0.7, -0.4]}),
    ("y = softplus(x) + log1p(x**2)", {"x": [0.0, 1.2, -3.0]}),
    ("y = x ** x", {"x": [0.5, 1.5, 3.0]}),
    ("y = 2 ** x + x ** 0.5", {"x": [0.25, 1.0, 4.0]}),
    ("y = 1 / (1 + x**2)", {"x": [0.0, 1.0, -2.0]}),
    ("y = abs(x) * x", {"x": [1.5, -0.5, 0.0]}),
    ("y = relu(x) ** 2 + relu(-x)", {"x": [1.0, -2.0, 0.0]}),
    ("y = clamp(x, -1, 1) * x", {"x": [0.5, 3.0, -1.0]}),
    ("y = maximum(x, 1) + minimum(x, 0)", {"x": [2.0, 0.5, -1.0, 1.0]}),
    ("y = where(x > 0, x**2, -x)", {"x": [2.0, -3.0]}),
    ("y = x * 2; while y < 1000: y = y * 2", {"x": [3.0, 0.7]}),
    ("if x > 0:\n    y = x**3\nelse:\n    y = -x\n", {"x": [2.0, -1.0]}),
    ("def f(t): return t**3 - t\ny = f(f(x))", {"x": [0.5, 1.2, -0.3]}),
    ("def f(t): return sin(t) * t\ng = grad(f)\ny = g(x)", {"x": [0.4, 2.0]}),
    ("def f(t): return t**4\ny = grad(grad(f))(x)", {"x": [1.0, -2.0]}),
    ("t = 1.0\nfor i in range(5): t = t - (t*t - x) / (2*t)\ny = t", {"x": [2.0, 9.0]}),
    ("y = 0\nfor k in range(1, 6): y = y + x**k / k", {"x": [0.5, -0.7]}),
    ("y = x\nfor i in range(3): y = sin(y) + y", {"x": [0.3, 1.0]}),
    ("def fact(n): return 1 if n <= 1 else n * fact(n - 1)\ny = fact(5) * x**2", {"x": [1.0, -2.0]}),
    ("y = (x * w + b) ** 2", {"x": [1.0, 2.0], "w": [0.5, -1.0], "b": [0.1, 0.3]}),
    ("y = sigmoid(w * x + b)", {"w": [0.3, -2.0], "x": [1.5, 0.5], "b": [0.0, 1.0]}),
    ("y = (x ** 2).sum()", {"x": [[1.0, -2.0, 3.0], [0.5, 0.0, 2.0]]}),
    ("y = (x * x).mean()", {"x": [[1.0, 2.0], [3.0, -1.0]]}),
    ("y = softmax(x)[0]", {"x": [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]]}),
    ("y = log_softmax(x)[1]", {"x": [[0.2, 0.4, -1.0]]}),
    ("y = norm(x)", {"x": [[3.0, 4.0], [1.0, -2.0]]}),
    ("y = x.max()", {"x": [[1.0, 3.0, 2.0]]}),
    ("y = logsumexp(x, 0)", {"x": [[1.0, 2.0, 0.0]]}),
    ("y = (x * x).prod()", {"x": [[1.0, 2.0, 0.5]]}),
    ("y = var(x) + std(x)", {"x": [[1.0, 2.0, 4.0]]}),
    ("y = x @ x", {"x": [[1.0, 2.0, -1.0]]}),
    ("A = tensor([[1.0, 2.0], [3.0, 4.0]])\ny = (A @ x).sum()", {"x": [[0.5, -1.0]]}),
    ("y = det(x)", {"x": [[[2.0, 1.0], [1.0, 3.0]]]}),
    ("y = x * 2 + 1", {"x": [[1.0, 2.0, 3.0]]}),                # a Jacobian
    ("y = stack([x[0] * x[1], x[0] + x[1]])", {"x": [[2.0, 3.0], [-1.0, 0.5]]}),
    ("y = x[0]\nfor i in range(1, 3): y = y + x[i] * i", {"x": [[1.0, 2.0, 3.0]]}),
    ("y = floor(x) * x + round(x)", {"x": [1.5, -2.3]}),
    ("y = x % 3 + sign(x)", {"x": [4.5, -1.0]}),
]


def _values(spec, k):
    return {n: vs[k] for n, vs in spec.items()}


@pytest.mark.parametrize("program,spec", PROGRAMS, ids=[f"p{i}" for i in range(len(PROGRAMS))])
def test_formula_equals_numeric_gradient_at_several_points(program, spec):
    npoints = len(next(iter(spec.values())))
    first = None
    for k in range(npoints):
        vals = _values(spec, k)
        status, doc = run(program, wrt=list(spec), sets=[(n, json.dumps(v)) for n, v in vals.items()])
        assert status == 0 and doc["ok"], doc
        point = {}
        for n, v in vals.items():
            point.update(sym_point(n, v))
        formulas = {}
        for n in spec:
            entry = doc["formula"][n]
            assert entry["expr"] is not None, entry
            assert entry["verified"] is True, (program, n, entry)
            f = parse(entry["expr"])
            formulas[n] = (f, entry["valid_while"])
            got = np.asarray(evaluate(f, point))
            assert got == pytest.approx(np.asarray(doc["gradients"][n], dtype=float), rel=1e-6, abs=1e-9)
        if first is None:
            first = formulas
        else:                     # the first point's formula, wherever its path holds
            for n, (f, conds) in first.items():
                if holds(conds, point):
                    got = np.asarray(evaluate(f, point))
                    assert got == pytest.approx(np.asarray(doc["gradients"][n], dtype=float),
                                                rel=1e-6, abs=1e-9)


def test_enough_programs():
    assert len(PROGRAMS) >= 40


# ----- PyTorch-recorded: programs of the cross-check set whose last line prints NAME.grad -----

TORCH = json.loads((HERE / "fixtures" / "torch_programs.json").read_text(encoding="utf-8"))
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
TORCH_CASES = [("fanout_reuse", "c", "x"), ("elementwise_inverse_trig", "out", "x"),
               ("index_basic", "y", "x"), ("reduce_max_min", "m", "t"),
               ("matmul_batched", "loss", "B"), ("higher_order_backward_create_graph", "g", "x")]


@pytest.mark.parametrize("name,of,wrt", TORCH_CASES)
def test_formula_at_the_point_equals_pytorch(name, of, wrt):
    source = (HERE / "programs" / f"{name}.py").read_text(encoding="utf-8")
    status, doc = run(source, wrt=[wrt], of=of)
    assert status == 0 and doc["ok"], doc
    entry = doc["formula"][wrt]
    assert entry["verified"] is True, entry
    f = np.asarray(evaluate(parse(entry["expr"]), sym_point(wrt, doc["variables"][wrt]["value"])))
    printed = TORCH[name]["printed"]
    start = max(i for i, line in enumerate(printed) if line.startswith("tensor("))
    torch_grad = [float(v) for v in _NUMBER.findall(" ".join(printed[start:]))]
    assert f.ravel().tolist() == pytest.approx(torch_grad, rel=1e-4, abs=1e-4)   # printed to 4 digits
    assert not math.isnan(f.sum())


# ----- kinks at the run's point (LANGUAGE.md §8; issue 13): the formula equals the numbers there -----

@pytest.mark.parametrize("program,expected", [
    ("x = tensor([1.0, 1.0, 1.0]); y = max(x)", [1 / 3] * 3),                  # a tie of 3: 1/k each
    ("x = tensor([[2.0, 2.0], [2.0, 1.0]]); y = tanh(min(-x))", [-(1 - math.tanh(-2) ** 2) / 3] * 3 + [0]),
    ("x = tensor([2.0, -2.0, 2.0, 1.0]); y = norm(x, p=inf)", [1 / 3, -1 / 3, 1 / 3, 0]),
    ("x = tensor([0.0, 0.0]); y = norm(x)", [0, 0]),                            # the zero vector: 0
    ("x = tensor([0.0, 0.0, 0.0]); y = exp(norm(x * 2)) + norm(x, p=3)", [0, 0, 0]),
    ("x = tensor([[0.0, 0.0], [3.0, 4.0]]); y = sum(norm(x, axis=1))", [0, 0, 0.6, 0.8]),
])
def test_formula_at_a_kink_equals_the_numeric_gradient(program, expected):
    status, doc = run(program, wrt=["x"])
    assert status == 0, doc
    entry = doc["formula"]["x"]
    assert entry["verified"] is True, entry
    grad = np.asarray(doc["gradients"]["x"], dtype=float).ravel()
    assert grad.tolist() == pytest.approx(expected, abs=1e-12)
    f = np.asarray(evaluate(parse(entry["expr"]), sym_point("x", doc["variables"]["x"]["value"])))
    assert f.ravel().tolist() == pytest.approx(expected, abs=1e-12)


# ----- singular points (found by scripts/formula_fuzz.py) -----

@pytest.mark.parametrize("program,grad", [
    ("x = 0.0; y = sqrt(x)", math.inf),          # 1/(2*sqrt(x)) is zoo at 0: either infinity
    ("x = 2.0; y = (x - 2) ** -1", -math.inf),
    ("x = -1.0; y = sqrt(x)", math.nan),         # -I/2: not a real number, IEEE's NaN
    ("x = 2.0; y = x * sqrt(-1) + x**2", math.nan),   # a NaN constant: x*nan's derivative is nan, not 0
    ("x = tensor([1.0, 2.0]); y = sum(x * tensor([nan, 1.0]))", [math.nan, 1.0]),
    ("x = tensor([0.3, -1.7]); y = ((2 / 0) - sum(x)) + sum(x)", [0.0, 0.0]),   # oo - x was oo: 1, not 0
    # a constant 0 divides: zoo*x_0*… + zoo*cos(x_0)… is nan at 0, as the numbers; simplified to
    # zoo*(x_0*… + cos(x_0)) it was zoo (algebra with infinities is not sound: not simplified)
    ("x = tensor([0.0, 0.0, 0.0])\ny = exp(relu(x)) @ (cos(x) * (x / tensor([0.0, -1.0, 2.0])))",
     [math.nan, -1.0, 0.5]),
])
def test_formula_at_a_singular_point_matches_the_numbers(program, grad):
    status, doc = run(program, wrt=["x"])
    assert status == 0, doc
    assert doc["formula"]["x"]["verified"] is True, doc["formula"]["x"]
    got = np.asarray([{"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, v)
                      for v in np.ravel(np.asarray(doc["gradients"]["x"], dtype=object))], dtype=float)
    assert np.array_equal(got, np.ravel(np.asarray(grad, dtype=float)), equal_nan=True)
    exprs = np.ravel(np.asarray(doc["formula"]["x"]["expr"], dtype=object))
    point = sym_point("x", doc["variables"]["x"]["value"])
    for e, g in zip(exprs, got):
        v = sp.N(sp.sympify(e).subs(point))
        if math.isnan(g):
            assert v is sp.nan or (v is not sp.zoo and not v.is_real), (e, v)
        elif math.isinf(g):
            assert v in (sp.zoo, sp.oo if g > 0 else -sp.oo), (e, v)


def test_a_test_on_an_unsigned_infinity_leaves_the_formula_unverified():
    """log(0) is zoo in SymPy, and clamp's test `log(x_0) < -1` cannot be ordered there: the
    formula is given, `verified` is null (found by scripts/formula_fuzz.py: an InternalError)."""
    status, doc = run("x = tensor([0.0, 0.0]); y = max(clamp((x).log(), min=-1))", wrt=["x"])
    assert status == 0, doc
    entry = doc["formula"]["x"]
    assert entry["verified"] is None
    assert [str(sp.sympify(e).subs({"x_0": 1, "x_1": 0.5})) for e in entry["expr"]] == ["1", "0"]


# ----- deep traces (issue 13: at most 200 ops): a formula, not a refusal -----

DEEP = {   # name: (program, a strict xfail reason or None)
    "sin 199 deep": ("x = 0.5\ny = x\nfor k in range(199): y = sin(y)\n", None),
    "exp(-y) 99 deep": ("x = 0.5\ny = x\nfor k in range(99): y = exp(-y)\n", None),
    "softsign 66 deep": ("x = 0.5\ny = x\nfor k in range(66): y = y/(1+abs(y))\n", None),
    "sigmoid 199 deep": ("x = 0.5\ny = x\nfor k in range(199): y = sigmoid(y)\n",
                         "its text nests 1/(1 + exp(-…)) 398 parentheses deep: past the 200 "
                         "Python's parser (sympify) takes"),
}


def _at(f, point):
    """f at point, each node evaluated as it is rebuilt (xreplace: `subs` on a tree of 20,000
    nodes takes seconds)."""
    return complex(sp.N(f.xreplace(point)))


@pytest.mark.parametrize("name", list(DEEP))
def test_deep_trace_gives_a_formula_equal_to_the_gradient(name, request):
    source, xfail = DEEP[name]
    status, doc = run(source, wrt=["x"])
    assert status == 0 and doc["ok"], doc
    entry = doc["formula"]["x"]
    assert entry["expr"] is not None, entry["reason"]
    assert entry["verified"] is True
    if xfail:
        request.applymarker(pytest.mark.xfail(reason=xfail, strict=True))
    f = sp.sympify(entry["expr"])
    assert _at(f, {sp.Symbol("x"): sp.Float(0.5)}).real == \
        pytest.approx(doc["gradients"]["x"], rel=1e-6, abs=1e-300)
