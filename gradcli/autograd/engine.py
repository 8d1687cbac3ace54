"""Backpropagation: `backward` (accumulate into leaves' `.grad`) and `grad` (return gradients).

One loop serves both and never names an op: nodes are visited newest first (a node's `seq` is larger
than its inputs' nodes', so this is a topological order), each node's gradient is complete when
it is popped, and each input's share comes from the op's VJP in the ops table. Iterative, so
a chain of a million ops needs no recursion.
"""
from __future__ import annotations

from heapq import heappop, heappush

import numpy as np

from ..errors import GradError, GTypeError
from .backends import NumpyF, TensorF
from .ops import same
from .tensor import F64, Node, Tensor, as_tensor, const, enable_grad, fmt_shape, mode, norm_data


_ndarray = np.ndarray
_add = np.add


def _seed(y, gradient, what):
    """The gradient that starts the pass: 1 for a scalar, else `gradient` of y's shape."""
    if gradient is None:
        if y.data.size != 1:
            raise GradError(f"{what} of a non-scalar tensor (shape {fmt_shape(y.shape)}) needs a "
                            f"gradient of the same shape: {what}(gradient=...) with shape "
                            f"{fmt_shape(y.shape)}, e.g. ones_like(y); or reduce it first with "
                            f"sum() or mean()")
        return np.ones(y.data.shape) if y.data.ndim else np.float64(1.0)
    g = as_tensor(gradient).data
    if g.shape != y.data.shape:
        raise GradError(f"the gradient has shape {fmt_shape(g.shape)} but the tensor has shape "
                        f"{fmt_shape(y.shape)}; they must match")
    return g if g.dtype is F64 else g.astype(np.float64)


def propagate(root, seed, create_graph=False, want=(), on_node=None):
    """Run the backward pass from `root` with gradient `seed`.

    Returns `(leaf_grads, node_grads)`: leaf tensor id -> [leaf, grad] for every leaf reached,
    and node -> grad for the nodes in `want` (the grad_fn of non-leaf tensors whose gradient is
    asked for). Gradients are numpy data, or Tensors when `create_graph` is true.
    `on_node(node, g, input_grads)` is called after each node (for --explain).
    """
    F = TensorF if create_graph else NumpyF
    leaf_grads = {}
    node_grads = {}
    if create_graph:
        seed = const(norm_data(seed)) if not isinstance(seed, Tensor) else seed
    node = root.grad_fn
    if node is None:
        leaf_grads[id(root)] = [root, seed]
        return leaf_grads, node_grads
    if not create_graph and on_node is None:
        prev_mode = mode.enabled
        mode.enabled = False
        try:
            _numbers(node, seed, want, leaf_grads, node_grads)
        finally:
            mode.enabled = prev_mode
        return leaf_grads, node_grads
    pending = {node: seed}
    heap = [(node.seq, node)]
    prev_mode = mode.enabled
    mode.enabled = create_graph
    try:
        while heap:
            node = heappop(heap)[1]
            g = pending.pop(node)
            if node.retain is not None or (want and node in want):
                node_grads[node] = g
            op = node.op
            vjps = op.vjps
            inputs = node.inputs
            if create_graph:
                xs = tuple(None if d is None else x if x.data is d else const(d)
                           for x, d in zip(inputs, node.saved))
                y = _output(node) if op.save_out else None
            else:
                xs = node.saved
                y = node.out
            p = node.params
            sent = [] if on_node is not None else None
            i = 0
            for x in inputs:
                vjp = vjps[i]
                i += 1
                if vjp is None or not x.requires_grad:
                    continue
                gi = vjp(F, g, y, p, *xs)
                if type(x) is Node:         # an input the node did not keep: its node (same shape)
                    n = x
                else:
                    if op.broadcast and gi.shape != x.data.shape:
                        gi = F.sum_to(gi, x.data.shape)
                    n = x.grad_fn
                if sent is not None:
                    sent.append((i - 1, gi))
                if n is None:
                    acc = leaf_grads.get(id(x))
                    if acc is None:
                        leaf_grads[id(x)] = [x, gi]
                    else:
                        acc[1] = acc[1] + gi
                    continue
                prev = pending.get(n)
                if prev is None:
                    pending[n] = gi
                    heappush(heap, (n.seq, n))
                else:
                    pending[n] = prev + gi
            if sent is not None:
                on_node(node, g, sent)
    finally:
        mode.enabled = prev_mode
    return leaf_grads, node_grads


def _numbers(node, seed, want, leaf_grads, node_grads):
    """`propagate`'s loop for numbers only (no create_graph, no on_node): the same steps in the
    same order, with what the general loop tests per input settled once — an input whose VJP is
    `same` gets the node's gradient itself without a call, a leaf's gradient is summed in place
    once the sum is an array of the engine's own, bound methods are looked up once."""
    pending = {node: seed}
    heap = [(node.seq, node)]
    pop = pending.pop
    get = pending.get
    lget = leaf_grads.get
    F = NumpyF
    sum_to = F.sum_to
    while heap:
        node = heappop(heap)[1]
        g = pop(node)
        if node.retain is not None or (want and node in want):
            node_grads[node] = g
        op = node.op
        vjps = op.vjps
        xs = node.saved
        y = node.out
        p = node.params
        k = len(xs)
        i = -1
        for x in node.inputs:
            i += 1
            if not x.requires_grad:
                continue
            vjp = vjps[i]
            if vjp is None:
                continue
            # vjp(F, g, y, p, *xs), spelt out for one and two inputs: a call with *xs costs
            # more than twice as much as the VJP it runs on small arrays
            if vjp is same:
                gi = g
            elif k == 2:
                gi = vjp(F, g, y, p, xs[0], xs[1])
            elif k == 1:
                gi = vjp(F, g, y, p, xs[0])
            else:
                gi = vjp(F, g, y, p, *xs)
            if type(x) is Node:             # an input the node did not keep: its node (same shape)
                n = x
            else:
                if op.broadcast and gi.shape != x.data.shape:
                    gi = sum_to(gi, x.data.shape)
                n = x.grad_fn
                if n is None:
                    acc = lget(id(x))
                    if acc is None:
                        leaf_grads[id(x)] = [x, gi]
                    elif len(acc) == 3:     # the sum so far is an array made here: add in place
                        try:
                            _add(acc[1], gi, acc[1])
                        except ValueError:  # gi broadcasts to a larger shape: a new sum, as below
                            acc[1] = acc[1] + gi
                            del acc[2]
                    else:
                        s = acc[1] + gi
                        acc[1] = s
                        if type(s) is _ndarray and s.shape == x.data.shape and s.dtype is F64:
                            acc.append(True)
                    continue
            prev = get(n)
            if prev is None:
                pending[n] = gi
                heappush(heap, (n.seq, n))
            else:
                pending[n] = prev + gi
    for acc in leaf_grads.values():
        del acc[2:]                         # [leaf, grad], as the general loop leaves them


def _output(node):
    """The node's saved output as a tensor whose grad_fn is the node: differentiating through
    it (create_graph) goes back through the node to its inputs, as PyTorch's saved result does."""
    y = Tensor.__new__(Tensor)
    y.data = node.out
    y.requires_grad = True
    y.grad = None
    y.grad_fn = node
    return y


def _as_grad(g, x, create_graph):
    """A gradient as a Tensor of x's shape (broadcasting views made real numbers)."""
    if isinstance(g, Tensor):
        return g
    g = norm_data(np.asarray(g, dtype=np.float64) if not isinstance(g, (np.ndarray, np.float64)) else g)
    if np.shape(g) != x.data.shape:
        g = norm_data(np.broadcast_to(g, x.data.shape).copy())
    return const(g)


def backward(y, gradient=None, retain_graph=None, create_graph=False):
    """Accumulate d y / d leaf into every leaf's `.grad` (a new tensor each time)."""
    if not isinstance(y, Tensor):
        raise GTypeError("backward() needs a tensor")
    if not y.requires_grad:
        raise GradError("backward() of a tensor that does not require grad: nothing to "
                        "differentiate. Mark an input with requires_grad=True (or --wrt NAME)")
    seed = _seed(y, gradient, "backward")
    leaves, nodes = propagate(y, seed, create_graph)
    # leaves, and the non-leaf tensors that asked for it (retain_grad)
    targets = list(leaves.values()) + [[n.retain, g] for n, g in nodes.items() if n.retain is not None]
    for leaf, g in targets:
        g = _as_grad(g, leaf, create_graph)
        if leaf.grad is None:
            if g.requires_grad:     # create_graph: PyTorch's AccumulateGrad stores a copy
                with enable_grad():
                    g = TensorF.copy(g)
            leaf.grad = g
        elif create_graph or g.requires_grad:
            with enable_grad():
                leaf.grad = leaf.grad + g
        else:
            leaf.grad = const(norm_data(leaf.grad.data + g.data))


def grad(y, xs, grad_outputs=None, create_graph=False):
    """d y / d x for each x of `xs` (a tensor or a list), without touching `.grad`.

    Zeros for an x that y does not depend on. Returns a tensor for a tensor, a list for a list.
    """
    single = isinstance(xs, Tensor)
    xs_list = [xs] if single else list(xs)
    for x in xs_list:
        if not isinstance(x, Tensor):
            raise GTypeError("grad() differentiates with respect to tensors")
    if not isinstance(y, Tensor):
        raise GTypeError("grad() differentiates a tensor")
    seed = _seed(y, grad_outputs, "grad")
    results = [None] * len(xs_list)
    if y.requires_grad:
        want = {x.grad_fn for x in xs_list if x.grad_fn is not None}
        leaves, nodes = propagate(y, seed, create_graph, want)
        for k, x in enumerate(xs_list):
            if x is y:
                results[k] = seed
            elif x.grad_fn is not None:
                results[k] = nodes.get(x.grad_fn)
            else:
                hit = leaves.get(id(x))
                results[k] = hit[1] if hit else None
    out = []
    for x, g in zip(xs_list, results):
        if g is None:
            out.append(const(np.zeros(x.data.shape) if x.data.ndim else np.float64(0.0)))
        else:
            out.append(_as_grad(g, x, create_graph))
    return out[0] if single else out


def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False):
    """t.backward(): accumulate d t / d leaf into every leaf's `.grad`."""
    backward(self, gradient, create_graph=create_graph)


Tensor.backward = _tensor_backward
