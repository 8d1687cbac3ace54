"""The public functions of the engine: argument handling around the ops table, and creation.

Each differentiable function checks and normalises its arguments (axes, shapes, indices) and
calls `apply` with one entry of `ops.TABLE`; the modules here group them by area. Tensor operators
and methods are attached here too.
"""
from __future__ import annotations

from types import ModuleType as _ModuleType

from ... import limits  # noqa: F401  (re-exported: the notebook sets limits.max_bytes through it)
from ...errors import GIndexError, GTypeError, GValueError, ShapeError  # noqa: F401
from ..ops import RSUB, SIZED, Op
from ..tensor import (F64, Tensor, _flat, apply, as_int, as_tensor, const, fmt_int,  # noqa: F401
                      fmt_shape, norm_data, to_data, type_name)
from .args import axes_arg, axis_arg, index_arg, shape_arg  # noqa: F401
from .creation import *  # noqa: F401,F403
from .elementwise import *  # noqa: F401,F403
from .elementwise import rdiv_number
from .reductions import *  # noqa: F401,F403
from .shapes import *  # noqa: F401,F403  (and linear algebra)
from .shapes import T, stack_nested  # noqa: F401

_stack_ops = SIZED      # the stack and cat ops of each number of inputs made so far


# ----- operators and methods on Tensor -----

def _attach():
    def rsub(self, other):
        return apply(RSUB, (as_tensor(other), self))

    def rpow(self, other):
        return pow(other, self)

    ops = {
        "__add__": add, "__radd__": lambda s, o: add(o, s), "__sub__": sub, "__rsub__": rsub,
        "__mul__": mul, "__rmul__": lambda s, o: mul(o, s), "__truediv__": div,
        "__rtruediv__": lambda s, o: rdiv_number(o, s) if type(o) in (int, float) else div(o, s), "__pow__": pow, "__rpow__": rpow,
        "__mod__": mod, "__rmod__": lambda s, o: mod(o, s), "__matmul__": matmul,
        "__rmatmul__": lambda s, o: matmul(o, s), "__neg__": neg, "__pos__": lambda s: s,
        "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge, "__eq__": eq, "__ne__": ne,
        "__and__": logical_and, "__rand__": logical_and, "__or__": logical_or,
        "__ror__": logical_or, "__invert__": logical_not, "__abs__": abs,
        "__getitem__": getitem,
    }
    for name, fn in ops.items():
        setattr(Tensor, name, fn)
    Tensor.T = property(T)
    for name in ("exp log log1p sqrt sin cos tan asin acos atan sinh cosh tanh sigmoid relu softplus "
                 "abs sign floor ceil round clamp sum mean prod var std logsumexp norm softmax "
                 "log_softmax any all reshape transpose flatten squeeze unsqueeze matmul dot outer "
                 "trace inv det maximum minimum isnan isinf permute pow eq ne lt le gt ge max min "
                 "broadcast_to clone").split():
        setattr(Tensor, name, globals()[name])
    Tensor.view = reshape
    Tensor.mm = matmul


_attach()

__all__ = [n for n, v in list(globals().items()) if not n.startswith("_") and not isinstance(v, (_ModuleType, Op))
           and n not in ("annotations", "Tensor_row", "SIZED", "sized", "Op")] + ["limits"]
