"""The ops table, section "arithmetic and elementwise": +, -, *, /, **, %, maximum/minimum, where,
the elementwise functions (exp … abs, sign/floor/ceil/round, clamp) and the comparisons.

Each VJP is `vjp(F, g, y, p, *xs)` over a namespace of primitives `F` (`backends.py`).
"""
from __future__ import annotations

import operator

import numpy as np

from ..kernels import sigmoid as _sigmoid
from ..kernels import torch_cosh, torch_pow, torch_sinh, torch_tanh
from ..tensor import Tensor
from .registry import Op, defop, nondiff, nonzero, same

def _pow_vjp_a(F, g, y, p, a, b):
    """t ** number: grad · (b · a^(b-1)) with PyTorch's pow for the power; 0 for b == 0
    (d/dx x**0 = 0), as PyTorch's pow_backward. An exponent array: `_pow1_vjp_a`."""
    bd = b.data if isinstance(b, Tensor) else b
    if np.ndim(bd):
        return _pow1_vjp_a(F, g, y, p, a, b)
    if bd == 0:
        return F.zeros_like(a)
    return g * (b * F.pow(a, b - 1.0))


def _pow1_vjp_a(F, g, y, p, a, b):
    """t ** tensor: the same, masked where the exponent is 0 (pow_backward_self)."""
    return F.where(b == 0, 0.0, g * (b * a ** (b - 1.0)))


def _pow_vjp_b(F, g, y, p, a, b):
    """grad · a^b · log(a), with 0 where a == 0 and b >= 0 (pow_backward_exponent)."""
    return g * F.where((a == 0) & (b >= 0), 0.0, y * F.log(a))


def _softplus_forward(p, x):
    return np.where(x > 20.0, x, np.log1p(np.exp(np.minimum(x, 20.0))))  # PyTorch's threshold 20


# ----- kink rules (LANGUAGE.md §8): where the derivative does not exist, the convention used -----

def _at_zero(kind, why):
    def kink(p, y, x):
        n = nonzero(x == 0)
        return [(kind, n, why)] if n else []
    return kink


def _clamp_kink(p, y, x):
    lo, hi = p
    n = (nonzero(x == lo) if lo is not None else 0) + (nonzero(x == hi) if hi is not None else 0)
    return [("clamp at a bound", n, "the gradient passes through at the bound "
             "(bounds included, PyTorch's convention)")] if n else []


def _tie(name):
    def kink(p, y, a, b):
        n = nonzero(np.asarray(a) == np.asarray(b))
        return [(f"tie in {name}", n, "where the two sides are equal each gets half the "
                 "gradient (PyTorch's convention)")] if n else []
    return kink


# ----- arithmetic (broadcasting) -----
ADD = defop("add", "AddBackward0", lambda p, a, b: a + b,
            same, same,
            sym=lambda S, p, a, b: a + b,
            formula=("∂/∂a = grad", "∂/∂b = grad"), broadcast=True, fast=operator.add, inputs="a b",
            reads=((), ()))
SUB = defop("sub", "SubBackward0", lambda p, a, b: a - b,
            same, lambda F, g, y, p, a, b: -g,
            sym=lambda S, p, a, b: a - b,
            formula=("∂/∂a = grad", "∂/∂b = -grad"), broadcast=True, fast=operator.sub, inputs="a b",
            reads=((), ()))
RSUB = SUB.renamed("RsubBackward1")
MUL = defop("mul", "MulBackward0", lambda p, a, b: a * b,
            lambda F, g, y, p, a, b: g * b, lambda F, g, y, p, a, b: g * a,
            sym=lambda S, p, a, b: a * b,
            formula=("∂/∂a = grad · b", "∂/∂b = grad · a"), broadcast=True, fast=operator.mul, inputs="a b",
            reads=((1,), (0,)))
DIV = defop("div", "DivBackward0", lambda p, a, b: a / b,
            lambda F, g, y, p, a, b: g / b, lambda F, g, y, p, a, b: -g * ((a / b) / b),
            sym=lambda S, p, a, b: a / b,
            formula=("∂/∂a = grad / b", "∂/∂b = -grad · a / b²"), broadcast=True, fast=operator.truediv,
            inputs="a b",
            reads=((1,), (0, 1)))
DIV1 = DIV.renamed("DivBackward1")   # t / number inside PyTorch's C++ (cross_entropy of probabilities)
POW = defop("pow", "PowBackward0", lambda p, a, b: torch_pow(a, b), _pow_vjp_a, _pow_vjp_b,
            sym=lambda S, p, a, b: S.pow(a, b),
            formula=("∂/∂a = grad · b · a^(b-1)", "∂/∂b = grad · a^b · log(a)"), broadcast=True,
            fast=torch_pow, inputs="a b")
POW1 = defop("pow1", "PowBackward1", lambda p, a, b: a ** b, _pow1_vjp_a, _pow_vjp_b,   # t ** t
             sym=lambda S, p, a, b: S.pow(a, b),
             formula=POW.formulas, broadcast=True, fast=operator.pow, save_out=True, inputs="a b")
POW2 = POW1.renamed("PowBackward2")   # number ** tensor
MOD = defop("mod", "RemainderBackward0", lambda p, a, b: np.mod(a, b),
            same, lambda F, g, y, p, a, b: -g * F.floor(a / b),
            sym=lambda S, p, a, b: S.mod(a, b),
            formula=("∂/∂a = grad", "∂/∂b = -grad · floor(a / b)"), broadcast=True, fast=np.mod, inputs="a b")
MOD1 = MOD.renamed("RemainderBackward1")   # tensor % tensor
CLONE = defop("clone", "CloneBackward0", lambda p, x: x,   # values never change: no copy needed
              same,
              sym=lambda S, p, x: x,
              formula="∂/∂x = grad", reads=((),))
COPY = CLONE.renamed("CopyBackwards")   # a leaf's first .grad under create_graph=True
NEG = defop("neg", "NegBackward0", lambda p, x: -x, lambda F, g, y, p, x: -g,
            sym=lambda S, p, x: -x,
            formula="∂/∂x = -grad", fast=operator.neg,
            reads=((),))
# number / tensor is reciprocal(tensor) · number in PyTorch (its values and its node names)
RECIPROCAL = defop("reciprocal", "ReciprocalBackward0", lambda p, x: 1.0 / x,
                   lambda F, g, y, p, x: -g * (y * y),
                   sym=lambda S, p, x: 1 / x,
                   formula="∂/∂x = -grad / x²", save_out=True, reads=((),))
MAXIMUM = defop("maximum", "MaximumBackward0", lambda p, a, b: np.maximum(a, b),
                lambda F, g, y, p, a, b: F.where(a > b, g, F.where(a == b, 0.5 * g, 0.0)),
                lambda F, g, y, p, a, b: F.where(b > a, g, F.where(a == b, 0.5 * g, 0.0)),
                sym=lambda S, p, a, b: S.maximum(a, b),
                formula=("∂/∂a = grad · [a > b] (½ at a tie)", "∂/∂b = grad · [b > a] (½ at a tie)"),
                broadcast=True, fast=np.maximum, inputs="a b", kink=_tie("maximum"))
MINIMUM = defop("minimum", "MinimumBackward0", lambda p, a, b: np.minimum(a, b),
                lambda F, g, y, p, a, b: F.where(a < b, g, F.where(a == b, 0.5 * g, 0.0)),
                lambda F, g, y, p, a, b: F.where(b < a, g, F.where(a == b, 0.5 * g, 0.0)),
                sym=lambda S, p, a, b: S.minimum(a, b),
                formula=("∂/∂a = grad · [a < b] (½ at a tie)", "∂/∂b = grad · [b < a] (½ at a tie)"),
                broadcast=True, fast=np.minimum, inputs="a b", kink=_tie("minimum"))
WHERE = defop("where", "WhereBackward0", lambda p, c, a, b: np.where(c, a, b),
              None,
              lambda F, g, y, p, c, a, b: F.where(c, g, 0.0),
              lambda F, g, y, p, c, a, b: F.where(c, 0.0, g),
              sym=lambda S, p, c, a, b: S.where(c, a, b),
              formula=("", "∂/∂a = grad where cond, else 0", "∂/∂b = grad where not cond, else 0"),
              broadcast=True, inputs="cond a b")

# ----- elementwise -----
EXP = defop("exp", "ExpBackward0", lambda p, x: np.exp(x), lambda F, g, y, p, x: g * y,
            sym=lambda S, p, x: S.exp(x),
            formula="∂/∂x = grad · exp(x)", save_out=True, fast=np.exp, reads=((),))
LOG = defop("log", "LogBackward0", lambda p, x: np.log(x), lambda F, g, y, p, x: g / x,
            sym=lambda S, p, x: S.log(x),
            formula="∂/∂x = grad / x", fast=np.log)
LOG1P = defop("log1p", "Log1PBackward0", lambda p, x: np.log1p(x), lambda F, g, y, p, x: g / (1.0 + x),
              sym=lambda S, p, x: S.log1p(x),
              formula="∂/∂x = grad / (1 + x)", fast=np.log1p)
SQRT = defop("sqrt", "SqrtBackward0", lambda p, x: np.sqrt(x), lambda F, g, y, p, x: g / (2.0 * y),
             sym=lambda S, p, x: S.sqrt(x),
             formula="∂/∂x = grad / (2·sqrt(x))   (inf at 0)", save_out=True, fast=np.sqrt,
             reads=((),), kink=_at_zero("sqrt at 0", "sqrt'(0) = inf: the gradient there is infinite"))
SIN = defop("sin", "SinBackward0", lambda p, x: np.sin(x), lambda F, g, y, p, x: g * F.cos(x),
            sym=lambda S, p, x: S.sin(x),
            formula="∂/∂x = grad · cos(x)", fast=np.sin)
COS = defop("cos", "CosBackward0", lambda p, x: np.cos(x), lambda F, g, y, p, x: -g * F.sin(x),
            sym=lambda S, p, x: S.cos(x),
            formula="∂/∂x = -grad · sin(x)", fast=np.cos)
TAN = defop("tan", "TanBackward0", lambda p, x: np.tan(x), lambda F, g, y, p, x: g * (1.0 + y * y),
            sym=lambda S, p, x: S.tan(x),
            formula="∂/∂x = grad · (1 + tan²(x))", save_out=True, fast=np.tan, reads=((),))
ASIN = defop("asin", "AsinBackward0", lambda p, x: np.arcsin(x),       # PyTorch: grad · rsqrt(1 - x²)
             lambda F, g, y, p, x: g * F.rsqrt(-x * x + 1.0),
             sym=lambda S, p, x: S.asin(x),
             formula="∂/∂x = grad / sqrt(1 - x²)",
             fast=np.arcsin)
ACOS = defop("acos", "AcosBackward0", lambda p, x: np.arccos(x),
             lambda F, g, y, p, x: g * -F.rsqrt(-x * x + 1.0),
             sym=lambda S, p, x: S.acos(x),
             formula="∂/∂x = -grad / sqrt(1 - x²)",
             fast=np.arccos)
ATAN = defop("atan", "AtanBackward0", lambda p, x: np.arctan(x),
             lambda F, g, y, p, x: g / (1.0 + x * x),
             sym=lambda S, p, x: S.atan(x),
             formula="∂/∂x = grad / (1 + x²)", fast=np.arctan)
SINH = defop("sinh", "SinhBackward0", lambda p, x: torch_sinh(x), lambda F, g, y, p, x: g * F.cosh(x),
             sym=lambda S, p, x: S.sinh(x),
             formula="∂/∂x = grad · cosh(x)", fast=torch_sinh)
COSH = defop("cosh", "CoshBackward0", lambda p, x: torch_cosh(x), lambda F, g, y, p, x: g * F.sinh(x),
             sym=lambda S, p, x: S.cosh(x),
             formula="∂/∂x = grad · sinh(x)", fast=torch_cosh)
TANH = defop("tanh", "TanhBackward0", lambda p, x: torch_tanh(x), lambda F, g, y, p, x: F.tanh_backward(g, y),
             sym=lambda S, p, x: S.tanh(x),
             formula="∂/∂x = grad · (1 - tanh²(x))", save_out=True, fast=torch_tanh,
             reads=((),))
SIGMOID = defop("sigmoid", "SigmoidBackward0", lambda p, x: _sigmoid(x),
                lambda F, g, y, p, x: F.sigmoid_backward(g, y),
                sym=lambda S, p, x: S.sigmoid(x),
                formula="∂/∂x = grad · σ(x) · (1 - σ(x))", save_out=True, reads=((),))
RELU = defop("relu", "ReluBackward0", lambda p, x: np.maximum(x, 0.0),
             lambda F, g, y, p, x: F.threshold_backward(g, y),
             sym=lambda S, p, x: S.relu(x),
             formula="∂/∂x = grad · [x > 0]   (0 at x = 0)", save_out=True, reads=((),),
             kink=_at_zero("relu at 0", "relu'(0) is taken as 0 (PyTorch's convention)"))
SOFTPLUS = defop("softplus", "SoftplusBackward0", _softplus_forward,
                 lambda F, g, y, p, x: F.softplus_backward(g, x),
                 sym=lambda S, p, x: S.softplus(x),
                 formula="∂/∂x = grad · σ(x)")
ABS = defop("abs", "AbsBackward0", lambda p, x: np.abs(x), lambda F, g, y, p, x: g * F.sign(x),
            sym=lambda S, p, x: S.abs(x),
            formula="∂/∂x = grad · sign(x)   (0 at x = 0)", fast=np.abs,
            kink=_at_zero("abs at 0", "abs'(0) is taken as 0 (PyTorch's convention)"))


def _piecewise_constant(name, node, fn):
    """sign, floor, ceil, round: constant between jumps, so the gradient is 0 (§8)."""
    return defop(name, node, lambda p, x: fn(x), lambda F, g, y, p, x: F.zeros_like(x),
                 sym=lambda S, p, x: getattr(S, name)(x), formula="∂/∂x = 0", fast=fn)


SIGN = _piecewise_constant("sign", "SignBackward0", np.sign)
FLOOR = _piecewise_constant("floor", "FloorBackward0", np.floor)
CEIL = _piecewise_constant("ceil", "CeilBackward0", np.ceil)
ROUND = _piecewise_constant("round", "RoundBackward0", np.round)
CLAMP = defop("clamp", "ClampBackward1",
              lambda p, x: np.clip(x, -np.inf if p[0] is None else p[0], np.inf if p[1] is None else p[1]),
              lambda F, g, y, p, x: F.where(((x >= p[0]) if p[0] is not None else True)
                                            & ((x <= p[1]) if p[1] is not None else True), g, 0.0),
              sym=lambda S, p, x: S.clamp(x, *p),
              formula="∂/∂x = grad where min ≤ x ≤ max (bounds included), else 0", kink=_clamp_kink)
CLAMP_MIN = CLAMP.renamed("ClampMinBackward0")   # t.clamp_min(eps) (F.normalize)

# ----- not differentiable: comparisons and logic -----
LT = nondiff("lt", lambda p, a, b: a < b, lambda S, p, a, b: S.lt(a, b))
LE = nondiff("le", lambda p, a, b: a <= b, lambda S, p, a, b: S.le(a, b))
GT = nondiff("gt", lambda p, a, b: a > b, lambda S, p, a, b: S.gt(a, b))
GE = nondiff("ge", lambda p, a, b: a >= b, lambda S, p, a, b: S.ge(a, b))
EQ = nondiff("eq", lambda p, a, b: a == b, lambda S, p, a, b: S.eq(a, b))
NE = nondiff("ne", lambda p, a, b: a != b, lambda S, p, a, b: S.ne(a, b))
AND = nondiff("logical_and", lambda p, a, b: np.logical_and(a, b), lambda S, p, a, b: S.logical_and(a, b))
OR = nondiff("logical_or", lambda p, a, b: np.logical_or(a, b), lambda S, p, a, b: S.logical_or(a, b))
NOT = nondiff("logical_not", lambda p, x: np.logical_not(x), lambda S, p, x: S.logical_not(x))
ISNAN = nondiff("isnan", lambda p, x: np.isnan(x))
ISINF = nondiff("isinf", lambda p, x: np.isinf(x))

__all__ = [n for n, v in list(globals().items()) if isinstance(v, Op)]
