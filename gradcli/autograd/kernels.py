"""PyTorch-exact numerics behind plain calls, on numpy arrays: what makes the digits PyTorch's.

Summation order (PyTorch's CPU sum kernel), tanh/sinh/cosh with its last digits, `t ** 3` as
x*x*x, LU with LAPACK's (MKL's) rounding for det and its gradient, FMA, erf, and the small
kernels of the activations' backward functions. No graph, no Tensor: the ops table
(`ops/`) and the numpy backend (`backends.NumpyF`) call these.
"""
from __future__ import annotations

import math

import numpy as np

F64 = np.dtype(np.float64)


def count(shape, axes):
    """The number of elements a reduction over `axes` (None: all) of `shape` combines."""
    n = 1
    for i, s in enumerate(shape):
        if axes is None or i in axes:
            n *= s
    return n


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


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))   # PyTorch's formula, to the last digit; exp overflow gives 0


_erf_each = np.frompyfunc(math.erf, 1, 1)    # numpy has no erf; the C library's, element by element


def erf(x):
    x = np.asarray(x, dtype=np.float64)
    if not x.ndim:
        return np.float64(math.erf(x))
    return _erf_each(x).astype(np.float64) if x.size else np.empty(x.shape)


def prod_others(x, axes):
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



def scatter(p, g):
    shape, idx = p
    z = np.zeros(shape)
    np.add.at(z, idx, g)
    return z


def setitem(p, x, v):
    z = np.array(x, dtype=np.float64, copy=True)
    z[p] = v
    return z


def cofactor(x):
    """d det(X) / dX = det(X)·X⁻ᵀ, also for singular X: U·diag(∏ⱼ≠ᵢ sⱼ)·Vᴴ·det(U)·det(Vᴴ) (SVD)."""
    u, s, vh = np.linalg.svd(x)
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return sign[..., None, None] * ((u * prod_others(s, (s.ndim - 1,))[..., None, :]) @ vh)


def fma(a, b, c):
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


def lu(x):
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
        a[:, k + 1:, k + 1:] = fma(-a[:, k + 1:, k][:, :, None], a[:, k, k + 1:][:, None, :],
                                   a[:, k + 1:, k + 1:])
    return a, pivots, sign


# The emulated LU runs a Python loop over columns: digit for digit with PyTorch, but for large
# matrices far slower than LAPACK (500x500: seconds instead of milliseconds). Above this size,
# numpy's LAPACK (equal to about 1e-15 relative).
EXACT_LU_MAX = 16


def det(x):
    """det(x) as PyTorch computes it: sign · ∏ diag(LU), the product taken left to right."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] == 0 or x.size == 0 or x.shape[-1] > EXACT_LU_MAX:
        return np.linalg.det(x)
    f, _, sign = lu(x)
    d = np.ones(f.shape[0])
    for i in range(f.shape[-1]):
        d = d * f[:, i, i]
    return (sign * d).reshape(x.shape[:-2])


def det_grad(x, gd):
    """gd·X⁻ᵀ (gd = grad·det, X nonsingular) solved with X's LU, as PyTorch's lu_solve does."""
    n = x.shape[-1]
    f, pivots, _ = lu(x)
    b = np.broadcast_to(np.reshape(gd, (-1, 1, 1)), f.shape) * np.eye(n)
    rows = np.arange(f.shape[0])
    for k in range(n):
        p = pivots[:, k]
        top = b[rows, k].copy()
        b[rows, k] = b[rows, p]
        b[rows, p] = top
    for k in range(n - 1):
        b[:, k + 1:] = fma(-b[:, k:k + 1], f[:, k + 1:, k:k + 1], b[:, k + 1:])
    for k in range(n - 1, -1, -1):
        b[:, k] = b[:, k] * (1.0 / f[:, k, k:k + 1])
        b[:, :k] = fma(-b[:, k:k + 1], f[:, :k, k:k + 1], b[:, :k])
    return b.reshape(x.shape)


# ----- the kernels of the activations' backward functions (PyTorch's, threshold included) -----

def tanh_backward(g, y, _nd=np.ndarray, _sub=np.subtract, _mul=np.multiply):
    """g * (1 - y*y), the last two steps in place in the new array y*y: the same numbers, two
    arrays fewer (this runs once per tanh node in backward)."""
    t = y * y
    if type(t) is not _nd:            # numpy scalars
        return g * (1.0 - t)
    _sub(1.0, t, t)
    try:
        return _mul(g, t, t)
    except ValueError:                # g broadcasts t to a larger shape
        return g * t


def sigmoid_backward(g, y):
    return g * (1.0 - y) * y


def threshold_backward(g, y):
    return np.where(y <= 0, 0.0, g)


def softplus_backward(g, x):
    z = np.exp(x)
    return np.where(x > 20.0, g, g * z / (z + 1.0))


def softmax_backward(g, y, dim):
    return y * (g - np.sum(g * y, axis=dim, keepdims=True))


def log_softmax_backward(g, y, dim):
    return g - np.exp(y) * np.sum(g, axis=dim, keepdims=True)


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
    return torch_sum(x, axes, keepdims) / count(x.shape, None if axes is None else
                                               tuple(a % x.ndim for a in axes))


def sum_to(g, shape):
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

