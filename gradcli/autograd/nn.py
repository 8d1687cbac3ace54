"""torch.nn.functional: the losses and activations of PyTorch's autograd tutorials.

Each function checks its arguments as PyTorch does and applies entries of the ops table
(`ops.py`, section "torch.nn.functional"), or composes entries where PyTorch itself composes
them, so that the result carries PyTorch's node name: `l1_loss` is `(input - target).abs()`
reduced (MeanBackward0), `cross_entropy` is `nll_loss(log_softmax(input))` for class indices
(NllLossBackward0) and a sum of products for class probabilities (DivBackward1), `normalize`
divides by the clamped norm (DivBackward0), `linear` is addmm (AddmmBackward0) or a matmul.

Every tensor is float64 in G, so class indices are numbers with integral values; a target is a
tensor of class indices when it has one dimension fewer than the input, and of class
probabilities when it has the input's shape — the shapes PyTorch requires of each.
"""
from __future__ import annotations

import numpy as np

from ..errors import GIndexError, GTypeError, GValueError, ShapeError
from . import functions as fn
from . import ops as _ops
from .tensor import apply, as_tensor, const, fmt_shape

__all__ = ["binary_cross_entropy_with_logits", "binary_cross_entropy", "mse_loss", "l1_loss",
           "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss", "leaky_relu", "elu",
           "gelu", "silu", "softplus", "normalize", "linear", "softmax", "log_softmax"]

_REDUCTIONS = ("mean", "sum", "none")
_ONE = None   # made on first use: a constant 1.0 standing in for an absent weight


def _one():
    global _ONE
    if _ONE is None:
        _ONE = const(np.float64(1.0))
    return _ONE


def _reduction(reduction, size_average=None, reduce=None):
    """PyTorch's `reduction=`, and its legacy `size_average=`/`reduce=` flags."""
    if size_average is not None or reduce is not None:
        if reduce is not None and not reduce:
            return "none"
        return "sum" if size_average is not None and not size_average else "mean"
    if reduction not in _REDUCTIONS:
        raise GValueError(f"{reduction!r} is not a valid value for reduction: use 'mean', 'sum' "
                          "or 'none'")
    return reduction


def _number(v, name):
    if isinstance(v, str) or v is None:
        raise GTypeError(f"{name} must be a number, not {v!r}")
    t = as_tensor(v)
    if t.data.size != 1:
        raise GTypeError(f"{name} must be a number, not a tensor of shape {fmt_shape(t.data.shape)}")
    return float(t.data.reshape(()))


def _pair(input, target, name):
    """Input and target as tensors whose shapes broadcast (PyTorch warns when they differ)."""
    x, t = as_tensor(input), as_tensor(target)
    try:
        np.broadcast_shapes(x.data.shape, t.data.shape)
    except ValueError:
        raise ShapeError(f"{name}: the target's shape {fmt_shape(t.data.shape)} does not match the "
                         f"input's {fmt_shape(x.data.shape)}") from None
    return x, t


def _same_size(x, t, name):
    if x.data.shape != t.data.shape:
        raise ShapeError(f"{name}: the target's shape {fmt_shape(t.data.shape)} must be the "
                         f"input's {fmt_shape(x.data.shape)}")


def _optional(w):
    return None if w is None else as_tensor(w)


# ----- losses -----

def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """BCE of logits, in PyTorch's log-sum-exp form: (1 - t)·x - (1 + (pw - 1)·t)·log σ(x)."""
    reduction = _reduction(reduction, size_average, reduce)
    x, t = as_tensor(input), as_tensor(target)
    _same_size(x, t, "binary_cross_entropy_with_logits")
    w, pw = _optional(weight), _optional(pos_weight)
    return apply(_ops.BCE_WITH_LOGITS, (x, t, w if w is not None else _one(),
                                        pw if pw is not None else _one()),
                 (reduction, w is not None, pw is not None))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """BCE of probabilities: -w·(t·log x + (1 - t)·log(1 - x)), each log at least -100."""
    reduction = _reduction(reduction, size_average, reduce)
    x, t = as_tensor(input), as_tensor(target)
    _same_size(x, t, "binary_cross_entropy")
    w = _optional(weight)
    return apply(_ops.BCE, (x, t, w if w is not None else _one()), (reduction, w is not None))


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """The squared error (x - t)², reduced."""
    reduction = _reduction(reduction, size_average, reduce)
    return apply(_ops.MSE_LOSS, _pair(input, target, "mse_loss"), reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """|x - t|, reduced: PyTorch composes it (AbsBackward0, then MeanBackward0 or SumBackward0)."""
    reduction = _reduction(reduction, size_average, reduce)
    x, t = _pair(input, target, "l1_loss")
    loss = fn.abs(fn.sub(x, t))
    return fn.mean(loss) if reduction == "mean" else fn.sum(loss) if reduction == "sum" else loss


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """0.5·z²/β where z = |x - t| < β, else z - 0.5·β; β = 0 is l1_loss, as in PyTorch."""
    reduction = _reduction(reduction, size_average, reduce)
    beta = _number(beta, "beta")
    if beta < 0:
        raise GValueError("smooth_l1_loss does not support negative values for beta")
    if beta == 0:
        return l1_loss(input, target, reduction=reduction)
    return apply(_ops.SMOOTH_L1_LOSS, _pair(input, target, "smooth_l1_loss"), (reduction, beta))


def huber_loss(input, target, reduction="mean", delta=1.0):
    """0.5·z² where z = |x - t| < δ, else δ·(z - 0.5·δ)."""
    reduction = _reduction(reduction)
    delta = _number(delta, "delta")
    if delta <= 0:
        raise GValueError("huber_loss does not support non-positive values for delta")
    return apply(_ops.HUBER_LOSS, _pair(input, target, "huber_loss"), (reduction, delta))


def _class_axis(x, name):
    if x.data.ndim == 0:
        raise ShapeError(f"{name}: the input needs a class dimension, got a 0-d tensor")
    return 0 if x.data.ndim == 1 else 1


def _index_mask(x, t, weight, ignore_index, name):
    """(M, total weight) for nll_loss: M is -weight[c] at each sample's target class c (0 for a
    sample whose target is ignore_index), with the input's shape."""
    axis = _class_axis(x, name)
    classes = x.data.shape[axis]
    want = x.data.shape[:axis] + x.data.shape[axis + 1:]
    if t.data.shape != want:
        probabilities = f" or {fmt_shape(x.data.shape)} (class probabilities)" if name == "cross_entropy" else ""
        raise ShapeError(f"{name}: expected a target of shape {fmt_shape(want)} (class indices){probabilities} "
                         f"for an input of shape {fmt_shape(x.data.shape)}, got {fmt_shape(t.data.shape)}")
    td = t.data.astype(np.float64)
    if not np.all(np.isfinite(td)) or not np.all(td == np.round(td)):
        raise GValueError(f"{name}: class indices must be whole numbers")
    ti = td.astype(np.int64)
    ignore = int(_number(ignore_index, "ignore_index"))
    keep = ti != ignore
    bad = keep & ((ti < 0) | (ti >= classes))
    if np.any(bad):
        raise GIndexError(f"{name}: target {int(ti[bad].flat[0])} is out of bounds "
                          f"(classes 0 to {classes - 1})")
    if weight is None:
        wv = np.ones(classes)
    else:
        wv = as_tensor(weight).data.astype(np.float64)
        if wv.shape != (classes,):
            raise ShapeError(f"{name}: weight must have one entry per class ({classes}), "
                             f"got shape {fmt_shape(wv.shape)}")
    safe = np.where(keep, ti, 0)
    sample_w = np.where(keep, wv[safe], 0.0)
    onehot = np.moveaxis(np.eye(classes, dtype=bool)[safe], -1, axis)   # the class axis where x has it
    m = np.where(onehot, -np.expand_dims(sample_w, axis), 0.0)
    return m, axis, float(np.sum(sample_w))


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """-weight[c]·input[c] for each sample's target class c; 'mean' divides by Σ weight[c]."""
    reduction = _reduction(reduction, size_average, reduce)
    return _nll(as_tensor(input), as_tensor(target), weight, ignore_index, reduction, "nll_loss")


def _nll(x, t, weight, ignore_index, reduction, name):
    m, axis, total = _index_mask(x, t, weight, ignore_index, name)
    if x.data.ndim < 3:
        return apply(_ops.NLL_LOSS, (x,), (reduction, m, axis, total))
    # PyTorch's nll_loss2d, on a 4-d view of the input: 'none' of another rank is viewed back
    out = apply(_ops.NLL_LOSS2D, (x,), (reduction, m, axis, total))
    if reduction == "none" and x.data.ndim != 4:
        out = apply(_ops.RESHAPE, (out,), out.data.shape)
    return out


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """log_softmax over the class axis, then nll_loss (class indices) or -Σ t·log p (probabilities),
    with label smoothing as PyTorch mixes it in."""
    reduction = _reduction(reduction, size_average, reduce)
    x, t = as_tensor(input), as_tensor(target)
    axis = _class_axis(x, "cross_entropy")
    eps = _number(label_smoothing, "label_smoothing")
    if not 0.0 <= eps <= 1.0:
        raise GValueError(f"cross_entropy: label_smoothing must be between 0 and 1, got {eps}")
    logp = fn.log_softmax(x, axis)
    classes = x.data.shape[axis]
    if t.data.shape == x.data.shape:                          # class probabilities
        if eps > 0:
            t = fn.add(fn.mul(t, 1.0 - eps), eps / classes)
        return _soft_targets(logp, t, weight, axis, reduction)
    loss = _nll(logp, t, weight, ignore_index, reduction, "cross_entropy")
    if eps <= 0:
        return loss
    return fn.add(fn.mul(loss, 1.0 - eps),
                  fn.mul(_smoothing(logp, t, weight, axis, ignore_index, reduction), eps / classes))


def _class_weight(weight, x, axis):
    """weight (C,) viewed to broadcast along the class axis of x."""
    w = as_tensor(weight)
    classes = x.data.shape[axis]
    if w.data.shape != (classes,):
        raise ShapeError(f"cross_entropy: weight must have one entry per class ({classes}), "
                         f"got shape {fmt_shape(w.data.shape)}")
    return fn.reshape(w, *([classes] + [1] * (x.data.ndim - axis - 1)))


def _soft_targets(logp, t, weight, axis, reduction):
    """PyTorch's cross_entropy of class probabilities: -(logp · t · w) summed, over the samples
    for 'mean' (a division by a number: DivBackward1)."""
    prod = fn.mul(logp, t)
    if weight is not None:
        prod = fn.mul(prod, _class_weight(weight, logp, axis))
    if reduction == "none":
        return fn.neg(fn.sum(prod, axis))
    total = fn.neg(fn.sum(prod))
    if reduction == "sum":
        return total
    n = logp.data.size // logp.data.shape[axis]
    return apply(_ops.DIV1, (total, const(np.float64(n))))


def _smoothing(logp, t, weight, axis, ignore_index, reduction):
    """The label-smoothing term of cross_entropy with class indices: -Σ_c w_c·logp_c per sample
    (ignored samples 0), reduced as the nll term is ('mean': over the weights of the targets)."""
    _, _, total = _index_mask(logp, t, weight, ignore_index, "cross_entropy")
    td = t.data.astype(np.int64)
    keep = const(np.expand_dims(td != int(_number(ignore_index, "ignore_index")), axis))
    terms = logp if weight is None else fn.mul(logp, _class_weight(weight, logp, axis))
    per = fn.neg(fn.sum(fn.where(keep, terms, 0.0), axis))
    if reduction == "none":
        return per
    s = fn.sum(per)
    if reduction == "sum":
        return s
    return fn.div(s, total if weight is not None else float(np.sum(keep.data)))


# ----- activations -----

def leaky_relu(input, negative_slope=0.01, inplace=False):
    """x where x > 0, negative_slope·x elsewhere."""
    return apply(_ops.LEAKY_RELU, (as_tensor(input),), _number(negative_slope, "negative_slope"))


def elu(input, alpha=1.0, inplace=False):
    """x where x > 0, α·(exp(x) - 1) elsewhere."""
    return apply(_ops.ELU, (as_tensor(input),), _number(alpha, "alpha"))


def gelu(input, approximate="none"):
    """x·Φ(x) (Φ the normal CDF), or its tanh approximation with approximate='tanh'."""
    if approximate not in ("none", "tanh"):
        raise GValueError(f"gelu: approximate must be 'none' or 'tanh', not {approximate!r}")
    return apply(_ops.GELU, (as_tensor(input),), approximate)


def silu(input, inplace=False):
    """x·σ(x)."""
    return apply(_ops.SILU, (as_tensor(input),))


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(β·x)) / β, and x itself where β·x > threshold."""
    beta, threshold = _number(beta, "beta"), _number(threshold, "threshold")
    if beta == 1.0 and threshold == 20.0:
        return fn.softplus(input)
    return apply(_ops.SOFTPLUS_BETA, (as_tensor(input),), (beta, threshold))


def softmax(input, axis=None, _stacklevel=3, dtype=None):
    """softmax over `dim` (PyTorch's implicit choice when it is not given)."""
    x = as_tensor(input)
    return fn.softmax(x, _implicit_axis(x) if axis is None else axis)


def log_softmax(input, axis=None, _stacklevel=3, dtype=None):
    x = as_tensor(input)
    return fn.log_softmax(x, _implicit_axis(x) if axis is None else axis)


def _implicit_axis(x):
    return 0 if x.data.ndim in (0, 1, 3) else 1


def normalize(input, p=2.0, axis=1, eps=1e-12):
    """x / max(‖x‖_p over `dim`, eps), as PyTorch: the norm clamped, expanded, divided by."""
    x = as_tensor(input)
    norm = fn.norm(x, p, axis, keepdims=True)
    denom = apply(_ops.CLAMP_MIN, (norm,), (_number(eps, "eps"), None))
    return fn.div(x, fn.broadcast_to(denom, *x.data.shape))


def linear(input, weight, bias=None):
    """x @ weightᵀ (+ bias): addmm for a 2-d input with a bias (AddmmBackward0), else a matmul,
    as PyTorch; inputs of other dimensions with a bias go through a 2-d view (ViewBackward0)."""
    x, w = as_tensor(input), as_tensor(weight)
    if w.data.ndim != 2:
        raise ShapeError(f"linear: weight must be a matrix (out_features, in_features), got shape "
                         f"{fmt_shape(w.data.shape)}")
    if x.data.ndim == 0 or x.data.shape[-1] != w.data.shape[1]:
        raise ShapeError(f"linear: input of shape {fmt_shape(x.data.shape)} and weight of shape "
                         f"{fmt_shape(w.data.shape)} do not multiply (in_features {w.data.shape[1]})")
    wt = fn.t(w)
    if bias is None:
        return fn.matmul(x, wt)
    b = as_tensor(bias)
    if x.data.ndim == 2:
        return apply(_ops.ADDMM, (b, x, wt))
    flat = fn.reshape(x, -1, x.data.shape[-1])
    out = apply(_ops.ADDMM, (b, flat, wt))
    return fn.reshape(out, *(x.data.shape[:-1] + (w.data.shape[0],)))
