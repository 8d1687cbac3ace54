"""The entry type of THE ops table (`Op`), the table itself (`TABLE`) and `defop`, which adds an entry.

An entry holds, side by side: the forward, one VJP per input, PyTorch's name for the backward node,
the formula text of each input's derivative, the inputs' names, the kink rule (where the derivative
does not exist, which convention the VJP takes), the symbolic form (`--formula`), and what the engine
needs to keep a node small (`reads`) and to account for a large result (`bound`). `--explain` and
`--check` read these fields; nothing outside the table names an op.
"""
from __future__ import annotations

import math

import numpy as np

from ...errors import GIndexError, GradcliError, GTypeError, GValueError, ShapeError
from ..kernels import count
from ..tensor import fmt_shape


class Op:
    """One differentiable (or not: `vjps=None`) operation."""

    __slots__ = ("name", "node_name", "forward", "vjps", "formulas", "save_out", "broadcast", "fast",
                 "reads", "drop", "sym", "inputs", "kink", "counts", "bound", "formula_for")

    def __init__(self, name, node_name, forward, vjps, formulas=(), save_out=False, broadcast=False,
                 fast=None, reads=None, sym=None, inputs=None, kink=None, counts=False, bound=None,
                 formula_for=None):
        # sym(S, p, *xs): the forward as SymPy expressions (S = symbolic.SymF, xs object arrays),
        # what --formula differentiates; None: the op has no symbolic form
        self.sym = sym
        self.fast = fast      # the forward on data alone, when it takes no parameters (a ufunc)
        # reads[i]: the inputs whose values (or shapes) the VJP of input i reads; None: all of them.
        # A node keeps only those (PyTorch's saved variables): an intermediate result no VJP
        # needs is freed as soon as the program drops it, not kept alive by the graph.
        self.reads = reads
        self.drop = _drop_table(vjps, reads)
        self.name = name
        self.node_name = node_name
        self.forward = forward
        self.vjps = vjps
        self.formulas = formulas
        self.save_out = save_out
        self.broadcast = broadcast
        # inputs[i]: input i's name in the formulas (None: an input without one, "input");
        # fewer names than inputs: one name for all, numbered (stack's x0, x1, …)
        self.inputs = inputs if inputs is not None else ("x",) * max(1, len(formulas))
        # kink(p, y, *xs): [(kind, elements, the convention used there)] for the points of this
        # run where the derivative does not exist (LANGUAGE.md §8); y is None unless save_out
        self.kink = kink
        self.counts = counts            # the formula names n, the number of elements reduced
        # bound(datas): the number of elements of the result, for the ops whose result can be much
        # larger than their inputs (accounted for before it is made); None: no bound needed
        self.bound = bound if bound is not None else (broadcast_count if broadcast else None)
        self.formula_for = formula_for  # formula_for(p): the formulas for these parameters

    def renamed(self, node_name):
        """The same op under another PyTorch node name (`SumBackward0` vs `SumBackward1`)."""
        op = Op.__new__(Op)
        for k in Op.__slots__:
            setattr(op, k, getattr(self, k))
        op.node_name = node_name
        return op

    def formula(self, i, params=None):
        """The formula text of input i's derivative (for these parameters), or None."""
        fs = self.formulas if self.formula_for is None else self.formula_for(params)
        if not fs:
            return None
        return fs[i] if i < len(fs) else fs[-1]

    def input_name(self, i, n):
        """Input i's name in the formulas, of `n` inputs (`a`, `x`, `A`, `cond`, `x1` …)."""
        names = self.inputs
        name = (names[i] if i < len(names) else names[-1]) or "input"
        return f"{name}{i}" if len(names) < n and n > 1 else name

    def error(self, exc, inputs, params):
        """Turn a numpy exception raised by this op's forward into a G error."""
        msg = str(exc)
        shapes = " and ".join(fmt_shape(x.data.shape) for x in inputs)
        if isinstance(exc, GradcliError):
            return exc
        if isinstance(exc, np.exceptions.AxisError):
            return GIndexError(f"{self.name}: {msg}")
        if isinstance(exc, np.linalg.LinAlgError):
            if "singular" in msg.lower():
                return GValueError(f"{self.name}: the matrix is singular")
            return ShapeError(f"{self.name}: {msg} (got shape {shapes})")
        if "broadcast" in msg:
            return ShapeError(f"shapes {shapes} do not broadcast (in {self.name})")
        if "mismatch" in msg or "not aligned" in msg or "core dimension" in msg:
            return ShapeError(f"{self.name}: cannot multiply shapes {shapes}")
        if "reshape" in msg:
            return ShapeError(f"cannot reshape a tensor of shape {shapes} to "
                              f"{fmt_shape(params) if isinstance(params, tuple) else params}")
        if isinstance(exc, IndexError):
            return GIndexError(msg)
        if isinstance(exc, TypeError):
            return GTypeError(f"{self.name}: {msg}")
        return ShapeError(f"{self.name}: {msg} (shapes {shapes})")


def _drop_table(vjps, reads):
    """drop[mask][i]: whether a node may let go of input i when the inputs in bit-mask `mask`
    require grad (bit i: input i), because none of the VJPs that will run reads it."""
    if vjps is None or reads is None:
        return None
    n = len(vjps)
    table = [None]
    for mask in range(1, 1 << n):
        read = set()
        for j in range(n):
            if mask >> j & 1 and vjps[j] is not None:
                read.update(reads[j])
        table.append(tuple(i not in read for i in range(n)))
    return tuple(table)


TABLE: dict[str, Op] = {}


class Each:
    """The VJPs of an op of any number of inputs (stack, cat): `vjps[i]` is input i's."""

    __slots__ = ("make", "made")

    def __init__(self, make):
        self.make = make
        self.made = {}

    def __getitem__(self, i):
        vjp = self.made.get(i)
        if vjp is None:
            vjp = self.made[i] = self.make(i)
        return vjp


def defop(name, node_name, forward, *vjps, formula=(), save_out=False, broadcast=False, fast=None,
          reads=None, sym=None, inputs=None, kink=None, counts=False, bound=None, formula_for=None,
          each=None):
    """Add an entry to TABLE. `inputs`: the inputs' names as one string ("a b"; default "x", "-"
    for an input without one). `each(i)`: input i's VJP, for an op of any number of inputs."""
    op = Op(name, node_name, forward, Each(each) if each is not None else tuple(vjps) if vjps else None,
            (formula,) if isinstance(formula, str) else tuple(formula), save_out, broadcast, fast,
            reads, sym, None if inputs is None else tuple(None if n == "-" else n for n in inputs.split()),
            kink, counts, bound, formula_for)
    TABLE[name] = op
    return op


def nondiff(name, forward, sym=None):
    """An op with no gradient (comparisons, any/all): recorded nowhere (but --formula reads the
    symbolic forms of comparisons: the tests that chose the run's path)."""
    op = Op(name, name, forward, None, sym=sym)
    TABLE[name] = op
    return op


SIZED: dict = {}     # (name, n) -> the op of that many inputs


def sized(op, n):
    """The n-input form of an op of any number of inputs: its VJPs as a tuple (one per input)."""
    key = (op.name, n)
    s = SIZED.get(key)
    if s is None:
        s = SIZED[key] = op.renamed(op.node_name)
        s.vjps = tuple(op.vjps[i] for i in range(n))
    return s


# ----- the bounds of results (checked against the memory limit before they are made) -----

def broadcast_count(datas):
    return math.prod(np.broadcast_shapes(*[d.shape for d in datas]))


def joined_count(datas):
    return sum(d.size for d in datas)


# ----- helpers used by the VJPs of several sections -----

def same(F, g, y, p, *xs):
    """The VJP of an input whose gradient is the output's itself (a, b of a + b, clone …). The
    engine passes the gradient on without calling it."""
    return g


def _kept_shape(shape, axes):
    """`shape` with the reduced `axes` kept as size 1 (axes=None: all)."""
    if axes is None:
        return (1,) * len(shape)
    return tuple(1 if i in axes else s for i, s in enumerate(shape))


def expand_back(F, g, shape, axes, keepdims):
    """Broadcast a reduction's gradient back over the reduced axes."""
    if not keepdims:
        g = F.reshape(g, _kept_shape(shape, axes))
    return F.broadcast_to(g, shape)


def nonzero(mask) -> int:
    """How many elements of `mask` are true (kink rules count the elements at a kink)."""
    return int(np.count_nonzero(mask))


__all__ = ["Op", "TABLE", "defop", "nondiff", "Each", "SIZED", "sized", "same", "broadcast_count",
           "joined_count", "expand_back", "nonzero", "count"]
