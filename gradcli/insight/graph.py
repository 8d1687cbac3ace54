"""--graph, --dot and the `graph(t)` built-in: the dynamic graph of a tensor, as a tree or as DOT.

The graph is walked from the output towards the leaves with an explicit stack (graphs can be a
million nodes deep), into a small `Item` tree that both renderers share:
- a node reached a second time is drawn once and referred to afterwards (`↑ see …`);
- when the same op of the same source place has been drawn `REPEAT` times (a loop), the chain
  below it is folded into one line (`… 997 more MulBackward0 from line 3`);
- a node with many inputs (a `stack` of thousands) shows the first few and says how many more;
- the drawing stops at `max_lines` lines and `MAX_DEPTH` levels, saying what it left out.
So the work and the output are bounded by the limits, not by the graph, apart from the walk along
a folded chain (a loop over the nodes, no recursion).

Values: a node's output is not stored on the node, but each input tensor of a node holds its data,
so every tensor drawn below the root shows its value; the root is the output tensor itself.
"""
from __future__ import annotations

import weakref
from collections import Counter

from ..autograd.tensor import Tensor, fmt_shape
from ..render.tensors import summarize

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


def site_text(span) -> str:
    """`line 4:5` (line:column) of an op, `--set NAME:column` for an op of a --set expression,
    `In[3] line 4:5` for an op of a notebook cell."""
    if span is None:
        return "an unknown place"
    f = span.file or ""
    if f.startswith("<--set "):
        return f"--set {f[7:-1]}:{span.column}"
    if f.startswith("In["):           # a notebook's cells share a graph: say which cell
        return f"{f} line {span.line}:{span.column}"
    return f"line {span.line}:{span.column}"


def value_text(data) -> str:
    """`shape (2, 2)  [[1.0, 1.0], [1.0, 1.0]]`, or summarize's own `shape … min … max … mean`."""
    s = summarize(data)
    if s.startswith("shape "):
        return s
    return f"shape {fmt_shape(getattr(data, 'shape', ()))}  {s}"


def const_text(data) -> str:
    """A constant operand: its exact short value when it is a number (`1.0001`, not `1`)."""
    if getattr(data, "ndim", 0) == 0 and getattr(data, "dtype", None) is not None and data.dtype.kind == "f":
        r = repr(float(data))
        return r if len(r) <= 12 else f"{float(data):.6g}"
    return summarize(data)


def node_title(node, name=None) -> str:
    """`y = AddBackward0 at 4:5` (the name when the node's result was bound to one)."""
    name = name or node.name
    head = f"{name} = " if name else ""
    return f"{head}{node.op.node_name} at {site_text(node.site)}"


# ----- the walk -----

class Item:
    """One line of the drawing (one DOT node, or an edge to one for `ref`)."""

    __slots__ = ("kind", "parts", "children", "target", "uid")

    def __init__(self, kind, parts, target=None):
        self.kind = kind          # node, leaf, const, ref, fold, more, none
        self.parts = parts        # [(text, style)]
        self.children = []
        self.target = target      # ref: the Item referred to
        self.uid = 0

    @property
    def text(self):
        return "".join(p for p, _ in self.parts)


def _key(node):
    return (node.site, node.op.node_name)


def build(t, names: Names, max_lines=MAX_LINES, root_name=None) -> Item:
    """The drawing of tensor t's graph, bounded by `max_lines` items."""
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
            _attach(root, Item("more", [(f"… the drawing stops at {max_lines} lines: "
                                         f"{len(stack)} more inputs not drawn", "dim")]))
            break
        node = x.grad_fn
        pushes = []
        if node is None:
            item = _leaf_item(x, data, names, drawn, name)
        elif node in drawn:
            item = Item("ref", [("↑ see ", "dim"), (node_title(node), "cyan"),
                                (" (above)", "dim")], drawn[node])
        elif node in folded:
            item = Item("ref", [("↑ see ", "dim"), (node_title(node), "cyan"),
                                (" (folded above)", "dim")], folded[node])
        else:
            run = _chain(x, drawn, folded, counts) if parent is not None and counts[_key(node)] >= REPEAT else []
            if len(run) >= FOLD_MIN:
                item = Item("fold", [])
                for n in run:
                    folded[n] = item
                item.parts = _fold_item(run, folded).parts
                last = run[-1]
                pushes = _inputs(last, depth + 1, item)
            else:
                counts[_key(node)] += 1
                item = _node_item(node, data, names, name)
                drawn[node] = item
                if depth + 1 > MAX_DEPTH:
                    if any(i.requires_grad for i in node.inputs):
                        item.children.append(Item("more", [(f"… inputs deeper than {MAX_DEPTH} levels "
                                                            "not drawn", "dim")]))
                        lines += 1
                else:
                    pushes = _inputs(node, depth + 1, item)
        if parent is None:
            root = item
        else:
            _attach(parent, item)
        lines += 1
        stack.extend(reversed(pushes))
    return root


def _attach(parent, item):
    parent.children.append(item)


def _inputs(node, depth, parent):
    """What to push for a node's inputs that require grad: (tensor, data, parent, depth, name)
    each, capped; constants go into the parent's label instead (`with constant 2.0`).

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
    if consts and parent is not None and parent.kind == "node":
        if len(consts) <= 2:
            text = " and ".join(const_text(c) for c in consts)
            parent.parts.append((f"  with constant{'s' if len(consts) > 1 else ''} {text}", "dim"))
        else:
            parent.parts.append((f"  with {len(consts)} constants", "dim"))
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


def _fold_item(run, folded):
    """The line standing for a folded run (its nodes are already in `folded`)."""
    by = Counter()
    for n in run:
        by[n.op.node_name] += 1
    places = {(n.site.file, n.site.line) if n.site is not None else None for n in run}
    where = ""
    if len(places) == 1:
        p = next(iter(places))
        if p is not None:
            where = f" from --set {p[0][7:-1]}" if p[0] and p[0].startswith("<--set ") else f" from line {p[1]}"
    elif all(p is not None for p in places):
        lines = sorted({p[1] for p in places})
        where = f" from lines {lines[0]}–{lines[-1]}"
    hidden = _hidden_inputs(run, folded)
    hidden = f"; {hidden} other inputs not drawn" if hidden else ""
    if len(by) == 1:
        text = f"… {len(run)} more {run[0].op.node_name}{where} (folded{hidden})"
    else:
        kinds = ", ".join(f"{k} {name}" for name, k in by.most_common(3))
        if len(by) > 3:
            kinds += ", …"
        text = f"… {len(run)} more nodes{where} (folded: {kinds}{hidden})"
    return Item("fold", [(text, "yellow")])


def _leaf_item(x, data, names, drawn, name):
    if isinstance(x, _More):
        return Item("more", [(f"… {x.n} more inputs", "dim")])
    if not x.requires_grad:         # only the root can be a constant (inputs fold into labels)
        return Item("const", [("constant ", "dim"), (const_text(data), "dim")])
    key = id(x)
    leaf_name = name or names.leaf(x)
    if key in drawn:
        return Item("ref", [("↑ see ", "dim"), (leaf_name or "leaf", "bold green"),
                            (" (above)", "dim")], drawn[key])
    parts = [(leaf_name or "leaf", "bold green"), ("  leaf  ", "green"), (value_text(x.data), "")]
    gname, g = names.wrt_grad(x)
    if g is not None:
        out = names.output_name or "output"
        parts.append((f"  d{out}/d{gname} ", "cyan"))
        parts.append((summarize(g.data), ""))
    elif x.grad is not None:
        parts.append(("  grad ", "cyan"))
        parts.append((summarize(x.grad.data), ""))
    item = Item("leaf", parts)
    drawn[key] = item
    return item


def _node_item(node, data, names, name):
    name = name or node.name
    parts = []
    if name:
        parts.append((f"{name} = ", "bold"))
    parts.append((node.op.node_name, "bold cyan"))
    parts.append((f"  {site_text(node.site)}", "magenta"))
    parts.append((f"  {value_text(data)}", ""))
    return Item("node", parts)


# ----- rendering -----

def tree_lines(item):
    """The Item tree as rich Text lines with tree guides, one line per item (iteratively).

    Drawn here rather than with rich's Tree so that plain output is exactly these lines: never
    wrapped or cut at a console width (labels are short already; a deep line is just long)."""
    from rich.text import Text

    def label(it, guide=""):
        t = Text()
        t.append(guide, style="dim")
        for text, style in it.parts:
            t.append(text, style=style or None)
        return t

    out = [label(item)]
    kids = item.children
    stack = [(kids[i], "", i == len(kids) - 1) for i in reversed(range(len(kids)))]
    while stack:
        it, prefix, last = stack.pop()
        out.append(label(it, prefix + ("└─ " if last else "├─ ")))
        inner = prefix + ("   " if last else "│  ")
        kids = it.children
        stack.extend((kids[i], inner, i == len(kids) - 1) for i in reversed(range(len(kids))))
    return out


def graph_lines(t, session=None, grads=None, output=None, title=None, max_lines=MAX_LINES):
    """The lines (rich Text) of `--graph` / `graph(t)` / `:graph NAME` for tensor t."""
    from rich.text import Text
    names = Names(session, grads, output)
    root_name = output.name if output is not None and output.value is t else None
    if title is None:
        title = f"Graph of {root_name or (t.grad_fn.name if t.grad_fn is not None else None) or 'the output'}"
    head = Text(title + ":", style="bold")
    if not t.requires_grad:
        return [head, Text(f"  {root_name or 'the tensor'} does not require grad, so no graph was "
                           "recorded"), Text("  (mark an input with requires_grad=True or --wrt NAME)")]
    return [head] + tree_lines(build(t, names, max_lines, root_name))


def graph_renderable(t, session=None, grads=None, output=None, title=None, max_lines=MAX_LINES):
    """The same as one rich renderable (for the REPL's console)."""
    from rich.console import Group
    return Group(*graph_lines(t, session, grads, output, title, max_lines))


def render_plain(lines) -> str:
    """Text lines (or a Group of them) as plain text."""
    if hasattr(lines, "renderables"):
        lines = lines.renderables
    return "\n".join(t.plain for t in lines)


def repl_graph(session, name):
    """`:graph NAME` in the REPL: the renderable for a variable (GNameError / GTypeError if none)."""
    from ..errors import GNameError, GTypeError
    from ..lang.values import type_name
    if name not in session.globals:
        raise GNameError(f"name '{name}' is not defined")
    v = session.globals[name]
    if not isinstance(v, Tensor):
        raise GTypeError(f":graph needs a tensor, '{name}' is {type_name(v)}")
    from ..lang.runtime import Output
    return graph_renderable(v, session, output=Output(name, v), title=f"Graph of {name}")


# ----- DOT -----

def _dot_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


_DOT_STYLE = {
    "node": 'shape=box, style="rounded,filled", fillcolor="#e8f0fe"',
    "leaf": 'shape=box, style=filled, fillcolor="#d9f2d9"',
    "const": 'shape=ellipse, style=dashed, fontcolor="#555555"',
    "fold": 'shape=note, style=dashed',
    "more": 'shape=plaintext, fontcolor="#555555"',
}


def dot_text(t, session=None, grads=None, output=None, max_nodes=MAX_DOT_NODES) -> str:
    """Graphviz DOT of t's graph: inputs point to the ops that use them (as torchviz draws),
    with the labels of the tree; shared nodes are drawn once, with one edge per use."""
    names = Names(session, grads, output)
    root_name = output.name if output is not None and output.value is t else None
    lines = ["digraph gradcli {", '  node [fontname="Helvetica", fontsize=10];',
             '  edge [arrowsize=0.6];']
    if not t.requires_grad:
        lines.append(f'  n0 [label="{_dot_escape((root_name or "output") + " does not require grad")}", '
                     'shape=plaintext];')
        lines.append("}")
        return "\n".join(lines) + "\n"
    root = build(t, names, max_nodes, root_name)
    uid = 0
    stack = [root]
    order = []
    while stack:                      # number the items
        it = stack.pop()
        if it.kind != "ref":
            uid += 1
            it.uid = uid
            order.append(it)
        stack.extend(reversed(it.children))
    for it in order:
        label = _dot_label(it)
        extra = ', penwidth=2' if it is root else ''
        lines.append(f'  n{it.uid} [label="{_dot_escape(label)}", {_DOT_STYLE[it.kind]}{extra}];')
    for it in order:
        for child in it.children:
            src = child.target if child.kind == "ref" else child
            if src is None or src.uid == 0:
                continue
            lines.append(f"  n{src.uid} -> n{it.uid};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_label(it) -> str:
    """Tree labels over lines: name and op, then place, then shape and value."""
    text = it.text
    if it.kind in ("node", "leaf"):
        return "\n".join(p.strip() for p, _ in _regroup(it.parts))
    return text.replace("(folded: ", "(folded:\n").replace("; ", "\n")


def _regroup(parts):
    """Join a label's parts into DOT lines: [name = Op] [site] [value] [grad]."""
    out = []
    cur = ""
    for text, style in parts:
        if text.startswith("  ") and cur:
            out.append((cur, None))
            cur = text
        else:
            cur += text
    if cur:
        out.append((cur, None))
    return out
