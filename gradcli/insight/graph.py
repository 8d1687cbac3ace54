"""The dynamic graph of a tensor as a model: the tree that --graph, --dot, `graph(t)` and the
REPL's `:graph NAME` draw (`render/graph.py` turns it into text, rich lines or Graphviz DOT).

The graph is walked from the output towards the leaves with an explicit stack (graphs can be a
million nodes deep), into a small `Item` tree:
- a node reached a second time is an item once and referred to afterwards (a `ref`);
- when the same op of the same source place has been drawn `REPEAT` times (a loop), the chain
  below it is folded into one `fold` item (`… 997 more MulBackward0 from line 3`);
- a node with many inputs (a `stack` of thousands) keeps the first few and says how many more;
- the tree stops at `max_lines` items and `MAX_DEPTH` levels, saying what it left out.
So the work and the drawing are bounded by the limits, not by the graph, apart from the walk
along a folded chain (a loop over the nodes, no recursion).

Values: a node's output is not stored on the node, but each input tensor of a node holds its data,
so every tensor below the root has its value; the root is the output tensor itself.
"""
from __future__ import annotations

import weakref
from collections import Counter

from ..autograd.tensor import Tensor
from ..errors import GNameError, GTypeError
from ..lang.runtime import Output
from ..lang.values import type_name

MAX_LINES = 60        # lines of a --graph tree (and of graph(t))
MAX_DOT_NODES = 200   # nodes of a --dot drawing
MAX_CHILDREN = 8      # inputs drawn per node
MAX_DEPTH = 16        # levels drawn below the root
REPEAT = 3            # an op of one source place drawn this often: its further repeats fold
FOLD_MIN = 2          # fold only runs of at least this many nodes


# ----- what insight knows about a run: names of leaves, how often --wrt inputs were marked -----

class Tracker:
    """Follows a session's top-level bindings through `Session.bind_hook`.

    Records the first name each leaf that requires grad was bound to (so a graph drawn after the
    name was rebound still calls it `x`), counts the markings of each --wrt NAME (the gradient is
    w.r.t. the last one; --check perturbs that one), and applies a --check perturbation.
    """

    def __init__(self, session, names=True):
        self.session = session
        self.names = names
        self.leaf_names: dict[int, tuple] = {}     # id(leaf) -> (leaf, name); the leaf kept alive
        self.marks: Counter = Counter()
        self.marked_data: dict = {}                 # name -> data of its last marking, as marked
        self.perturb = None                         # (name, ordinal, data) during --check reruns
        self.start: dict = {}                       # names the checked code starts from (earlier
                                                    # notebook cells), for --check's re-runs

    def __call__(self, name, value):
        if not isinstance(value, Tensor) or value.grad_fn is not None:
            return
        s = self.session
        if name in s.wrt and s.marked.get(name) is value:
            self.marks[name] += 1
            self.marked_data[name] = value.data
            p = self.perturb
            if p is not None and p[0] == name and p[1] == self.marks[name]:
                value.data = p[2]
        if self.names and value.requires_grad and id(value) not in self.leaf_names:
            self.leaf_names[id(value)] = (value, name)


_TRACKERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def attach(session, names=True) -> Tracker:
    """Install a Tracker on `session` (before it runs) and return it."""
    tracker = Tracker(session, names)
    prev = session.bind_hook
    if prev is None:
        session.bind_hook = tracker
    else:                                  # someone else listens too: call both
        def both(name, value):
            prev(name, value)
            tracker(name, value)
        session.bind_hook = both
    _TRACKERS[session] = tracker
    return tracker


def tracker_of(session):
    return _TRACKERS.get(session) if session is not None else None


# ----- naming things -----

class Names:
    """How the drawing and --explain call tensors: variable names, source places, gradients."""

    def __init__(self, session=None, grads=None, output=None):
        self.session = session
        self.grads = grads or {}
        self.output_name = output.name if output is not None else None
        self._leaf = {}
        self._lines = {}
        if session is not None:
            tracker = tracker_of(session)
            if tracker is not None:
                for t, name in tracker.leaf_names.values():
                    self._leaf[id(t)] = name
            for name, v in session.globals.items():
                if isinstance(v, Tensor) and v.grad_fn is None and v.requires_grad:
                    self._leaf[id(v)] = name
            for name, v in session.marked.items():
                self._leaf[id(v)] = name

    def leaf(self, t):
        return self._leaf.get(id(t))

    def wrt_grad(self, t):
        """The --wrt gradient of the output w.r.t. leaf t, when t is the marked tensor."""
        if self.session is None:
            return None, None
        for name, g in self.grads.items():
            if self.session.marked.get(name) is t:
                return name, g
        return None, None

    def source_line(self, span):
        """The text of the line a span starts on, or None."""
        if span is None or self.session is None:
            return None
        lines = self._lines.get(span.file)
        if lines is None:
            src = self.session.sources.get(span.file)
            if src is None:
                return None
            lines = self._lines[span.file] = src.split("\n")
        if 1 <= span.line <= len(lines):
            return lines[span.line - 1]
        return None


# ----- the model -----

class Graph:
    """The graph of one tensor: `root`, the tree of Items (None when the tensor does not require
    grad, so no graph was recorded); `name`, what to call the tensor (the output's name, or the
    name its op's result was bound to); `root_name`, the output's name when the tensor is the
    output; `title`, the caller's title (None: the usual one)."""

    __slots__ = ("root", "name", "root_name", "title")

    def __init__(self, root, name, root_name, title=None):
        self.root, self.name, self.root_name, self.title = root, name, root_name, title


class Item:
    """One line of the drawing (one DOT node, or an edge to one for a `ref`). `kind` is one of
    node, leaf, const, ref, fold, more; what each holds:
    - node: `name` (or None), `node` (its op's node_name and site), `data` (its value),
      `consts` (the constant operands, once its inputs are walked);
    - leaf: `name` (or None), `data`, `grad`: ("wrt", the output's name or None, the --wrt
      NAME, data) for the marked input of a --wrt gradient, ("grad", None, None, data) for a
      leaf with a .grad, or None;
    - const: `data`;
    - ref: `target` (the Item referred to), `node` (a node's) or `name` (a leaf's), `folded`;
    - fold: `run` (the folded nodes, newest first), `hidden` (their inputs not drawn);
    - more: `reason` and `n`: "inputs" (n more inputs of a node), "deeper" (inputs deeper than
      n levels), "cap" (the drawing stops at `limit` lines, n inputs not drawn).
    """

    __slots__ = ("kind", "children", "target", "uid", "name", "node", "data", "consts", "grad",
                 "folded", "run", "hidden", "reason", "n", "limit")

    def __init__(self, kind, target=None, name=None, node=None, data=None, grad=None,
                 folded=False, reason=None, n=0, limit=0):
        self.kind = kind
        self.children = []
        self.target = target      # ref: the Item referred to
        self.uid = 0              # DOT's node number (render/graph.py numbers the items)
        self.name, self.node, self.data, self.grad = name, node, data, grad
        self.consts = None
        self.folded = folded
        self.run, self.hidden = None, 0
        self.reason, self.n, self.limit = reason, n, limit


def graph_model(t, session=None, grads=None, output=None, title=None, max_lines=MAX_LINES) -> Graph:
    """The graph of tensor t (`--graph`, `graph(t)`, `:graph NAME`), bounded by `max_lines` items."""
    root_name = output.name if output is not None and output.value is t else None
    name = root_name or (t.grad_fn.name if t.grad_fn is not None else None)
    if not t.requires_grad:
        return Graph(None, name, root_name, title)
    return Graph(build(t, Names(session, grads, output), max_lines, root_name), name, root_name, title)


def dot_model(t, session=None, grads=None, output=None, max_nodes=MAX_DOT_NODES) -> Graph:
    """The graph of tensor t for `--dot`: as `graph_model`, bounded by `max_nodes` nodes."""
    return graph_model(t, session, grads, output, max_lines=max_nodes)


def repl_graph(session, name) -> Graph:
    """`:graph NAME` in the REPL: the graph of a variable (GNameError / GTypeError if none)."""
    if name not in session.globals:
        raise GNameError(f"name '{name}' is not defined")
    v = session.globals[name]
    if not isinstance(v, Tensor):
        raise GTypeError(f":graph needs a tensor, '{name}' is {type_name(v)}")
    return graph_model(v, session, output=Output(name, v))


# ----- the walk -----

def _key(node):
    return (node.site, node.op.node_name)


def build(t, names: Names, max_lines=MAX_LINES, root_name=None) -> Item:
    """The tree of tensor t's graph, bounded by `max_lines` items."""
    drawn = {}          # node or id(leaf) -> Item
    folded = {}         # node -> the fold Item it disappeared into
    counts = Counter()  # (site, node name) -> times drawn
    lines = 0
    root = None
    # (tensor, data, parent Item, depth, name override)
    stack = [(t, t.data, None, 0, root_name)]
    while stack:
        x, data, parent, depth, name = stack.pop()
        if lines >= max_lines - 2 and root is not None:   # room for a "deeper" line and this note
            stack.append((x, data, parent, depth, name))
            root.children.append(Item("more", reason="cap", n=len(stack), limit=max_lines))
            break
        node = x.grad_fn
        pushes = []
        if node is None:
            item = _leaf_item(x, data, names, drawn, name)
        elif node in drawn:
            item = Item("ref", drawn[node], node=node)
        elif node in folded:
            item = Item("ref", folded[node], node=node, folded=True)
        else:
            run = _chain(x, drawn, folded, counts) if parent is not None and counts[_key(node)] >= REPEAT else []
            if len(run) >= FOLD_MIN:
                item = Item("fold")
                for n in run:
                    folded[n] = item
                item.run, item.hidden = run, _hidden_inputs(run, folded)
                pushes = _inputs(run[-1], depth + 1, item)
            else:
                counts[_key(node)] += 1
                item = Item("node", name=name or node.name, node=node, data=data)
                drawn[node] = item
                if depth + 1 > MAX_DEPTH:
                    if any(i.requires_grad for i in node.inputs):
                        item.children.append(Item("more", reason="deeper", n=MAX_DEPTH))
                        lines += 1
                else:
                    pushes = _inputs(node, depth + 1, item)
        if parent is None:
            root = item
        else:
            parent.children.append(item)
        lines += 1
        stack.extend(reversed(pushes))
    return root


def _inputs(node, depth, parent):
    """What to push for a node's inputs that require grad: (tensor, data, parent, depth, name)
    each, capped; constants go to the parent node instead (`with constant 2.0`).

    The data is the input as the op saw it (`saved`): for a plain-number operand the shared
    `CONST` stands among the inputs and only `saved` has its value.
    """
    out = []
    consts = []
    ins = node.inputs
    saved = node.saved
    n = len(ins)
    for i in range(n):
        x = ins[i]
        if not x.requires_grad:
            consts.append(saved[i])
            continue
        if len(out) == MAX_CHILDREN - 1 and n - i > 1:
            out.append((_More(sum(1 for y in ins[i:] if y.requires_grad)), None, parent, depth, None))
            break
        out.append((x, saved[i], parent, depth, None))
    if parent is not None and parent.kind == "node":
        parent.consts = consts
    return out


class _More:
    """Stands for the inputs of a node beyond MAX_CHILDREN (a pseudo-tensor the walk draws)."""

    grad_fn = None
    requires_grad = False

    def __init__(self, n):
        self.n = n


def _chain(x, drawn, folded, counts):
    """The run of repeated nodes below tensor x (a loop's chain), newest first: follow the first
    input whose op and place have been drawn REPEAT times already. (Inputs are always older than
    their node, so the walk cannot come back to a node it passed.)"""
    run = []
    while True:
        node = x.grad_fn
        if node is None or node in drawn or node in folded or counts[_key(node)] < REPEAT:
            break
        run.append(node)
        nxt = None
        for i in node.inputs:
            g = i.grad_fn
            if g is not None and g not in drawn and g not in folded and counts[_key(g)] >= REPEAT:
                nxt = i
                break
        if nxt is None:
            break
        x = nxt
    return run


def _hidden_inputs(run, folded):
    """Inputs of a folded run's nodes, other than the run's own links and the last node's
    inputs (drawn below the fold), that carry a gradient: they are not drawn."""
    n = 0
    for node in run[:-1]:
        for i in node.inputs:
            if i.requires_grad and i.grad_fn not in folded:
                n += 1
    return n


def _leaf_item(x, data, names, drawn, name):
    if isinstance(x, _More):
        return Item("more", reason="inputs", n=x.n)
    if not x.requires_grad:         # only the root can be a constant (inputs fold into labels)
        return Item("const", data=data)
    key = id(x)
    leaf_name = name or names.leaf(x)
    if key in drawn:
        return Item("ref", drawn[key], name=leaf_name)
    gname, g = names.wrt_grad(x)
    if g is not None:
        grad = ("wrt", names.output_name, gname, g.data)
    elif x.grad is not None:
        grad = ("grad", None, None, x.grad.data)
    else:
        grad = None
    item = Item("leaf", name=leaf_name, data=x.data, grad=grad)
    drawn[key] = item
    return item


__all__ = ["Tracker", "attach", "tracker_of", "Names", "Graph", "Item", "graph_model", "dot_model",
           "repl_graph", "build", "MAX_LINES", "MAX_DOT_NODES"]
