"""The ops table, sections "activations" and "losses" (torch.nn.functional).

Activations: the backward functions of tanh, sigmoid, relu, softplus, softmax and log_softmax as
ops of their own (as in PyTorch, so a gradient made with create_graph=True has PyTorch's grad_fn,
TanhBackwardBackward0 …, and its numbers), and torch.nn.functional's activations with PyTorch's
kernels and node names: erf, leaky_relu, elu, gelu, softplus with beta, silu.

Losses: torch.nn.functional's losses with PyTorch's kernels and node names (their banner below).
One module for the two sections: they always load together, and a module costs start-up time.
"""
from __future__ import annotations

import numpy as np

from ...errors import GValueError
from ..kernels import count as _count
from ..kernels import erf as _erf
from ..kernels import (log_softmax_backward, sigmoid_backward, softmax_backward, softplus_backward,
                       tanh_backward, threshold_backward, torch_mean, torch_sum, torch_tanh)
from .registry import Op, defop

TANH_BACKWARD = defop("tanh_backward", "TanhBackwardBackward0", lambda p, g, y: tanh_backward(g, y),
                      lambda F, G, _, p, g, y: F.tanh_backward(G, y),
                      lambda F, G, _, p, g, y: G * (-2.0 * y * g),
                      sym=lambda S, p, g, y: g * (1 - y * y),
                      formula=("∂/∂grad = grad' · (1 - y²)", "∂/∂y = -2 · grad' · grad · y"), inputs="grad y")
SIGMOID_BACKWARD = defop("sigmoid_backward", "SigmoidBackwardBackward0", lambda p, g, y: sigmoid_backward(g, y),
                         lambda F, G, _, p, g, y: F.sigmoid_backward(G, y),
                         lambda F, G, _, p, g, y: G * g * (-2.0 * y + 1.0),
                         sym=lambda S, p, g, y: g * (1 - y) * y,
                         formula=("∂/∂grad = grad' · (1 - y) · y", "∂/∂y = grad' · grad · (1 - 2y)"), inputs="grad y")
THRESHOLD_BACKWARD = defop("threshold_backward", "ThresholdBackwardBackward0",
                           lambda p, g, y: threshold_backward(g, y),
                           lambda F, G, _, p, g, y: F.threshold_backward(G, y), None,
                           sym=lambda S, p, g, y: g * S.heaviside(y),
                           formula=("∂/∂grad = grad' · [y > 0]", ""), inputs="grad -")
SOFTPLUS_BACKWARD = defop("softplus_backward", "SoftplusBackwardBackward0", lambda p, g, x: softplus_backward(g, x),
                          lambda F, G, _, p, g, x: F.softplus_backward(G, x),
                          lambda F, G, _, p, g, x: F.sigmoid_backward(G * g, F.sigmoid(x)) * (x < 20.0),
                          sym=lambda S, p, g, x: g * S.sigmoid(x),
                          formula=("∂/∂grad = grad' · σ(x)", "∂/∂x = grad' · grad · σ(x) · (1 - σ(x))"),
                          inputs="grad x")
SOFTMAX_BACKWARD = defop("softmax_backward", "SoftmaxBackwardDataBackward0", lambda p, g, y: softmax_backward(g, y, p),
                         lambda F, G, _, p, g, y: F.softmax_backward(G, y, p),
                         lambda F, G, _, p, g, y: (g * G - F.sum(y * g, p, True) * G
                                                   - g * F.sum(y * G, p, True)),
                         sym=lambda S, p, g, y: y * (g - S.sum(g * y, (p,), True)),
                         formula=("∂/∂grad = y · (grad' - Σ grad' · y)",
                                  "∂/∂y = grad' · (grad - Σ grad · y) - grad · Σ grad' · y"),
                         inputs="grad y")
LOG_SOFTMAX_BACKWARD = defop("log_softmax_backward", "LogSoftmaxBackwardDataBackward0",
                             lambda p, g, y: log_softmax_backward(g, y, p),
                             lambda F, G, _, p, g, y: G - F.sum(G * F.exp(y), p, True),
                             lambda F, G, _, p, g, y: -F.sum(g, p, True) * F.exp(y) * G,
                             sym=lambda S, p, g, y: g - S.exp(y) * S.sum(g, (p,), True),
                             formula=("∂/∂grad = grad' - Σ grad' · exp(y)", "∂/∂y = -(Σ grad) · exp(y) · grad'"),
                             inputs="grad y")


# ----- torch.nn.functional's activations -----

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


def _gelu_forward(p, x):
    if p == "tanh":
        return 0.5 * x * (1.0 + torch_tanh(_GELU_BETA * (x + _GELU_KAPPA * (x * x * x))))
    return x * 0.5 * (1.0 + _erf(x * _SQRT1_2))


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


# The symbolic forms (--formula) of the activations.

def _sym_gelu(S, p, x):
    if p == "tanh":
        return x * (1 + S.tanh(S.num(_GELU_BETA) * (x + S.num(_GELU_KAPPA) * x * x * x))) / 2
    return x * (1 + S.erf(x * S.num(_SQRT1_2))) / 2


def _sym_softplus_beta(S, p, x):
    beta, threshold = S.num(p[0]), S.num(p[1])
    return S.where(S.gt(x * beta, threshold), x, S.log1p(S.exp(x * beta)) / beta)


ERF = defop("erf", "ErfBackward0", lambda p, x: _erf(x),
            lambda F, g, y, p, x: (1.1283791670955126 * F.exp(-(x * x))) * g,
            formula="∂/∂x = grad · 2/√π · exp(-x²)", sym=lambda S, p, x: S.erf(x))
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

# ===== section "losses": torch.nn.functional's losses with PyTorch's kernels and node names =====
#
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
    ls = _log_sigmoid(np, x)     # numpy has the primitives it needs
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


# The symbolic forms (--formula) of the losses.

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


BCE_WITH_LOGITS = defop("binary_cross_entropy_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
                        _bce_logits_forward, _bce_logits_vjp_x, _bce_logits_vjp_t, None, None,
                        formula=("∂/∂x = grad · w · ((pw·t + 1 - t)·σ(x) - pw·t)   (σ(x) - t without pos_weight)",
                                 "∂/∂t = grad · w · (log σ(-x) - pw · log σ(x))   (-x without pos_weight)",
                                 "", ""),
                        broadcast=True, sym=_sym_bce_logits, inputs="x t - -")
BCE = defop("binary_cross_entropy", "BinaryCrossEntropyBackward0", _bce_forward, _bce_vjp_x, _bce_vjp_t, None,
            formula=("∂/∂x = grad · w · (x - t) / max(x·(1 - x), 1e-12)", "∂/∂t = grad · w · -logit(x)", ""),
            broadcast=True, sym=_sym_bce, inputs="x t -")
MSE_LOSS = defop("mse_loss", "MseLossBackward0", lambda p, x, t: _reduce((x - t) * (x - t), p),
                 lambda F, g, y, p, x, t: _loss_grad(F, 2.0 * (x - t), g, _shape_of(x, t), p),
                 lambda F, g, y, p, x, t: _loss_grad(F, -2.0 * (x - t), g, _shape_of(x, t), p),
                 formula=("∂/∂x = grad · 2(x - t)", "∂/∂t = -grad · 2(x - t)"), broadcast=True,
                 sym=lambda S, p, x, t: _sym_reduce(S, (x - t) * (x - t), p), inputs="x t")
SMOOTH_L1_LOSS = defop("smooth_l1_loss", "SmoothL1LossBackward0", _smooth_l1_forward,
                       _smooth_l1_vjp(1), _smooth_l1_vjp(-1),
                       formula=("∂/∂x = grad · clamp((x - t) / β, -1, 1)", "∂/∂t = -∂/∂x"), broadcast=True,
                       sym=_sym_smooth_l1, inputs="x t")
HUBER_LOSS = defop("huber_loss", "HuberLossBackward0", _huber_forward, _huber_vjp(1), _huber_vjp(-1),
                   formula=("∂/∂x = grad · clamp(x - t, -δ, δ)", "∂/∂t = -∂/∂x"), broadcast=True,
                   sym=_sym_huber, inputs="x t")
NLL_LOSS = defop("nll_loss", "NllLossBackward0", _nll_forward, _nll_vjp,
                 formula="∂/∂x = -grad · weight[target] at each sample's target class, else 0 (/ Σ weights for 'mean')",
                 reads=((),), sym=_sym_nll)
NLL_LOSS2D = NLL_LOSS.renamed("NllLoss2DBackward0")   # an input with dimensions after the classes

__all__ = [n for n, v in list(globals().items()) if isinstance(v, Op)]
