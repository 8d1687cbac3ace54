"""The ops table, section "reductions": sum, mean, prod, max/min, var/std, logsumexp, norm,
softmax and log_softmax (p = (axes or None, keepdims) unless said otherwise), and any/all.
"""
from __future__ import annotations

import numpy as np

from ..kernels import count as _count
from ..kernels import torch_mean, torch_sum
from ..tensor import Tensor
from .registry import Op, defop, expand_back, nondiff, nonzero

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



def _prod_vjp(F, g, y, p, x):
    """grad · prod / x without zeros (PyTorch's prod_backward); the exact products of the
    others where an element is 0."""
    axes, keepdims = p
    ge = expand_back(F, g, x.shape, axes, keepdims)
    if not np.any((x.data if isinstance(x, Tensor) else x) == 0):
        return ge * (expand_back(F, y, x.shape, axes, keepdims) / x)
    return ge * F.prod_others(x, axes)



# ----- kink rules (LANGUAGE.md §8) -----

def _tie(name, extreme):
    def kink(p, y, x):
        axes, _ = p
        x = np.asarray(x)
        if x.size:
            m = extreme(x, axis=axes, keepdims=True)
            ties = np.asarray(np.sum(x == m, axis=axes))
            if (n := int(ties[ties > 1].sum())):
                return [(f"tie in {name}", n, f"the elements equal to the {name}imum share its "
                         "gradient equally (PyTorch's convention)")]
        return []
    return kink


def _norm_kink(p, y, x):
    order = p[0]
    if y is not None and (n := nonzero(np.asarray(y) == 0)):
        return [("norm of a zero vector", n, "its gradient is taken as 0 (PyTorch's convention)")]
    if order in (np.inf, -np.inf):
        axes = p[1]
        a = np.abs(np.asarray(x))
        m = (np.max if order > 0 else np.min)(a, axis=axes, keepdims=True)
        if a.size and (n := nonzero(np.sum(a == m, axis=axes) > 1)):
            return [("tie in an inf-norm", n, "the tied elements share the gradient equally")]
    return []


def _std_kink(p, y, x):
    if y is not None and (n := nonzero(np.asarray(y) == 0)):
        return [("std of equal values", n, "std is 0 there; its gradient is taken as 0 "
                 "(PyTorch's convention)")]
    return []


def _divisor(p):
    """var/std's divisor as the formulas write it: n - correction (unbiased: n - 1, biased: n)."""
    c = p[2] if p is not None and len(p) > 2 else 1.0
    return "n" if c == 0 else f"n - {c:g}" if c > 0 else f"n + {-c:g}"


def _var_formulas(p):
    d = _divisor(p)
    return (f"∂/∂xᵢ = grad · 2(xᵢ - mean) / {d if d == 'n' else '(' + d + ')'}",)


def _std_formulas(p):
    d = _divisor(p)
    return (f"∂/∂xᵢ = grad · (xᵢ - mean) / ({d if d == 'n' else '(' + d + ')'} · std)",)


# ----- reductions: p = (axes or None, keepdims) -----
SUM = defop("sum", "SumBackward1", lambda p, x: torch_sum(x, p[0], p[1]),
            lambda F, g, y, p, x: expand_back(F, g, x.shape, *p),
            sym=lambda S, p, x: S.sum(x, *p),
            formula="∂/∂xᵢ = grad")
SUM0 = SUM.renamed("SumBackward0")
MEAN = defop("mean", "MeanBackward1", lambda p, x: torch_mean(x, p[0], p[1]),
             lambda F, g, y, p, x: expand_back(F, g, x.shape, *p) / _count(x.shape, p[0]),
             sym=lambda S, p, x: S.mean(x, *p),
             formula="∂/∂xᵢ = grad / n", counts=True)
MEAN0 = MEAN.renamed("MeanBackward0")
PROD = defop("prod", "ProdBackward1", lambda p, x: np.prod(x, axis=p[0], keepdims=p[1]), _prod_vjp,
             sym=lambda S, p, x: S.prod(x, *p),
             formula="∂/∂xᵢ = grad · ∏ⱼ≠ᵢ xⱼ", save_out=True)
PROD0 = PROD.renamed("ProdBackward0")
MAX = defop("max", "MaxBackward0", lambda p, x: np.max(x, axis=p[0], keepdims=p[1]), _extreme_vjp,
            sym=lambda S, p, x: S.max(x, *p),
            formula="∂/∂xᵢ = grad where xᵢ is the max (shared equally by ties)", save_out=True,
            kink=_tie("max", np.max))
MAX1 = MAX.renamed("MaxBackward1")
AMAX = MAX.renamed("AmaxBackward0")   # several axes (torch.amax)
MIN = defop("min", "MinBackward0", lambda p, x: np.min(x, axis=p[0], keepdims=p[1]), _extreme_vjp,
            sym=lambda S, p, x: S.min(x, *p),
            formula="∂/∂xᵢ = grad where xᵢ is the min (shared equally by ties)", save_out=True,
            kink=_tie("min", np.min))
MIN1 = MIN.renamed("MinBackward1")
AMIN = MIN.renamed("AminBackward0")
VAR = defop("var", "VarBackward0", _var_forward, _var_vjp,
            sym=lambda S, p, x: S.var(x, *p),
            formula=_var_formulas(None), formula_for=_var_formulas, counts=True)
STD = defop("std", "StdBackward0", lambda p, x: np.sqrt(_var_forward(p, x)), _std_vjp,
            sym=lambda S, p, x: S.sqrt(S.var(x, *p)),
            formula=_std_formulas(None), formula_for=_std_formulas, counts=True,
            save_out=True, kink=_std_kink)
LOGSUMEXP = defop("logsumexp", "LogsumexpBackward0", _logsumexp_forward,
                  lambda F, g, y, p, x: expand_back(F, g, x.shape, *p)
                  * F.exp(x - expand_back(F, y, x.shape, *p)),
                  sym=lambda S, p, x: S.logsumexp(x, *p),
                  formula="∂/∂xᵢ = grad · exp(xᵢ - logsumexp(x))", save_out=True)
NORM = defop("norm", "LinalgVectorNormBackward0", _norm_forward, _norm_vjp,
             sym=lambda S, p, x: S.norm(x, *p),
             formula="∂/∂xᵢ = grad · xᵢ / ‖x‖   (0 at the zero vector)", save_out=True,
             kink=_norm_kink)
SOFTMAX = defop("softmax", "SoftmaxBackward0", _softmax_forward,
                lambda F, g, y, p, x: F.softmax_backward(g, y, p),
                sym=lambda S, p, x: S.softmax(x, p),
                formula="∂/∂xᵢ = yᵢ · (gradᵢ - Σⱼ gradⱼ yⱼ)", save_out=True, reads=((),))
LOG_SOFTMAX = defop("log_softmax", "LogSoftmaxBackward0", _log_softmax_forward,
                    lambda F, g, y, p, x: F.log_softmax_backward(g, y, p),
                    sym=lambda S, p, x: S.log_softmax(x, p),
                    formula="∂/∂xᵢ = gradᵢ - softmax(x)ᵢ · Σⱼ gradⱼ", save_out=True, reads=((),))
ANY = nondiff("any", lambda p, x: np.any(x, axis=p[0], keepdims=p[1]),
              lambda S, p, x: S.reduce(S.Or, x, *p))
ALL = nondiff("all", lambda p, x: np.all(x, axis=p[0], keepdims=p[1]),
              lambda S, p, x: S.reduce(S.And, x, *p))

__all__ = [n for n, v in list(globals().items()) if isinstance(v, Op)]
