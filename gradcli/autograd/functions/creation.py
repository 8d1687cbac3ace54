"""Creation: tensor, ones/zeros/full/eye, arange/linspace (PyTorch's digits), rand/randn (its generator)."""
from __future__ import annotations

import builtins
import math

import numpy as np

from ... import limits
from ...errors import GValueError
from ..kernels import fma
from ..tensor import Tensor, as_int, as_tensor, const, norm_data, to_data
from .args import _plain, shape_arg

_bmax = builtins.max


# ----- creation -----

class _RNG:
    """PyTorch's CPU generator (rng.py), made on first use (numpy.random costs ~15 ms at start)."""

    _gen = None

    @classmethod
    def get(cls):
        if cls._gen is None:
            from ..rng import Generator     # here, for start-up time: it imports numpy.random
            cls._gen = Generator()
        return cls._gen


def seed(n):
    """torch.manual_seed(n): rand and randn then give PyTorch's numbers."""
    from ..rng import Generator         # here, for start-up time: it imports numpy.random
    _RNG._gen = Generator(as_int(n, "a seed"))


def _leaf(data, requires_grad):
    t = const(norm_data(data))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dims(shape):
    dims = shape_arg(shape)
    limits.check_elements(math.prod(dims))
    return dims


def tensor(data, requires_grad=False):
    return _leaf(to_data(_plain(data) if not isinstance(data, Tensor) else data.data), requires_grad)


def ones(*shape, requires_grad=False):
    return _leaf(np.ones(_dims(shape)), requires_grad)


def zeros(*shape, requires_grad=False):
    return _leaf(np.zeros(_dims(shape)), requires_grad)


def full(shape, value, requires_grad=False):
    dims = _dims((shape,))
    return _leaf(np.full(dims, float(as_tensor(value).item())), requires_grad)


def eye(n, m=None, requires_grad=False):
    n = as_int(n, "a size")
    m = n if m is None else as_int(m, "a size")
    if n < 0 or m < 0:
        raise GValueError("eye: a size cannot be negative")
    limits.check_elements(n * m)
    return _leaf(np.eye(n, m), requires_grad)


def arange(start, stop=None, step=1, requires_grad=False):
    a, b, s = (0.0, float(as_tensor(start).item()), float(as_tensor(step).item())) if stop is None else \
        (float(as_tensor(start).item()), float(as_tensor(stop).item()), float(as_tensor(step).item()))
    if s == 0:
        raise GValueError("arange: step cannot be zero")
    n = _bmax(0, math.ceil((b - a) / s)) if math.isfinite((b - a) / s) else -1
    if n < 0:
        raise GValueError("arange: bounds must be finite")
    limits.check_elements(n)
    # PyTorch's values to the last digit: its CPU kernel computes start + step·i with FMA, in
    # blocks of 4 (base + step·j) while 8 or more elements remain (numpy's a + i·(a+s-a) differs)
    i = np.arange(n, dtype=np.float64)
    block = i - i % 4
    values = np.where(i < n - n % 8, fma(s, i - block, fma(s, block, a)),
                      fma(s, i, a))
    return _leaf(values.astype(np.float64), requires_grad)


def linspace(a, b, n, requires_grad=False):
    n = as_int(n, "a count")
    if n < 0:
        raise GValueError("linspace: the count cannot be negative")
    limits.check_elements(n)
    a, b = float(as_tensor(a).item()), float(as_tensor(b).item())
    if n <= 1:
        return _leaf(np.full(n, a), requires_grad)
    # PyTorch's values to the last digit: start + step·i (FMA) for the first half, end - step·(n-1-i)
    # for the rest, so both ends are exact (numpy's linspace differs in the last bit)
    step = (b - a) / (n - 1)
    i = np.arange(n, dtype=np.float64)
    values = np.where(i < n // 2, fma(step, i, a), fma(-step, n - 1 - i, b))
    return _leaf(values, requires_grad)


def rand(*shape, requires_grad=False):
    dims = _dims(shape)
    return _leaf(_RNG.get().uniform(math.prod(dims)).reshape(dims), requires_grad)


def randn(*shape, requires_grad=False):
    dims = _dims(shape)
    return _leaf(_RNG.get().normal(math.prod(dims)).reshape(dims), requires_grad)


def ones_like(x, requires_grad=False):
    return _leaf(np.ones(np.shape(as_tensor(x).data)), requires_grad)


def zeros_like(x, requires_grad=False):
    return _leaf(np.zeros(np.shape(as_tensor(x).data)), requires_grad)


def rand_like(x, requires_grad=False):
    return rand(*np.shape(as_tensor(x).data), requires_grad=requires_grad)


def randn_like(x, requires_grad=False):
    return randn(*np.shape(as_tensor(x).data), requires_grad=requires_grad)


def detach(x):
    return as_tensor(x).detach()


def numel(x):
    return as_tensor(x).data.size
