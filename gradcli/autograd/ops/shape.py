"""The ops table, section "shape": reshape and its PyTorch-named views, permute/transpose,
broadcast_to, indexing (select, slice, index, scatter, setitem), and stack/cat (any number of inputs).
"""
from __future__ import annotations

import numpy as np

from ..kernels import scatter as _scatter
from ..kernels import setitem as _setitem
from .registry import Op, defop, joined_count


def _stack_vjp(i):
    return lambda F, g, y, p, *xs: F.getitem(g, (slice(None),) * p + (i,))


def _cat_vjp(i):
    def vjp(F, g, y, p, *xs):
        start = sum(x.shape[p] for x in xs[:i])
        return F.getitem(g, (slice(None),) * p + (slice(start, start + xs[i].shape[p]),))
    return vjp


# ----- shape -----
RESHAPE = defop("reshape", "ViewBackward0", lambda p, x: np.reshape(x, p),
                lambda F, g, y, p, x: F.reshape(g, x.shape),
                sym=lambda S, p, x: x.reshape(p),
                formula="∂/∂x = grad reshaped to x's shape")
SQUEEZE = RESHAPE.renamed("SqueezeBackward0")    # squeeze(t)
SQUEEZE1 = RESHAPE.renamed("SqueezeBackward1")   # squeeze(t, axis)
SQUEEZE2 = RESHAPE.renamed("SqueezeBackward2")   # squeeze(t, [axes])
UNSQUEEZE = RESHAPE.renamed("UnsqueezeBackward0")
SQUEEZE4 = RESHAPE.renamed("SqueezeBackward4")       # the squeeze_ ending vector @ matrix
UNSAFE_VIEW = RESHAPE.renamed("UnsafeViewBackward0")  # a view of a copy (reshape of a transposed tensor)
PERMUTE = defop("permute", "PermuteBackward0", lambda p, x: np.transpose(x, p),
                lambda F, g, y, p, x: F.permute(g, tuple(np.argsort(p))),
                sym=lambda S, p, x: x.transpose(p),
                formula="∂/∂x = grad with the axes put back")
TRANSPOSE = PERMUTE.renamed("TransposeBackward0")
TRANSPOSE_T = PERMUTE.renamed("TBackward0")      # t.t()
EXPAND = defop("broadcast_to", "ExpandBackward0", lambda p, x: np.broadcast_to(x, p),
               lambda F, g, y, p, x: F.sum_to(g, x.shape),
               sym=lambda S, p, x: S.arr(np.broadcast_to(x, p)),
               formula="∂/∂x = grad summed over the copies")
SELECT = defop("getitem", "SelectBackward0", lambda p, x: x[p],
               lambda F, g, y, p, x: F.scatter(g, x.shape, p),
               sym=lambda S, p, x: S.arr(x[p]),
               formula="∂/∂x = grad put back at the indexed places, 0 elsewhere")
SLICE = SELECT.renamed("SliceBackward0")
INDEX = SELECT.renamed("IndexBackward0")
NEWAXIS = SELECT.renamed("UnsqueezeBackward0")   # t[None]
SCATTER = defop("scatter", "IndexPutBackward0", _scatter,
                lambda F, g, y, p, x: F.getitem(g, p[1]),
                sym=lambda S, p, g: S.scatter(g, *p),
                formula="∂/∂x = grad at the indexed places")
SETITEM = defop("setitem", "CopySlices", _setitem,
                lambda F, g, y, p, x, v: F.setitem(g, p, 0.0),
                lambda F, g, y, p, x, v: F.sum_to(F.getitem(g, p), v.shape),
                sym=lambda S, p, x, v: S.setitem(x, p, v),
                formula=("∂/∂x = grad, 0 at the replaced places", "∂/∂v = grad at the replaced places"),
                inputs="x v")
SETITEM_INDEX = SETITEM.renamed("IndexPutBackward0")   # t[[0, 3]] = v (index_put_)

# ----- joins of any number of inputs: `vjps[i]` is made for each i (`registry.sized(op, n)`
# gives the op of n inputs); p is the axis -----
STACK = defop("stack", "StackBackward0", lambda p, *xs: np.stack(xs, axis=p), each=_stack_vjp,
              formula="∂/∂xᵢ = grad's i-th slice along the stack axis", bound=joined_count,
              sym=lambda S, p, *xs: np.stack(xs, axis=p))
CAT = defop("cat", "CatBackward0", lambda p, *xs: np.concatenate(xs, axis=p), each=_cat_vjp,
            formula="∂/∂xᵢ = grad's i-th slice along the cat axis", bound=joined_count,
            sym=lambda S, p, *xs: np.concatenate(xs, axis=p))

__all__ = [n for n, v in list(globals().items()) if isinstance(v, Op)]
