"""THE table of differentiable ops: one entry per op, its forward and one VJP per input side by side.

Each VJP is written once, as `vjp(F, g, y, p, *xs)`: `g` the gradient arriving at the op's output,
`y` the output, `p` the op's parameters, `xs` the inputs, and `F` a namespace of primitives
(`backends.py`). The engine runs each VJP in one of two ways:
- numerically, `F = NumpyF` and every value a numpy array: no graph, the cost of plain numpy;
- differentiably (`create_graph=True`), `F = TensorF` and every value a Tensor: the VJP records
  its own graph with the ops of this same table, so gradients of gradients come for free.

Broadcasting is undone by the engine (`Op.broadcast`), nowhere else. Each entry (`registry.Op`)
also holds the formula text `--explain` shows, its inputs' names, its kink rule, its symbolic form
(`--formula`) and `node_name`, PyTorch's name for the backward node. The entries are written in
sections (arith, reduce, activations and losses, shape and linear algebra: modules of two sections
that always load together); `TABLE` holds them all, by name.
"""
from __future__ import annotations

from .registry import SIZED, TABLE, Op, defop, expand_back, nondiff, same, sized  # noqa: F401
from .registry import count as _count  # noqa: F401  (symbolic.py counts as the table does)
from ..kernels import sum_to as sum_to_np  # noqa: F401  (moved to kernels.py)
from .arith import *  # noqa: F401,F403
from .reduce import *  # noqa: F401,F403
from .activations import *  # noqa: F401,F403  (and the losses)
from .shape import *  # noqa: F401,F403  (and linear algebra)
