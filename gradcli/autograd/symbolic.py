"""The SymPy interpretation of the ops table: each op's symbolic form runs on object arrays here.

`Op.sym(S, p, *xs)` computes an op's output as SymPy expressions from its inputs' (numpy object
arrays of SymPy expressions, 0-d for a scalar); `S` is `SymF`, the namespace of primitives below,
as `NumpyF` and `TensorF` are for the VJPs. The forms are the ops' *forward* functions; `--formula`
differentiates them with SymPy (insight/formula.py). At the points where an op is not
differentiable the forms are chosen so that SymPy's derivative follows LANGUAGE.md §8:

- relu is `u·Heaviside(u, 0)`: its derivative is `Heaviside(u, 0)` (0 at 0), once the
  `u·DiracDelta(u)` term is dropped (`symbolic_trace.drop_impulses`: the derivative of a step is 0, as for
  sign, floor, ceil and round);
- abs is `Abs(u)` of real symbols: `sign(u)`, 0 at 0;
- maximum/minimum are `Max`/`Min`: `Heaviside(a - b)` with SymPy's `Heaviside(0) = 1/2`, each
  side half at a tie; clamp is a Piecewise with closed bounds, so the gradient passes at a bound.

Importing this module imports SymPy (about a second): only `--formula` does.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .ops import _count       # the table's own count
from .symbolic_facts import _exp, _known, applied, power, tell_finite

OBJ = np.dtype(object)


def arr(v):
    """A value as a numpy object array (0-d for a scalar)."""
    if type(v) is np.ndarray and v.dtype == OBJ:
        return v
    out = np.empty(np.shape(v), dtype=object)
    if out.ndim:
        out[...] = v
    else:
        out[()] = v[()] if isinstance(v, np.ndarray) else v
    return out


def _bare(a):
    """A 0-d object array as its element: assigned into an object array, a 0-d array would
    become an element itself."""
    return a[()] if a.ndim == 0 else a


def num(v):
    """A float64 or bool as a SymPy number: integers exact, short decimals as fractions
    (`0.1` is 1/10, so `x*0.1` reads `x/10`), pi and e by name, other values as floats."""
    if isinstance(v, (bool, np.bool_)):
        return sp.true if v else sp.false
    v = float(v)
    if v != v:
        return sp.nan
    if v in (math.inf, -math.inf):
        return sp.oo if v > 0 else -sp.oo
    if v == int(v) and abs(v) < 2**53:
        return sp.Integer(int(v))
    if v == math.pi:
        return sp.pi
    if v == math.e:
        return sp.E
    text = repr(v)
    if "e" not in text and len(text.lstrip("-").replace(".", "").lstrip("0")) <= 6:
        return sp.Rational(text)
    return sp.Float(v)


def const(data):
    """Numeric tensor data as an object array of SymPy numbers."""
    a = np.asarray(data)
    out = np.empty(a.shape, dtype=object)
    for i, v in np.ndenumerate(a):
        out[i] = num(v)
    return out


def symbols(name, shape):
    """The symbols of a --wrt NAME of `shape`: `x` (0-d), `x_0, x_1, …` (1-D), `x_0_1` (2-D)."""
    out = np.empty(shape, dtype=object)
    for i in np.ndindex(*shape):
        out[i] = sp.Symbol("_".join([name, *map(str, i)]), real=True)
    return out


def _map(f):
    vf = np.frompyfunc(f, 1, 1)
    return staticmethod(lambda x: arr(vf(arr(x))))


def _map2(f):
    vf = np.frompyfunc(f, 2, 1)
    return staticmethod(lambda a, b: arr(vf(arr(a), arr(b))))


def _tanh(u):
    return _known(applied(sp.tanh)(u), u, finite=True)


def _sigmoid(u):
    return _known(power(_known(1 + _exp(-u), u, finite=True, positive=True), sp.Integer(-1)), u,
                  finite=True, positive=True)


def _softplus(u):
    """log(1 + exp(u)), its argument told positive (log's evaluation asks its sign)."""
    return sp.log(_known(1 + _exp(u), u, finite=True, positive=True))


def _relu(u):
    return u * sp.Heaviside(u, 0)


def _where1(c, a, b):
    if c is sp.true or c is True or c is np.True_:
        return a
    if c is sp.false or c is False or c is np.False_:
        return b
    return sp.Piecewise((a, c), (b, True))


def _clamp1(lo, hi):
    def f(u):
        pieces = []
        if lo is not None:
            pieces.append((lo, u < lo))
        if hi is not None:
            pieces.append((hi, u > hi))
        return sp.Piecewise(*pieces, (u, True)) if pieces else u
    return f


def _rows(x, axes):
    """x with the reduced `axes` moved last and flattened: (kept shape, rows of elements)."""
    x = arr(x)
    axes = tuple(range(x.ndim)) if axes is None else tuple(axes)
    rest = [i for i in range(x.ndim) if i not in axes]
    xt = np.transpose(x, rest + list(axes))
    kept = xt.shape[:len(rest)]
    return kept, xt.reshape(kept + (-1,))


class SymF:
    """The primitives of the symbolic forms, on object arrays of SymPy expressions."""

    arr, num, const = staticmethod(arr), staticmethod(num), staticmethod(const)
    exp, log, sqrt = _map(_exp), _map(sp.log), _map(sp.sqrt)
    sin, cos, tan, asin, acos, atan = (_map(applied(sp.sin)), _map(applied(sp.cos)), _map(sp.tan),
                                       _map(sp.asin),
                                       _map(sp.acos), _map(sp.atan))
    sinh, cosh, tanh, erf = _map(sp.sinh), _map(sp.cosh), _map(_tanh), _map(applied(sp.erf))
    abs, sign, floor, ceil = _map(sp.Abs), _map(sp.sign), _map(sp.floor), _map(sp.ceiling)
    relu = _map(_relu)
    heaviside = _map(lambda u: sp.Heaviside(u, 0))
    maximum, minimum = _map2(sp.Max), _map2(sp.Min)
    lt, le, gt, ge = _map2(sp.Lt), _map2(sp.Le), _map2(sp.Gt), _map2(sp.Ge)
    eq, ne = _map2(sp.Eq), _map2(sp.Ne)
    logical_and, logical_or = _map2(sp.And), _map2(sp.Or)
    logical_not = _map(sp.Not)
    Or, And = staticmethod(sp.Or), staticmethod(sp.And)

    @staticmethod
    def pow(a, b):
        return arr(np.frompyfunc(sp.Pow, 2, 1)(arr(a), arr(b)))

    @staticmethod
    def round(x):
        return arr(np.frompyfunc(lambda u: sp.floor(u + sp.Rational(1, 2)), 1, 1)(arr(x)))

    @staticmethod
    def sigmoid(x):
        return arr(np.frompyfunc(_sigmoid, 1, 1)(arr(x)))

    @staticmethod
    def softplus(x):
        return arr(np.frompyfunc(_softplus, 1, 1)(arr(x)))

    @staticmethod
    def log1p(x):
        return arr(np.frompyfunc(lambda u: sp.log(1 + u), 1, 1)(arr(x)))

    @staticmethod
    def clamp(x, lo, hi):
        lo = None if lo is None else num(lo)
        hi = None if hi is None else num(hi)
        return arr(np.frompyfunc(_clamp1(lo, hi), 1, 1)(arr(x)))

    @staticmethod
    def where(c, a, b):
        c, a, b = np.broadcast_arrays(arr(c), arr(a), arr(b))
        return arr(np.frompyfunc(_where1, 3, 1)(c, a, b))

    @staticmethod
    def mod(a, b):
        return arr(a) - arr(b) * SymF.floor(arr(a) / arr(b))

    # ----- reductions: one Add (or Mul, Max, …) per output element, not a chain of pairs -----
    @staticmethod
    def reduce(f, x, axes, keepdims):
        x = arr(x)
        kept, rows = _rows(x, axes)
        out = np.empty(kept, dtype=object)
        for i in np.ndindex(*kept):
            out[i] = f(*rows[i])
        if keepdims:
            shape = tuple(1 if axes is None or k in axes else s for k, s in enumerate(x.shape))
            out = out.reshape(shape)
        return out

    @staticmethod
    def sum(x, axes=None, keepdims=False):
        return SymF.reduce(sp.Add, x, axes, keepdims)

    @staticmethod
    def count(shape, axes):
        return _count(shape, axes)

    @staticmethod
    def mean(x, axes=None, keepdims=False):
        return SymF.sum(x, axes, keepdims) / SymF.count(np.shape(x), axes)

    @staticmethod
    def prod(x, axes=None, keepdims=False):
        return SymF.reduce(sp.Mul, x, axes, keepdims)

    @staticmethod
    def max(x, axes=None, keepdims=False):
        return SymF.reduce(sp.Max, x, axes, keepdims)

    @staticmethod
    def min(x, axes=None, keepdims=False):
        return SymF.reduce(sp.Min, x, axes, keepdims)

    @staticmethod
    def var(x, axes, keepdims, correction=1.0):
        x = arr(x)
        n = SymF.count(x.shape, axes)
        d = x - SymF.mean(x, axes, True)
        return SymF.sum(d * d, axes, keepdims) / num(n - correction)

    @staticmethod
    def logsumexp(x, axes, keepdims):
        return SymF.log(SymF.sum(SymF.exp(x), axes, keepdims))

    @staticmethod
    def norm(x, order, axes, keepdims):
        x = arr(x)
        if order == 2:
            return SymF.sqrt(SymF.sum(x * x, axes, keepdims))
        if order == 1:
            return SymF.sum(SymF.abs(x), axes, keepdims)
        if order == math.inf:
            return SymF.max(SymF.abs(x), axes, keepdims)
        if order == -math.inf:
            return SymF.min(SymF.abs(x), axes, keepdims)
        if order == 0:
            nonzero = np.frompyfunc(lambda u: sp.Piecewise((1, sp.Ne(u, 0)), (0, True)), 1, 1)
            return SymF.sum(arr(nonzero(x)), axes, keepdims)
        return SymF.pow(SymF.sum(SymF.pow(SymF.abs(x), num(order)), axes, keepdims), num(1.0 / order))

    @staticmethod
    def softmax(x, axis):
        e = SymF.exp(x)
        if axis is None:
            return e / e
        return e / SymF.sum(e, (axis,), True)

    @staticmethod
    def log_softmax(x, axis):
        x = arr(x)
        if axis is None:
            return x - x
        return x - SymF.log(SymF.sum(SymF.exp(x), (axis,), True))

    # ----- shape and linear algebra -----
    @staticmethod
    def scatter(g, shape, idx):
        z = np.empty(shape, dtype=object)
        z[...] = sp.Integer(0)
        np.add.at(z, idx, arr(g))
        return z

    @staticmethod
    def setitem(x, idx, v):
        z = arr(x).copy()
        z[idx] = _bare(arr(v))
        return z

    @staticmethod
    def matmul(a, b):
        return arr(np.matmul(arr(a), arr(b)))

    @staticmethod
    def batched(f, x):
        """f (on a SymPy Matrix) over the leading axes of a stack of square matrices."""
        x = arr(x)
        lead = x.shape[:-2]
        out = None
        for i in np.ndindex(*lead):
            r = f(sp.Matrix(x[i].tolist()))
            r = np.array(r.tolist(), dtype=object) if isinstance(r, sp.MatrixBase) else arr(r)
            if out is None:
                out = np.empty(lead + r.shape, dtype=object)
            out[i] = _bare(r)
        return out

    @staticmethod
    def inv(x):
        return SymF.batched(lambda m: m.inv(), x)

    @staticmethod
    def det(x):
        return SymF.batched(lambda m: m.det(), x)


__all__ = ["SymF", "arr", "num", "const", "symbols", "tell_finite"]
