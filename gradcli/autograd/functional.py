"""Derivatives of functions and of whole outputs: jacobian, hessian, grad(f)."""
from __future__ import annotations

import numpy as np

from ..errors import GradError, GTypeError
from .engine import grad
from ..limits import check_elements
from .functions import reshape, stack
from .tensor import Tensor, as_tensor, const, enable_grad, fmt_shape


def _fresh(x):
    """A leaf copy of x that requires grad, to differentiate a function at x."""
    t = const(x.data)
    t.requires_grad = True
    return t


def _output(f_or_y, x, create_graph):
    """(the input to differentiate at, the output): y itself, or f evaluated at a fresh leaf."""
    if callable(f_or_y) and not isinstance(f_or_y, Tensor):
        xin = x if create_graph and x.requires_grad else _fresh(x)
        with enable_grad():
            return xin, as_tensor(f_or_y(xin))
    return x, as_tensor(f_or_y)


def jacobian(f_or_y, x, create_graph=False):
    """d y / d x of shape y.shape + x.shape; `f_or_y` is a tensor y or a function of x."""
    x = as_tensor(x)
    xin, y = _output(f_or_y, x, create_graph)
    n = y.data.size
    if y.data.ndim == 0:
        return grad(y, xin, create_graph=create_graph)
    check_elements(n * x.data.size, "Jacobian")    # refused up front, not after n backward passes
    with enable_grad():     # the rows are part of y's graph, also when called under no_grad()
        yflat = reshape(y, n)
        outs = [yflat[i] for i in range(n)]
    rows = []
    for yi in outs:
        rows.append(grad(yi, xin, create_graph=create_graph))
    if not rows:
        return const(np.zeros(y.data.shape + x.data.shape))
    return reshape(stack(rows), *(y.data.shape + x.data.shape))


def hessian(f_or_y, x, create_graph=False):
    """Second derivatives d²y / dx² of a scalar y (a tensor or a function of x)."""
    x = as_tensor(x)
    xin, y = _output(f_or_y, x, create_graph)
    if y.data.size != 1:
        raise GradError(f"hessian needs a scalar output, got shape {fmt_shape(y.shape)}")
    with enable_grad():
        g = grad(reshape(y, ()), xin, create_graph=True)
    return jacobian(g, xin, create_graph=create_graph)


def grad_of(f):
    """grad(f): the function computing f's gradient w.r.t. its first argument.

    Its result is differentiable when the argument requires grad, so grad(grad(f)) works.
    """
    def gradient(x, *args, **kwargs):
        x = as_tensor(x)
        xin = x if x.requires_grad else _fresh(x)
        with enable_grad():
            y = as_tensor(f(xin, *args, **kwargs))
            if y.data.size != 1:
                raise GradError(f"grad(f) needs f to return a scalar, got shape {fmt_shape(y.shape)}")
            y = reshape(y, ())      # in grad mode: part of y's graph also under no_grad()
        return grad(y, xin, create_graph=x.requires_grad)
    gradient.__name__ = f"grad({getattr(f, '__name__', 'f')})"
    return gradient


__all__ = ["jacobian", "hessian", "grad_of", "GTypeError"]
