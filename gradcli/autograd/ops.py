"""THE table of differentiable ops: one entry per op, its forward and one VJP per input side by side.

Each VJP is written once, as `vjp(F, g, y, p, *xs)`: `g` the gradient arriving at the op's output,
`y` the output, `p` the op's parameters, `xs` the inputs, and `F` a namespace of primitives. The
engine runs each VJP in one of two ways:
- numerically, `F = NumpyF` and every value a numpy array: no graph, the cost of plain numpy;
- differentiably (`create_graph=True`), `F = TensorF` and every value a Tensor: the VJP records
  its own graph with the ops of this same table, so gradients of gradients come for free.

Broadcasting is undone by the engine (`Op.broadcast`), nowhere else. The `formula` strings are what
`--explain` shows; `node_name` is PyTorch's name for the backward node.
"""
from __future__ import annotations

import math
import operator

import numpy as np

from ..errors import GIndexError, GradcliError, GTypeError, GValueError, ShapeError
from .tensor import F64, Tensor, apply, as_tensor, const, fmt_shape, to_data


class Op:
    """One differentiable (or not: `vjps=None`) operation."""

    __slots__ = ("name", "node_name", "forward", "vjps", "formulas", "save_out", "broadcast", "fast",
                 "reads", "drop", "sym")

    def __init__(self, name, node_name, forward, vjps, formulas=(), save_out=False, broadcast=False,
                 fast=None, reads=None, sym=None):
        # sym(S, p, *xs): the forward as SymPy expressions (S = symbolic.SymF, xs object arrays),
        # what --formula differentiates; None: the op has no symbolic form
        self.sym = sym
        self.fast = fast      # the forward on data alone, when it takes no parameters (a ufunc)
        # reads[i]: the inputs whose values (or shapes) the VJP of input i reads; None: all of them.
        # A node keeps only those (PyTorch's saved variables): an intermediate result no VJP
        # needs is freed as soon as the program drops it, not kept alive by the graph.
        self.reads = reads
        self.drop = _drop_table(vjps, reads)
        self.name = name
        self.node_name = node_name
        self.forward = forward
        self.vjps = vjps
        self.formulas = formulas
        self.save_out = save_out
        self.broadcast = broadcast

    def renamed(self, node_name):
        """The same op under another PyTorch node name (`SumBackward0` vs `SumBackward1`)."""
        return Op(self.name, node_name, self.forward, self.vjps, self.formulas, self.save_out,
                  self.broadcast, self.fast, self.reads, self.sym)

    def error(self, exc, inputs, params):
        """Turn a numpy exception raised by this op's forward into a G error."""
        msg = str(exc)
        shapes = " and ".join(fmt_shape(x.data.shape) for x in inputs)
        if isinstance(exc, GradcliError):
            return exc
        if isinstance(exc, np.exceptions.AxisError):
            return GIndexError(f"{self.name}: {msg}")
        if isinstance(exc, np.linalg.LinAlgError):
            if "singular" in msg.lower():
                return GValueError(f"{self.name}: the matrix is singular")
            return ShapeError(f"{self.name}: {msg} (got shape {shapes})")
        if "broadcast" in msg:
            return ShapeError(f"shapes {shapes} do not broadcast (in {self.name})")
        if "mismatch" in msg or "not aligned" in msg or "core dimension" in msg:
            return ShapeError(f"{self.name}: cannot multiply shapes {shapes}")
        if "reshape" in msg:
            return ShapeError(f"cannot reshape a tensor of shape {shapes} to "
                              f"{fmt_shape(params) if isinstance(params, tuple) else params}")
        if isinstance(exc, IndexError):
            return GIndexError(msg)
        if isinstance(exc, TypeError):
            return GTypeError(f"{self.name}: {msg}")
        return ShapeError(f"{self.name}: {msg} (shapes {shapes})")


def _drop_table(vjps, reads):
    """drop[mask][i]: whether a node may let go of input i when the inputs in bit-mask `mask`
    require grad (bit i: input i), because none of the VJPs that will run reads it."""
    if vjps is None or reads is None:
        return None
    n = len(vjps)
    table = [None]
    for mask in range(1, 1 << n):
        read = set()
        for j in range(n):
            if mask >> j & 1 and vjps[j] is not None:
                read.update(reads[j])
        table.append(tuple(i not in read for i in range(n)))
    return tuple(table)


TABLE: dict[str, Op] = {}


def defop(name, node_name, forward, *vjps, formula=(), save_out=False, broadcast=False, fast=None,
          reads=None, sym=None):
    op = Op(name, node_name, forward, tuple(vjps) if vjps else None,
            (formula,) if isinstance(formula, str) else tuple(formula), save_out, broadcast, fast,
            reads, sym)
    TABLE[name] = op
    return op


def nondiff(name, forward, sym=None):
    """An op with no gradient (comparisons, any/all): recorded nowhere (but --formula reads the
    symbolic forms of comparisons: the tests that chose the run's path)."""
    op = Op(name, name, forward, None, sym=sym)
    TABLE[name] = op
    return op


# ----- helpers used by the VJPs (named, next to the table) -----

def _kept_shape(shape, axes):
    """`shape` with the reduced `axes` kept as size 1 (axes=None: all)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def expand_back(F, g, shape, axes, keepdims):
    """Broadcast a reduction's gradient back over the reduced axes."""
    if not keepdims:
        g = F.reshape(g, _kept_shape(shape, axes))
    return F.broadcast_to(g, shape)


def _count(shape, axes):
    n = 1
    for i, s in enumerate(shape):
        if axes is None or i in axes:
            n *= s
    return n


# Each matmul VJP reads only the other input (so a node need not keep the input it
# differentiates): which of the two was a vector shows in the output's ndim, g.ndim.

def _matmul_vjp_a(F, g, y, p, a, b):
    if b.ndim == 1:                       # a @ vector: g.ndim is a.ndim - 1
        return g * b if g.ndim == 0 else F.unsqueeze(g, -1) * b
    if g.ndim < b.ndim:                   # vector @ b
        return F.squeeze(F.matmul(b, F.unsqueeze(g, -1)), -1)
    return F.matmul(g, F.mT(b))


def _matmul_vjp_b(F, g, y, p, a, b):
    if a.ndim == 1:                       # vector @ b: g.ndim is b.ndim - 1
        return g * a if g.ndim == 0 else F.unsqueeze(a, -1) * F.unsqueeze(g, -2)
    if g.ndim < a.ndim:                   # a @ vector: PyTorch's mv backward, aᵀ.mv(grad)
        return F.matmul(F.mT(a), g) if a.ndim == 2 else F.squeeze(F.matmul(F.mT(a), F.unsqueeze(g, -1)), -1)
    return F.matmul(F.mT(a), g)


def torch_pow(a, b):
    """a ** b as PyTorch computes it for a number exponent: x*x*x for 3, 1/(x*x) for -2 and
    1/sqrt(x) for -0.5 (numpy calls libm's pow there, which rounds differently)."""
    if type(b) is np.float64 or type(b) is float:
        if b == 3.0:
            return a * a * a
        if b == -2.0:
            return 1.0 / (a * a)
        if b == -0.5:
            return 1.0 / np.sqrt(a)
    return a ** b


# tanh, sinh, cosh with PyTorch's last digits, up to _SMALL elements (above: numpy's SIMD, within
# an ulp, for speed). PyTorch computes tanh with MKL, which rounds it correctly nearly always (98%
# of random inputs; numpy's tanh 80%): here in extended precision, rounded once. sinh and cosh run
# in PyTorch's vectorized loop, 16 at a time (correctly rounded, here in extended precision), and
# the last n % 16 elements by the C library (math.sinh, math.cosh).
_SMALL = 64


def torch_tanh(x, _nd=np.ndarray, _tanh=np.tanh):
    if type(x) is _nd and x.size > _SMALL:
        return _tanh(x)
    r = np.tanh(np.asarray(x, dtype=np.longdouble)).astype(np.float64)
    return r if r.ndim else r[()]


def _blocks_and_tail(np_f, libm_f, overflow):
    def f(x, _nd=np.ndarray):
        if type(x) is _nd and x.size > _SMALL:
            return np_f(x)
        flat = np.asarray(x, dtype=np.float64).ravel()
        k = flat.size - flat.size % 16
        out = np.empty(flat.size)
        out[:k] = np_f(flat[:k].astype(np.longdouble))
        for i in range(k, flat.size):
            try:
                out[i] = libm_f(flat[i])
            except OverflowError:          # the C library returns inf where Python raises
                out[i] = overflow(flat[i])
        out = out.reshape(np.shape(x))
        return out if out.ndim else out[()]
    return f


torch_sinh = _blocks_and_tail(np.sinh, math.sinh, lambda v: math.copysign(math.inf, v))
torch_cosh = _blocks_and_tail(np.cosh, math.cosh, lambda v: math.inf)


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


def _norm_forward(p, x):
    order, axes, keepdims = p
    a = np.abs(x)
    if order == 2:
        return np.sqrt(np.sum(x * x, axis=axes, keepdims=keepdims))
    if order == 1:
        return np.sum(a, axis=axes, keepdims=keepdims)
    if order == np.inf:
        return np.max(a, axis=axes, keepdims=keepdims)
    if order == -np.inf:
        return np.min(a, axis=axes, keepdims=keepdims)
    if order == 0:
        return np.sum(x != 0, axis=axes, keepdims=keepdims).astype(np.float64)
    return np.sum(a ** order, axis=axes, keepdims=keepdims) ** (1.0 / order)


def _norm_vjp(F, g, y, p, x):
    """PyTorch's norm_backward, order of operations included."""
    order, axes, keepdims = p
    ge = expand_back(F, g, x.shape, axes, keepdims)
    ye = expand_back(F, y, x.shape, axes, keepdims)
    if order == 2:       # x / |x|, and 0 at the zero vector (PyTorch's convention)
        return ge * F.where(ye == 0, 0.0, x / ye)
    if order == 1:
        return F.sign(x) * ge
    if order in (np.inf, -np.inf):
        mask = F.abs(x) == ye
        return F.sign(x) * ((ge / F.sum(mask, axes, True)) * mask)
    if order == 0:
        return F.zeros_like(x)
    if order < 1:        # the slope at 0 is infinite, and PyTorch takes 0 there
        sx = F.sign(x) * F.where(x == 0, 0.0, F.pow(F.abs(x), order - 1.0))
        return sx * ge * F.pow(ye, 1.0 - order)
    # sign(x)·|x|^(p-1), not x·|x|^(p-2), below 2: that is nan at x = 0
    sx = F.sign(x) * F.pow(F.abs(x), order - 1.0) if order < 2 else x * F.pow(F.abs(x), order - 2.0)
    return sx * F.where(ye == 0, 0.0, ge / F.pow(ye, order - 1.0))


def _extreme_vjp(F, g, y, p, x):
    """max/min reductions: ties share the gradient equally."""
    axes, keepdims = p
    mask = x == expand_back(F, y, x.shape, axes, keepdims)
    return expand_back(F, g, x.shape, axes, keepdims) * mask / F.sum(mask, axes, True)


def _var_forward(p, x):
    axes, keepdims = p[0], p[1]
    c = p[2] if len(p) > 2 else 1.0     # p = (axes, keepdims[, correction]): unbiased=False is 0
    n = _count(x.shape, axes)
    m = np.mean(x, axis=axes, keepdims=True)
    d = x - m
    # As PyTorch (and numpy): the divisor is never negative, so fewer elements than the
    # correction give 0/0 = nan (an empty var is nan, not -0).
    return np.sum(d * d, axis=axes, keepdims=keepdims) / max(n - c, 0)


def _var_vjp(F, g, y, p, x):
    axes, keepdims = p[0], p[1]
    c = p[2] if len(p) > 2 else 1.0
    n = _count(x.shape, axes)
    return expand_back(F, g, x.shape, axes, keepdims) * (np.float64(2.0) / max(n - c, 0)) * (x - F.mean(x, axes, True))


def _std_vjp(F, g, y, p, x):
    gy = F.where(y == 0, 0.0, g / (2.0 * y))   # 0 where the std is 0, as PyTorch
    return _var_vjp(F, gy, None, p, x)


def _logsumexp_forward(p, x):
    axes, keepdims = p
    if x.size == 0:
        return np.log(np.sum(np.exp(x), axis=axes, keepdims=keepdims))
    m = np.max(x, axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    r = np.log(np.sum(np.exp(x - m), axis=axes, keepdims=True)) + m
    return r if keepdims else np.squeeze(r, axis=axes)


def _softmax_forward(p, x):
    if x.size == 0:                 # nothing to normalise: empty, as PyTorch (max has no identity)
        return x.copy()
    e = np.exp(x - np.max(x, axis=p, keepdims=True))
    return e / np.sum(e, axis=p, keepdims=True)


def _log_softmax_forward(p, x):
    if x.size == 0:
        return x.copy()
    s = x - np.max(x, axis=p, keepdims=True)
    return s - np.log(np.sum(np.exp(s), axis=p, keepdims=True))


def _softplus_forward(p, x):
    return np.where(x > 20.0, x, np.log1p(np.exp(np.minimum(x, 20.0))))  # PyTorch's threshold 20


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))   # PyTorch's formula, to the last digit; exp overflow gives 0


def _prod_others_np(x, axes):
    """For each element, the product of all the others along `axes` — exact with zeros."""
    if axes is None:
        axes = tuple(range(x.ndim))
    if x.ndim == 0:
        return np.ones_like(x)
    rest = [i for i in range(x.ndim) if i not in axes]
    perm = rest + list(axes)
    xt = np.transpose(x, perm)
    lead = xt.shape[:len(rest)]
    flat = xt.reshape(lead + (-1,))
    ones = np.ones(lead + (1,))
    left = np.concatenate([ones, np.cumprod(flat, axis=-1)[..., :-1]], axis=-1)
    right = np.concatenate([np.cumprod(flat[..., ::-1], axis=-1)[..., -2::-1], ones], axis=-1)
    return np.transpose((left * right).reshape(xt.shape), np.argsort(perm))


def _prod_others_t(x, axes):
    """The same, with differentiable ops (for create_graph): O(n^2) but only for small tensors."""
    if axes is None:
        axes = tuple(range(x.ndim))
    if x.ndim == 0:
        return ones_like(x)
    rest = [i for i in range(x.ndim) if i not in axes]
    perm = tuple(rest + list(axes))
    xt = permute(x, perm)
    lead = xt.shape[:len(rest)]
    flat = reshape(xt, lead + (-1,))
    n = flat.shape[-1]
    eye_mask = const(np.eye(n, dtype=bool))
    rows = where(eye_mask, 1.0, unsqueeze(flat, -2))           # (..., n, n), the i-th row without x_i
    others = prod(rows, axis=-1)
    return permute(reshape(others, xt.shape), tuple(np.argsort(perm)))


def _prod_vjp(F, g, y, p, x):
    """grad · prod / x without zeros (PyTorch's prod_backward); the exact products of the
    others where an element is 0."""
    axes, keepdims = p
    ge = expand_back(F, g, x.shape, axes, keepdims)
    if not np.any((x.data if isinstance(x, Tensor) else x) == 0):
        return ge * (expand_back(F, y, x.shape, axes, keepdims) / x)
    return ge * F.prod_others(x, axes)


def _scatter_np(p, g):
    shape, idx = p
    z = np.zeros(shape)
    np.add.at(z, idx, g)
    return z


def _setitem_np(p, x, v):
    z = np.array(x, dtype=np.float64, copy=True)
    z[p] = v
    return z


def _cofactor_np(x):
    """d det(X) / dX = det(X)·X⁻ᵀ, also for singular X: U·diag(∏ⱼ≠ᵢ sⱼ)·Vᴴ·det(U)·det(Vᴴ) (SVD)."""
    u, s, vh = np.linalg.svd(x)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * ((u * _prod_others_np(s, (s.ndim - 1,))[..., None, :]) @ vh)


def _fma_np(a, b, c):
    """a*b + c rounded once (the FMA of LAPACK's kernels), by error-free transformations."""
    p = a * b
    t = 134217729.0 * a
    ah = t - (t - a)
    t = 134217729.0 * b
    bh = t - (t - b)
    e = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)   # a*b == p + e
    s = p + c
    v = s - p
    r = s + (((p - (s - v)) + (c - v)) + e)                                       # p + c == s + (…)
    return np.where(np.isfinite(r), r, p + c)


def _lu_np(x):
    """LU with partial pivoting of the transposes of x (..., n, n), as torch.linalg.det factors a
    row-major matrix, with the rounding of PyTorch's LAPACK (MKL): FMA updates, the pivot column
    scaled by the reciprocal (divided when one row is left and n <= 4). Digit for digit with
    PyTorch on random matrices, so det([[2, 1], [1, 3]]) is 5, not numpy's 5.000000000000001.
    Returns (LU (B, n, n), pivots (B, n), sign (B,))."""
    n = x.shape[-1]
    a = np.array(np.swapaxes(x, -1, -2), dtype=np.float64).reshape(-1, n, n)
    rows = np.arange(a.shape[0])
    sign = np.ones(a.shape[0])
    pivots = np.zeros((a.shape[0], n), dtype=np.intp)
    for k in range(n):
        p = k + np.argmax(np.abs(a[:, k:, k]), axis=-1)
        pivots[:, k] = p
        top = a[rows, k].copy()
        a[rows, k] = a[rows, p]
        a[rows, p] = top
        sign = np.where(p != k, -sign, sign)
        if k == n - 1:
            break
        piv = a[:, k, k][:, None]
        col = a[:, k + 1:, k]
        scaled = col * (1.0 / piv) if (n - k > 2 or n >= 5) else col / piv
        a[:, k + 1:, k] = np.where(piv != 0, scaled, col)
        a[:, k + 1:, k + 1:] = _fma_np(-a[:, k + 1:, k][:, :, None], a[:, k, k + 1:][:, None, :],
                                      a[:, k + 1:, k + 1:])
    return a, pivots, sign


# The emulated LU runs a Python loop over columns: digit for digit with PyTorch, but for large
# matrices far slower than LAPACK (500x500: seconds instead of milliseconds). Above this size,
# numpy's LAPACK (equal to about 1e-15 relative).
_EXACT_LU_MAX = 16


def _det_np(x):
    """det(x) as PyTorch computes it: sign · ∏ diag(LU), the product taken left to right."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] == 0 or x.size == 0 or x.shape[-1] > _EXACT_LU_MAX:
        return np.linalg.det(x)
    lu, _, sign = _lu_np(x)
    d = np.ones(lu.shape[0])
    for i in range(lu.shape[-1]):
        d = d * lu[:, i, i]
    return (sign * d).reshape(x.shape[:-2])


def _det_grad_np(x, gd):
    """gd·X⁻ᵀ (gd = grad·det, X nonsingular) solved with X's LU, as PyTorch's lu_solve does."""
    n = x.shape[-1]
    lu, pivots, _ = _lu_np(x)
    b = np.broadcast_to(np.reshape(gd, (-1, 1, 1)), lu.shape) * np.eye(n)
    rows = np.arange(lu.shape[0])
    for k in range(n):
        p = pivots[:, k]
        top = b[rows, k].copy()
        b[rows, k] = b[rows, p]
        b[rows, p] = top
    for k in range(n - 1):
        b[:, k + 1:] = _fma_np(-b[:, k:k + 1], lu[:, k + 1:, k:k + 1], b[:, k + 1:])
    for k in range(n - 1, -1, -1):
        b[:, k] = b[:, k] * (1.0 / lu[:, k, k:k + 1])
        b[:, :k] = _fma_np(-b[:, k:k + 1], lu[:, :k, k:k + 1], b[:, :k])
    return b.reshape(x.shape)


def _det_vjp(F, g, y, p, x):
    yd = y.data if isinstance(y, Tensor) else y
    if np.all(yd != 0) and not isinstance(x, Tensor) and x.size and x.shape[-1] <= _EXACT_LU_MAX:
        return _det_grad_np(x, g * y)
    if np.all(yd != 0):
        return F.unsqueeze(F.unsqueeze(g * y, -1), -1) * F.mT(F.inv(x))
    # a singular matrix has no inverse but a gradient all the same (a constant here: no 2nd order)
    cof = _cofactor_np(x.data if isinstance(x, Tensor) else x)
    return F.unsqueeze(F.unsqueeze(g, -1), -1) * (const(cof) if isinstance(x, Tensor) else cof)


def _inv_forward(p, x):
    return np.linalg.inv(x)


def _stack_vjp(i):
    return lambda F, g, y, p, *xs: F.getitem(g, (slice(None),) * p + (i,))


def _cat_vjp(i):
    def vjp(F, g, y, p, *xs):
        start = sum(x.shape[p] for x in xs[:i])
        return F.getitem(g, (slice(None),) * p + (slice(start, start + xs[i].shape[p]),))
    return vjp


# ----- arithmetic (broadcasting) -----
ADD = defop("add", "AddBackward0", lambda p, a, b: a + b,
            lambda F, g, y, p, a, b: g, lambda F, g, y, p, a, b: g,
            sym=lambda S, p, a, b: a + b,
            formula=("∂/∂a = grad", "∂/∂b = grad"), broadcast=True, fast=operator.add,
            reads=((), ()))
SUB = defop("sub", "SubBackward0", lambda p, a, b: a - b,
            lambda F, g, y, p, a, b: g, lambda F, g, y, p, a, b: -g,
            sym=lambda S, p, a, b: a - b,
            formula=("∂/∂a = grad", "∂/∂b = -grad"), broadcast=True, fast=operator.sub,
            reads=((), ()))
RSUB = SUB.renamed("RsubBackward1")
MUL = defop("mul", "MulBackward0", lambda p, a, b: a * b,
            lambda F, g, y, p, a, b: g * b, lambda F, g, y, p, a, b: g * a,
            sym=lambda S, p, a, b: a * b,
            formula=("∂/∂a = grad · b", "∂/∂b = grad · a"), broadcast=True, fast=operator.mul,
            reads=((1,), (0,)))
DIV = defop("div", "DivBackward0", lambda p, a, b: a / b,
            lambda F, g, y, p, a, b: g / b, lambda F, g, y, p, a, b: -g * ((a / b) / b),
            sym=lambda S, p, a, b: a / b,
            formula=("∂/∂a = grad / b", "∂/∂b = -grad · a / b²"), broadcast=True, fast=operator.truediv,
            reads=((1,), (0, 1)))
DIV1 = DIV.renamed("DivBackward1")   # t / number inside PyTorch's C++ (cross_entropy of probabilities)
POW = defop("pow", "PowBackward0", lambda p, a, b: torch_pow(a, b), _pow_vjp_a, _pow_vjp_b,
            sym=lambda S, p, a, b: S.pow(a, b),
            formula=("∂/∂a = grad · b · a^(b-1)", "∂/∂b = grad · a^b · log(a)"), broadcast=True,
            fast=torch_pow)
POW1 = defop("pow1", "PowBackward1", lambda p, a, b: a ** b, _pow1_vjp_a, _pow_vjp_b,   # t ** t
             sym=lambda S, p, a, b: S.pow(a, b),
             formula=POW.formulas, broadcast=True, fast=operator.pow, save_out=True)
POW2 = POW1.renamed("PowBackward2")   # number ** tensor
MOD = defop("mod", "RemainderBackward0", lambda p, a, b: np.mod(a, b),
            lambda F, g, y, p, a, b: g, lambda F, g, y, p, a, b: -g * F.floor(a / b),
            sym=lambda S, p, a, b: S.mod(a, b),
            formula=("∂/∂a = grad", "∂/∂b = -grad · floor(a / b)"), broadcast=True, fast=np.mod)
MOD1 = MOD.renamed("RemainderBackward1")   # tensor % tensor
CLONE = defop("clone", "CloneBackward0", lambda p, x: x,   # values never change: no copy needed
              lambda F, g, y, p, x: g,
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
                broadcast=True, fast=np.maximum)
MINIMUM = defop("minimum", "MinimumBackward0", lambda p, a, b: np.minimum(a, b),
                lambda F, g, y, p, a, b: F.where(a < b, g, F.where(a == b, 0.5 * g, 0.0)),
                lambda F, g, y, p, a, b: F.where(b < a, g, F.where(a == b, 0.5 * g, 0.0)),
                sym=lambda S, p, a, b: S.minimum(a, b),
                formula=("∂/∂a = grad · [a < b] (½ at a tie)", "∂/∂b = grad · [b < a] (½ at a tie)"),
                broadcast=True, fast=np.minimum)
WHERE = defop("where", "WhereBackward0", lambda p, c, a, b: np.where(c, a, b),
              None,
              lambda F, g, y, p, c, a, b: F.where(c, g, 0.0),
              lambda F, g, y, p, c, a, b: F.where(c, 0.0, g),
              sym=lambda S, p, c, a, b: S.where(c, a, b),
              formula=("", "∂/∂a = grad where cond, else 0", "∂/∂b = grad where not cond, else 0"),
              broadcast=True)

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
             reads=((),))
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
             formula="∂/∂x = grad · [x > 0]   (0 at x = 0)", save_out=True, reads=((),))
SOFTPLUS = defop("softplus", "SoftplusBackward0", _softplus_forward,
                 lambda F, g, y, p, x: F.softplus_backward(g, x),
                 sym=lambda S, p, x: S.softplus(x),
                 formula="∂/∂x = grad · σ(x)")
ABS = defop("abs", "AbsBackward0", lambda p, x: np.abs(x), lambda F, g, y, p, x: g * F.sign(x),
            sym=lambda S, p, x: S.abs(x),
            formula="∂/∂x = grad · sign(x)   (0 at x = 0)", fast=np.abs)
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
              formula="∂/∂x = grad where min ≤ x ≤ max (bounds included), else 0")
CLAMP_MIN = CLAMP.renamed("ClampMinBackward0")   # t.clamp_min(eps) (F.normalize)

# ----- reductions: p = (axes or None, keepdims) -----
SUM = defop("sum", "SumBackward1", lambda p, x: torch_sum(x, p[0], p[1]),
            lambda F, g, y, p, x: expand_back(F, g, x.shape, *p),
            sym=lambda S, p, x: S.sum(x, *p),
            formula="∂/∂xᵢ = grad")
SUM0 = SUM.renamed("SumBackward0")
MEAN = defop("mean", "MeanBackward1", lambda p, x: torch_mean(x, p[0], p[1]),
             lambda F, g, y, p, x: expand_back(F, g, x.shape, *p) / _count(x.shape, p[0]),
             sym=lambda S, p, x: S.mean(x, *p),
             formula="∂/∂xᵢ = grad / n")
MEAN0 = MEAN.renamed("MeanBackward0")
PROD = defop("prod", "ProdBackward1", lambda p, x: np.prod(x, axis=p[0], keepdims=p[1]), _prod_vjp,
             sym=lambda S, p, x: S.prod(x, *p),
             formula="∂/∂xᵢ = grad · ∏ⱼ≠ᵢ xⱼ", save_out=True)
PROD0 = PROD.renamed("ProdBackward0")
MAX = defop("max", "MaxBackward0", lambda p, x: np.max(x, axis=p[0], keepdims=p[1]), _extreme_vjp,
            sym=lambda S, p, x: S.max(x, *p),
            formula="∂/∂xᵢ = grad where xᵢ is the max (shared equally by ties)", save_out=True)
MAX1 = MAX.renamed("MaxBackward1")
AMAX = MAX.renamed("AmaxBackward0")   # several axes (torch.amax)
MIN = defop("min", "MinBackward0", lambda p, x: np.min(x, axis=p[0], keepdims=p[1]), _extreme_vjp,
            sym=lambda S, p, x: S.min(x, *p),
            formula="∂/∂xᵢ = grad where xᵢ is the min (shared equally by ties)", save_out=True)
MIN1 = MIN.renamed("MinBackward1")
AMIN = MIN.renamed("AminBackward0")
VAR = defop("var", "VarBackward0", _var_forward, _var_vjp,
            sym=lambda S, p, x: S.var(x, *p),
            formula="∂/∂xᵢ = grad · 2(xᵢ - mean) / (n - 1)")
STD = defop("std", "StdBackward0", lambda p, x: np.sqrt(_var_forward(p, x)), _std_vjp,
            sym=lambda S, p, x: S.sqrt(S.var(x, *p)),
            formula="∂/∂xᵢ = grad · (xᵢ - mean) / ((n - 1) · std)", save_out=True)
LOGSUMEXP = defop("logsumexp", "LogsumexpBackward0", _logsumexp_forward,
                  lambda F, g, y, p, x: expand_back(F, g, x.shape, *p)
                  * F.exp(x - expand_back(F, y, x.shape, *p)),
                  sym=lambda S, p, x: S.logsumexp(x, *p),
                  formula="∂/∂xᵢ = grad · exp(xᵢ - logsumexp(x))", save_out=True)
NORM = defop("norm", "LinalgVectorNormBackward0", _norm_forward, _norm_vjp,
             sym=lambda S, p, x: S.norm(x, *p),
             formula="∂/∂xᵢ = grad · xᵢ / ‖x‖   (0 at the zero vector)", save_out=True)
SOFTMAX = defop("softmax", "SoftmaxBackward0", _softmax_forward,
                lambda F, g, y, p, x: F.softmax_backward(g, y, p),
                sym=lambda S, p, x: S.softmax(x, p),
                formula="∂/∂xᵢ = yᵢ · (gradᵢ - Σⱼ gradⱼ yⱼ)", save_out=True, reads=((),))
LOG_SOFTMAX = defop("log_softmax", "LogSoftmaxBackward0", _log_softmax_forward,
                    lambda F, g, y, p, x: F.log_softmax_backward(g, y, p),
                    sym=lambda S, p, x: S.log_softmax(x, p),
                    formula="∂/∂xᵢ = gradᵢ - softmax(x)ᵢ · Σⱼ gradⱼ", save_out=True, reads=((),))

# ----- the backward functions of activations: ops of their own, as in PyTorch, so a gradient made
# with create_graph=True has PyTorch's grad_fn (TanhBackwardBackward0, …) and its numbers -----

def _tanh_bw(g, y):
    return g * (1.0 - y * y)


def _sigmoid_bw(g, y):
    return g * (1.0 - y) * y


def _threshold_bw(g, y):
    return np.where(y <= 0, 0.0, g)


def _softplus_bw(g, x):
    z = np.exp(x)
    return np.where(x > 20.0, g, g * z / (z + 1.0))


def _softmax_bw(g, y, dim):
    return y * (g - np.sum(g * y, axis=dim, keepdims=True))


def _log_softmax_bw(g, y, dim):
    return g - np.exp(y) * np.sum(g, axis=dim, keepdims=True)


TANH_BACKWARD = defop("tanh_backward", "TanhBackwardBackward0", lambda p, g, y: _tanh_bw(g, y),
                      lambda F, G, _, p, g, y: F.tanh_backward(G, y),
                      lambda F, G, _, p, g, y: G * (-2.0 * y * g),
                      sym=lambda S, p, g, y: g * (1 - y * y),
                      formula=("∂/∂grad = grad' · (1 - y²)", "∂/∂y = -2 · grad' · grad · y"))
SIGMOID_BACKWARD = defop("sigmoid_backward", "SigmoidBackwardBackward0", lambda p, g, y: _sigmoid_bw(g, y),
                         lambda F, G, _, p, g, y: F.sigmoid_backward(G, y),
                         lambda F, G, _, p, g, y: G * g * (-2.0 * y + 1.0),
                         sym=lambda S, p, g, y: g * (1 - y) * y,
                         formula=("∂/∂grad = grad' · (1 - y) · y", "∂/∂y = grad' · grad · (1 - 2y)"))
THRESHOLD_BACKWARD = defop("threshold_backward", "ThresholdBackwardBackward0",
                           lambda p, g, y: _threshold_bw(g, y),
                           lambda F, G, _, p, g, y: F.threshold_backward(G, y), None,
                           sym=lambda S, p, g, y: g * S.heaviside(y),
                           formula=("∂/∂grad = grad' · [y > 0]", ""))
SOFTPLUS_BACKWARD = defop("softplus_backward", "SoftplusBackwardBackward0", lambda p, g, x: _softplus_bw(g, x),
                          lambda F, G, _, p, g, x: F.softplus_backward(G, x),
                          lambda F, G, _, p, g, x: F.sigmoid_backward(G * g, F.sigmoid(x)) * (x < 20.0),
                          sym=lambda S, p, g, x: g * S.sigmoid(x),
                          formula=("∂/∂grad = grad' · σ(x)", "∂/∂x = grad' · grad · σ(x) · (1 - σ(x))"))
SOFTMAX_BACKWARD = defop("softmax_backward", "SoftmaxBackwardDataBackward0", lambda p, g, y: _softmax_bw(g, y, p),
                         lambda F, G, _, p, g, y: F.softmax_backward(G, y, p),
                         lambda F, G, _, p, g, y: (g * G - F.sum(y * g, p, True) * G
                                                   - g * F.sum(y * G, p, True)),
                         sym=lambda S, p, g, y: y * (g - S.sum(g * y, (p,), True)),
                         formula=("∂/∂grad = y · (grad' - Σ grad' · y)",
                                  "∂/∂y = grad' · (grad - Σ grad · y) - grad · Σ grad' · y"))
LOG_SOFTMAX_BACKWARD = defop("log_softmax_backward", "LogSoftmaxBackwardDataBackward0",
                             lambda p, g, y: _log_softmax_bw(g, y, p),
                             lambda F, G, _, p, g, y: G - F.sum(G * F.exp(y), p, True),
                             lambda F, G, _, p, g, y: -F.sum(g, p, True) * F.exp(y) * G,
                             sym=lambda S, p, g, y: g - S.exp(y) * S.sum(g, (p,), True),
                             formula=("∂/∂grad = grad' - Σ grad' · exp(y)", "∂/∂y = -Σ grad · exp(y) · grad'"))

# ----- torch.nn.functional: losses and activations, with PyTorch's kernels and node names -----
# A loss's parameter p starts with its reduction: 'none' keeps the elementwise losses, 'sum' and
# 'mean' reduce every element, in PyTorch's order (torch_sum, torch_mean). The VJPs follow
# PyTorch's backward formulas (FunctionsManual.cpp), order of operations included: the elementwise
# derivative, times the incoming gradient, times the weight, then divided by the count for 'mean'.

def _reduce(loss, reduction):
    if reduction == "mean":
        return torch_mean(loss)
    if reduction == "sum":
        return torch_sum(loss)
    return loss


def _loss_grad(F, d, g, shape, reduction, w=None):
    """d·grad (·w) (/n for 'mean'): an elementwise derivative `d` times the reduced gradient."""
    if reduction != "none":
        g = F.broadcast_to(g, shape)
    r = d * g
    if w is not None:
        r = r * w
    return r / _count(shape, None) if reduction == "mean" else r


def _shape_of(*xs):
    return np.broadcast_shapes(*[x.shape for x in xs])


def _log_sigmoid(F, x):
    """log σ(x) as PyTorch's kernel computes it: min(x, 0) - log1p(exp(-|x|))."""
    return F.minimum(x, 0.0) - F.log1p(F.exp(-F.abs(x)))


def _bce_logits_forward(p, x, t, w, pw):
    reduction, has_w, has_pw = p
    ls = _log_sigmoid(NumpyF, x)
    if has_pw:
        ls = ls * ((pw - 1.0) * t + 1.0)
    loss = (1.0 - t) * x - ls
    return _reduce(loss * w if has_w else loss, reduction)


def _bce_logits_vjp_x(F, g, y, p, x, t, w, pw):
    reduction, has_w, has_pw = p
    if has_pw:
        pt = pw * t
        d = (pt + 1.0 - t) * F.sigmoid(x) - pt
    else:
        d = F.sigmoid(x) - t
    return _loss_grad(F, d, g, _shape_of(x, t, w, pw), reduction, w if has_w else None)


def _bce_logits_vjp_t(F, g, y, p, x, t, w, pw):
    reduction, has_w, has_pw = p
    d = _log_sigmoid(F, -x) - _log_sigmoid(F, x) * pw if has_pw else -x
    return _loss_grad(F, d, g, _shape_of(x, t, w, pw), reduction, w if has_w else None)


def _bce_forward(p, x, t, w):
    reduction, has_w = p
    if not (np.all((x >= 0) & (x <= 1))):
        raise GValueError("binary_cross_entropy: all elements of input should be between 0 and 1")
    if not (np.all((t >= 0) & (t <= 1))):
        raise GValueError("binary_cross_entropy: all elements of target should be between 0 and 1")
    loss = (t - 1.0) * np.maximum(np.log1p(-x), -100.0) - t * np.maximum(np.log(x), -100.0)
    return _reduce(loss * w if has_w else loss, reduction)


def _bce_vjp_x(F, g, y, p, x, t, w):
    reduction, has_w = p
    d = (x - t) / F.maximum((1.0 - x) * x, 1e-12)
    return _loss_grad(F, d, g, _shape_of(x, t, w), reduction, w if has_w else None)


def _bce_vjp_t(F, g, y, p, x, t, w):
    reduction, has_w = p
    d = -F.log(x / (1.0 - x))                       # -logit(x)
    return _loss_grad(F, d, g, _shape_of(x, t, w), reduction, w if has_w else None)


def _smooth_l1_forward(p, x, t):
    reduction, beta = p
    z = np.abs(x - t)
    return _reduce(np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def _smooth_l1_vjp(sign):
    def vjp(F, g, y, p, x, t):
        reduction, beta = p
        d = x - t
        d = F.where(d < -beta, -1.0, F.where(d > beta, 1.0, d / beta))
        return _loss_grad(F, d if sign > 0 else -d, g, _shape_of(x, t), reduction)
    return vjp


def _huber_forward(p, x, t):
    reduction, delta = p
    z = np.abs(x - t)
    return _reduce(np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)


def _huber_vjp(sign):
    def vjp(F, g, y, p, x, t):
        reduction, delta = p
        d = x - t
        d = F.where(d < -delta, -delta, F.where(d > delta, delta, d))
        return _loss_grad(F, d if sign > 0 else -d, g, _shape_of(x, t), reduction)
    return vjp


def _nll_forward(p, x):
    """p = (reduction, M, class axis, total weight): M holds -weight[target] at each sample's
    target class and 0 elsewhere (ignored samples: 0), so each loss is one product."""
    reduction, m, axis, total = p
    loss = np.sum(np.where(m != 0, m * x, 0.0), axis=axis)    # +0 for an ignored sample
    if reduction == "mean":
        return torch_sum(loss) / total
    return torch_sum(loss) if reduction == "sum" else loss


def _nll_vjp(F, g, y, p, x):
    reduction, m, axis, total = p
    if reduction != "none":
        g = F.broadcast_to(g, np.shape(np.sum(m, axis=axis)))
        if reduction == "mean":
            g = g / total
    return F.where(m != 0, F.unsqueeze(g, axis) * m, 0.0)     # +0 off the target classes


def _leaky_relu_vjp(F, g, y, p, x):
    return F.where(x > 0.0, g, g * p)


def _elu_forward(p, x):
    return np.where(x > 0.0, x, p * np.expm1(x))


def _elu_vjp(F, g, y, p, x):
    return F.where(x > 0.0, g, g * (p * F.exp(x)))


_SQRT1_2 = 0.7071067811865476                      # M_SQRT1_2
_GELU_ALPHA = 1.1283791670955126 * _SQRT1_2 * 0.5   # M_2_SQRTPI · M_SQRT1_2 · 0.5
_GELU_BETA = 1.4142135623730951 * 1.1283791670955126 * 0.5   # √2 · 2/√π · ½ = √(2/π)
_GELU_KAPPA = 0.044715


_erf_each = np.frompyfunc(math.erf, 1, 1)    # numpy has no erf; the C library's, element by element


def _erf_np(x):
    x = np.asarray(x, dtype=np.float64)
    if not x.ndim:
        return np.float64(math.erf(x))
    return _erf_each(x).astype(np.float64) if x.size else np.empty(x.shape)


def _gelu_forward(p, x):
    if p == "tanh":
        return 0.5 * x * (1.0 + torch_tanh(_GELU_BETA * (x + _GELU_KAPPA * (x * x * x))))
    return x * 0.5 * (1.0 + _erf_np(x * _SQRT1_2))


def _gelu_vjp(F, g, y, p, x):
    """PyTorch's GeluBackward: grad · (Φ(x) + x·φ(x)), or the derivative of the tanh form."""
    if p == "tanh":
        x_sq = x * x
        inner = _GELU_BETA * (x + _GELU_KAPPA * (x_sq * x))
        th = F.tanh(inner)
        left = 0.5 * x
        right = 1.0 + th
        right_derivative = left * (1.0 - th * th) * _GELU_BETA * (1.0 + 3.0 * _GELU_KAPPA * x_sq)
        return g * (0.5 * right + right_derivative)
    cdf = 0.5 * (1.0 + F.erf(x * _SQRT1_2))
    pdf = F.exp(-0.5 * (x * x)) * _GELU_ALPHA
    return g * (cdf + x * pdf)


def _softplus_beta_forward(p, x):
    beta, threshold = p
    bx = x * beta
    return np.where(bx > threshold, x, np.log1p(np.exp(np.minimum(bx, threshold))) / beta)


def _softplus_beta_vjp(F, g, y, p, x):
    beta, threshold = p
    bx = x * beta
    z = F.exp(F.minimum(bx, threshold))
    return F.where(bx > threshold, g, g * z / (z + 1.0))


def _silu_vjp(F, g, y, p, x):
    s = 1.0 / (1.0 + F.exp(-x))
    return g * s * (1.0 + x * (1.0 - s))


# The symbolic forms (--formula): the same losses and activations on SymPy object arrays.

def _sym_reduce(S, loss, reduction):
    return S.mean(loss) if reduction == "mean" else S.sum(loss) if reduction == "sum" else loss


def _sym_bce_logits(S, p, x, t, w, pw):
    reduction, has_w, has_pw = p
    ls = -S.softplus(-x)                                   # log σ(x)
    if has_pw:
        ls = ls * ((pw - 1) * t + 1)
    loss = (1 - t) * x - ls
    return _sym_reduce(S, loss * w if has_w else loss, reduction)


def _sym_bce(S, p, x, t, w):
    reduction, has_w = p
    loss = (t - 1) * S.log(1 - x) - t * S.log(x)
    return _sym_reduce(S, loss * w if has_w else loss, reduction)


def _sym_smooth_l1(S, p, x, t):
    reduction, beta = p
    z, b = S.abs(x - t), S.num(beta)
    return _sym_reduce(S, S.where(S.lt(z, b), z * z / (2 * b), z - b / 2), reduction)


def _sym_huber(S, p, x, t):
    reduction, delta = p
    z, d = S.abs(x - t), S.num(delta)
    return _sym_reduce(S, S.where(S.lt(z, d), z * z / 2, d * (z - d / 2)), reduction)


def _sym_nll(S, p, x):
    reduction, m, axis, total = p
    loss = S.sum(S.const(m) * x, (axis,))
    if reduction == "mean":
        return S.sum(loss) / S.num(total)
    return S.sum(loss) if reduction == "sum" else loss


def _sym_gelu(S, p, x):
    if p == "tanh":
        return x * (1 + S.tanh(S.num(_GELU_BETA) * (x + S.num(_GELU_KAPPA) * x * x * x))) / 2
    return x * (1 + S.erf(x * S.num(_SQRT1_2))) / 2


def _sym_softplus_beta(S, p, x):
    beta, threshold = S.num(p[0]), S.num(p[1])
    return S.where(S.gt(x * beta, threshold), x, S.log1p(S.exp(x * beta)) / beta)


ERF = defop("erf", "ErfBackward0", lambda p, x: _erf_np(x),
            lambda F, g, y, p, x: (1.1283791670955126 * F.exp(-(x * x))) * g,
            formula="∂/∂x = grad · 2/√π · exp(-x²)", sym=lambda S, p, x: S.erf(x))
BCE_WITH_LOGITS = defop("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
                        _bce_logits_forward, _bce_logits_vjp_x, _bce_logits_vjp_t, None, None,
                        formula=("∂/∂x = grad · w · ((pw·t + 1 - t)·σ(x) - pw·t)   (σ(x) - t without pos_weight)",
                                 "∂/∂t = grad · w · (log σ(-x) - pw · log σ(x))   (-x without pos_weight)",
                                 "", ""),
                        broadcast=True, sym=_sym_bce_logits)
BCE = defop("binary_cross_entropy", "BinaryCrossEntropyBackward0", _bce_forward, _bce_vjp_x, _bce_vjp_t, None,
            formula=("∂/∂x = grad · w · (x - t) / max(x·(1 - x), 1e-12)", "∂/∂t = grad · w · -logit(x)", ""),
            broadcast=True, sym=_sym_bce)
MSE_LOSS = defop("mse_loss", "MseLossBackward0", lambda p, x, t: _reduce((x - t) * (x - t), p),
                 lambda F, g, y, p, x, t: _loss_grad(F, 2.0 * (x - t), g, _shape_of(x, t), p),
                 lambda F, g, y, p, x, t: _loss_grad(F, -2.0 * (x - t), g, _shape_of(x, t), p),
                 formula=("∂/∂x = grad · 2(x - t)", "∂/∂t = -grad · 2(x - t)"), broadcast=True,
                 sym=lambda S, p, x, t: _sym_reduce(S, (x - t) * (x - t), p))
SMOOTH_L1_LOSS = defop("smooth_l1_loss", "SmoothL1LossBackward0", _smooth_l1_forward,
                       _smooth_l1_vjp(1), _smooth_l1_vjp(-1),
                       formula=("∂/∂x = grad · clamp((x - t) / β, -1, 1)", "∂/∂t = -∂/∂x"), broadcast=True,
                       sym=_sym_smooth_l1)
HUBER_LOSS = defop("huber_loss", "HuberLossBackward0", _huber_forward, _huber_vjp(1), _huber_vjp(-1),
                   formula=("∂/∂x = grad · clamp(x - t, -δ, δ)", "∂/∂t = -∂/∂x"), broadcast=True,
                   sym=_sym_huber)
NLL_LOSS = defop("nll_loss", "NllLossBackward0", _nll_forward, _nll_vjp,
                 formula="∂/∂x = -grad · weight[target] at each sample's target class, else 0 (/ Σ weights for 'mean')",
                 reads=((),), sym=_sym_nll)
NLL_LOSS2D = NLL_LOSS.renamed("NllLoss2DBackward0")   # an input with dimensions after the classes
LEAKY_RELU = defop("leaky_relu", "LeakyReluBackward0", lambda p, x: np.where(x > 0.0, x, x * p),
                   _leaky_relu_vjp, formula="∂/∂x = grad · (1 if x > 0 else negative_slope)",
                   sym=lambda S, p, x: S.where(S.gt(x, 0), x, x * S.num(p)))
ELU = defop("elu", "EluBackward0", _elu_forward, _elu_vjp,
            formula="∂/∂x = grad · (1 if x > 0 else α·exp(x))",
            sym=lambda S, p, x: S.where(S.gt(x, 0), x, S.num(p) * (S.exp(x) - 1)))
GELU = defop("gelu", "GeluBackward0", _gelu_forward, _gelu_vjp, formula="∂/∂x = grad · (Φ(x) + x·φ(x))",
             sym=_sym_gelu)
SOFTPLUS_BETA = defop("softplus_beta", "SoftplusBackward0", _softplus_beta_forward, _softplus_beta_vjp,
                      formula="∂/∂x = grad · σ(β·x)   (grad where β·x > threshold)", sym=_sym_softplus_beta)
SILU = defop("silu", "SiluBackward0", lambda p, x: x / (1.0 + np.exp(-x)), _silu_vjp,
             formula="∂/∂x = grad · σ(x) · (1 + x·(1 - σ(x)))", sym=lambda S, p, x: x * S.sigmoid(x))
# bias + a @ m, as F.linear computes a 2-D input with a bias (torch.addmm)
ADDMM = defop("addmm", "AddmmBackward0", lambda p, b, a, m: b + np.matmul(a, m),
              lambda F, g, y, p, b, a, m: g,
              lambda F, g, y, p, b, a, m: F.matmul(g, F.mT(m)),
              lambda F, g, y, p, b, a, m: F.matmul(F.mT(a), g),
              formula=("∂/∂bias = grad", "∂/∂A = grad @ Bᵀ", "∂/∂B = Aᵀ @ grad"), broadcast=True,
              reads=((), (2,), (1,)), sym=lambda S, p, b, a, m: b + S.matmul(a, m))

# ----- shape -----
RESHAPE = defop("reshape", "ViewBackward0", lambda p, x: np.reshape(x, p),
                lambda F, g, y, p, x: F.reshape(g, x.shape),
                sym=lambda S, p, x: x.reshape(p),
                formula="∂/∂x = grad reshaped to x's shape")
SQUEEZE = RESHAPE.renamed("SqueezeBackward0")    # squeeze(t)
SQUEEZE1 = RESHAPE.renamed("SqueezeBackward1")   # squeeze(t, axis)
SQUEEZE2 = RESHAPE.renamed("SqueezeBackward2")   # squeeze(t, [axes])
UNSQUEEZE = RESHAPE.renamed("UnsqueezeBackward0")
SQUEEZE4 = RESHAPE.renamed("SqueezeBackward4")       # the squeeze_ ending vector @ matrix
UNSAFE_VIEW = RESHAPE.renamed("UnsafeViewBackward0")  # a view of a copy (reshape of a transposed tensor)
PERMUTE = defop("permute", "PermuteBackward0", lambda p, x: np.transpose(x, p),
                lambda F, g, y, p, x: F.permute(g, tuple(np.argsort(p))),
                sym=lambda S, p, x: x.transpose(p),
                formula="∂/∂x = grad with the axes put back")
TRANSPOSE = PERMUTE.renamed("TransposeBackward0")
TRANSPOSE_T = PERMUTE.renamed("TBackward0")      # t.t()
EXPAND = defop("broadcast_to", "ExpandBackward0", lambda p, x: np.broadcast_to(x, p),
               lambda F, g, y, p, x: F.sum_to(g, x.shape),
               sym=lambda S, p, x: S.arr(np.broadcast_to(x, p)),
               formula="∂/∂x = grad summed over the copies")
SELECT = defop("getitem", "SelectBackward0", lambda p, x: x[p],
               lambda F, g, y, p, x: F.scatter(g, x.shape, p),
               sym=lambda S, p, x: S.arr(x[p]),
               formula="∂/∂x = grad put back at the indexed places, 0 elsewhere")
SLICE = SELECT.renamed("SliceBackward0")
INDEX = SELECT.renamed("IndexBackward0")
NEWAXIS = SELECT.renamed("UnsqueezeBackward0")   # t[None]
SCATTER = defop("scatter", "IndexPutBackward0", _scatter_np,
                lambda F, g, y, p, x: F.getitem(g, p[1]),
                sym=lambda S, p, g: S.scatter(g, *p),
                formula="∂/∂x = grad at the indexed places")
SETITEM = defop("setitem", "CopySlices", _setitem_np,
                lambda F, g, y, p, x, v: F.setitem(g, p, 0.0),
                lambda F, g, y, p, x, v: F.sum_to(F.getitem(g, p), v.shape),
                sym=lambda S, p, x, v: S.setitem(x, p, v),
                formula=("∂/∂x = grad, 0 at the replaced places", "∂/∂v = grad at the replaced places"))
SETITEM_INDEX = SETITEM.renamed("IndexPutBackward0")   # t[[0, 3]] = v (index_put_)

# ----- linear algebra -----
MATMUL = defop("matmul", "MmBackward0", lambda p, a, b: np.matmul(a, b), _matmul_vjp_a, _matmul_vjp_b,
               sym=lambda S, p, a, b: S.matmul(a, b),
               formula=("∂/∂A = grad @ Bᵀ", "∂/∂B = Aᵀ @ grad"), broadcast=True, fast=np.matmul,
               reads=((1,), (0,)))
MV = MATMUL.renamed("MvBackward0")
DOT = MATMUL.renamed("DotBackward0")
BMM = MATMUL.renamed("BmmBackward0")
TRACE = defop("trace", "TraceBackward0", lambda p, x: np.trace(x),
              lambda F, g, y, p, x: g * F.eye(*x.shape),
              sym=lambda S, p, x: S.arr(np.trace(x)),
              formula="∂/∂X = grad · I")
INV = defop("inv", "LinalgInvExBackward0", _inv_forward,
            lambda F, g, y, p, x: -F.matmul(F.mT(y), F.matmul(g, F.mT(y))),
            sym=lambda S, p, x: S.inv(x),
            formula="∂/∂X = -X⁻ᵀ · grad · X⁻ᵀ", save_out=True)
DET = defop("det", "LinalgDetBackward0", lambda p, x: _det_np(x), _det_vjp,
            sym=lambda S, p, x: S.det(x),
            formula="∂/∂X = grad · det(X) · X⁻ᵀ", save_out=True)

# ----- not differentiable -----
LT = nondiff("lt", lambda p, a, b: a < b, lambda S, p, a, b: S.lt(a, b))
LE = nondiff("le", lambda p, a, b: a <= b, lambda S, p, a, b: S.le(a, b))
GT = nondiff("gt", lambda p, a, b: a > b, lambda S, p, a, b: S.gt(a, b))
GE = nondiff("ge", lambda p, a, b: a >= b, lambda S, p, a, b: S.ge(a, b))
EQ = nondiff("eq", lambda p, a, b: a == b, lambda S, p, a, b: S.eq(a, b))
NE = nondiff("ne", lambda p, a, b: a != b, lambda S, p, a, b: S.ne(a, b))
AND = nondiff("logical_and", lambda p, a, b: np.logical_and(a, b), lambda S, p, a, b: S.logical_and(a, b))
OR = nondiff("logical_or", lambda p, a, b: np.logical_or(a, b), lambda S, p, a, b: S.logical_or(a, b))
NOT = nondiff("logical_not", lambda p, x: np.logical_not(x), lambda S, p, x: S.logical_not(x))
ANY = nondiff("any", lambda p, x: np.any(x, axis=p[0], keepdims=p[1]),
              lambda S, p, x: S.reduce(S.Or, x, *p))
ALL = nondiff("all", lambda p, x: np.all(x, axis=p[0], keepdims=p[1]),
              lambda S, p, x: S.reduce(S.And, x, *p))
ISNAN = nondiff("isnan", lambda p, x: np.isnan(x))
ISINF = nondiff("isinf", lambda p, x: np.isinf(x))


# ----- sums in PyTorch's order -----
# PyTorch's CPU sum (aten/src/ATen/native/cpu/SumKernel.cpp) adds in a fixed order: vectors of 4
# doubles, 4 interleaved accumulators, a cascade of 4 levels. numpy's pairwise order differs in
# the last bits, which shows in `.item()` and turns `tensor(1.)` into `tensor(1.0000)` (20 × 0.05).
# These reproduce it for reductions over leading or trailing axes (digit for digit on random data,
# single-threaded; interleaved axes and big tensors keep numpy's sum).
_VEC = 4


def _seq_sum(acc, block):
    """acc + block[0] + block[1] + … left to right (np.add.accumulate adds in order)."""
    return np.add.accumulate(np.concatenate([acc[None], block]), axis=0)[-1]


def _multi_row_sum(rows):
    """torch's multi_row_sum: rows (size, *lanes) summed with a cascade of 4 levels."""
    size = rows.shape[0]
    power = max(4, (int(size - 1).bit_length() if size > 1 else 0) // 4)
    step, mask = 1 << power, (1 << power) - 1
    acc = np.zeros((4,) + rows.shape[1:])
    i = 0
    while i + step <= size:
        acc[0] = _seq_sum(acc[0], rows[i:i + step])
        i += step
        for j in range(1, 4):
            acc[j] = acc[j] + acc[j - 1]
            acc[j - 1] = 0.0
            if i & (mask << (j * power)):
                break
    if i < size:
        acc[0] = _seq_sum(acc[0], rows[i:])
    for j in range(1, 4):
        acc[0] = acc[0] + acc[j]
    return acc[0]


def _row_sum(x):
    """torch's row_sum: x (size, *lanes) over axis 0 with 4 interleaved accumulators."""
    n4 = x.shape[0] // 4
    parts = (_multi_row_sum(x[:n4 * 4].reshape((n4, 4) + x.shape[1:])) if n4
             else np.zeros((4,) + x.shape[1:]))
    p0 = _seq_sum(parts[0], x[n4 * 4:]) if n4 * 4 < x.shape[0] else parts[0]
    for k in range(1, 4):
        p0 = p0 + parts[k]
    return p0


def _inner_sum(x):
    """Sum over axis 0 of x (n, *lanes), each lane a contiguous row (vectorized_inner_sum)."""
    n = x.shape[0]
    if n < _VEC:
        return _row_sum(x)
    nv = n // _VEC
    acc = _row_sum(x[:nv * _VEC].reshape((nv, _VEC) + x.shape[1:]))
    final = np.zeros(x.shape[1:])
    if nv * _VEC < n:
        final = _seq_sum(final, x[nv * _VEC:])
    return _seq_sum(final, acc)


def _outer_sum(x):
    """Sum over axis 0 of x (n, m) whose m columns are contiguous (vectorized_outer_sum)."""
    n, m = x.shape
    out = np.empty(m)
    j = m - m % (4 * _VEC)          # blocks of 16 columns, all at once (the lanes are independent)
    if j:
        out[:j] = _multi_row_sum(x[:, :j].reshape(n, j // (4 * _VEC), 4, _VEC)).reshape(-1)
    if j < m:
        out[j:] = _row_sum(x[:, j:])
    return out


def torch_sum(x, axes=None, keepdims=False):
    """np.sum(x, axes, keepdims=keepdims), added in PyTorch's order where it is reproduced."""
    x = np.asarray(x)
    nd = x.ndim
    # above 32768 elements PyTorch splits a sum between threads (machine-dependent): numpy's
    if x.dtype != F64 or nd == 0 or x.size == 0 or x.size > 32768:
        return np.sum(x, axis=axes, keepdims=keepdims)
    red = set(range(nd)) if axes is None else {a % nd for a in axes}
    keep = [i for i in range(nd) if x.shape[i] != 1]           # size-1 axes do not count
    pattern = [i in red for i in keep]
    k = sum(pattern)
    if k == 0 or (True in pattern[k:] if pattern[0] else False in pattern[len(pattern) - k:]):
        return np.sum(x, axis=axes, keepdims=keepdims)           # nothing summed, or interleaved
    kept_shape = tuple(s for i, s in enumerate(x.shape) if i not in red)
    if pattern[0]:                                               # leading axes: outer reduction
        flat = x.reshape(-1, int(np.prod(kept_shape)))
        r = _outer_sum(flat) if flat.shape[1] > 1 else _inner_sum(flat[:, 0])
    else:                                                        # trailing axes: inner reduction
        r = _inner_sum(x.reshape(int(np.prod(kept_shape)), -1).T)
    r = np.reshape(r, kept_shape)
    if keepdims:
        r = np.reshape(r, tuple(1 if i in red else s for i, s in enumerate(x.shape)))
    return r


def torch_mean(x, axes=None, keepdims=False):
    """PyTorch's mean: its sum, divided by the count."""
    x = np.asarray(x)
    if x.dtype != F64 or x.ndim == 0 or x.size == 0:
        return np.mean(x, axis=axes, keepdims=keepdims)
    return torch_sum(x, axes, keepdims) / _count(x.shape, None if axes is None else
                                                 tuple(a % x.ndim for a in axes))


def sum_to_np(g, shape):
    """Sum a broadcast gradient back to `shape` (the one place broadcasting is undone)."""
    gs = np.shape(g)
    if gs == shape:
        return g
    lead = len(gs) - len(shape)
    if lead < 0:
        return np.broadcast_to(g, shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gs[i + lead] != 1)
    r = torch_sum(g, axes, True) if axes else g
    return np.reshape(r, shape)


from .functions import ones_like, permute, prod, reshape, stack_nested, unsqueeze, where  # noqa: E402,F401


class NumpyF:
    """The primitives of the VJPs on plain numpy arrays (no graph)."""

    cos, sin, exp, log, sqrt, sign = np.cos, np.sin, np.exp, np.log, np.sqrt, np.sign
    cosh, sinh = staticmethod(torch_cosh), staticmethod(torch_sinh)
    abs, floor, where, matmul, broadcast_to = np.abs, np.floor, np.where, np.matmul, np.broadcast_to
    zeros_like, eye, reshape, permute = np.zeros_like, np.eye, np.reshape, np.transpose
    sum_to = staticmethod(sum_to_np)
    prod_others = staticmethod(_prod_others_np)
    sigmoid = staticmethod(_sigmoid)
    inv = staticmethod(np.linalg.inv)
    pow = staticmethod(torch_pow)
    minimum, maximum, log1p = np.minimum, np.maximum, np.log1p
    tanh, erf = staticmethod(torch_tanh), staticmethod(_erf_np)

    @staticmethod
    def rsqrt(x):
        return 1.0 / np.sqrt(x)

    tanh_backward, sigmoid_backward = staticmethod(_tanh_bw), staticmethod(_sigmoid_bw)
    threshold_backward, softplus_backward = staticmethod(_threshold_bw), staticmethod(_softplus_bw)
    softmax_backward, log_softmax_backward = staticmethod(_softmax_bw), staticmethod(_log_softmax_bw)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x, axis=None, keepdims=False):
        return np.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mT(x):
        return x.T if x.ndim == 2 else np.swapaxes(x, -1, -2)   # .T: no Python-level wrapper

    @staticmethod
    def unsqueeze(x, axis):
        return np.expand_dims(x, axis)

    @staticmethod
    def squeeze(x, axis):
        return np.squeeze(x, axis)

    @staticmethod
    def getitem(x, idx):
        return x[idx]

    @staticmethod
    def scatter(g, shape, idx):
        return _scatter_np((shape, idx), g)

    @staticmethod
    def setitem(x, idx, v):
        return _setitem_np(idx, x, v)


from . import functions as _functions  # noqa: E402


def _recorded(op):
    """op(g, y[, param]) on tensors, recorded (the backward functions under create_graph)."""
    return staticmethod(lambda g, y, p=None: apply(op, (g, y), p))


class TensorF:
    """The same primitives as differentiable ops on Tensors (for create_graph=True)."""

    cos, sin, cosh, sinh, exp, log, sqrt, sign = (_functions.cos, _functions.sin, _functions.cosh,
                                                  _functions.sinh, _functions.exp, _functions.log,
                                                  _functions.sqrt, _functions.sign)
    abs, floor, where, matmul = _functions.abs, _functions.floor, _functions.where, _functions.matmul
    zeros_like, reshape, permute = _functions.zeros_like, _functions.reshape, _functions.permute
    sum, mean, sigmoid, inv = _functions.sum, _functions.mean, _functions.sigmoid, _functions.inv
    unsqueeze, squeeze = _functions.unsqueeze, _functions.squeeze
    minimum, maximum, log1p = _functions.minimum, _functions.maximum, _functions.log1p
    tanh, erf = _functions.tanh, _functions.erf
    prod_others = staticmethod(_prod_others_t)
    pow = staticmethod(_functions.pow)

    @staticmethod
    def rsqrt(x):
        return _functions.pow(x, -0.5)      # 1 / sqrt(x), as PyTorch's rsqrt computes it

    tanh_backward, sigmoid_backward = _recorded(TANH_BACKWARD), _recorded(SIGMOID_BACKWARD)
    threshold_backward, softplus_backward = _recorded(THRESHOLD_BACKWARD), _recorded(SOFTPLUS_BACKWARD)
    softmax_backward, log_softmax_backward = _recorded(SOFTMAX_BACKWARD), _recorded(LOG_SOFTMAX_BACKWARD)

    @staticmethod
    def broadcast_to(x, shape):
        return apply(EXPAND, (as_tensor(x),), tuple(shape)) if x.shape != tuple(shape) else x

    @staticmethod
    def sum_to(x, shape):
        """As PyTorch's sum_to: sum() to a 0-d shape (SumBackward0), else a keepdim sum over the
        broadcast axes (SumBackward1), viewed without the leading ones (ViewBackward0)."""
        shape = tuple(shape)
        gs = x.shape
        if gs == shape:
            return x
        if not shape:
            return _functions.sum(x)
        lead = len(gs) - len(shape)
        axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gs[i + lead] != 1)
        if axes:
            x = _functions.sum(x, axes, True)
        return _functions.reshape(x, shape) if lead else x

    @staticmethod
    def eye(n, m=None):
        return const(np.eye(n, m))

    @staticmethod
    def mT(x):
        return _functions.transpose(x, -1, -2)

    @staticmethod
    def getitem(x, idx):
        return apply(SELECT, (x,), idx)

    @staticmethod
    def scatter(g, shape, idx):
        return apply(SCATTER, (g,), (shape, idx))

    @staticmethod
    def setitem(x, idx, v):
        return apply(SETITEM, (x, as_tensor(v)), idx)


__all__ = ["TABLE", "Op", "NumpyF", "TensorF", "sum_to_np", "F64", "Tensor", "to_data"]
