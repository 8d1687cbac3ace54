"""The engine around the ops: tensors, backward and grad, higher order, the functional API, grad
modes, the in-place leaf update, deep and freed graphs, indexing, errors (LANGUAGE.md §5, §6, §8),
and hypothesis properties (random compositions against finite differences, linearity, accumulation).
"""
from __future__ import annotations

import contextlib
import gc
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradcli.autograd as ag
from gradcli.autograd.tensor import mode
from gradcli.errors import GIndexError, GradError, GValueError, ShapeError

PROPS = settings(max_examples=50, deadline=None, database=None, derandomize=True)


def T(data, rg=True):
    return ag.tensor(data, requires_grad=rg)


def arr(t):
    return np.asarray(t.data, dtype=float)


# ----- tensors -----

def test_data_is_float64_and_0d_is_a_scalar():
    assert T([1, 2, 3], False).data.dtype == np.float64
    assert T([[1.5]], False).shape == (1, 1)
    s = ag.tensor(2)
    assert type(s.data) is np.float64 and s.shape == () and s.ndim == 0 and s.item() == 2.0
    assert type((s * 3).data) is np.float64 and type(ag.sum(ag.ones(2, 2)).data) is np.float64
    assert ag.tensor([True, False]).data.dtype == np.bool_


def test_requires_grad_is_leaf_and_grad_fn():
    x = T([1.0, 2.0])
    c = T([1.0, 2.0], False)
    assert x.requires_grad and x.is_leaf and x.grad is None and x.grad_fn is None
    assert not c.requires_grad and c.is_leaf
    y = x + 2
    assert y.requires_grad and not y.is_leaf
    assert repr(y.grad_fn) == "<AddBackward0>" and y.grad_fn.op.node_name == "AddBackward0"
    assert repr((y * y * 3).mean().grad_fn) == "<MeanBackward0>"
    assert repr((x ** 2).grad_fn) == "<PowBackward0>"
    assert repr(ag.sum(x).grad_fn) == "<SumBackward0>" and repr(ag.sum(x, 0).grad_fn) == "<SumBackward1>"
    assert repr((T(np.eye(2)) @ T(np.eye(2))).grad_fn) == "<MmBackward0>"
    assert "grad_fn=<AddBackward0>" in repr(y)
    assert not (c + 2).requires_grad and (c + 2).grad_fn is None


def test_detach_and_requires_grad_():
    x = T([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.is_leaf and np.array_equal(d.data, [2.0, 4.0])
    assert not (d * 3).requires_grad
    c = T([1.0], False)
    assert c.requires_grad_() is c and c.requires_grad and c.is_leaf
    c.requires_grad_(False)
    assert not c.requires_grad
    with pytest.raises(GradError):
        y.requires_grad_(False)
    with pytest.raises(GradError):
        ag.tensor([True]).requires_grad_()


# ----- backward -----

def test_backward_of_the_tutorial():
    x = ag.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    assert np.array_equal(arr(x.grad), np.full((2, 2), 4.5))


def test_backward_accumulates_and_keeps_the_graph():
    x = T([1.0, -2.0, 3.0])
    y = (x * x).sum()
    y.backward()
    first = x.grad
    assert np.array_equal(arr(first), [2.0, -4.0, 6.0])
    y.backward()                      # the graph is still there: the second pass adds again
    assert np.array_equal(arr(x.grad), [4.0, -8.0, 12.0])
    assert np.array_equal(arr(first), [2.0, -4.0, 6.0])    # .grad was rebound, not mutated
    ag.backward(y)
    assert np.array_equal(arr(x.grad), [6.0, -12.0, 18.0])


def test_backward_shared_subgraph_counts_every_path():
    x = T(3.0)
    h = x * x
    y = h + h * h      # dy/dx = 2x + 4x^3
    y.backward()
    assert x.grad.item() == 6.0 + 108.0


def test_non_scalar_backward_needs_a_gradient():
    x = T([[1.0, 2.0], [3.0, 4.0]])
    y = x * 2
    with pytest.raises(GradError) as e:
        y.backward()
    msg = str(e.value)
    assert "(2, 2)" in msg and "gradient" in msg and "sum()" in msg
    y.backward(ag.ones_like(y))
    assert np.array_equal(arr(x.grad), np.full((2, 2), 2.0))
    y.backward([[1.0, 0.0], [0.0, 1.0]])
    assert np.array_equal(arr(x.grad), [[4.0, 2.0], [2.0, 4.0]])


def test_gradient_of_the_wrong_shape_is_an_error():
    y = T([1.0, 2.0]) * 2
    with pytest.raises(GradError) as e:
        y.backward(ag.ones(3))
    assert "(3,)" in str(e.value) and "(2,)" in str(e.value)
    with pytest.raises(GradError):
        ag.grad(y, y, grad_outputs=ag.ones(2, 1))


def test_backward_of_a_tensor_not_requiring_grad_names_the_fix():
    for y in (ag.tensor(1.0), ag.ones(2).sum()):
        with pytest.raises(GradError) as e:
            y.backward()
        assert "requires_grad=True" in str(e.value)


def test_backward_with_create_graph_makes_grad_differentiable():
    x = T(2.0)
    (x ** 3).backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.item() == 12.0
    assert ag.grad(x.grad, x).item() == 12.0   # d/dx 3x^2 = 6x


# ----- grad -----

def test_grad_does_not_touch_dot_grad():
    x, z = T([1.0, 2.0]), T([5.0, 6.0])
    y = (x * x).sum()
    g = ag.grad(y, x)
    assert x.grad is None and np.array_equal(arr(g), [2.0, 4.0])
    gx, gz = ag.grad(y, [x, z])
    assert np.array_equal(arr(gx), [2.0, 4.0])
    assert np.array_equal(arr(gz), [0.0, 0.0]) and gz.shape == (2,)   # independent input: zeros
    assert x.grad is None and z.grad is None
    assert ag.grad(ag.tensor(3.0) * 2, T(1.0)).item() == 0.0          # y requires no grad: zeros
    assert ag.grad(y, T(np.zeros((2, 3)))).shape == (2, 3)


def test_grad_with_respect_to_an_intermediate():
    x = T([1.0, 2.0])
    h = x * 3
    y = (h * h).sum() + x.sum()
    gh, gx = ag.grad(y, [h, x])
    assert np.array_equal(arr(gh), 2 * arr(h))          # only the paths through h
    assert np.array_equal(arr(gx), 18 * arr(x) + 1)
    assert np.array_equal(arr(ag.grad(y, y)), 1.0)
    assert np.array_equal(arr(ag.grad(h, h, grad_outputs=[2.0, 3.0])), [2.0, 3.0])


def test_third_derivative_through_create_graph():
    x = T(0.7)
    y = ag.sin(x) * x ** 3
    g1 = ag.grad(y, x, create_graph=True)
    g2 = ag.grad(g1, x, create_graph=True)
    g3 = ag.grad(g2, x)
    v = 0.7
    # (x^3 sin x)''' = -x^3 cos x - 9x^2 sin x + 18x cos x + 6 sin x
    expect = -v ** 3 * np.cos(v) - 9 * v ** 2 * np.sin(v) + 18 * v * np.cos(v) + 6 * np.sin(v)
    assert g1.requires_grad and g2.requires_grad and not g3.requires_grad
    assert abs(g3.item() - expect) < 1e-12
    assert not ag.grad(ag.sin(x), x).requires_grad          # no graph without create_graph


def test_jacobian_tensor_and_function_forms():
    x = T([0.3, -1.2, 2.0])
    m = ag.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 4.0]])

    def f(t):
        return ag.reshape(ag.sin(m @ t), 2, 1) * t   # shape (2, 3)

    J = ag.jacobian(f, x)
    assert J.shape == (2, 3, 3) and not J.requires_grad
    eps = 1e-6
    for k in range(3):
        d = np.zeros(3)
        d[k] = eps
        fd = (arr(f(ag.tensor(x.data + d))) - arr(f(ag.tensor(x.data - d)))) / (2 * eps)
        np.testing.assert_allclose(arr(J)[..., k], fd, atol=1e-8)
    np.testing.assert_allclose(arr(ag.jacobian(f(x), x)), arr(J), rtol=1e-14)
    assert ag.jacobian(lambda t: t.sum(), x).shape == (3,)
    assert ag.jacobian(lambda t: t * 2, T(1.5)).shape == ()
    assert ag.jacobian(lambda t: ag.outer(t, t), x).shape == (3, 3, 3)
    assert x.grad is None


def test_jacobian_with_create_graph_is_differentiable():
    x = T([1.0, 2.0])
    J = ag.jacobian(lambda t: t ** 3, x, create_graph=True)
    assert J.requires_grad
    np.testing.assert_allclose(arr(ag.grad(ag.sum(J), x)), [6.0, 12.0])


def test_hessian():
    x = T([0.5, -1.0, 2.0])
    A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, -1.0], [0.0, -1.0, 1.0]])
    H = ag.hessian(lambda t: 0.5 * (t @ (ag.tensor(A) @ t)) + ag.sum(t ** 3), x)
    assert H.shape == (3, 3) and not H.requires_grad
    np.testing.assert_allclose(arr(H), A + np.diag(6 * x.data), rtol=1e-13)
    y = ag.sum(ag.exp(x))
    np.testing.assert_allclose(arr(ag.hessian(y, x)), np.diag(np.exp(x.data)), rtol=1e-13)
    with pytest.raises(GradError):
        ag.hessian(lambda t: t * 2, x)


def test_grad_of_grad_of():
    f = lambda t: t ** 4 + ag.sin(t)  # noqa: E731
    d1, d2 = ag.grad_of(f), ag.grad_of(ag.grad_of(f))
    x = ag.tensor(1.3)
    assert abs(d1(x).item() - (4 * 1.3 ** 3 + np.cos(1.3))) < 1e-12
    assert abs(d2(x).item() - (12 * 1.3 ** 2 - np.sin(1.3))) < 1e-12
    d3 = ag.grad_of(d2)
    assert abs(d3(x).item() - (24 * 1.3 - np.cos(1.3))) < 1e-12
    assert not d1(x).requires_grad and d1(T(1.3)).requires_grad
    v = ag.grad_of(lambda t: ag.sum(t * t))(ag.tensor([1.0, 2.0]))
    assert np.array_equal(arr(v), [2.0, 4.0])
    with pytest.raises(GradError):
        ag.grad_of(lambda t: t * 2)(ag.tensor([1.0, 2.0]))


# ----- grad modes and the in-place leaf update -----

def test_no_grad_and_enable_grad():
    x = T([1.0, 2.0])
    assert ag.is_grad_enabled()
    with ag.no_grad():
        assert not ag.is_grad_enabled()
        y = x * 2
        with ag.enable_grad():
            z = x * 2
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and repr(z.grad_fn) == "<MulBackward0>"
    with pytest.raises(ZeroDivisionError):
        with ag.no_grad():
            1 / 0
    assert ag.is_grad_enabled()


def test_update_keeps_identity_and_grad_and_old_values():
    w = T([1.0, 2.0])
    loss = (w * w).sum()
    loss.backward()
    grad, before, data = w.grad, w.detach(), w.data
    with ag.no_grad():
        assert w.update_(w.data - 0.1 * w.grad.data) is w
    assert w.is_leaf and w.requires_grad and w.grad is grad
    np.testing.assert_allclose(arr(w), [0.8, 1.6])
    assert np.array_equal(arr(before), [1.0, 2.0]) and np.array_equal(data, [1.0, 2.0])
    loss.backward()            # the graph recorded before the update differentiates the old numbers
    assert np.array_equal(arr(w.grad), [4.0, 8.0]) and np.array_equal(arr(grad), [2.0, 4.0])
    np.testing.assert_allclose(arr(ag.grad((w * w).sum(), w)), [1.6, 3.2])
    assert loss.item() == 5.0
    with pytest.raises(ShapeError):
        w.update_([1.0, 2.0, 3.0])


def test_sgd_loop_converges():
    w = T([3.0, -2.0])
    for _ in range(200):
        w.grad = None
        loss = ((w - ag.tensor([1.0, 0.5])) ** 2).sum()
        loss.backward()
        with ag.no_grad():
            w.update_(w.data - 0.1 * w.grad.data)
    np.testing.assert_allclose(arr(w), [1.0, 0.5], atol=1e-12)


# ----- deep and freed graphs -----

def test_a_million_op_chain_backpropagates_without_recursion():
    x = T(1.0)
    y = x
    start = time.perf_counter()
    for _ in range(1_000_000):
        y = y * 1.000001
    y.backward()
    assert abs(x.grad.item() - 1.000001 ** 1_000_000) < 1e-6
    del y
    assert time.perf_counter() - start < 30


@contextlib.contextmanager
def traced_memory():
    """Bytes allocated now (a function), traced by tracemalloc, with the cyclic collector off."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def keep_everything():
    """Nodes keep every input, as in the language (mode.keep), instead of what VJPs read."""
    mode.keep = True
    try:
        yield
    finally:
        mode.keep = False


def test_a_graph_no_longer_referenced_is_freed():
    """Nodes form no reference cycles: dropping the output frees the graph without the collector."""
    big = np.random.default_rng(0).standard_normal(250_000)   # 2 MB saved per node
    with traced_memory() as now:
        x = T(big)
        base = now()
        y = x
        for _ in range(10):
            y = ag.sin(y) * 1.5
        grown = now()
        # sin keeps its input; `* 1.5` needs only the number, so its input (sin's output) is
        # freed at once: 10 arrays kept, not 20 (PyTorch keeps the same)
        assert 10 * big.nbytes * 0.9 < grown - base < 11.5 * big.nbytes
        del y
        freed = now()
        assert freed - base < 2 * big.nbytes, (base, grown, freed)


def _tanh_loop(x, W):
    y = x
    for _ in range(10):
        y = ag.tanh(y @ W) * 0.9 + y * 0.1
    return y


def test_a_graph_keeps_only_what_backward_reads():
    """PyTorch's saved variables: in `tanh(y @ W) * 0.9 + y * 0.1` (W constant) backward reads
    W and tanh's output only, so each step of the loop keeps one new array, not five."""
    rng = np.random.default_rng(1)
    big = rng.standard_normal((300, 300))          # 720 KB
    W = ag.tensor(rng.standard_normal((300, 300)) * 0.05)
    with traced_memory() as now:
        x = T(big)
        base = now()
        y = _tanh_loop(x, W)
        grown = now() - base
        assert 10 * big.nbytes <= grown < 12 * big.nbytes, grown / big.nbytes
    (y * y).sum().backward()
    with keep_everything():
        x2 = T(big)
        y2 = _tanh_loop(x2, W)
        (y2 * y2).sum().backward()
    np.testing.assert_array_equal(arr(x.grad), arr(x2.grad))


# ----- indexing, update, stack/cat -----

def test_indexing_reads_and_their_gradients():
    x = T(np.arange(12.0).reshape(4, 3))
    cases = [
        (lambda t: t[1], [1]), (lambda t: t[-1], [3]), (lambda t: t[1:3], [1, 2]),
        (lambda t: t[::-1], [0, 1, 2, 3]), (lambda t: t[-2:], [2, 3]),
    ]
    for f, rows in cases:
        g = np.zeros((4, 3))
        g[rows] = 1
        assert np.array_equal(arr(ag.grad(f(x).sum(), x)), g)
    assert np.array_equal(arr(x[::-1][0]), [9.0, 10.0, 11.0])
    assert x[1, 2].item() == 5.0 and x[(-1, -1)].item() == 11.0 and x[1, 2].shape == ()
    g = arr(ag.grad(x[1, 2] * 2 + x[0, 1:3].sum() + x[:, 0].sum(), x))
    assert np.array_equal(g, [[1, 1, 1], [1, 0, 2], [1, 0, 0], [1, 0, 0]])
    g = arr(ag.grad(x[[0, 0, 3]].sum(), x))                   # repeated rows add up
    assert np.array_equal(g[:, 0], [2, 0, 0, 1])
    assert x[ag.tensor(2.0)].shape == (3,)
    assert repr(x[0].grad_fn) == "<SelectBackward0>" and repr(x[1:].grad_fn) == "<SliceBackward0>"
    assert repr(x[[0, 1]].grad_fn) == "<IndexBackward0>" and repr(x[0, :].grad_fn) == "<SelectBackward0>"


def test_setitem_is_out_of_place_and_differentiable_in_both_sides():
    x = T(np.arange(6.0).reshape(2, 3))
    v = T([10.0, 20.0])
    y = ag.setitem(x, (slice(None), 1), v)
    assert np.array_equal(arr(x), np.arange(6.0).reshape(2, 3))          # x unchanged
    assert np.array_equal(arr(y), [[0, 10, 2], [3, 20, 5]])
    assert repr(y.grad_fn) == "<CopySlices>"
    w = np.arange(1.0, 7.0).reshape(2, 3)
    gx, gv = ag.grad(y, [x, v], grad_outputs=w)
    assert np.array_equal(arr(gx), [[1, 0, 3], [4, 0, 6]]) and np.array_equal(arr(gv), [2, 5])
    s = T(7.0)
    y2 = ag.setitem(x, 0, s)                                             # a scalar spread over a row
    assert ag.grad(y2.sum(), s).item() == 3.0


def test_stack_and_cat():
    a, b = T([1.0, 2.0]), T([3.0, 4.0])
    s = ag.stack([a, b], axis=1)
    assert s.shape == (2, 2) and repr(s.grad_fn) == "<StackBackward0>"
    ga, gb = ag.grad(s, [a, b], grad_outputs=[[1.0, 2.0], [3.0, 4.0]])
    assert np.array_equal(arr(ga), [1, 3]) and np.array_equal(arr(gb), [2, 4])
    c = ag.cat([a, T([5.0]), b])
    assert np.array_equal(arr(c), [1, 2, 5, 3, 4]) and repr(c.grad_fn) == "<CatBackward0>"
    ga, gb = ag.grad(c, [a, b], grad_outputs=[1.0, 2.0, 3.0, 4.0, 5.0])
    assert np.array_equal(arr(ga), [1, 2]) and np.array_equal(arr(gb), [4, 5])
    with pytest.raises(ShapeError):
        ag.stack([a, T([1.0, 2.0, 3.0])])
    with pytest.raises(ShapeError):
        ag.cat([T(1.0), T(2.0)])
    with pytest.raises(ShapeError):
        ag.cat([T([[1.0]]), T([1.0, 2.0])])


# ----- error kinds -----

def test_error_kinds():
    a, b = ag.ones(2, 3), ag.ones(4)
    with pytest.raises(ShapeError):
        a + b
    with pytest.raises(ShapeError):
        a @ a
    with pytest.raises(ShapeError):
        ag.reshape(a, 4, 2)
    with pytest.raises(ShapeError):
        ag.reshape(a, -1, 4)
    with pytest.raises(ShapeError):
        ag.squeeze(a, 0)
    with pytest.raises(ShapeError):
        ag.inv(a)
    with pytest.raises(ShapeError):
        ag.matmul(ag.tensor(2.0), a)
    for f in (lambda: ag.sum(a, axis=2), lambda: ag.softmax(a, axis=-3), lambda: ag.unsqueeze(a, 4),
              lambda: ag.transpose(a, 0, 5), lambda: a[5], lambda: a[0, 3]):
        with pytest.raises(GIndexError):
            f()
    for f in (lambda: a[0.5], lambda: a[ag.tensor([0.0, 1.5])], lambda: ag.sum(a, axis=0.5),
              lambda: ag.reshape(a, 2.5, 2), lambda: ag.ones(1.5), lambda: ag.inv(ag.zeros(2, 2))):
        with pytest.raises(GValueError):
            f()
    assert ag.tensor(1.0) / 0 == np.inf and np.isnan(ag.log(ag.tensor(-1.0)).item())   # IEEE, no error


# ----- hypothesis properties -----

STEPS = [
    lambda x, y: ag.sin(x),
    lambda x, y: ag.tanh(x) * y,
    lambda x, y: x * y + x,
    lambda x, y: x - 0.5 * y,
    lambda x, y: ag.exp(0.3 * x),
    lambda x, y: x / (1.5 + ag.cos(y)),
    lambda x, y: ag.sigmoid(x) * 2,
    lambda x, y: ag.softmax(x, axis=0) + x,
    lambda x, y: ag.log_softmax(x, axis=1),
    lambda x, y: 0.3 * ((x @ y.T) @ y),
    lambda x, y: ag.log1p(x * x),
    lambda x, y: ag.sqrt(1.0 + x * x),
    lambda x, y: ag.reshape(ag.reshape(x, 3, 2) * ag.tensor([1.0, -2.0]), 2, 3),
    lambda x, y: ag.cat([x[:1] * 2, x[1:]], 0),
    lambda x, y: ag.stack([x, y]).sum(axis=0),
    lambda x, y: ag.where(y > 0, x, 2 * x),
    lambda x, y: ag.logsumexp(x, axis=1, keepdims=True) + x,
    lambda x, y: ag.norm(x, axis=0, keepdims=True) * x,
    lambda x, y: x ** 2 - y.mean(axis=0),
    lambda x, y: ag.broadcast_to(ag.prod(x, 0), 2, 3) + ag.var(y, axis=1, keepdims=True),
    lambda x, y: ag.setitem(x, (0, 1), ag.sum(y)),
    lambda x, y: x.T.T[::-1] + x,
]


def _compose(steps):
    def f(x, y):
        for k in steps:
            x = STEPS[k](x, y)
        return x
    return f


@PROPS
@given(st.lists(st.integers(0, len(STEPS) - 1), min_size=1, max_size=5), st.integers(0, 2 ** 32 - 1))
def test_random_compositions_agree_with_finite_differences(steps, seed):
    rng = np.random.default_rng(seed)
    xv, yv, w = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 3))
    yv = np.where(np.abs(yv) < 0.05, 0.5, yv)    # away from where's switch at 0
    f = _compose(steps)
    x, y = T(xv), T(yv)
    out = f(x, y)
    gx, gy = ag.grad(out, [x, y], grad_outputs=w)

    def value(a, b):
        with ag.no_grad():
            return float(np.sum(arr(f(ag.tensor(a), ag.tensor(b))) * w))

    eps = 1e-6
    for g, which in ((gx, 0), (gy, 1)):
        fd = np.zeros((2, 3))
        for i in np.ndindex(2, 3):
            d = np.zeros((2, 3))
            d[i] = eps
            args_hi = (xv + d, yv) if which == 0 else (xv, yv + d)
            args_lo = (xv - d, yv) if which == 0 else (xv, yv - d)
            fd[i] = (value(*args_hi) - value(*args_lo)) / (2 * eps)
        np.testing.assert_allclose(arr(g), fd, rtol=1e-5, atol=1e-6)


@PROPS
@given(st.lists(st.integers(0, len(STEPS) - 1), min_size=1, max_size=4), st.integers(0, 2 ** 32 - 1),
       st.floats(-3, 3), st.floats(-3, 3))
def test_backward_is_linear_in_the_gradient(steps, seed, a, b):
    rng = np.random.default_rng(seed)
    xv, yv = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 3))
    g1, g2 = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    f = _compose(steps)
    grads = []
    for g in (g1, g2, a * g1 + b * g2):
        x = T(xv)
        f(x, ag.tensor(yv)).backward(g)
        grads.append(arr(x.grad))
    np.testing.assert_allclose(grads[2], a * grads[0] + b * grads[1], rtol=1e-9, atol=1e-9)


@PROPS
@given(st.lists(st.integers(0, len(STEPS) - 1), min_size=1, max_size=4), st.integers(0, 2 ** 32 - 1))
def test_two_backward_calls_accumulate_twice_one(steps, seed):
    rng = np.random.default_rng(seed)
    xv, yv, g = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (2, 3)), rng.standard_normal((2, 3))
    x, y = T(xv), T(yv)
    out = _compose(steps)(x, y)
    out.backward(g)
    once_x, once_y = arr(x.grad), arr(y.grad) if y.grad is not None else np.zeros((2, 3))
    out.backward(g)
    twice_y = arr(y.grad) if y.grad is not None else np.zeros((2, 3))
    np.testing.assert_allclose(arr(x.grad), 2 * once_x, rtol=1e-14, atol=0)
    np.testing.assert_allclose(twice_y, 2 * once_y, rtol=1e-14, atol=0)


@PROPS
@given(st.lists(st.integers(0, len(STEPS) - 1), min_size=1, max_size=4), st.integers(0, 2 ** 32 - 1))
def test_lean_nodes_give_the_gradients_of_nodes_that_keep_everything(steps, seed):
    """The library's nodes keep only what VJPs read; the language's (mode.keep, for --graph and
    --explain) keep every input. Both give the same bits, at first and second order."""
    rng = np.random.default_rng(seed)
    xv, yv, w, v = (rng.uniform(-1, 1, (2, 3)) for _ in range(4))
    yv = np.where(np.abs(yv) < 0.05, 0.5, yv)
    f = _compose(steps)
    results = []
    for keep in (contextlib.nullcontext, keep_everything):
        with keep():
            x, y = T(xv), T(yv)
            out = f(x, y)
            gx, gy = ag.grad(out, [x, y], grad_outputs=w, create_graph=True)
            second = (gx * gx).sum() + (gy * v).sum()
            hx, hy = ag.grad(second, [x, y]) if second.requires_grad else (gx, gy)
        results.append([arr(t) for t in (out, gx, gy, hx, hy)])
    for lean, kept in zip(*results):
        np.testing.assert_array_equal(lean, kept)


def test_create_graph_gradients_have_pytorchs_grad_fn():
    """The backward of an activation is an op of its own, as in PyTorch, and a leaf's first .grad
    under create_graph is a copy (CopyBackwards); later ones add (AddBackward0)."""
    x = T([0.5, -1.0])
    for f, name in [(ag.tanh, "TanhBackwardBackward0"), (ag.sigmoid, "SigmoidBackwardBackward0"),
                    (ag.relu, "ThresholdBackwardBackward0"), (ag.softplus, "SoftplusBackwardBackward0"),
                    (lambda t: ag.softmax(t, 0), "SoftmaxBackwardDataBackward0"),
                    (lambda t: ag.log_softmax(t, 0), "LogSoftmaxBackwardDataBackward0"),
                    (lambda t: t ** 3, "MulBackward0"), (ag.asin, "MulBackward0")]:
        g = ag.grad(ag.sum(f(x) * ag.tensor([1.0, 2.0])), x, create_graph=True)
        assert g.grad_fn.op.node_name == name and g.requires_grad
    z = T(2.0)
    (z ** 3).backward(create_graph=True)
    assert z.grad.grad_fn.op.node_name == "CopyBackwards" and float(z.grad) == 12.0
    (z ** 3).backward(create_graph=True)
    assert z.grad.grad_fn.op.node_name == "AddBackward0" and float(z.grad) == 24.0
    w = T(2.0)
    (w * 3).backward(create_graph=True)          # a gradient that is a constant: no grad_fn
    assert w.grad.grad_fn is None and float(w.grad) == 3.0


def test_retain_grad_keeps_a_non_leaf_gradient():
    x = T([1.0, 2.0])
    y = x * 3
    z = (y * y).sum()
    assert not y.retains_grad
    y.retain_grad()
    z.retain_grad()
    assert y.retains_grad and not x.retains_grad
    z.backward()
    np.testing.assert_array_equal(arr(y.grad), [6.0, 12.0])
    assert float(z.grad) == 1.0
    z.backward()                        # accumulates, as a leaf's .grad does
    np.testing.assert_array_equal(arr(y.grad), [12.0, 24.0])
    np.testing.assert_array_equal(arr(x.grad), [36.0, 72.0])
    with pytest.raises(GradError):
        ag.tensor([1.0]).retain_grad()


def test_elementwise_of_a_boolean_tensor_is_float64():
    """numpy computes exp(True) in float16 (2.719); PyTorch, and gradcli, in float64."""
    for f, v in [(ag.exp, np.e), (ag.tanh, np.tanh(1.0)), (ag.sqrt, 1.0)]:
        for t in (ag.tensor([True, False]), ag.tensor(True), ag.tensor([True] * 70)):
            r = np.asarray(f(t).data)
            assert r.dtype == np.float64 and r.flat[0] == v
