"""The ops table, section "activations": the backward functions of tanh, sigmoid, relu, softplus,
softmax and log_softmax as ops of their own (as in PyTorch, so a gradient made with
create_graph=True has PyTorch's grad_fn, TanhBackwardBackward0 …, and its numbers), and
torch.nn.functional's activations with PyTorch's kernels and node names: erf, leaky_relu, elu, gelu,
softplus with beta, silu.
"""
from __future__ import annotations

import numpy as np

from ..kernels import erf as _erf
from ..kernels import (log_softmax_backward, sigmoid_backward, softmax_backward, softplus_backward,
                       tanh_backward, threshold_backward, torch_tanh)
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

__all__ = [n for n, v in list(globals().items()) if isinstance(v, Op)]
