"""The graph of a tensor (the model of `insight/graph.py`) as text: the tree of --graph,
`graph(t)` and `:graph NAME` (rich lines, or plain text), and Graphviz DOT for --dot.

Each Item of the model becomes one labelled line: its `parts`, (text, style) pairs. The tree is
drawn here rather than with rich's Tree so that plain output is exactly these lines: never
wrapped or cut at a console width (labels are short already; a deep line is just long).
"""
from __future__ import annotations

from collections import Counter

from ..autograd.tensor import fmt_shape
from ..errors import site_text
from .tensors import summarize


# ----- names of values (a place's name is errors.site_text) -----

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


def call_title(name) -> str:
    """The title of the `graph(t)` built-in's drawing: `graph(y)`, or `graph` for a tensor
    bound to no name."""
    return f"graph({name})" if name else "graph"


# ----- the label of one item -----

def parts(it) -> list:
    """The label of an Item, as (text, style) pairs."""
    kind = it.kind
    if kind == "node":
        out = [(f"{it.name} = ", "bold")] if it.name else []
        out += [(it.node.op.node_name, "bold cyan"), (f"  {site_text(it.node.site)}", "magenta"),
                (f"  {value_text(it.data)}", "")]
        consts = it.consts
        if consts and len(consts) <= 2:
            text = " and ".join(const_text(c) for c in consts)
            out.append((f"  with constant{'s' if len(consts) > 1 else ''} {text}", "dim"))
        elif consts:
            out.append((f"  with {len(consts)} constants", "dim"))
        return out
    if kind == "leaf":
        out = [(it.name or "leaf", "bold green"), ("  leaf  ", "green"), (value_text(it.data), "")]
        if it.grad is not None:
            how, output, wrt, data = it.grad
            label = f"  d{output or 'output'}/d{wrt} " if how == "wrt" else "  grad "
            out += [(label, "cyan"), (summarize(data), "")]
        return out
    if kind == "const":
        return [("constant ", "dim"), (const_text(it.data), "dim")]
    if kind == "ref":
        if it.node is not None:
            return [("↑ see ", "dim"), (node_title(it.node), "cyan"),
                    (" (folded above)" if it.folded else " (above)", "dim")]
        return [("↑ see ", "dim"), (it.name or "leaf", "bold green"), (" (above)", "dim")]
    if kind == "fold":
        return [(_fold_text(it.run, it.hidden), "yellow")]
    if it.reason == "inputs":
        return [(f"… {it.n} more inputs", "dim")]
    if it.reason == "deeper":
        return [(f"… inputs deeper than {it.n} levels not drawn", "dim")]
    return [(f"… the drawing stops at {it.limit} lines: {it.n} more inputs not drawn", "dim")]


def _fold_text(run, hidden) -> str:
    """The line standing for a folded run of nodes (newest first)."""
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
    hidden = f"; {hidden} other inputs not drawn" if hidden else ""
    if len(by) == 1:
        return f"… {len(run)} more {run[0].op.node_name}{where} (folded{hidden})"
    kinds = ", ".join(f"{k} {name}" for name, k in by.most_common(3))
    if len(by) > 3:
        kinds += ", …"
    return f"… {len(run)} more nodes{where} (folded: {kinds}{hidden})"


# ----- the tree -----

def tree_lines(item):
    """The Item tree as rich Text lines with tree guides, one line per item (iteratively)."""
    from rich.text import Text      # here, for start-up time: --dot alone needs no rich

    def label(it, guide=""):
        t = Text()
        t.append(guide, style="dim")
        for text, style in parts(it):
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


def graph_lines(graph) -> list:
    """The lines (rich Text) of `--graph` / `graph(t)` / `:graph NAME`: the title, then the tree."""
    from rich.text import Text      # here, for start-up time: --dot alone needs no rich
    title = graph.title if graph.title is not None else f"Graph of {graph.name or 'the output'}"
    head = Text(title + ":", style="bold")
    if graph.root is None:
        return [head, Text(f"  {graph.root_name or 'the tensor'} does not require grad, so no graph "
                           "was recorded"), Text("  (mark an input with requires_grad=True or --wrt NAME)")]
    return [head] + tree_lines(graph.root)


def graph_renderable(graph):
    """The same as one rich renderable (for the REPL's console)."""
    from rich.console import Group  # here, for start-up time: --dot alone needs no rich
    return Group(*graph_lines(graph))


def render_plain(lines) -> str:
    """Text lines (or a Group of them) as plain text."""
    if hasattr(lines, "renderables"):
        lines = lines.renderables
    return "\n".join(t.plain for t in lines)


def graph_text(graph) -> str:
    """The drawing as plain text (`graph(t)` prints it as print() prints)."""
    return render_plain(graph_lines(graph))


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


def dot_text(graph) -> str:
    """Graphviz DOT of the graph: inputs point to the ops that use them (as torchviz draws),
    with the labels of the tree; shared nodes are drawn once, with one edge per use."""
    lines = ["digraph gradcli {", '  node [fontname="Helvetica", fontsize=10];',
             '  edge [arrowsize=0.6];']
    root = graph.root
    if root is None:
        lines.append(f'  n0 [label="{_dot_escape((graph.root_name or "output") + " does not require grad")}", '
                     'shape=plaintext];')
        lines.append("}")
        return "\n".join(lines) + "\n"
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


NO_OUTPUT_DOT = 'digraph gradcli {\n  n0 [label="no output", shape=plaintext];\n}\n'


def _dot_label(it) -> str:
    """Tree labels over lines: name and op, then place, then shape and value."""
    label = parts(it)
    if it.kind in ("node", "leaf"):
        return "\n".join(p.strip() for p, _ in _regroup(label))
    text = "".join(p for p, _ in label)
    return text.replace("(folded: ", "(folded:\n").replace("; ", "\n")


def _regroup(label):
    """Join a label's parts into DOT lines: [name = Op] [site] [value] [grad]."""
    out = []
    cur = ""
    for text, style in label:
        if text.startswith("  ") and cur:
            out.append((cur, None))
            cur = text
        else:
            cur += text
    if cur:
        out.append((cur, None))
    return out
