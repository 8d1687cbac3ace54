"""Arithmetic, the elementwise functions and the comparisons: one table entry each (ops/arith.py)."""
from __future__ import annotations

import builtins

from ..fast import binary_fn, unary_fn
from ..ops import (ABS, ACOS, ADD, AND, ASIN, ATAN, CEIL, CLAMP, CLONE, COS, COSH, DIV, EQ, ERF,
                  EXP, FLOOR, GE, GT, ISINF, ISNAN, LE, LOG, LOG1P, LT, MATMUL, MAXIMUM, MINIMUM,
                  MOD, MOD1, MUL, NE, NEG, NOT, OR, POW, POW1, POW2, RECIPROCAL, RELU, ROUND,
                  SIGMOID, SIGN, SIN, SINH, SOFTPLUS, SQRT, SUB, TAN, TANH, WHERE)
from ..tensor import F64, Tensor, apply, as_int, as_tensor, const


# ----- arithmetic -----

add, sub, mul, div = (binary_fn(ADD), binary_fn(SUB), binary_fn(MUL),
                      binary_fn(DIV))
_pow0, _pow1, _pow2 = binary_fn(POW), binary_fn(POW1), binary_fn(POW2)
_mm = binary_fn(MATMUL)


def _grad_tensor(v):
    return type(v) is Tensor and v.requires_grad


def pow(a, b):  # noqa: A001 (the language's name)
    # PyTorch's node names: t ** 2 PowBackward0, t ** u PowBackward1, 2 ** t PowBackward2
    # (every number is a tensor here: one that does not require grad counts as a number)
    if not _grad_tensor(b):
        return _pow0(a, b)
    return (_pow1 if _grad_tensor(a) else _pow2)(a, b)


def mod(a, b):
    # t % 2 is RemainderBackward0, t % u RemainderBackward1 (as pow names them)
    return apply(MOD1 if _grad_tensor(b) else MOD, (as_tensor(a), as_tensor(b)))


neg = unary_fn(NEG)
clone = unary_fn(CLONE)
_reciprocal = unary_fn(RECIPROCAL)


def rdiv_number(number, x):
    """`2 / t` for a plain number: PyTorch computes reciprocal(t) · 2 (so 3 / 10 is
    0.30000000000000004, and the node is MulBackward0 over ReciprocalBackward0)."""
    return mul(_reciprocal(x), number)


def maximum(a, b):
    return apply(MAXIMUM, (as_tensor(a), as_tensor(b)))


def minimum(a, b):
    return apply(MINIMUM, (as_tensor(a), as_tensor(b)))


def where(cond, a, b):
    c = as_tensor(cond)
    if c.data.dtype is F64:
        c = const(c.data != 0)
    return apply(WHERE, (c, as_tensor(a), as_tensor(b)))


def _unary(op):
    f = unary_fn(op)
    f.__doc__ = f"Elementwise {op.name}. Gradient: {op.formulas[0] if op.formulas else 'none'}."
    return f


exp, log, log1p, sqrt = _unary(EXP), _unary(LOG), _unary(LOG1P), _unary(SQRT)
sin, cos, tan = _unary(SIN), _unary(COS), _unary(TAN)
asin, acos, atan = _unary(ASIN), _unary(ACOS), _unary(ATAN)
sinh, cosh, tanh = _unary(SINH), _unary(COSH), _unary(TANH)
sigmoid, relu, softplus, abs = _unary(SIGMOID), _unary(RELU), _unary(SOFTPLUS), _unary(ABS)  # noqa: A001,E501
sign, floor, ceil = _unary(SIGN), _unary(FLOOR), _unary(CEIL)
erf = _unary(ERF)


def _nondiff_unary(op):
    # not unary_fn: that records a node whenever the input requires grad, and these have no VJPs
    def f(x):
        return apply(op, (as_tensor(x),))
    f.__name__ = op.name
    return f


isnan, isinf = _nondiff_unary(ISNAN), _nondiff_unary(ISINF)
logical_not = _nondiff_unary(NOT)


def round(x, decimals=0):  # noqa: A001
    if decimals:
        # PyTorch's arithmetic: nearbyint(x * 10^d) / 10^d (for d < 0: nearbyint(x / 10^-d) * 10^-d)
        d = as_int(decimals, "decimals")
        try:
            s = 10.0 ** builtins.abs(d)
        except OverflowError:            # as C's pow: inf (and the result nan, as in PyTorch)
            s = float("inf")
        return div(round(mul(x, s)), s) if d > 0 else mul(round(div(x, s)), s)
    return apply(ROUND, (as_tensor(x),))


def clamp(x, min=None, max=None):  # noqa: A002
    lo = None if min is None else float(as_tensor(min).item())
    hi = None if max is None else float(as_tensor(max).item())
    return apply(CLAMP, (as_tensor(x),), (lo, hi))


# ----- comparisons -----

def _cmp(op):
    def f(a, b):
        return apply(op, (as_tensor(a), as_tensor(b)))
    f.__name__ = op.name
    return f


lt, le, gt, ge, eq, ne = (_cmp(LT), _cmp(LE), _cmp(GT), _cmp(GE),
                          _cmp(EQ), _cmp(NE))
logical_and, logical_or = _cmp(AND), _cmp(OR)
