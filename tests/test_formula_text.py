"""Each op's formula text (what --explain prints) against its VJP, generated from the ops table.

For every differentiable entry of `ops.TABLE` and every input with a formula, the text after `=` is
read as an expression (a small translator: `·` is a product, `²` a square, `[c]` is 1 where c holds,
`σ` the sigmoid, `Σ` a sum over the op's axes, `∏ⱼ≠ᵢ xⱼ` the product of the others, `Aᵀ` a
transpose, `a if c else b` elementwise, remarks after three spaces or in words are dropped) and
evaluated with numpy at random points, then compared with the VJP's numbers (`NumpyF`). A formula
that says something else than its VJP computes fails, and so does a formula the translator cannot
read, unless its op is listed in PROSE (formulas in words: where the gradient goes, not a value).
"""
from __future__ import annotations

import io
import math
import re
import tokenize

import numpy as np
import pytest

import gradcli.autograd  # noqa: F401  (the whole engine: the table, its backends)
from gradcli.autograd import kernels, ops
from gradcli.autograd.backends import NumpyF

# Ops whose formulas say in words where the gradient goes (reshaped, scattered, sliced …).
PROSE = {"reshape", "permute", "broadcast_to", "getitem", "scatter", "setitem", "where", "clamp",
         "max", "min", "nll_loss", "stack", "cat"}

# The point each op is taken at: input shapes, parameters, the interval of the values, and the names
# of the formulas' symbols that are parameters (or unnamed inputs). Default: vectors of 5 in (-0.9, 0.9).
SQUARE = [(3, 3)]
SPECS = {
    "pow": dict(lo=0.2), "pow1": dict(lo=0.2), "mod": dict(lo=0.2), "log": dict(lo=0.2),
    "sqrt": dict(lo=0.2),
    "sum": dict(shapes=[(3, 4)], p=(None, False)), "mean": dict(shapes=[(3, 4)], p=(None, False)),
    "prod": dict(shapes=[(3, 4)], p=(None, False)),
    "var": [dict(shapes=[(3, 4)], p=(None, False)), dict(shapes=[(3, 4)], p=(None, False, 0.0)),
            dict(shapes=[(3, 4)], p=(None, False, 2.0))],
    "std": [dict(shapes=[(3, 4)], p=(None, False)), dict(shapes=[(3, 4)], p=(None, False, 0.0))],
    "logsumexp": dict(shapes=[(3, 4)], p=(None, False)), "norm": dict(shapes=[(3, 4)], p=(2.0, None, False)),
    "softmax": dict(p=0), "log_softmax": dict(p=0), "softmax_backward": dict(p=0),
    "log_softmax_backward": dict(p=0),
    "leaky_relu": dict(p=0.1, env=lambda p: {"negative_slope": p}),
    "elu": dict(p=1.3, env=lambda p: {"α": p}),
    "softplus_beta": dict(p=(2.0, 20.0), env=lambda p: {"β": p[0]}),
    "binary_cross_entropy_with_logits": dict(p=("none", True, True), lo=0.1,
                                             env=lambda p, xs: {"w": xs[2], "pw": xs[3]}),
    "binary_cross_entropy": dict(p=("none", True), lo=0.1, env=lambda p, xs: {"w": xs[2]}),
    "threshold_backward": dict(env=lambda p, xs: {"y": xs[1]}),    # its input y has no gradient
    "mse_loss": dict(p="none"), "smooth_l1_loss": dict(p=("none", 0.5), env=lambda p: {"β": p[1]}),
    "huber_loss": dict(p=("none", 0.5), env=lambda p: {"δ": p[1]}),
    "matmul": dict(shapes=[(3, 4), (4, 2)]), "addmm": dict(shapes=[(2,), (3, 4), (4, 2)]),
    "trace": dict(shapes=SQUARE), "inv": dict(shapes=SQUARE, square=True),
    "det": dict(shapes=SQUARE, square=True),
}


def _specs(name):
    s = SPECS.get(name, {})
    return s if isinstance(s, list) else [s]


def _cases():
    for name, op in ops.TABLE.items():
        if op.vjps is None or name in PROSE:
            continue
        for k, spec in enumerate(_specs(name)):
            yield pytest.param(name, spec, id=f"{name}-{k}" if k else name)


# ----- the translator: formula text -> a Python expression over numpy -----

_REMARK = re.compile(r"\s*\([^()]*\b(at|where|without|included|shared|by)\b[^()]*\)")
_SUBS = str.maketrans({"ᵢ": "", "ⱼ": "", "·": "*", "½": "0.5", "≤": "<=", "²": "**2", "^": "**",
                       "[": "(", "]": ")", "π": "pi"})


def _close_sigma(s):
    """`Σ t` -> `S(t)`: the sum takes the product that follows it (up to + or - or a bracket)."""
    while "Σ" in s:
        i = s.index("Σ")
        depth, j = 0, i + 1
        while j < len(s):
            ch = s[j]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            elif ch in "+-" and depth == 0 and s[j - 1] == " ":
                break
            j += 1
        s = s[:i] + "S(" + s[i + 1:j].strip() + ")" + (" " if j < len(s) and s[j] != ")" else "") + s[j:]
    return s


def _implicit_products(s):
    """Insert `*` where two operands meet without an operator (`2(x - t)`, `2y`, `grad y`)."""
    s = re.sub(r"(\d)(?![eE][-+]?\d)([A-Za-z_(])", r"\1*\2", s)
    toks = list(tokenize.generate_tokens(io.StringIO(s).readline))
    out, prev = [], None
    operand_end = {tokenize.NAME, tokenize.NUMBER}
    for t in toks:
        if t.type in (tokenize.NEWLINE, tokenize.ENDMARKER, tokenize.NL):
            continue
        starts = t.type in operand_end or t.string == "("
        if prev is not None and starts and not _keyword(t) and not _keyword(prev):
            ends = prev.type in operand_end or prev.string == ")"
            call = prev.type == tokenize.NAME and t.string == "(" and prev.end == t.start
            if ends and not call:
                out.append("*")
        out.append(t.string)
        prev = t
    return " ".join(out)


def _keyword(t):
    return t.type == tokenize.NAME and t.string in ("if", "else", "and", "or", "not")


def translate(text, formulas_by_name):
    """The right-hand side of `∂/∂x = …` as a Python expression (None: words the translator does
    not read)."""
    rhs = text.split("=", 1)[1].strip()
    rhs = re.split(r"\s{3}", rhs)[0]                      # a remark after three spaces
    rhs = _REMARK.sub("", rhs)                            # a remark in brackets
    for name, other in formulas_by_name.items():          # `∂/∂t = -∂/∂x`
        rhs = rhs.replace(f"∂/∂{name}", "(" + other.split("=", 1)[1].strip() + ")")
    rhs = rhs.replace("grad'", "Gin")                     # the gradient arriving at a backward op
    rhs = re.sub(r"∏ⱼ≠ᵢ\s*(\w)ⱼ", r"prod_others(\1)", rhs)
    rhs = re.sub(r"log σ\(([^()]*)\)", r"log(σ(\1))", rhs)
    rhs = re.sub(r"(\w+)²\(([^()]*)\)", r"\1(\2)²", rhs)  # tanh²(x)
    rhs = re.sub(r"‖(\w)‖", r"norm(\1)", rhs)
    rhs = re.sub(r"(\w)⁻ᵀ", r"inv(\1).T", rhs)
    rhs = re.sub(r"(\w)ᵀ", r"\1.T", rhs)
    rhs = rhs.replace("2/√π", "2/sqrt(π)").translate(_SUBS)
    rhs = re.sub(r"\(([^()]*) if ([^()]*) else (.*)\)$", r"where(\2, \1, \3)", rhs)
    rhs = _close_sigma(rhs)
    try:
        return _implicit_products(rhs)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None


def _namespace(op, p, xs, y, g, spec):
    n_in = len(xs)
    names = [op.input_name(i, n_in) for i in range(n_in)]
    x0 = xs[0]
    axes = p[0] if isinstance(p, tuple) and p and not isinstance(p[0], (str, float)) else None
    if op.name == "norm":
        axes = p[1]
    red = tuple(range(x0.ndim)) if axes is None else axes
    axis = p if isinstance(p, int) else None

    def S(v):
        return np.sum(v, axis=axis if axis is not None else red, keepdims=True)

    env = {"exp": np.exp, "log": np.log, "sin": np.sin, "cos": np.cos, "tan": np.tan, "sinh": np.sinh,
           "cosh": np.cosh, "tanh": np.tanh, "sqrt": np.sqrt, "sign": np.sign, "floor": np.floor,
           "σ": kernels.sigmoid, "erf": kernels.erf, "pi": math.pi, "where": np.where, "S": S,
           "max": np.maximum, "clamp": np.clip, "logit": lambda v: np.log(v / (1 - v)),
           "Φ": lambda v: 0.5 * (1 + kernels.erf(v / math.sqrt(2))),
           "φ": lambda v: np.exp(-v * v / 2) / math.sqrt(2 * math.pi),
           "prod_others": lambda v: kernels.prod_others(v, None),
           "norm": lambda v: np.sqrt(np.sum(v * v)), "det": np.linalg.det, "inv": np.linalg.inv,
           "I": np.eye(x0.shape[-1]) if x0.ndim == 2 else None,
           "logsumexp": lambda v: np.log(np.sum(np.exp(v), axis=red, keepdims=True)),
           "softmax": lambda v: np.exp(v) / np.sum(np.exp(v), axis=axis, keepdims=True)}
    if isinstance(p, tuple) and len(p) >= 2 and axes is None and op.name in ("sum", "mean", "prod", "var", "std",
                                                                              "logsumexp"):
        env["n"] = x0.size
        env["mean"] = np.mean(x0)
        env["std"] = y
    for i, name in enumerate(names):
        env[name] = xs[i]
    if "grad" in names:
        env["Gin"] = g
    else:
        env["grad"] = g
    if "y" not in names:
        env["y"] = y
    extra = spec.get("env")
    if extra is not None:
        env.update(extra(p, xs) if extra.__code__.co_argcount == 2 else extra(p))
    return env


@pytest.mark.parametrize("name,spec", list(_cases()))
def test_formula_text_is_the_vjp(name, spec):
    op = ops.TABLE[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    p = spec.get("p")
    vjps = op.vjps
    n_in = len(vjps)
    shapes = spec.get("shapes", [(5,)])
    shapes = shapes + [shapes[-1]] * (n_in - len(shapes))
    lo = spec.get("lo", -0.9)
    xs = [rng.uniform(lo, 0.9, s) for s in shapes]
    if spec.get("square"):
        xs = [x + 3 * np.eye(x.shape[-1]) for x in xs]
    y = op.forward(p, *xs)
    g = rng.uniform(0.5, 1.5, np.shape(y))
    forms = {op.input_name(i, n_in): op.formula(i, p) for i in range(n_in) if vjps[i] is not None}
    checked = 0
    for i in range(n_in):
        if vjps[i] is None:
            continue
        label = op.input_name(i, n_in)
        text = op.formula(i, p)
        expr = translate(text, {k: v for k, v in forms.items() if k != label})
        assert expr is not None, f"{name}: the formula of {label} is not readable: {text!r}"
        env = _namespace(op, p, xs, y, g, spec)
        try:
            said = eval(expr, {"__builtins__": {}}, env)   # noqa: S307 (the table's own text)
        except Exception as exc:                           # noqa: BLE001
            pytest.fail(f"{name}: the formula of {label}, {text!r} read as {expr!r}, does not "
                        f"evaluate: {type(exc).__name__}: {exc}")
        done = vjps[i](NumpyF, g, y, p, *xs)
        shape = np.shape(xs[i])
        if op.broadcast:            # the engine sums a broadcast gradient back to the input's shape
            said, done = kernels.sum_to(said, shape), kernels.sum_to(done, shape)
        np.testing.assert_allclose(np.broadcast_to(said, shape), np.broadcast_to(done, shape),
                                   rtol=1e-9, atol=1e-12,
                                   err_msg=f"{name}: ∂/∂{label} — the text {text!r} (read as {expr!r}) "
                                           "is not what the VJP computes")
        checked += 1
    assert checked


def test_prose_ops_are_in_the_table():
    """PROSE names only differentiable ops of the table (a renamed or removed op fails here)."""
    assert PROSE <= {n for n, op in ops.TABLE.items() if op.vjps is not None}


def test_a_wrong_formula_fails():
    """The check can fail: a formula that differs from its VJP by a factor is caught."""
    op = ops.TABLE["sin"]
    rng = np.random.default_rng(0)
    x = rng.uniform(-0.9, 0.9, 5)
    y, g = op.forward(None, x), rng.uniform(0.5, 1.5, 5)
    env = _namespace(op, None, [x], y, g, {})
    wrong = eval(translate("∂/∂x = grad · 2·cos(x)", {}), {"__builtins__": {}}, env)   # noqa: S307
    right = eval(translate(op.formula(0), {}), {"__builtins__": {}}, env)            # noqa: S307
    done = op.vjps[0](NumpyF, g, y, None, x)
    assert np.allclose(right, done) and not np.allclose(wrong, done)
