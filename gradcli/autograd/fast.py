"""The fast paths of `tensor.apply`: functions applying a one- or two-input op with no parameters
(sin, exp, neg …; add, mul, matmul …), with the node built inline. Graph building spends most of
its time here; `apply` is the general path and does the same thing."""
from __future__ import annotations

import numpy as np

from .. import limits
from .node import BOOL, F64, Node, _seq, mode, norm_data
from .tensor import CONST, Tensor, _memory_error, as_tensor, const, reserve_result

_f64 = np.float64
_ndarray = np.ndarray
_new = object.__new__
_NONE1 = (None,)
_NONE2 = (None, None)
_BIG_ELEMS = limits.BIG_ELEMS    # results from this many elements on are accounted before they are made


def unary_fn(op):
    """A fast function applying a one-input op with no parameters (sin, exp, neg …)."""
    fwd = op.fast or (lambda x: op.forward(None, x))
    save = op.save_out
    drop = op.drop is not None and op.drop[1][0]   # the VJP does not read x: keep only its node

    def f(x):
        if type(x) is not Tensor:
            x = as_tensor(x)
        xd = x.data
        if xd.size > _BIG_ELEMS:
            limits.check_elements(xd.size)
        try:
            out = fwd(xd)
            if type(out) is not _f64 and (type(out) is not _ndarray or out.dtype is not F64 or not out.ndim):
                if xd.dtype is BOOL and out.dtype.kind == "f":   # numpy: exp(True) in float16
                    out = fwd(xd.astype(np.float64))
                out = norm_data(out)
        except (ValueError, TypeError) as exc:
            raise op.error(exc, (x,), None) from None
        except MemoryError:
            raise _memory_error() from None
        r = _new(Tensor)
        r.data = out
        r.grad = None
        if x.requires_grad and mode.enabled:
            r.requires_grad = True
            n = _new(Node)                  # Node.__init__'s work, inline (see binary_fn)
            n.op = op
            if drop and not mode.keep:      # elementwise: x has the output's shape
                xn = x.grad_fn
                n.inputs = (x,) if xn is None else (xn,)
                n.saved = _NONE1
            else:
                n.inputs = (x,)
                n.saved = (xd,)
            n.params = None
            n.out = out if save else None
            n.seq = next(_seq)
            n.site = mode.site
            n.name = None
            n.retain = None
            r.grad_fn = n
        else:
            r.requires_grad = False
            r.grad_fn = None
        return r
    f.__name__ = op.name
    return f


def binary_fn(op):
    """A fast function applying a two-input op with no parameters (add, mul, matmul …).

    A plain number operand is not made into a tensor: the node keeps its value in `saved` and
    the shared constant `CONST` stands in its place among the inputs. The node is built inline
    (`Node.__init__`'s work without its call): this is the hottest path of graph building.
    """
    fwd = op.fast or (lambda a, b: op.forward(None, a, b))
    drop = op.drop
    save = op.save_out

    def f(a, b):
        if type(a) is Tensor:
            ad = a.data
        elif type(a) is float or type(a) is int:
            ad = _f64(a)
            a = CONST
        else:
            a = as_tensor(a)
            ad = a.data
        if type(b) is Tensor:
            bd = b.data
        elif type(b) is float or type(b) is int:
            bd = _f64(b)
            b = CONST
        else:
            b = as_tensor(b)
            bd = b.data
        if ad.size * bd.size > _BIG_ELEMS:       # bounds the result of broadcasting and of @
            reserve_result(op, (ad, bd))
        try:
            out = fwd(ad, bd)
        except (ValueError, TypeError, ZeroDivisionError) as exc:
            raise op.error(exc, (a if a is not CONST else const(ad), b if b is not CONST else const(bd)),
                           None) from None
        except MemoryError:
            raise _memory_error() from None
        if type(out) is not _f64 and (type(out) is not _ndarray or out.dtype is not F64 or not out.ndim):
            out = norm_data(out)
        r = _new(Tensor)
        r.data = out
        r.grad = None
        ra = a.requires_grad
        rb = b.requires_grad
        if (ra or rb) and mode.enabled:
            r.requires_grad = True
            if drop is not None and not mode.keep:     # `_lean`, inline
                da, db = drop[ra + 2 * rb]
                # an input dropped for its node must have the output's shape: sure when the
                # other operand is a number (or everything is 0-d), else compared
                anum = a is CONST
                bnum = b is CONST
                if da:
                    if not ra:
                        a = CONST
                        ad = None
                    elif a.grad_fn is None:
                        ad = None
                    elif bnum or type(out) is _f64 or ad.shape == out.shape:
                        a = a.grad_fn
                        ad = None
                if db:
                    if not rb:
                        b = CONST
                        bd = None
                    elif b.grad_fn is None:
                        bd = None
                    elif anum or type(out) is _f64 or bd.shape == out.shape:
                        b = b.grad_fn
                        bd = None
            n = _new(Node)
            n.op = op
            n.inputs = (a, b)
            n.saved = (ad, bd) if ad is not None or bd is not None else _NONE2
            n.params = None
            n.out = out if save else None
            n.seq = next(_seq)
            n.site = mode.site
            n.name = None
            n.retain = None
            r.grad_fn = n
        else:
            r.requires_grad = False
            r.grad_fn = None
        return r
    f.__name__ = op.name
    return f
