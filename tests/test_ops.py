"""Every op of `gradcli.autograd.ops.TABLE` against finite differences (DESIGN.md rule 10).

`CASES` maps each differentiable op's name to a generator of cases at random points of its domain
(seeded numpy RNG, float64, random shapes, broadcasting, several axis/keepdims combinations). For
each case the VJP of every input is compared with central differences, and the second order
(the gradient of <grad, u> through `create_graph=True`) with central differences of the first-order
gradient. Tests fail when an op of the table, a PyTorch-named variant of one (`Op.renamed`), or the
n-ary stack/cat has no case. The kinks of LANGUAGE.md §8 are pinned at the end.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest

import gradcli.autograd as ag
from gradcli.autograd import backends, functions, nn, ops
from gradcli.autograd.tensor import Tensor, apply

EPS1, EPS2 = 1e-6, 1e-5


@dataclass
class Case:
    fn: Callable[..., Tensor]          # differentiable inputs -> output
    inputs: list                       # numpy arrays (or floats for 0-d), all differentiated
    label: str
    second: bool = True                # check the second order too
    tol: float = 1e-6


# ----- random points -----

def U(rng, shape, lo=-1.0, hi=1.0):
    return rng.uniform(lo, hi, shape)


def away(rng, shape, lo, hi, bad=(0.0,), margin=0.1):
    """Uniform in [lo, hi], at least `margin` from every point of `bad` (kinks)."""
    x = U(rng, shape, lo, hi)
    for _ in range(1000):
        close = np.zeros(np.shape(x), bool)
        for b in bad:
            close |= np.abs(x - b) < margin
        if not close.any():
            return x
        x = np.where(close, U(rng, shape, lo, hi), x)
    raise AssertionError("could not sample away from the kinks")


def signed(rng, shape, lo=0.5, hi=2.0):
    """Magnitude in [lo, hi], random sign: away from 0."""
    return U(rng, shape, lo, hi) * rng.choice([-1.0, 1.0], size=shape)


def distinct(rng, shape, gap=0.1):
    """Values whose pairwise gaps are at least `gap`, also in absolute value, and away from 0."""
    n = int(np.prod(shape))
    mags = (rng.permutation(n) + 1) * gap + rng.uniform(-gap / 4, gap / 4, n)
    return (mags * rng.choice([-1.0, 1.0], size=n)).reshape(shape)


def well_conditioned(rng, shape):
    n = shape[-1]
    return np.eye(n) * rng.choice([-1.0, 1.0], size=shape[:-1])[..., None] * 2 + 0.4 * U(rng, shape)


UNARY_SHAPES = [(), (5,), (2, 3), (2, 1, 3)]
BCAST = [((4,), (4,)), ((2, 3), (2, 3)), ((3, 1), (4,)), ((), (2, 3)), ((2, 3), ()),
         ((2, 1, 3), (4, 1)), ((1,), (2, 2))]
REDUCE = [((), None, False), ((5,), None, False), ((5,), 0, True), ((3, 4), None, True),
          ((3, 4), 0, False), ((3, 4), -1, True), ((2, 3, 4), (0, 2), False),
          ((2, 3, 4), [1], True), ((2, 3, 4), (0, 1, 2), False), ((2, 3, 4), -2, False)]


SAME = [(), (4,), (2, 3), (2, 1, 3)]


def random_shape(rng, min_ndim=0, max_ndim=3):
    return tuple(int(d) for d in rng.integers(1, 4, size=rng.integers(min_ndim, max_ndim + 1)))


def random_broadcast_pair(rng):
    """Two random shapes that broadcast: a suffix of one, with some dimensions set to 1."""
    s = random_shape(rng, 1)
    t = tuple(1 if rng.random() < 0.4 else d for d in s[rng.integers(0, len(s) + 1):])
    s = tuple(1 if rng.random() < 0.2 else d for d in s)
    return (s, t) if rng.random() < 0.5 else (t, s)


def unary(fn, sample, shapes=UNARY_SHAPES, **kw):
    def gen(rng):
        shapes_ = list(shapes) + [random_shape(rng) for _ in range(2)]
        return [Case(fn, [sample(rng, s)], f"{s}" + (" random" if k >= len(shapes) else ""), **kw)
                for k, s in enumerate(shapes_)]
    return gen


def binary(fn, sample_a, sample_b=None, pairs=BCAST, valid=None, **kw):
    sample_b = sample_b or sample_a

    def gen(rng):
        out = []
        for sa, sb in list(pairs) + [random_broadcast_pair(rng) for _ in range(3)]:
            for _ in range(1000):
                a, b = sample_a(rng, sa), sample_b(rng, sb)
                if valid is None or valid(a, b):
                    break
            else:
                raise AssertionError("no valid sample")
            out.append(Case(fn, [a, b], f"{sa}x{sb}", **kw))
        return out
    return gen


def same_shape(fn, sample_a, sample_b=None, shapes=SAME, **kw):
    """Two inputs of one shape (the backward functions: a gradient and the value it goes with)."""
    sample_b = sample_b or sample_a

    def gen(rng):
        return [Case(fn, [sample_a(rng, s), sample_b(rng, s)], f"{s}", **kw)
                for s in list(shapes) + [random_shape(rng) for _ in range(2)]]
    return gen


def random_layout(rng):
    shape = random_shape(rng, 1)
    axes = [a - len(shape) if rng.random() < 0.3 else a for a in range(len(shape)) if rng.random() < 0.5]
    axis = None if not axes else axes[0] if len(axes) == 1 and rng.random() < 0.5 else tuple(axes)
    return shape, axis, bool(rng.random() < 0.5)


def reductions(fn, sample=U, layouts=REDUCE, min_count=1, **kw):
    def gen(rng):
        out = []
        for shape, axis, keepdims in list(layouts) + [random_layout(rng) for _ in range(4)]:
            count = int(np.prod([shape[a] for a in np.atleast_1d(axis)] if axis is not None else shape))
            if count < min_count:
                continue
            out.append(Case(lambda x, a=axis, k=keepdims: fn(x, axis=a, keepdims=k), [sample(rng, shape)],
                            f"{shape} axis={axis} keepdims={keepdims}", **kw))
        return out
    return gen


def join(*gens):
    return lambda rng: [c for g in gens for c in g(rng)]


def fixed(*cases):
    return lambda rng: [c(rng) for c in cases]


# ----- the case generators, one per op of the table -----

def _where_cases(rng):
    out = []
    for sc, sa, sb in [((2, 3), (2, 3), (2, 3)), ((2, 3), (3,), ()), ((3, 1), (4,), (3, 4)), ((), (2,), (2,))]:
        c = ag.tensor(rng.random(sc) < 0.5)
        out.append(Case(lambda a, b, c=c: ag.where(c, a, b), [U(rng, sa), U(rng, sb)], f"{sc},{sa},{sb}"))
    out.append(Case(lambda a: ag.where(a > 0, a, 0.0), [away(rng, (2, 3), -1, 1)], "where(a > 0, a, 0)"))
    return out


def _clamp_cases(rng):
    out = []
    for lo, hi in [(-0.5, 0.5), (None, 0.3), (-0.2, None), (None, None)]:
        bad = tuple(b for b in (lo, hi) if b is not None) or (9.0,)
        out.append(Case(lambda x, lo=lo, hi=hi: ag.clamp(x, lo, hi), [away(rng, (3, 4), -1, 1, bad, 0.05)],
                        f"min={lo} max={hi}"))
    out.append(Case(lambda x: x.clamp(min=-0.1), [away(rng, (), -1, 1, (-0.1,), 0.05)], "method, 0-d"))
    return out


def _mod_valid(a, b):
    q = np.mod(a / b, 1.0)     # a / b away from the integers, where a % b jumps
    return bool(np.all(np.minimum(q, 1 - q) > 0.05))


_mod_cases = join(
    binary(lambda x, y: x % y, lambda rng, s: U(rng, s, -4, 4), signed,
           pairs=[((4,), (4,)), ((2, 3), ()), ((3, 1), (3, 4))], valid=_mod_valid),
    binary(lambda x, y: ag.mod(x, y), lambda rng, s: U(rng, s, -4, 4), signed,
           pairs=[((2, 3), (3,))], valid=_mod_valid),
    fixed(lambda rng: Case(lambda x: x % 1.5, [np.array([-2.9, -0.4, 0.3, 2.0, 4.1])], "t % 1.5"),
          lambda rng: Case(lambda x: ag.mod(x, -1.5), [np.array([-2.9, -0.4, 0.3, 2.0, 4.1])], "mod(t, -1.5)")))


def _norm_cases(rng):
    out = []
    for p in [2, 1, np.inf, -np.inf, 3, 1.5, 0.5, 0]:
        for shape, axis, keepdims in [((5,), None, False), ((3, 4), None, True), ((3, 4), 1, False),
                                      ((2, 3, 4), (0, 2), True)]:
            out.append(Case(lambda x, p=p, a=axis, k=keepdims: ag.norm(x, p, axis=a, keepdims=k),
                            [distinct(rng, shape)], f"p={p} {shape} axis={axis} keepdims={keepdims}"))
    out.append(Case(lambda x: x.norm(), [U(rng, ())], "0-d, method"))
    return out


def _softmax_cases(fn):
    def gen(rng):
        out = [Case(lambda x, a=axis: fn(x, a), [U(rng, shape, -3, 3)], f"{shape} axis={axis}")
               for shape, axis in [((5,), -1), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), 1), ((), -1)]]
        out.append(Case(lambda x: fn(x), [U(rng, (4,), 500, 503)], "large values"))
        return out
    return gen


def _reshape_cases(rng):
    x = U(rng, (2, 3, 4))
    return [
        Case(lambda t: ag.reshape(t, 6, 4), [x], "reshape(6, 4)"),
        Case(lambda t: t.reshape(4, -1, 2), [x], "reshape(4, -1, 2)"),
        Case(lambda t: ag.reshape(t, (24,)), [x], "reshape((24,))"),
        Case(lambda t: ag.reshape(t, 1), [U(rng, ())], "0-d to (1,)"),
        Case(lambda t: ag.flatten(t), [x], "flatten"),
        Case(lambda t: ag.squeeze(t), [U(rng, (3, 1, 2, 1))], "squeeze()"),
        Case(lambda t: ag.squeeze(t, -1), [U(rng, (3, 2, 1))], "squeeze(-1)"),
        Case(lambda t: ag.squeeze(t, [0, 2]), [U(rng, (1, 3, 1))], "squeeze([0, 2])"),
        Case(lambda t: ag.unsqueeze(t, 1), [U(rng, (3, 2))], "unsqueeze(1)"),
        Case(lambda t: t.unsqueeze(0), [U(rng, ())], "unsqueeze 0-d"),
    ]


def _permute_cases(rng):
    return [
        Case(lambda t: ag.permute(t, (2, 0, 1)), [U(rng, (2, 3, 4))], "permute(2, 0, 1)"),
        Case(lambda t: t.T, [U(rng, (2, 3, 4))], ".T 3-d"),
        Case(lambda t: t.T, [U(rng, (2, 3))], ".T"),
        Case(lambda t: ag.transpose(t), [U(rng, (2, 3))], "transpose"),
        Case(lambda t: ag.transpose(t, 0, -1), [U(rng, (2, 3, 4))], "transpose(0, -1)"),
        Case(lambda t: ag.t(t), [U(rng, (2, 3))], "t.t() (TBackward0)"),
        Case(lambda t: ag.t(t), [U(rng, (3,))], "t.t() of a vector"),
    ]


def _expand_cases(rng):
    return [Case(lambda t, s=s: ag.broadcast_to(t, *s), [U(rng, s0)], f"{s0}->{s}")
            for s0, s in [((3, 1), (2, 3, 4)), ((4,), (3, 4)), ((), (2, 2)), ((1,), (3,))]]


def _sum_to_cases(rng):
    """TensorF.sum_to (what undoes broadcasting under create_graph): sum and view, as PyTorch."""
    return [Case(lambda t, s=s: backends.TensorF.sum_to(t, s), [U(rng, s0)], f"sum_to {s0}->{s}")
            for s0, s in [((2, 3, 4), (3, 1)), ((2, 3, 4), (4,)), ((3, 4), ()), ((2, 3), (2, 1))]]


def _getitem_cases(rng):
    x = U(rng, (4, 3))
    mask = ag.tensor(U(rng, (4, 3)) > 0)
    idx = [
        (1, "[1]"), (-1, "[-1]"), (slice(1, 3), "[1:3]"), (slice(None, None, -1), "[::-1]"),
        ((0, slice(1, 3)), "[0, 1:3]"), ((slice(1, None), 0), "[1:, 0]"), ((Ellipsis, 1), "[..., 1]"),
        ((None,), "[None]"), ((1, 2), "[1, 2]"), ((-1, -2), "[-1, -2]"),
        ([0, 2, 2], "[[0, 2, 2]] repeated"), ((slice(None), [0, 1]), "[:, [0, 1]]"),
        ((slice(-2, None), slice(None, None, 2)), "[-2:, ::2]"), ((0, slice(None)), "[0, :]"),
        (ag.tensor([3.0, 0.0]), "[tensor]"), (mask, "[mask]"),
    ]
    return [Case(lambda t, i=i: t[i], [x], label) for i, label in idx]


def _scatter_cases(rng):
    return [Case(lambda g, p=p: apply(ops.SCATTER, (g,), p), [U(rng, gs)], label)
            for gs, p, label in [((3, 3), ((4, 3), (np.array([0, 2, 2]),)), "rows, repeated"),
                                 ((3,), ((5,), (slice(1, 4),)), "slice"),
                                 ((), ((2, 2), (1, 0)), "element")]]


def _setitem_cases(rng):
    out = []
    for shape, idx, vshape, label in [((4, 3), 1, (3,), "[1] = row"), ((4, 3), (slice(1, 3), 0), (2,), "[1:3, 0]"),
                                      ((4, 3), slice(None, 2), (), "[:2] = scalar"),
                                      ((4, 3), (slice(None), 1), (1,), "[:, 1] = (1,)"),
                                      ((5,), [0, 3], (2,), "[[0, 3]]"), ((5,), 2, (), "[2] = scalar")]:
        out.append(Case(lambda x, v, i=idx: ag.setitem(x, i, v), [U(rng, shape), U(rng, vshape)], label))
    return out


MATMUL_SHAPES = [((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4,)), ((4,), (4, 2)), ((2, 3, 4), (2, 4, 5)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,)),
                 ((2, 1, 3, 4), (5, 4, 2))]


def _matmul_cases(rng):
    out = [Case(lambda a, b: a @ b, [U(rng, sa), U(rng, sb)], f"{sa}@{sb}") for sa, sb in MATMUL_SHAPES]
    out.append(Case(lambda a, b: ag.dot(a, b), [U(rng, (3,)), U(rng, (3,))], "dot"))
    out.append(Case(lambda a, b: ag.matmul(a, b), [U(rng, (2, 2)), U(rng, (2, 2))], "matmul()"))
    return out


def _nary_cases(kind):
    fn = ag.stack if kind == "stack" else ag.cat

    def gen(rng):
        out = []
        for n, shape, axis in [(1, (3,), 0), (2, (2, 3), 0), (3, (2, 3), 1), (2, (2, 3), -1), (3, (), 0)]:
            if kind == "cat" and shape == ():
                continue
            shapes = [shape] * n
            if kind == "cat":   # sizes along the axis may differ
                shapes = [tuple(s + (i if d == axis % len(shape) else 0) for d, s in enumerate(shape))
                          for i in range(n)]
            out.append(Case(lambda *xs, a=axis: fn(list(xs), axis=a), [U(rng, s) for s in shapes],
                            f"n={n} {shape} axis={axis}"))
        return out
    return gen


def _pos(rng, shape):
    return U(rng, shape, 0.3, 2.0)


# ----- torch.nn.functional: every loss with each reduction, the optional weights as constants -----

REDUCTIONS = ("mean", "sum", "none")
LOSS_SHAPES = [(), (4,), (2, 3), (2, 1, 3)]


def _loss_cases(f, sample_x, sample_t, extra=None, shapes=LOSS_SHAPES, **kw):
    """f(x, t, reduction=r, **extra) for each reduction and shape, x and t both differentiated."""
    def gen(rng):
        out = []
        for r in REDUCTIONS:
            for s in list(shapes) + [random_shape(rng)]:
                out.append(Case(lambda x, t, r=r: f(x, t, reduction=r, **(extra or {})),
                                [sample_x(rng, s), sample_t(rng, s)], f"{r} {s} {extra or ''}", **kw))
        return out
    return gen


def _bce_logits_cases(rng):
    out = _loss_cases(nn.binary_cross_entropy_with_logits, lambda rng, s: U(rng, s, -4, 4),
                      lambda rng, s: U(rng, s, 0, 1))(rng)
    w, pw = ag.tensor([0.5, 2.0, 1.5]), ag.tensor([3.0, 1.0, 0.25])
    for r in REDUCTIONS:      # weight and pos_weight broadcast over the last axis
        out.append(Case(lambda x, t, r=r: nn.binary_cross_entropy_with_logits(
            x, t, weight=w, pos_weight=pw, reduction=r), [U(rng, (2, 3), -3, 3), U(rng, (2, 3), 0, 1)],
            f"{r} weight pos_weight"))
        out.append(Case(lambda x, t, r=r: nn.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction=r),
                        [U(rng, (4, 3), -3, 3), U(rng, (4, 3), 0, 1)], f"{r} pos_weight"))
    out.append(Case(nn.binary_cross_entropy_with_logits, [np.array([-40.0, 40.0, 0.5]), np.array([1.0, 0.0, 0.3])],
                    "saturated logits"))
    return out


def _bce_cases(rng):
    out = _loss_cases(nn.binary_cross_entropy, lambda rng, s: U(rng, s, 0.05, 0.95),
                      lambda rng, s: U(rng, s, 0, 1))(rng)
    w = ag.tensor([[2.0], [0.5]])
    out += [Case(lambda x, t, r=r: nn.binary_cross_entropy(x, t, weight=w, reduction=r),
                 [U(rng, (2, 3), 0.1, 0.9), U(rng, (2, 3), 0, 1)], f"{r} weight") for r in REDUCTIONS]
    return out


def _apart(beta):
    """Pairs (x, t) with |x - t| away from beta, where the loss changes formula."""
    def valid(a, b):
        return bool(np.all(np.abs(np.abs(a - b) - beta) > 0.05))
    return valid


def _piecewise_loss_cases(f, param):
    def gen(rng):
        out = []
        for r in REDUCTIONS:
            for v in (1.0, 0.3):
                out += binary(lambda a, b, r=r, v=v: f(a, b, reduction=r, **{param: v}),
                              lambda rng, s: U(rng, s, -2, 2), valid=_apart(v),
                              pairs=[((4,), (4,)), ((2, 3), (2, 3)), ((3, 1), (4,)), ((), (2, 3))])(rng)
        return out
    return gen


def _nll_cases(rng):
    out = []
    layouts = [((4, 3), [2, 0, 1, 2], None, -100), ((3,), 1, None, -100),
               ((2, 3, 4), [[0, 2, 1, 1], [2, 2, 0, 1]], None, -100),
               ((4, 3), [2, 0, 1, 2], [0.5, 2.0, 1.0], -100), ((4, 3), [2, 0, 1, 0], [0.5, 2.0, 1.0], 0)]
    for shape, target, weight, ignore in layouts:
        for r in REDUCTIONS:
            t = ag.tensor(target)
            w = None if weight is None else ag.tensor(weight)
            out.append(Case(lambda x, t=t, w=w, r=r, i=ignore: nn.nll_loss(x, t, w, ignore_index=i, reduction=r),
                            [U(rng, shape, -3, 0)], f"{r} {shape} weight={weight} ignore={ignore}"))
            out.append(Case(lambda x, t=t, w=w, r=r, i=ignore: nn.cross_entropy(x, t, w, ignore_index=i, reduction=r,
                                                                             label_smoothing=0.1),
                            [U(rng, shape, -2, 2)], f"cross_entropy {r} {shape} weight={weight}"))
    return out


def _linear_cases(rng):
    return [Case(nn.linear, [U(rng, (2, 3)), U(rng, (4, 3)), U(rng, (4,))], "2-d with bias"),
            Case(nn.linear, [U(rng, (3,)), U(rng, (4, 3)), U(rng, (4,))], "1-d with bias"),
            Case(nn.linear, [U(rng, (2, 2, 3)), U(rng, (4, 3)), U(rng, (1,))], "3-d, bias broadcast"),
            Case(lambda b, a, m: apply(ops.ADDMM, (b, a, m)), [U(rng, ()), U(rng, (2, 3)), U(rng, (3, 2))], "addmm")]


CASES: dict[str, Callable] = {
    # arithmetic (broadcasting); plain-number operands take the CONST path of binary_fn
    "add": join(binary(lambda a, b: a + b, U),
                fixed(lambda rng: Case(lambda a: a + 2.5, [U(rng, (2, 3))], "t + 2.5"),
                      lambda rng: Case(lambda a: 2.5 + a, [U(rng, (2, 3))], "2.5 + t"))),
    "sub": join(binary(lambda a, b: a - b, U),
                fixed(lambda rng: Case(lambda a: 3.0 - a, [U(rng, (2, 3))], "3 - t (rsub)"),
                      lambda rng: Case(lambda a: a - 1.5, [U(rng, ())], "t - 1.5"))),
    "mul": join(binary(lambda a, b: a * b, U),
                fixed(lambda rng: Case(lambda a: a * 2.0, [U(rng, (3,))], "t * 2"),
                      lambda rng: Case(lambda a, b: ag.outer(a, b), [U(rng, (3,)), U(rng, (2,))], "outer"))),
    "div": join(binary(lambda a, b: a / b, U, signed),
                fixed(lambda rng: Case(lambda b: 2.0 / b, [signed(rng, (3,))], "2 / t"),
                      lambda rng: Case(lambda a: a / 3.0, [U(rng, (3,))], "t / 3"),
                      *[lambda rng, r=r: Case(lambda x, t: nn.cross_entropy(x, t, reduction=r),
                                              [U(rng, (3, 4)), U(rng, (3, 4), 0, 1)],
                                              f"cross_entropy of probabilities, {r} (DivBackward1)")
                        for r in REDUCTIONS],
                      lambda rng: Case(lambda x, t: nn.cross_entropy(x, t, weight=ag.tensor([1.0, 2.0, 0.5]),
                                                                     label_smoothing=0.2),
                                       [U(rng, (2, 3, 2)), U(rng, (2, 3, 2), 0, 1)],
                                       "cross_entropy of probabilities, weight, smoothing"),
                      lambda rng: Case(lambda x: nn.normalize(x), [U(rng, (3, 4))], "normalize"),
                      lambda rng: Case(lambda x: nn.normalize(x, p=1.0, axis=0), [signed(rng, (3, 4))],
                                       "normalize p=1 axis=0"))),
    # t ** number (PyTorch's special cases 3, -2 and -0.5 among them), t ** constant tensor
    "pow": join(fixed(*[lambda rng, e=e: Case(lambda a: a ** e, [_pos(rng, (2, 3))], f"t ** {e}")
                        for e in (2.0, 3.0, -2.0, -0.5, 0.5, -1.0, 1.5, -2.5)]),
                fixed(lambda rng: Case(lambda a: a ** 3.0, [U(rng, (2, 3), -2, 2)], "t ** 3, negative base"),
                      lambda rng: Case(lambda a: (a ** 3.0) * 2.0 ** 0.0, [U(rng, (3,))], "t ** 3 vector"),
                      lambda rng: Case(lambda a, c=ag.tensor([1.0, -2.0, 0.5]): ag.pow(a, c),
                                       [_pos(rng, (2, 3))], "pow(t, constant tensor)"),
                      lambda rng: Case(lambda a, c=ag.tensor([[1.0], [-2.0]]): ag.pow(a, c),
                                       [_pos(rng, (3,))], "pow(t, constant tensor) broadcasting t"),
                      lambda rng: Case(lambda a, c=ag.tensor([1.0, 3.0]): ag.pow(a, c),
                                       [_pos(rng, (2, 1))], "pow(t, constant tensor) broadcasting c"))),
    # tensor ** tensor (PowBackward1), number ** tensor (PowBackward2)
    "pow1": join(binary(lambda a, b: a ** b, _pos, lambda rng, s: U(rng, s, -2, 2)),
                 fixed(lambda rng: Case(lambda b: 2.0 ** b, [U(rng, (3,))], "2 ** t"))),
    "mod": _mod_cases,
    # torch.nn.functional
    "binary_cross_entropy_with_logits": _bce_logits_cases,
    "binary_cross_entropy": _bce_cases,
    "mse_loss": join(*[binary(lambda a, b, r=r: nn.mse_loss(a, b, reduction=r), U) for r in REDUCTIONS]),
    "smooth_l1_loss": _piecewise_loss_cases(nn.smooth_l1_loss, "beta"),
    "huber_loss": _piecewise_loss_cases(nn.huber_loss, "delta"),
    "nll_loss": _nll_cases,
    "leaky_relu": join(unary(nn.leaky_relu, lambda rng, s: away(rng, s, -2, 2)),
                       unary(lambda x: nn.leaky_relu(x, 0.2), lambda rng, s: away(rng, s, -2, 2))),
    "elu": join(unary(nn.elu, lambda rng, s: away(rng, s, -2, 2)),
                unary(lambda x: nn.elu(x, alpha=0.5), lambda rng, s: away(rng, s, -2, 2))),
    "gelu": join(unary(nn.gelu, lambda rng, s: U(rng, s, -3, 3)),
                 unary(lambda x: nn.gelu(x, approximate="tanh"), lambda rng, s: U(rng, s, -3, 3))),
    "silu": unary(nn.silu, lambda rng, s: U(rng, s, -4, 4)),
    "softplus_beta": join(unary(lambda x: nn.softplus(x, beta=2.0), lambda rng, s: U(rng, s, -4, 4)),
                          unary(lambda x: nn.softplus(x, beta=0.5, threshold=1.0),
                                lambda rng, s: away(rng, s, -5, 5, (2.0,), 0.1))),
    "erf": unary(ag.erf, lambda rng, s: U(rng, s, -2, 2)),
    "addmm": _linear_cases,
    # the backward functions of activations, ops of their own (what create_graph=True records)
    "tanh_backward": same_shape(lambda g, y: apply(ops.TANH_BACKWARD, (g, y)), U),
    "sigmoid_backward": same_shape(lambda g, y: apply(ops.SIGMOID_BACKWARD, (g, y)), U),
    "threshold_backward": same_shape(lambda g, y: apply(ops.THRESHOLD_BACKWARD, (g, y)), U,
                                     lambda rng, s: away(rng, s, -1, 1)),
    "softplus_backward": join(same_shape(lambda g, x: apply(ops.SOFTPLUS_BACKWARD, (g, x)), U,
                                         lambda rng, s: U(rng, s, -3, 3)),
                              fixed(lambda rng: Case(lambda g, x: apply(ops.SOFTPLUS_BACKWARD, (g, x)),
                                                     [U(rng, (3,)), U(rng, (3,), 21, 25)], "x > 20"))),
    "softmax_backward": join(*[fixed(lambda rng, d=d: Case(lambda g, y: apply(ops.SOFTMAX_BACKWARD, (g, y), d),
                                                           [U(rng, (2, 3)), U(rng, (2, 3), 0.1, 0.9)], f"dim {d}"))
                               for d in (0, 1, -1)]),
    "log_softmax_backward": join(*[fixed(lambda rng, d=d: Case(
        lambda g, y: apply(ops.LOG_SOFTMAX_BACKWARD, (g, y), d), [U(rng, (2, 3)), U(rng, (2, 3), -2, -0.1)],
        f"dim {d}")) for d in (0, 1, -1)]),
    "neg": unary(lambda x: -x, U),
    "reciprocal": unary(lambda x: ag.rdiv_number(2.0, x), lambda rng, s: away(rng, s, -2, 2, margin=0.3)),
    "clone": join(unary(ag.clone, U),
                  fixed(lambda rng: Case(lambda x: apply(ops.COPY, (x,)), [U(rng, (2, 3))], "CopyBackwards"))),
    "maximum": binary(ag.maximum, U, valid=lambda a, b: np.all(np.abs(a - b) > 0.05)),
    "minimum": binary(ag.minimum, U, valid=lambda a, b: np.all(np.abs(a - b) > 0.05)),
    "where": _where_cases,
    # elementwise
    "exp": unary(ag.exp, lambda rng, s: U(rng, s, -2, 2)),
    "log": unary(ag.log, lambda rng, s: U(rng, s, 0.3, 3)),
    "log1p": unary(ag.log1p, lambda rng, s: U(rng, s, -0.7, 2)),
    "sqrt": unary(ag.sqrt, lambda rng, s: U(rng, s, 0.2, 3)),
    "sin": unary(ag.sin, lambda rng, s: U(rng, s, -3, 3)),
    "cos": unary(ag.cos, lambda rng, s: U(rng, s, -3, 3)),
    "tan": unary(ag.tan, lambda rng, s: U(rng, s, -1.2, 1.2)),
    "asin": unary(ag.asin, lambda rng, s: U(rng, s, -0.9, 0.9)),
    "acos": unary(ag.acos, lambda rng, s: U(rng, s, -0.9, 0.9)),
    "atan": unary(ag.atan, lambda rng, s: U(rng, s, -3, 3)),
    "sinh": unary(ag.sinh, lambda rng, s: U(rng, s, -2, 2)),
    "cosh": unary(ag.cosh, lambda rng, s: U(rng, s, -2, 2)),
    "tanh": unary(ag.tanh, lambda rng, s: U(rng, s, -2, 2)),
    "sigmoid": join(unary(ag.sigmoid, lambda rng, s: U(rng, s, -5, 5)),
                    fixed(lambda rng: Case(ag.sigmoid, [np.array([-30.0, 30.0])], "saturated"))),
    "relu": unary(ag.relu, lambda rng, s: away(rng, s, -2, 2)),
    "softplus": join(unary(ag.softplus, lambda rng, s: U(rng, s, -5, 5)),
                     fixed(lambda rng: Case(ag.softplus, [np.array([25.0, -25.0, 19.0])], "beyond threshold 20"))),
    "abs": unary(ag.abs, lambda rng, s: away(rng, s, -2, 2)),
    "sign": unary(ag.sign, lambda rng, s: away(rng, s, -2, 2)),
    "floor": unary(ag.floor, lambda rng, s: away(rng, s, -3, 3, np.arange(-3, 4), 0.1)),
    "ceil": unary(ag.ceil, lambda rng, s: away(rng, s, -3, 3, np.arange(-3, 4), 0.1)),
    "round": unary(ag.round, lambda rng, s: away(rng, s, -3, 3, np.arange(-3, 3) + 0.5, 0.1)),
    "clamp": _clamp_cases,
    # reductions
    "sum": join(reductions(ag.sum), fixed(lambda rng: Case(lambda x: x.sum(axis=0), [U(rng, (3, 2))], "method")),
                _sum_to_cases),
    "mean": reductions(ag.mean),
    "prod": join(reductions(ag.prod, signed),
                 fixed(lambda rng: Case(ag.prod, [signed(rng, (7,))], "7 factors"))),
    "max": reductions(ag.max, distinct),
    "min": reductions(ag.min, distinct),
    "var": reductions(ag.var, min_count=2),
    "std": reductions(ag.std, min_count=2),
    "logsumexp": join(reductions(ag.logsumexp, lambda rng, s: U(rng, s, -3, 3)),
                      fixed(lambda rng: Case(lambda x: ag.logsumexp(x, 0), [U(rng, (3,), 1000, 1002)],
                                             "large values"))),
    "norm": _norm_cases,
    "softmax": _softmax_cases(ag.softmax),
    "log_softmax": _softmax_cases(ag.log_softmax),
    # shape and indexing
    "reshape": _reshape_cases,
    "permute": _permute_cases,
    "broadcast_to": _expand_cases,
    "getitem": _getitem_cases,
    "scatter": _scatter_cases,
    "setitem": _setitem_cases,
    "stack": _nary_cases("stack"),
    "cat": _nary_cases("cat"),
    # linear algebra
    "matmul": _matmul_cases,
    "trace": fixed(lambda rng: Case(ag.trace, [U(rng, (3, 3))], "square"),
                   lambda rng: Case(lambda x: x.trace(), [U(rng, (2, 4))], "wide")),
    "inv": fixed(*[lambda rng, s=s: Case(ag.inv, [well_conditioned(rng, s)], f"{s}")
                   for s in [(1, 1), (2, 2), (3, 3), (2, 3, 3)]]),
    "det": fixed(*[lambda rng, s=s: Case(ag.det, [well_conditioned(rng, s)], f"{s}")
                   for s in [(1, 1), (2, 2), (3, 3), (2, 3, 3)]],
                 lambda rng: Case(ag.det, [np.array([[1.0, 2.0], [2.0, 4.0]])], "singular", second=False)),
}

NARY = {"stack", "cat"}


def _seeded(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


ALL = [(name, case) for name in CASES for case in CASES[name](_seeded(name))]


# ----- the checks -----

def _tensors(arrays, requires_grad=True):
    return [ag.tensor(a, requires_grad=requires_grad) for a in arrays]


def _value(fn, arrays):
    with ag.no_grad():
        return fn(*_tensors(arrays, False)).data


def _fd(f, arrays, eps):
    """Central differences of the scalar f(arrays) w.r.t. every element of every array."""
    grads = []
    for k, a in enumerate(arrays):
        a = np.asarray(a, dtype=float)
        g = np.zeros(a.shape)
        for i in np.ndindex(a.shape):
            hi, lo = a.copy(), a.copy()
            hi[i] += eps
            lo[i] -= eps
            g[i] = (f(arrays[:k] + [hi] + arrays[k + 1:]) - f(arrays[:k] + [lo] + arrays[k + 1:])) / (2 * eps)
        grads.append(g)
    return grads


def _first(case, arrays, w, create_graph=False):
    xs = _tensors(arrays)
    out = case.fn(*xs)
    return xs, ag.grad(out, xs, grad_outputs=w, create_graph=create_graph)


def _close(actual, expected, tol, what):
    np.testing.assert_allclose(np.asarray(actual, float), expected, rtol=tol, atol=tol, err_msg=what)


@pytest.mark.parametrize("name,case", ALL, ids=[f"{n}-{c.label}" for n, c in ALL])
def test_vjp_matches_finite_differences(name, case):
    rng = np.random.default_rng(zlib.crc32(f"{name}{case.label}".encode()))
    arrays = [np.asarray(a, float) for a in case.inputs]
    out = _value(case.fn, arrays)
    assert out.dtype == np.float64
    w = U(rng, np.shape(out), 0.5, 1.5)
    xs, grads = _first(case, arrays, w)
    expected = _fd(lambda arr: float(np.sum(_value(case.fn, arr) * w)), arrays, EPS1)
    for k, (x, g, e) in enumerate(zip(xs, grads, expected)):
        assert g.shape == x.shape, f"gradient {k} has shape {g.shape}, input {x.shape}"
        assert g.data.dtype == np.float64
        _close(g.data, e, case.tol, f"d/d input {k}")


@pytest.mark.parametrize("name,case", [(n, c) for n, c in ALL if c.second],
                         ids=[f"{n}-{c.label}" for n, c in ALL if c.second])
def test_second_order_matches_finite_differences(name, case):
    """grad of <grad f, u> (through create_graph=True) against differences of the first-order grad."""
    rng = np.random.default_rng(zlib.crc32(f"2{name}{case.label}".encode()))
    arrays = [np.asarray(a, float) for a in case.inputs]
    w = U(rng, np.shape(_value(case.fn, arrays)), 0.5, 1.5)
    us = [U(rng, np.shape(a)) for a in arrays]

    def h(arr):
        _, gs = _first(case, arr, w)
        return float(sum(np.sum(g.data * u) for g, u in zip(gs, us)))

    xs, gs = _first(case, arrays, w, create_graph=True)
    _, plain = _first(case, arrays, w)
    for g, p in zip(gs, plain):   # the differentiable VJPs give the numbers of the numpy ones
        np.testing.assert_allclose(g.data, p.data, rtol=1e-12, atol=1e-12)
    s = ag.sum(ag.stack([ag.sum(g * u) for g, u in zip(gs, us)]))
    second = ag.grad(s, xs)
    expected = _fd(h, arrays, EPS2)
    for k, (g, e) in enumerate(zip(second, expected)):
        _close(g.data, e, 1e-5, f"second order, d/d input {k}")


# ----- coverage: the table, its PyTorch-named variants, stack/cat -----

def _variants():
    """Every Op object of the table module (TABLE's and their `.renamed` variants) by (name, node)."""
    found = {(op.name, op.node_name) for op in vars(ops).values() if isinstance(op, ops.Op)}
    found |= {(op.name, op.node_name) for op in ops.TABLE.values()}
    return {v for v in found if ops.TABLE[v[0]].vjps is not None}


def _graph_ops(t):
    seen, stack, ops_seen = set(), [t.grad_fn] if t.grad_fn else [], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        ops_seen.add((n.op.name, n.op.node_name))
        stack.extend(n.parents())
    return ops_seen


def test_every_differentiable_op_has_cases():
    differentiable = {name for name, op in ops.TABLE.items() if op.vjps is not None}
    missing = differentiable - set(CASES)
    assert not missing, f"ops of TABLE without a finite-difference case: {sorted(missing)}"
    unknown = set(CASES) - differentiable - NARY
    assert not unknown, f"cases for ops not in TABLE: {sorted(unknown)}"
    assert all(len(CASES[n](_seeded(n))) for n in CASES)


def test_every_variant_and_nary_op_is_reached():
    reached = set()
    for _, case in ALL:
        reached |= _graph_ops(case.fn(*_tensors(case.inputs)))
    missing = _variants() - reached
    assert not missing, f"PyTorch-named variants no case reaches: {sorted(missing)}"
    assert {("stack", "StackBackward0"), ("cat", "CatBackward0")} <= reached
    nary = [op for op in functions._stack_ops.values()]
    assert {len(op.vjps) for op in nary if op.name == "stack"} >= {1, 2, 3}


def test_broadcasting_ops_have_broadcasting_cases():
    """An op with `broadcast=True` is checked where an input's shape is not the output's,
    both ways round (the first input broadcast in one case, another input in another)."""
    for name, op in ops.TABLE.items():
        if not op.broadcast:
            continue
        first = other = two = False
        for n, case in ALL:
            if n != name:
                continue
            out = _value(case.fn, [np.asarray(a, float) for a in case.inputs]).shape
            shapes = [np.shape(a) for a in case.inputs]
            two |= len(shapes) > 1
            first |= shapes[0] != out
            other |= any(s != out for s in shapes[1:])
        if not two:     # `t ** number`: the exponent never needs a gradient (pow1 is t ** t)
            other = True
        assert first and other, f"{name}: no case broadcasting {'the first' if not first else 'another'} input"


def test_non_differentiable_ops_record_nothing():
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    for name, op in ops.TABLE.items():
        if op.vjps is None:
            assert op.vjps is None and name not in CASES
    for r in (x < 0, x <= 0, x > 0, x >= 0, x == 0, x != 0, ag.any(x > 0), ag.all(x > 0),
              ag.isnan(x), ag.isinf(x), (x > 0) & (x < 1), (x > 0) | (x < 1), ~(x > 0)):
        assert not r.requires_grad and r.grad_fn is None and r.data.dtype == np.bool_


# ----- the kinks (LANGUAGE.md §8) -----

def _g(fn, *values):
    xs = [ag.tensor(v, requires_grad=True) for v in values]
    gs = ag.grad(fn(*xs), xs)
    return [g.data for g in gs] if len(gs) > 1 else gs[0].data


def test_abs_and_relu_at_zero():
    assert np.array_equal(_g(lambda x: ag.abs(x).sum(), [0.0, -2.0, 3.0]), [0.0, -1.0, 1.0])
    assert np.array_equal(_g(lambda x: ag.relu(x).sum(), [0.0, -2.0, 3.0]), [0.0, 0.0, 1.0])
    assert _g(lambda x: ag.abs(x), 0.0) == 0.0


@pytest.mark.parametrize("fn", [ag.sign, ag.floor, ag.ceil, ag.round])
def test_piecewise_constant_ops_have_zero_gradient(fn):
    assert np.array_equal(_g(lambda x: fn(x).sum(), [0.0, 1.0, 2.5, -0.5, 3.7]), np.zeros(5))


def test_norm_of_zero_vector_has_zero_gradient():
    for p in (2, 1, np.inf, 3, 1.5, 0.5):
        assert np.array_equal(_g(lambda x, p=p: ag.norm(x, p), [0.0, 0.0, 0.0]), np.zeros(3)), p
    np.testing.assert_allclose(_g(lambda x: ag.norm(x, axis=1).sum(), [[0.0, 0.0], [3.0, 4.0]]),
                               [[0.0, 0.0], [0.6, 0.8]], rtol=1e-15)


def test_norm_with_a_zero_element_is_finite():
    # d/dx_i of the p-norm is sign(x_i)|x_i|^(p-1) / ‖x‖^(p-1): 0 at x_i = 0 for p > 1 (PyTorch too)
    for p in (1.5, 3, 0.5):
        g = _g(lambda x, p=p: ag.norm(x, p), [0.0, 2.0])
        np.testing.assert_allclose(g, [0.0, 1.0])


def test_max_min_reduction_ties_share_equally():
    assert np.array_equal(_g(ag.max, [1.0, 3.0, 3.0]), [0.0, 0.5, 0.5])
    assert np.array_equal(_g(ag.min, [1.0, 1.0, 1.0, 3.0]), [1 / 3, 1 / 3, 1 / 3, 0.0])
    assert np.array_equal(_g(lambda x: ag.max(x, 0).sum(), [[3.0, 1.0], [3.0, 2.0]]), [[0.5, 0.0], [0.5, 1.0]])
    assert np.array_equal(_g(lambda x: ag.max(x, 1, keepdims=True).sum(), [[2.0, 2.0], [1.0, 0.0]]),
                          [[0.5, 0.5], [1.0, 0.0]])
    assert np.array_equal(_g(lambda x: ag.norm(x, np.inf), [-2.0, 2.0, 1.0]), [-0.5, 0.5, 0.0])


def test_maximum_minimum_ties_give_each_side_half():
    ga, gb = _g(lambda a, b: ag.maximum(a, b).sum(), [1.0, 2.0], [1.0, 3.0])
    assert np.array_equal(ga, [0.5, 0.0]) and np.array_equal(gb, [0.5, 1.0])
    ga, gb = _g(lambda a, b: ag.minimum(a, b).sum(), [1.0, 2.0], [1.0, 3.0])
    assert np.array_equal(ga, [0.5, 1.0]) and np.array_equal(gb, [0.5, 0.0])
    ga, gb = _g(lambda a, b: ag.maximum(a, b).sum(), [2.0, 2.0], 2.0)   # broadcast tie: the scalar sums
    assert np.array_equal(ga, [0.5, 0.5]) and gb == 1.0


def test_clamp_passes_the_gradient_at_a_bound():
    assert np.array_equal(_g(lambda x: ag.clamp(x, -1, 1).sum(), [-1.0, 1.0, 2.0, -3.0, 0.0]), [1, 1, 0, 0, 1])
    assert np.array_equal(_g(lambda x: ag.clamp(x, min=0.0).sum(), [0.0, -1.0]), [1.0, 0.0])
    assert np.array_equal(_g(lambda x: ag.clamp(x, max=0.0).sum(), [0.0, 1.0]), [1.0, 0.0])


def test_prod_is_exact_with_zeros():
    assert np.array_equal(_g(ag.prod, [2.0, 0.0, 3.0]), [0.0, 6.0, 0.0])
    assert np.array_equal(_g(ag.prod, [2.0, 0.0, 0.0]), [0.0, 0.0, 0.0])
    assert np.array_equal(_g(lambda x: ag.prod(x, 1).sum(), [[2.0, 0.0, 3.0], [1.0, 2.0, 4.0]]),
                          [[0.0, 6.0, 0.0], [8.0, 4.0, 2.0]])
    # second order with a zero: d²/dx0dx1 of x0·x1·x2 is x2
    x = ag.tensor([0.0, 0.0, 5.0], requires_grad=True)
    (g,) = [ag.grad(ag.prod(x), x, create_graph=True)]
    assert np.array_equal(g.data, [0.0, 0.0, 0.0])
    assert np.array_equal(ag.grad(g[0], x).data, [0.0, 5.0, 0.0])


def test_sqrt_at_zero_is_inf():
    assert np.array_equal(_g(lambda x: ag.sqrt(x).sum(), [0.0, 4.0]), [np.inf, 0.25])


def test_pow_zero_exponent_has_zero_gradient():
    assert np.array_equal(_g(lambda x: (x ** 0).sum(), [0.0, 2.0, -3.0]), [0.0, 0.0, 0.0])
    assert _g(lambda x: x ** 0.0, 0.0) == 0.0
    assert _g(lambda x: ag.pow(x, ag.tensor(0.0)), 0.0) == 0.0
    # and the exponent's gradient at a zero base is 0 where the exponent is >= 0 (PyTorch)
    ga, gb = _g(lambda a, b: (a ** b).sum(), [0.0, 0.0], [0.0, 2.0])
    assert np.array_equal(ga, [0.0, 0.0]) and np.array_equal(gb, [0.0, 0.0])


def test_det_of_a_singular_matrix_has_the_cofactor_gradient():
    assert np.allclose(_g(ag.det, [[1.0, 2.0], [2.0, 4.0]]), [[4.0, -2.0], [-2.0, 1.0]])
    assert np.allclose(_g(ag.det, np.zeros((3, 3))), np.zeros((3, 3)))
    assert np.allclose(_g(ag.det, [[0.0]]), [[1.0]])
