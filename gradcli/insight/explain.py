"""--explain: the backward pass of the output, step by step, in the order the engine runs it.

The engine itself does the pass (`engine.propagate` with `on_node`), so the numbers shown are the
numbers backward() computes. Each step shows the node (PyTorch's name), its source line with a
caret under the op, the gradient arriving (and what it is the sum of), the values of the inputs,
and for each input the chain-rule formula from the ops table and the gradient it sends.
Long runs show the first `FIRST` and the last `LAST` steps and count the others.

Along the way every node is inspected (cheaply) for:
- kinks the run touched (abs or relu at exactly 0, a clamp bound, max/min ties, maximum/minimum
  ties, sqrt at 0, the norm of a zero vector: each op's kink rule in the ops table), with the
  convention used there;
- where a NaN or infinity first appeared forward: the earliest-created node whose output is not
  finite (a node's output is the saved input of the node that consumed it, which the pass visits
  first), preferring one whose inputs were all finite — the op that made it;
- the first backward step whose outgoing gradient is not finite.
Then a summary of the control flow the run took (loops run, branches taken): the gradient is that
of this path only.
"""
from __future__ import annotations

import math
from collections import Counter, deque

import numpy as np

from ..autograd.engine import propagate
from ..autograd.tensor import fmt_shape
from ..render.tensors import summarize
from .graph import const_text, site_text

FIRST = 20    # steps shown from the start of the pass
LAST = 3      # steps shown from its end
MAX_LEAVES = 10
MAX_INPUTS = 4


WIDTH = 98


def _line_ranges(s, width, whole_brackets=True):
    """Where to break `s` into lines of at most `width`: at spaces outside brackets first (a
    tensor's values and a `(step 3)` stay whole), at any space when a bracket is too long."""
    depth = 0
    outer, anywhere = [], []
    for i, ch in enumerate(s):
        if ch in "([" and whole_brackets:
            depth += 1
        elif ch in ")]" and whole_brackets:
            depth = max(0, depth - 1)
        elif ch == " ":
            anywhere.append(i)
            if depth == 0:
                outer.append(i)
    ranges, start = [], 0
    while len(s) - start > width:
        limit = start + width
        cut = next((i for i in reversed(outer) if start < i <= limit), None)
        if cut is None:
            cut = next((i for i in reversed(anywhere) if start < i <= limit), None)
        if cut is None:
            break
        end = cut
        while end > start and s[end - 1] == " ":
            end -= 1
        ranges.append((start, end))
        start = cut + 1
        while start < len(s) and s[start] == " ":
            start += 1
    ranges.append((start, len(s)))
    return ranges


def hang(prefix, body, width=WIDTH, whole_brackets=True):
    """`prefix` then `body` (rich Text), wrapped at `width` with the continuation lines indented
    under the body, and no trailing spaces (golden files compare plain text)."""
    from rich.text import Text
    if isinstance(prefix, str):
        prefix = Text(prefix, style="dim")
    if isinstance(body, str):
        body = Text(body)
    n = prefix.cell_len
    out = Text()
    out.append_text(prefix)
    for k, (a, b) in enumerate(_line_ranges(body.plain, max(24, width - n), whole_brackets)):
        if k:
            out.append("\n" + " " * n)
        out.append_text(body[a:b])
    return out


def num(data) -> str:
    """Numbers for small tensors (≤ 8 elements), a summary for large ones (`all 0.25` when
    every element is the same)."""
    arr = np.asarray(data)
    if arr.size > 8 and arr.dtype.kind == "f":
        flat = arr.reshape(-1)
        if flat.size and (flat == flat[0]).all():
            return f"all {summarize(flat[0])}, shape {fmt_shape(arr.shape)}"
    return summarize(data)


def _finite(d) -> bool:
    if type(d) is np.float64:
        return math.isfinite(d)
    if getattr(d, "dtype", None) is None or d.dtype.kind != "f":
        return True
    return bool(np.isfinite(d).all())


def _bad_kind(d) -> str:
    arr = np.asarray(d)
    if np.isnan(arr).any():
        return "nan"
    if (arr == np.inf).any():
        return "inf"
    return "-inf"


def input_label(op, i, n_inputs) -> str:
    """`a`, `b`, `x`, `A` … — the input's name in the op's formulas (the ops table's)."""
    return op.input_name(i, n_inputs)


def formula_of(op, i, params=None) -> str:
    f = op.formula(i, params)
    return "(no formula in the ops table)" if f is None else f


def kinks(node):
    """[(kind, elements, explanation)] for the kinks this node's op touched on this run (the op's
    kink rule in the ops table)."""
    return node.op.kink(node.params, node.out, *node.saved)


# ----- the pass -----

class _Pass:
    """The `on_node` callback: keeps the steps to show and the findings, nothing per node that
    outlives the pass's frontier (graphs can have a million nodes)."""

    def __init__(self, root):
        self.root = root
        self.n = 0
        self.first = []                   # (k, node, g, sent, contrib)
        self.tail = deque(maxlen=LAST)
        self.middle = Counter()           # (node name, place) -> steps not shown
        self.contrib = {}                 # node -> [count, [(from node, grad)…]] while pending
        self.leaf_contrib = {}            # id(leaf) -> count
        self.want = set()                 # nodes whose step numbers the shown steps refer to
        self.step_of = {}
        self.kinks = {}                   # (kind, site, explanation) -> [nodes, elements]
        self.bad_out = {}                 # node -> its output is non-finite (set by its consumer)
        self.forward = None               # (created, node, detail) earliest non-finite output
        self.backward = None              # (k, node, label, kind) first non-finite gradient sent
        self.sites = {}                   # id(span) -> [span, nodes of this graph made there]
        self.root_node = root.grad_fn

    def __call__(self, node, g, sent):
        # Runs once per node of graphs up to a million nodes: locals, and fast paths for scalars.
        self.n = k = self.n + 1
        site = node.site
        rec = self.sites.get(id(site))
        if rec is None:
            self.sites[id(site)] = [site, 1]
        else:
            rec[1] += 1
        if node in self.want:
            self.step_of[node] = k
        contrib_map = self.contrib
        contrib = contrib_map.pop(node, None)
        inputs = node.inputs
        for i, gi in sent:
            x = inputs[i]
            n = x.grad_fn
            if n is not None:
                c = contrib_map.get(n)
                if c is None:
                    contrib_map[n] = [1, [gi]]
                else:
                    c[0] += 1
                    if len(c[1]) < 3:
                        c[1].append(gi)
            else:
                lc = self.leaf_contrib
                lc[id(x)] = lc.get(id(x), 0) + 1
        step = (k, node, g, sent, contrib)
        if k <= FIRST:
            self.first.append(step)
            for x in inputs:
                if x.grad_fn is not None:
                    self.want.add(x.grad_fn)
        else:
            tail = self.tail
            if len(tail) == LAST:
                old = tail[0][1]
                self.middle[(old.op.node_name, _line(old.site))] += 1
            tail.append(step)
        if node.op.kink is not None:
            for kind, n, why in kinks(node):
                rec = self.kinks.setdefault((kind, site, why), [0, 0])
                rec[0] += 1
                rec[1] += n
        # non-finite values, forward: a node's output is its consumer's saved input
        out_bad = self.bad_out.pop(node, False) if self.bad_out else False
        if node is self.root_node:
            out_bad = not _finite(self.root.data)
        bad_inputs = None
        for i, d in enumerate(node.saved):
            if type(d) is _f64:
                if d - d == 0.0:          # finite (inf - inf and nan - nan are nan)
                    continue
            elif _finite(d):
                continue
            if bad_inputs is None:
                bad_inputs = []
            bad_inputs.append(i)
            if inputs[i].grad_fn is not None:
                self.bad_out[inputs[i].grad_fn] = True
        if out_bad:
            created = -node.seq
            from_nodes = bad_inputs and any(inputs[i].grad_fn is not None for i in bad_inputs)
            if not from_nodes and (self.forward is None or created < self.forward[0]):
                self.forward = (created, node, bad_inputs or [])
        # backward: the first step sending a non-finite gradient while receiving a finite one
        if self.backward is None:
            for i, gi in sent:
                if not _finite(gi) and _finite(g):
                    self.backward = (k, node, i, _bad_kind(gi))
                    break


_f64 = np.float64


def _line(span):
    return None if span is None else (span.file, span.line)


def explain(session, output, names, local=None):
    """The --explain section: a list of rich Text lines. `local(node, i)`: with --formula, the
    step's local derivative w.r.t. input i in the --wrt symbols (a string), or None."""
    from rich.text import Text
    lines = []

    def add(*parts):
        t = Text()
        for p in parts:
            if isinstance(p, tuple):
                t.append(p[0], style=p[1])
            else:
                t.append(p)
        lines.append(t)

    if output is None:
        lines.append(_wrapped("Explain: there is no output to explain: end the script with an "
                              "expression or an assignment, or name one with --of NAME", indent=0))
        return lines
    y = output.value
    dname = output.name or (y.grad_fn.name if y.grad_fn is not None else None) or ""
    oname = dname or "the output"      # in prose; derivatives are d/dx without a name, as the report
    if y.data.dtype.kind == "b" or not y.requires_grad or y.grad_fn is None:
        why = ("it is a leaf: its gradient w.r.t. itself is 1" if y.requires_grad and y.grad_fn is None
               else "it does not require grad, so no graph was recorded; mark an input with "
                    "requires_grad=True or --wrt NAME")
        lines.append(_wrapped(f"Explain: there is no backward pass through {oname}: {why}", indent=0))
        lines.extend(control_flow(session, names))
        return lines
    other = " (--of NAME explains another tensor)"
    if y.data.ndim == 0:
        seed = np.float64(1.0)
        add((f"Backward pass of {oname}", "bold"), f", starting from {'d' + dname + '/d' + dname if dname else 'the gradient'} = 1{other}:")
    else:
        seed = np.ones(y.data.shape)
        dims = ", ".join(str(d) for d in y.data.shape)
        add((f"Backward pass of {oname}", "bold"), f", starting from ones({dims}){other}.")
        lines.append(_wrapped(f"{oname[0].upper() + oname[1:]} is not a scalar, so this is the gradient of "
                              f"sum({dname or 'output'}); "
                              f"backward(gradient=v) would weight element i by v[i].", indent=0))
    p = _Pass(y)
    p.local = local
    leaves, _ = propagate(y, seed, False, (), p)

    prev = None
    for step in p.first:
        lines.append(Text())
        lines.extend(_step_lines(step, p, names, (dname or None) if step[0] == 1 else None,
                                 same_site=prev is not None and prev.site == step[1].site))
        prev = step[1]
    if p.middle or p.tail:
        folded = sum(p.middle.values())
        if folded:
            lines.append(Text())
            kinds = ", ".join(f"{k} {name}" + (f" from line {place[1]}" if place else "")
                              for (name, place), k in p.middle.most_common(3))
            more = ", …" if len(p.middle) > 3 else ""
            lines.append(hang(Text("… ", style="yellow"),
                              Text(f"{folded} steps not shown ({kinds}{more})", style="yellow")))
        tail_steps = {s[1]: s[0] for s in p.tail}
        prev = None
        for step in p.tail:
            lines.append(Text())
            lines.extend(_step_lines(step, p, names, None, tail_steps,
                                     same_site=prev is not None and prev.site == step[1].site))
            prev = step[1]

    lines.append(Text())
    add((f"Result ({p.n} step{'s' if p.n != 1 else ''}):", "bold"))
    shown = 0
    for leaf, g in leaves.values():
        if shown == MAX_LEAVES:
            add(f"  … and {len(leaves) - MAX_LEAVES} more leaves")
            break
        shown += 1
        lname = names.leaf(leaf)
        who = lname or f"a leaf of shape {fmt_shape(leaf.data.shape)}"
        c = p.leaf_contrib.get(id(leaf), 0)
        note = f"   (the sum of {c} contributions)" if c > 1 else ""
        if np.shape(g) != leaf.data.shape:
            g = np.broadcast_to(g, leaf.data.shape)
        add("  ", (f"d{dname}/d{lname or 'leaf'}", "cyan"), f" = {num(g)}", (note, "dim"),
            "" if lname else f"   ({who})")
    if not leaves:
        add("  no leaf is reached")

    lines.extend(control_flow(session, names, {span: c for span, c in p.sites.values()}))
    lines.extend(_warnings(p, names))
    return lines


def _step_lines(step, p, names, root_name, tail_steps=None, same_site=False):
    from rich.text import Text
    k, node, g, sent, contrib = step
    op = node.op
    out = []
    head = Text()
    head.append(f"[{k}] ", style="bold")
    if node.name or root_name:
        head.append(f"{node.name or root_name} = ", style="bold")
    head.append(op.node_name, style="bold cyan")
    head.append(f"  {site_text(node.site)}", style="magenta")
    out.append(head)
    if not same_site:
        out.extend(_quote(node.site, names))

    def step_no(n):
        s = p.step_of.get(n)
        if s is None and tail_steps:
            s = tail_steps.get(n)
        return s

    t = Text(num(g))
    if contrib is not None and contrib[0] > 1:
        parts = [num(c) for c in contrib[1]]
        if all(len(s) <= 12 for s in parts) and contrib[0] <= 3:
            t.append(f"   = {' + '.join(parts)}", style="dim")
        t.append(f"   (the sum of {contrib[0]} contributions: its result is used {contrib[0]} times)",
                 style="dim")
    out.append(hang("    grad in   ", t))

    n_in = len(node.inputs)
    at = []
    for i, (x, d) in enumerate(zip(node.inputs, node.saved)):
        if i == MAX_INPUTS:
            at.append(f"… {n_in - MAX_INPUTS} more")
            break
        label = input_label(op, i, n_in)
        if not x.requires_grad:        # a constant (for a plain number, CONST stands in)
            at.append(f"{label} = {const_text(d)} (constant)")
        else:
            who = _who(x, names)
            at.append(f"{label} = {who} = {num(d)}" if x.grad_fn is None or x.grad_fn.name
                      else f"{label} = {num(d)} (from {who})")
    out.append(hang("    inputs    ", Text(",  ".join(at))))

    for j, (i, gi) in enumerate(sent[:MAX_INPUTS]):
        x = node.inputs[i]
        formula = formula_of(op, i, node.params)
        if op.counts:
            size_in = np.size(node.saved[i])
            size_out = max(np.size(g), 1)
            formula += f" with n = {size_in // size_out}"
        dest = _who(x, names)
        if x.grad_fn is not None:
            s = step_no(x.grad_fn)
            if s is not None:
                dest += f" (step {s})"
        else:
            dest += " (leaf)"
        t = Text()
        t.append(formula, style="green")
        t.append("  →  ")
        t.append(num(gi), style="bold")
        t.append(f"  to {dest}")
        out.append(hang("    sends     " if j == 0 else "              ", t))
    if len(sent) > MAX_INPUTS:
        out.append(Text(f"    … and {len(sent) - MAX_INPUTS} more inputs", style="dim"))
    local = getattr(p, "local", None)
    forms = [(input_label(op, i, n_in), local(node, i)) for i, _ in sent[:MAX_INPUTS]] if local else []
    forms = [(label, f) for label, f in forms if f is not None]
    if forms:
        t = Text(",  ".join(f"∂/∂{label} = {f}" for label, f in forms), style="green")
        out.append(hang("    formula   ", t))
    return out


def _who(x, names) -> str:
    """How a step names an input tensor: its variable, or the node that made it."""
    if x.grad_fn is not None:
        site = site_text(x.grad_fn.site)
        return x.grad_fn.name or f"{x.grad_fn.op.node_name} at {site[5:] if site.startswith('line ') else site}"
    return names.leaf(x) or "leaf"


def _quote(span, names):
    """The source line of an op, with a caret under the op (when it is on one line)."""
    from rich.text import Text
    line = names.source_line(span)
    if line is None:
        return []
    stripped = line.lstrip()
    cut = len(line) - len(stripped)
    code = stripped.rstrip()
    out = [Text("    " + code)]
    if span.end_line in (None, span.line) and span.end_column and span.column - 1 >= cut:
        start = span.column - 1 - cut
        end = min(span.end_column - 1 - cut, len(code))
        if end > start:
            out.append(Text("    " + " " * start + "^" * (end - start), style="yellow"))
    return out


# ----- control flow -----

def _header(line, column):
    """The header of a compound statement starting at `column`: up to its ':' (bracket-aware)."""
    text = line[column - 1:] if column else line
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == ":" and depth == 0:
            return text[:i].strip()
    return text.strip()


def _inside(site, span):
    if site is None or site.file != span.file:
        return False
    end = (span.end_line or span.line, span.end_column or 10 ** 9)
    return (span.line, span.column) <= (site.line, site.column) <= end


def control_flow(session, names, sites=None):
    """What loops ran and which branches were taken, from the session's FlowLog, with how many
    nodes of the explained graph each one recorded (`sites`: span -> nodes)."""
    from rich.text import Text
    flow = getattr(session, "flow", None) if session is not None else None
    if flow is None:
        return []
    out = [Text(), Text("Control flow on this run:", style="bold")]
    events = [(span, "loop", v) for span, v in flow.loops.items()] + \
             [(span, "branch", v) for span, v in flow.branches.items()]
    if not events:
        out.append(Text("  no loop or branch ran: the gradient holds wherever the same ops run"))
        return out
    events.sort(key=lambda e: (e[0].file or "", e[0].line, e[0].column))
    loop_example = None
    for span, kind, v in events[:12]:
        line = names.source_line(span)
        head = _header(line, span.column) if line is not None else kind
        t = Text("  ")
        t.append(f"{site_text(span)}", style="magenta")
        t.append(f"  {head}: ")
        if kind == "loop":
            if len(v) == 1:
                t.append(f"ran {_times(v[0])}")
            elif len(v) <= 5:
                t.append(f"ran {len(v)} times, with " + ", ".join(str(n) for n in v) + " iterations")
            else:
                t.append(f"ran {len(v)} times, {min(v)} to {max(v)} iterations ({sum(v)} in all)")
        else:
            taken, not_taken = v
            if taken and not not_taken:
                t.append(f"true {_times(taken)}")
            elif not_taken and not taken:
                t.append(f"false {_times(not_taken)}")
            else:
                t.append(f"true {_times(taken)}, false {_times(not_taken)}")
        if sites is not None:
            inside = sum(c for site, c in sites.items() if _inside(site, span))
            t.append(f"  ({inside} node{'s' if inside != 1 else ''} of this graph)" if inside
                     else "  (no node of this graph)", style="dim")
            if kind == "loop" and inside and loop_example is None and len(v) == 1 and v[0] > 1:
                loop_example = (span, v[0])
        out.append(t)
    if len(events) > 12:
        out.append(Text(f"  … and {len(events) - 12} more loops and branches"))
    note = ("The gradient is that of this path only: the graph holds the ops that ran. An input "
            "that took another branch or another number of iterations would have another gradient")
    if loop_example is not None:
        span, n = loop_example
        note += (f" (the loop at line {span.line} ran {n} times: a factor it applies each iteration "
                 f"appears to the power {n}, as in the tutorial's 2**k)")
    out.append(_wrapped(note + ".", style="dim"))
    return out


def _wrapped(text, style=None, indent=2, first="", width=WIDTH):
    """A paragraph as Text lines that keep their indent when wrapped (no trailing spaces)."""
    from rich.text import Text
    pad = " " * indent
    head = Text(pad)
    head.append(first, style="yellow" if first else None)
    return hang(head, Text(text, style=style), width, whole_brackets=False)


def _times(n):
    return "once" if n == 1 else f"{n} times"


# ----- warnings -----

def _warnings(p, names):
    from rich.text import Text
    out = []
    items = []
    for (kind, site, why), (nodes, elements) in sorted(
            p.kinks.items(), key=lambda e: (_line(e[0][1]) or ("", 0), e[0][0])):
        where = f"at {site_text(site)}"
        code = _code(site, names)
        count = f"{elements} element{'s' if elements != 1 else ''}"
        if nodes > 1:
            count += f" in {nodes} runs of it"
        items.append(f"{kind} {where}{code} ({count}): {why}")
    if p.forward is not None:
        _, node, bad_inputs = p.forward
        code = _code(node.site, names)
        out_kind = _bad_kind_of_output(node, p)
        if not bad_inputs:
            ins = ", ".join(f"{_who(x, names) if x.requires_grad else 'constant'} = {num(d)}"
                            for x, d in zip(node.inputs[:MAX_INPUTS], node.saved))
            items.append(f"forward: {out_kind} first appears at {site_text(node.site)}{code}: "
                         f"{node.op.name} made it from finite inputs ({ins})")
        else:
            which = ", ".join(f"{_who(node.inputs[i], names) if node.inputs[i].requires_grad else 'constant'}"
                              f" = {num(node.saved[i])}" for i in bad_inputs[:MAX_INPUTS])
            items.append(f"forward: {out_kind} enters the graph at {site_text(node.site)}{code} "
                         f"({node.op.name}) through its input {which}")
    if p.backward is not None:
        k, node, i, kind = p.backward
        code = _code(node.site, names)
        items.append(f"backward: the gradient first becomes {kind} at step {k}, {node.op.node_name} "
                     f"at {site_text(node.site)}{code}: {formula_of(node.op, i, node.params)} sends {kind} to "
                     f"{_who(node.inputs[i], names)}")
    if not items:
        return out
    out.append(Text())
    out.append(Text("Warnings:", style="bold yellow"))
    for s in items:
        out.append(_wrapped(s, first="! "))
    return out


def _bad_kind_of_output(node, p):
    if node is p.root.grad_fn:
        return _bad_kind(p.root.data)
    return _bad_kind(node.op.forward(node.params, *node.saved))   # recomputed: one op, it ran before


def _code(span, names):
    line = names.source_line(span)
    if line is None or span is None:
        return ""
    if span.end_line in (None, span.line) and span.end_column:
        return f" `{line[span.column - 1:span.end_column - 1]}`"
    return f" `{line.strip()}`"
