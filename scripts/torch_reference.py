"""Generate tests/fixtures/torch_reference.json: PyTorch's own values, gradients and node names.

Run with a Python that has torch (gradcli itself is neither needed nor imported):

    $GRADCLI_TORCH_PYTHON scripts/torch_reference.py

Each case is an expression in a tiny DSL: the source of a Python lambda over the inputs, using
operators (+ - * / ** % @, unary -, indexing, `.T`, comparisons) and functions of a namespace `T`
with gradcli's names and signatures (`T.sum(x, axis=0, keepdims=True)`, `T.norm(x, p, axis=...)`,
`T.clamp(x, min, max)`, `T.setitem(x, index, v)` …). This script evaluates the text with `T` bound
to `TorchNS` below, which maps each gradcli call onto torch; tests/test_torch_reference.py
evaluates the same text with `T` bound to gradcli.autograd.

A case records: "name", "op" (the lambda source), "inputs" (nested lists, all differentiated),
"output", "grad_output" (the weights given to backward for a non-scalar output, else null),
"grads" (one per input), "grad_fn" (PyTorch's node name of the output) and, for second-order
cases, "directions" (one per input) and "grads2" = d/d inputs of sum_i <grads_i, directions_i>
(computed with create_graph=True). Everything is float64; NaN and infinities are stored as the
strings "NaN", "Infinity", "-Infinity".
"""
from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import torch
import torch.nn.functional as tF

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "torch_reference.json"

torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(20240607)


# ----- the DSL namespace on the torch side (gradcli names and signatures -> torch) -----

def _dims(t, axis):
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


class TorchNS:
    inf = math.inf

    @staticmethod
    def tensor(data):
        return torch.tensor(data)

    exp, log, log1p, sqrt, sin, cos, tan = (torch.exp, torch.log, torch.log1p, torch.sqrt, torch.sin,
                                            torch.cos, torch.tan)
    asin, acos, atan, sinh, cosh, tanh = torch.asin, torch.acos, torch.atan, torch.sinh, torch.cosh, torch.tanh
    sigmoid, relu, abs, sign, floor, ceil, round = (torch.sigmoid, torch.relu, torch.abs, torch.sign,
                                                    torch.floor, torch.ceil, torch.round)
    softplus = staticmethod(tF.softplus)
    pow, mod, maximum, minimum, where = torch.pow, torch.remainder, torch.maximum, torch.minimum, torch.where
    matmul, dot, outer, trace = torch.matmul, torch.dot, torch.outer, torch.trace
    inv, det = torch.linalg.inv, torch.linalg.det
    erf = torch.erf
    nn = tF                       # torch.nn.functional: gradcli.autograd.nn has its names
    rdiv_number = staticmethod(lambda number, t: number / t)   # torch: t.reciprocal() * number

    @staticmethod
    def clamp(t, min=None, max=None):  # noqa: A002
        return torch.clamp(t, min, max)

    # reductions: gradcli's axis=None, keepdims=False; torch's own call for each form
    @staticmethod
    def sum(t, axis=None, keepdims=False):
        return t.sum() if axis is None and not keepdims else t.sum(dim=_dims(t, axis), keepdim=keepdims)

    @staticmethod
    def mean(t, axis=None, keepdims=False):
        return t.mean() if axis is None and not keepdims else t.mean(dim=_dims(t, axis), keepdim=keepdims)

    @staticmethod
    def prod(t, axis=None, keepdims=False):
        return t.prod() if axis is None else t.prod(axis, keepdim=keepdims)

    @staticmethod
    def max(t, axis=None, keepdims=False):
        if axis is None and not keepdims:
            return t.max()
        if isinstance(axis, int):
            return t.max(dim=axis, keepdim=keepdims).values
        return t.amax(dim=() if axis is None else tuple(axis), keepdim=keepdims)

    @staticmethod
    def min(t, axis=None, keepdims=False):
        if axis is None and not keepdims:
            return t.min()
        if isinstance(axis, int):
            return t.min(dim=axis, keepdim=keepdims).values
        return t.amin(dim=() if axis is None else tuple(axis), keepdim=keepdims)

    @staticmethod
    def var(t, axis=None, keepdims=False):
        return torch.var(t, dim=_dims(t, axis), keepdim=keepdims)   # unbiased (correction=1)

    @staticmethod
    def std(t, axis=None, keepdims=False):
        return torch.std(t, dim=_dims(t, axis), keepdim=keepdims)

    @staticmethod
    def logsumexp(t, axis=None, keepdims=False):
        return torch.logsumexp(t, dim=tuple(range(t.ndim)) if axis is None else _dims(t, axis), keepdim=keepdims)

    @staticmethod
    def norm(t, p=2, axis=None, keepdims=False):
        return torch.linalg.vector_norm(t, ord=p, dim=_dims(t, axis), keepdim=keepdims)

    @staticmethod
    def softmax(t, axis=-1):
        return torch.softmax(t, dim=axis)

    @staticmethod
    def log_softmax(t, axis=-1):
        return torch.log_softmax(t, dim=axis)

    # shape
    @staticmethod
    def reshape(t, *shape):
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = shape[0]
        return t.reshape(tuple(shape))

    @staticmethod
    def permute(t, perm):
        return t.permute(*perm)

    @staticmethod
    def transpose(t, a=0, b=1):
        return t.transpose(a, b)

    @staticmethod
    def flatten(t):
        return t.flatten()

    @staticmethod
    def squeeze(t, axis=None):
        if axis is None:
            return t.squeeze()
        return t.squeeze(tuple(axis) if isinstance(axis, (list, tuple)) else axis)

    @staticmethod
    def unsqueeze(t, axis):
        return t.unsqueeze(axis)

    @staticmethod
    def broadcast_to(t, *shape):
        return torch.broadcast_to(t, shape)

    @staticmethod
    def stack(ts, axis=0):
        return torch.stack(list(ts), dim=axis)

    @staticmethod
    def cat(ts, axis=0):
        return torch.cat(list(ts), dim=axis)

    @staticmethod
    def setitem(t, index, v):
        r = t.clone()
        r[index] = v
        return r


# ----- cases -----

def encode(x):
    if isinstance(x, list):
        return [encode(y) for y in x]
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
    return x


def U(*shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape)


def P(*shape, lo=0.3, hi=2.0):
    return rng.uniform(lo, hi, shape)


def S(*shape):
    """Magnitudes in [0.5, 2], random signs: away from 0 (sign, abs, relu, divisors)."""
    return rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], size=shape)


def D(*shape):
    """Distinct values, distinct in absolute value too (max/min/norm inf without ties)."""
    n = int(np.prod(shape))
    return ((rng.permutation(n) + 1) * 0.25 * rng.choice([-1.0, 1.0], size=n)).reshape(shape)


def W(*shape):
    """Well-conditioned square matrices."""
    n = shape[-1]
    return np.eye(n) * 2 * rng.choice([-1.0, 1.0], size=shape[:-1])[..., None] + 0.4 * U(*shape)


def OFF(*shape):
    """Away from integers and half-integers (floor, ceil, round)."""
    return rng.integers(-3, 3, shape) + rng.choice([0.2, 0.3, 0.7, 0.8], size=shape) + U(*shape) * 0.05


CASES: list[tuple[str, str, list, bool]] = []


def case(name, src, *inputs, second=False):
    assert name not in {c[0] for c in CASES}, name
    CASES.append((name, src, [np.asarray(x, dtype=float) for x in inputs], second))


# elementwise (second order for the smooth ones)
for fn, gen, smooth in [("exp", U, True), ("log", P, True), ("log1p", lambda *s: U(*s, lo=-0.6, hi=2), True),
                        ("sqrt", P, True), ("sin", U, True), ("cos", U, True), ("tan", U, True),
                        ("asin", lambda *s: U(*s, lo=-0.9, hi=0.9), True),
                        ("acos", lambda *s: U(*s, lo=-0.9, hi=0.9), True), ("atan", S, True),
                        ("sinh", U, True), ("cosh", U, True), ("tanh", S, True), ("sigmoid", S, True),
                        ("softplus", S, True), ("relu", S, True), ("abs", S, False), ("sign", S, False),
                        ("floor", OFF, False), ("ceil", OFF, False), ("round", OFF, False)]:
    case(fn, f"lambda x: T.{fn}(x)", gen(2, 3), second=smooth)
    case(f"{fn}_0d", f"lambda x: T.{fn}(x)", gen())
case("softplus_threshold", "lambda x: T.softplus(x)", [25.0, -25.0, 19.5, 21.0])
case("sigmoid_saturated", "lambda x: T.sigmoid(x)", [-40.0, 40.0, 0.0], second=True)
case("neg", "lambda x: -x", U(2, 3))
case("clone", "lambda x: x.clone() * 2", U(2, 3), second=True)

# arithmetic with broadcasting
PAIRS = [("same", (2, 3), (2, 3)), ("col_row", (3, 1), (4,)), ("scalar_matrix", (), (2, 3)),
         ("matrix_scalar", (2, 3), ()), ("3d", (2, 1, 3), (4, 1))]
for op, sym, gb in [("add", "+", U), ("sub", "-", U), ("mul", "*", U), ("div", "/", S)]:
    for tag, sa, sb in PAIRS:
        case(f"{op}_{tag}", f"lambda x, y: x {sym} y", U(*sa), gb(*sb), second=(op in ("mul", "div")))
for tag, sa, sb in PAIRS[:4]:
    case(f"pow_tensor_{tag}", "lambda x, y: x ** y", P(*sa), U(*sb, lo=-2, hi=2), second=True)
    case(f"maximum_{tag}", "lambda x, y: T.maximum(x, y)", D(*sa), D(*sb) + 0.1)
    case(f"minimum_{tag}", "lambda x, y: T.minimum(x, y)", D(*sa), D(*sb) + 0.1)
case("add_number", "lambda x: x + 2.5", U(2, 3))
case("radd_number", "lambda x: 2.5 + x", U(2, 3))
case("rsub_number", "lambda x: 2.0 - x", U(2, 3))
case("sub_number", "lambda x: x - 2.0", U(3))
case("mul_number", "lambda x: 3.0 * x", U(3))
case("div_number", "lambda x: x / 4.0", U(3))
case("rdiv_number", "lambda x: 2.0 / x", S(3))
case("pow_number", "lambda x: x ** 3", U(2, 3), second=True)
case("pow_half", "lambda x: x ** 0.5", P(4), second=True)
case("pow_fn", "lambda x, y: T.pow(x, y)", P(3), U(3), second=True)
case("rpow_number", "lambda x: 2.0 ** x", U(2, 3), second=True)
case("remainder_number", "lambda x: x % 1.5", [-2.9, -0.4, 0.3, 2.0, 4.1])
case("remainder_negative", "lambda x: T.mod(x, -1.5)", [-2.9, -0.4, 0.3, 2.0, 4.1])
case("remainder_tensor", "lambda x, y: x % y", [5.5, -5.5, 3.3, -0.7], [2.0, 2.0, -1.5, 0.5])
case("remainder_broadcast", "lambda x, y: T.mod(x, y)", [[5.5], [-2.2]], [2.0, -1.5, 0.9])
case("where", "lambda x, y: T.where(x > 0, x, y)", S(2, 3), U(2, 3))
case("where_broadcast", "lambda x, y: T.where(y > 0, x, y * 2)", U(3), S(2, 3))
case("where_number", "lambda x: T.where(x > 0, x, 0.0)", S(2, 3), second=True)
case("where_const_cond", "lambda x, y: T.where(T.tensor([True, False, True]), x, y)", U(2, 3), U(3),
     second=True)
case("clamp_both", "lambda x: T.clamp(x, -0.5, 0.5)", D(2, 3) * 0.3)
case("clamp_min", "lambda x: T.clamp(x, min=0.1)", D(5) * 0.3)
case("clamp_max", "lambda x: T.clamp(x, max=0.1)", D(5) * 0.3)

# reductions: several axis / keepdims combinations
LAYOUTS = [("all", (3, 4), ""), ("all_keep", (3, 4), ", keepdims=True"),
           ("axis0", (3, 4), ", axis=0"), ("axis-1_keep", (2, 3, 4), ", axis=-1, keepdims=True"),
           ("axes02", (2, 3, 4), ", axis=(0, 2)"), ("axes_list_keep", (2, 3, 4), ", axis=[0, 1], keepdims=True")]
for fn, gen in [("sum", U), ("mean", U), ("var", U), ("std", U), ("logsumexp", U), ("max", D), ("min", D),
                ("prod", S)]:
    for tag, shape, args in LAYOUTS:
        if fn == "prod" and ("axes" in tag or tag == "all_keep"):
            continue      # torch.prod takes one dim only
        case(f"{fn}_{tag}", f"lambda x: T.{fn}(x{args})", gen(*shape),
             second=fn in ("var", "std", "logsumexp", "prod") and tag in ("all", "axis0"))
case("sum_1d", "lambda x: T.sum(x)", U(5))
case("mean_0d", "lambda x: T.mean(x)", U())
case("sum_of_squares", "lambda x: T.sum(x * x)", U(3, 2), second=True)
case("prod_1d", "lambda x: T.prod(x)", S(6), second=True)
case("var_1d", "lambda x: T.var(x)", U(6))
case("std_axis1", "lambda x: T.std(x, axis=1)", U(3, 5))
case("logsumexp_large", "lambda x: T.logsumexp(x, axis=0)", U(4, lo=1000, hi=1003), second=True)
case("logsumexp_very_negative", "lambda x: T.logsumexp(x)", U(3, lo=-1003, hi=-1000))
for p, tag in [(2, "2"), (1, "1"), ("T.inf", "inf"), ("-T.inf", "-inf"), (3, "3"), (0.5, "0.5"), (1.5, "1.5")]:
    case(f"norm_p{tag}", f"lambda x: T.norm(x, {p})", D(2, 3), second=tag in ("2", "3"))
    case(f"norm_p{tag}_axis", f"lambda x: T.norm(x, {p}, axis=1)", D(3, 4))
case("norm_default", "lambda x: T.norm(x)", U(5), second=True)
case("norm_axes_keep", "lambda x: T.norm(x, 2, axis=(0, 2), keepdims=True)", U(2, 3, 4))
case("norm_p0", "lambda x: T.norm(x, 0)", [1.0, 0.0, -2.0])
for fn in ("softmax", "log_softmax"):
    case(f"{fn}_last", f"lambda x: T.{fn}(x)", U(3, 4), second=True)
    case(f"{fn}_axis0", f"lambda x: T.{fn}(x, axis=0)", U(3, 4))
    case(f"{fn}_3d", f"lambda x: T.{fn}(x, 1)", U(2, 3, 4))
    case(f"{fn}_large", f"lambda x: T.{fn}(x)", [1000.0, 1001.0, 1002.5, 999.0], second=True)
    case(f"{fn}_1d", f"lambda x: T.{fn}(x, 0)", U(5))

# shape
case("reshape", "lambda x: T.reshape(x, 6, 4)", U(2, 3, 4), second=True)
case("reshape_neg", "lambda x: T.reshape(x, 4, -1)", U(2, 3, 4))
case("reshape_tuple", "lambda x: T.reshape(x, (3, 2))", U(6))
case("flatten", "lambda x: T.flatten(x)", U(2, 3))
case("permute", "lambda x: T.permute(x, (2, 0, 1))", U(2, 3, 4))
case("transpose", "lambda x: T.transpose(x, 0, 1)", U(2, 3))
case("transpose_3d", "lambda x: T.transpose(x, 0, 2)", U(2, 3, 4))
case("dot_T", "lambda x: x.T", U(2, 3))
case("squeeze", "lambda x: T.squeeze(x)", U(3, 1, 2, 1))
case("squeeze_axis", "lambda x: T.squeeze(x, 1)", U(3, 1, 2))
case("squeeze_axes", "lambda x: T.squeeze(x, [0, 2])", U(1, 3, 1))
case("unsqueeze", "lambda x: T.unsqueeze(x, 1)", U(3, 2))
case("unsqueeze_neg", "lambda x: T.unsqueeze(x, -1)", U(3))
case("broadcast_to", "lambda x: T.broadcast_to(x, 2, 3, 4)", U(3, 1), second=True)
case("broadcast_to_scalar", "lambda x: T.broadcast_to(x, 2, 2)", U())

# indexing and out-of-place update
X = U(4, 3)
for tag, idx in [("int", "1"), ("neg_int", "-1"), ("slice", "1:3"), ("int_slice", "0, 1:3"),
                 ("slice_int", "1:, 0"), ("int_colon", "0, :"), ("ellipsis", "..., 1"), ("none", "None"),
                 ("list_repeated", "[0, 2, 2]"), ("colon_list", ":, [0, 1]"), ("two_ints", "1, 2"),
                 ("neg_ints", "-1, -2"), ("step", "-2:, ::2"), ("int_list", "0, [0, 2]")]:
    case(f"getitem_{tag}", f"lambda x: x[{idx}]", X, second=tag in ("slice", "list_repeated"))
case("getitem_cubed", "lambda x: T.sum(x[1:3] ** 3) + T.sum(x[[0, 0]] ** 2)", U(4, 3), second=True)
case("getitem_mask", "lambda x: x[x > 0]", S(3, 3))
case("getitem_tensor_index", "lambda x: x[T.tensor([2, 0])]", U(3, 2))
case("setitem_row", "lambda x, v: T.setitem(x, 1, v)", U(4, 3), U(3), second=True)
case("setitem_column_scalar", "lambda x, v: T.setitem(x, (slice(None), 1), v)", U(4, 3), U())
case("setitem_slice", "lambda x, v: T.setitem(x, slice(1, 3), v)", U(4, 3), U(2, 3))
case("setitem_list", "lambda x, v: T.setitem(x, [0, 3], v)", U(5), U(2))

# stack / cat
case("stack2", "lambda x, y: T.stack([x, y])", U(2, 3), U(2, 3))
case("stack3_axis1", "lambda x, y, z: T.stack([x, y, z], axis=1)", U(2, 3), U(2, 3), U(2, 3), second=True)
case("stack_last", "lambda x, y: T.stack([x * y, x], axis=-1)", U(3), U(3))
case("stack_scalars", "lambda x, y: T.stack([x, y, x * y])", U(), U())
case("cat2", "lambda x, y: T.cat([x, y])", U(2, 3), U(1, 3))
case("cat3_axis1", "lambda x, y, z: T.cat([x, y, z], axis=1)", U(2, 1), U(2, 3), U(2, 2), second=True)
case("cat1", "lambda x: T.cat([x])", U(3))

# linear algebra
case("mm", "lambda a, b: a @ b", U(3, 4), U(4, 2), second=True)
case("mm_fn", "lambda a, b: T.matmul(a, b)", U(2, 2), U(2, 2))
case("mv", "lambda a, b: a @ b", U(3, 4), U(4), second=True)
case("dot_1d", "lambda a, b: a @ b", U(4), U(4))
case("vm", "lambda a, b: a @ b", U(4), U(4, 2))
case("bmm", "lambda a, b: a @ b", U(2, 3, 4), U(2, 4, 5), second=True)
case("batched_matrix", "lambda a, b: a @ b", U(2, 3, 4), U(4, 5))
case("matrix_batched", "lambda a, b: a @ b", U(3, 4), U(2, 4, 5))
case("batched_vector", "lambda a, b: a @ b", U(2, 3, 4), U(4))
case("vector_batched", "lambda a, b: a @ b", U(4), U(2, 4, 3))
case("batched_broadcast", "lambda a, b: a @ b", U(2, 1, 3, 4), U(5, 4, 2))
case("dot", "lambda a, b: T.dot(a, b)", U(3), U(3), second=True)
case("outer", "lambda a, b: T.outer(a, b)", U(3), U(2))
case("trace", "lambda x: T.trace(x)", U(3, 3))
case("trace_wide", "lambda x: T.trace(x)", U(2, 4))
case("inv2", "lambda x: T.inv(x)", W(2, 2), second=True)
case("inv3", "lambda x: T.inv(x)", W(3, 3))
case("inv_batched", "lambda x: T.inv(x)", W(2, 3, 3))
case("det2", "lambda x: T.det(x)", W(2, 2), second=True)
case("det3", "lambda x: T.det(x)", W(3, 3), second=True)
case("det_negative", "lambda x: T.det(x)", [[0.0, 1.0, 0.2], [1.0, 0.0, 0.3], [0.1, 0.2, 1.0]])
case("det_batched", "lambda x: T.det(x)", W(2, 3, 3))
case("det_1x1", "lambda x: T.det(x)", [[2.5]])

# compositions (the tutorial and friends)
case("tutorial", "lambda x: ((x + 2) * (x + 2) * 3).mean()", np.ones((2, 2)), second=True)
case("mlp", "lambda x, w, b: T.sum(T.tanh(x @ w + b) ** 2)", U(4, 3), U(3, 2), U(2), second=True)
case("cross_entropy", "lambda z: -T.log_softmax(z, axis=1)[[0, 1, 2], [2, 0, 1]].mean()", U(3, 4), second=True)
case("normalize", "lambda x: x / T.norm(x, axis=1, keepdims=True)", U(3, 4), second=True)
case("standardize", "lambda x: (x - T.mean(x, 0)) / T.std(x, 0)", U(5, 2), second=True)
case("quadratic_form", "lambda x, A: x @ (A @ x)", U(3), U(3, 3), second=True)
case("logdet_like", "lambda x: T.log(T.abs(T.det(x)))", W(3, 3), second=True)
case("softplus_sum", "lambda x: T.sum(T.softplus(x) * T.sigmoid(x))", U(6) * 3, second=True)
case("pow_tensor_chain", "lambda x, y: T.sum((x * y) ** (y + 1.0))", P(3), P(3), second=True)

# kinks: PyTorch's own conventions (LANGUAGE.md §8)
case("kink_abs0", "lambda x: T.abs(x)", [0.0, -1.0, 2.0])
case("kink_relu0", "lambda x: T.relu(x)", [0.0, -1.0, 2.0])
case("kink_sign_floor_ceil_round", "lambda x: T.sign(x) + T.floor(x) + T.ceil(x) + T.round(x)",
     [0.0, 1.0, 2.5, -0.5])
case("kink_max_ties", "lambda x: T.max(x)", [1.0, 3.0, 3.0, -2.0])
case("kink_min_ties", "lambda x: T.min(x)", [[1.0, 1.0], [1.0, 3.0]])
case("kink_amax_ties", "lambda x: T.max(x, axis=[0])", [[3.0, 1.0], [3.0, 2.0]])
case("kink_amin_ties_keep", "lambda x: T.min(x, axis=[0, 1], keepdims=True)", [[0.0, 1.0], [0.0, 0.0]])
case("kink_maximum_ties", "lambda x, y: T.maximum(x, y)", [1.0, 2.0, 5.0], [1.0, 3.0, 5.0])
case("kink_minimum_ties", "lambda x, y: T.minimum(x, y)", [1.0, 2.0, 5.0], [1.0, 3.0, 5.0])
case("kink_maximum_tie_broadcast", "lambda x, y: T.maximum(x, y)", [2.0, 2.0, 1.0], 2.0)
case("kink_clamp_bounds", "lambda x: T.clamp(x, -1.0, 1.0)", [-1.0, 1.0, 2.0, -3.0, 0.0])
case("kink_clamp_min_bound", "lambda x: T.clamp(x, min=0.0)", [0.0, -1.0, 1.0])
case("kink_norm0", "lambda x: T.norm(x)", [0.0, 0.0, 0.0])
case("kink_norm0_p1", "lambda x: T.norm(x, 1)", [0.0, 0.0])
case("kink_norm0_inf", "lambda x: T.norm(x, T.inf)", [0.0, 0.0])
case("kink_norm0_axis", "lambda x: T.norm(x, axis=1)", [[0.0, 0.0], [3.0, 4.0]])
case("kink_norm_inf_ties", "lambda x: T.norm(x, T.inf)", [-2.0, 2.0, 1.0])
case("kink_norm_p1.5_zero_element", "lambda x: T.norm(x, 1.5)", [0.0, 2.0, -1.0])
case("kink_norm_p0.5_zero_element", "lambda x: T.norm(x, 0.5)", [0.0, 2.0, -1.0])
case("kink_sqrt0", "lambda x: T.sqrt(x)", [0.0, 4.0])
case("kink_pow0", "lambda x: x ** 0", [0.0, 2.0, -3.0])
case("kink_pow0_tensor", "lambda x, y: x ** y", [0.0, 0.0, 2.0, 0.0], [0.0, 2.0, 0.0, 0.5])
case("kink_prod_one_zero", "lambda x: T.prod(x)", [2.0, 0.0, 3.0])
case("kink_prod_two_zeros", "lambda x: T.prod(x)", [2.0, 0.0, 0.0])
case("kink_prod_axis_zero", "lambda x: T.prod(x, 1)", [[2.0, 0.0, 3.0], [1.0, 2.0, 4.0]])
case("kink_std_constant", "lambda x: T.std(x)", [1.5, 1.5, 1.5])
case("kink_logsumexp_neg_inf", "lambda x: T.logsumexp(x, axis=0)", [-math.inf, 0.0])
# number / tensor as the language computes it (reciprocal, then MulBackward0); fixed inputs, so the
# random draws of every case above stay as they were
case("rdiv_number_reciprocal", "lambda x: T.rdiv_number(2.0, x)", [0.7, -1.3, 2.0], second=True)

# torch.nn.functional (fixed inputs: the random draws of every case above stay as they were)
LOGITS = [[1.5, -0.3, 0.8], [-2.0, 0.1, 3.5]]
TARGET = [[1.0, 0.0, 1.0], [0.0, 0.5, 1.0]]
PROBS = [[0.9, 0.2, 0.6], [0.05, 0.5, 0.99]]
for r in ("mean", "sum", "none"):
    case(f"nn_bce_with_logits_{r}", f"lambda x, t: T.nn.binary_cross_entropy_with_logits(x, t, reduction='{r}')",
         LOGITS, TARGET)
    case(f"nn_bce_with_logits_weights_{r}", "lambda x, t: T.nn.binary_cross_entropy_with_logits(x, t, "
         f"weight=T.tensor([0.5, 2.0, 1.0]), pos_weight=T.tensor([3.0, 1.0, 0.5]), reduction='{r}')", LOGITS, TARGET)
    case(f"nn_bce_{r}", f"lambda p, t: T.nn.binary_cross_entropy(p, t, weight=T.tensor([[2.0], [0.5]]), reduction='{r}')",
         PROBS, TARGET)
    case(f"nn_mse_{r}", f"lambda x, t: T.nn.mse_loss(x, t, reduction='{r}')", LOGITS, TARGET)
    case(f"nn_l1_{r}", f"lambda x, t: T.nn.l1_loss(x, t, reduction='{r}')", LOGITS, TARGET)
    case(f"nn_smooth_l1_{r}", f"lambda x, t: T.nn.smooth_l1_loss(x, t, reduction='{r}', beta=0.5)", LOGITS, TARGET)
    case(f"nn_huber_{r}", f"lambda x, t: T.nn.huber_loss(x, t, reduction='{r}', delta=0.7)", LOGITS, TARGET)
    case(f"nn_nll_{r}", "lambda x: T.nn.nll_loss(x, T.tensor([2, 0]), weight=T.tensor([1.0, 2.0, 0.5]), "
         f"reduction='{r}')", LOGITS)
    case(f"nn_cross_entropy_{r}", f"lambda x: T.nn.cross_entropy(x, T.tensor([2, -100]), reduction='{r}', "
         "label_smoothing=0.1)", LOGITS)
    case(f"nn_cross_entropy_probs_{r}", f"lambda x, t: T.nn.cross_entropy(x, t, reduction='{r}')", LOGITS, PROBS)
    case(f"nn_nll2d_{r}", f"lambda x: T.nn.nll_loss(x, T.tensor([[1, 2]]), reduction='{r}')",
         [[[0.5, -0.2], [1.0, 0.3], [-0.4, 0.8]]])
for name, src in [("leaky_relu", "T.nn.leaky_relu(x, 0.2)"), ("elu", "T.nn.elu(x, alpha=0.5)"),
                  ("gelu", "T.nn.gelu(x)"), ("gelu_tanh", "T.nn.gelu(x, approximate='tanh')"),
                  ("silu", "T.nn.silu(x)"), ("softplus_beta", "T.nn.softplus(x, beta=2.0, threshold=3.0)"),
                  ("erf", "T.erf(x)"), ("normalize", "T.nn.normalize(x)"), ("normalize_p1", "T.nn.normalize(x, 1.0, 0)")]:
    case(f"nn_{name}", f"lambda x: {src}", [[-2.5, -0.5, 0.3], [0.4, 1.5, 3.0]])
case("nn_linear", "lambda x, w, b: T.nn.linear(x, w, b)", LOGITS, [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], [0.1, -0.2])
case("nn_linear_1d", "lambda x, w, b: T.nn.linear(x, w, b)", [1.5, -0.3, 0.8], [[0.5, -1.0, 2.0]], [0.1])
case("nn_linear_no_bias", "lambda x, w: T.nn.linear(x, w)", LOGITS, [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])


# ----- run torch -----

def run(name, src, inputs, second):
    fn = eval(src, {"T": TorchNS})  # noqa: S307 (our own source text)
    xs = [torch.tensor(a, requires_grad=True) for a in inputs]
    out = fn(*xs)
    record = {"name": name, "op": src, "inputs": [encode(a.tolist()) for a in inputs],
              "output": encode(out.detach().tolist()),
              "grad_fn": type(out.grad_fn).__name__ if out.grad_fn is not None else None}
    w = None if out.dim() == 0 else torch.tensor(rng.uniform(0.5, 1.5, tuple(out.shape)))
    record["grad_output"] = None if w is None else encode(w.tolist())
    gs = torch.autograd.grad(out, xs, grad_outputs=w, create_graph=second, allow_unused=True,
                             materialize_grads=True)
    record["grads"] = [encode(g.detach().tolist()) for g in gs]
    if second:      # the node names of gradients made with create_graph=True
        record["grads_grad_fn"] = [g.grad_fn.name() if g.grad_fn is not None else None for g in gs]
        us = [torch.tensor(rng.uniform(-1, 1, a.shape)) for a in inputs]
        s = sum((g * u).sum() for g, u in zip(gs, us))
        g2 = (torch.autograd.grad(s, xs, allow_unused=True, materialize_grads=True) if s.requires_grad
              else [torch.zeros_like(x) for x in xs])     # the gradient is constant: 0
        record["directions"] = [encode(u.tolist()) for u in us]
        record["grads2"] = [encode(g.detach().tolist()) for g in g2]
    return record


def main():
    records = [run(*c) for c in CASES]
    OUT.write_text(json.dumps(records, indent=None, separators=(",", ":")).replace('{"name"', '\n{"name"') + "\n")
    print(f"{len(records)} cases, {sum('grads2' in r for r in records)} second order -> {OUT}")


if __name__ == "__main__":
    main()
