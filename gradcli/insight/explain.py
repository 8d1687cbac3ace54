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
Then a summary of the control flow the run took (loops run, branches taken, `flow.py`): the
gradient is that of this path only. This module builds the model (`Explanation`, its `Step`s and
`Warnings`); render/explain.py makes its text. The model names places (`errors.site_text`) and
tensors (`y`, `MulBackward0 at 3:5`) and quotes the source; values stay arrays.
"""
from __future__ import annotations

import math
from collections import Counter, deque

import numpy as np

from ..autograd.engine import propagate
from ..errors import site_text
from .flow import flow

FIRST = 20    # steps shown from the start of the pass
LAST = 3      # steps shown from its end
MAX_LEAVES = 10
MAX_INPUTS = 4


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


class Step:
    """One step of the pass, as --explain shows it: the node, the gradient arriving (and what it
    sums), the inputs, what each input is sent (formula, value, where to), the local formulas."""

    __slots__ = ("k", "title", "node_name", "site", "quote", "g", "contrib", "inputs", "sends",
                 "more_sends", "forms")

    def __init__(self, step, p, names, root_name, tail_steps=None, same_site=False):
        k, node, g, sent, contrib = step
        op = node.op
        self.k, self.node_name, self.g, self.contrib = k, op.node_name, g, contrib
        self.title = node.name or root_name
        self.site = site_text(node.site)
        line = None if same_site else names.source_line(node.site)
        self.quote = None if line is None else (line, node.site)

        def step_no(n):
            s = p.step_of.get(n)
            if s is None and tail_steps:
                s = tail_steps.get(n)
            return s

        n_in = len(node.inputs)
        self.inputs = []
        for i, (x, d) in enumerate(zip(node.inputs, node.saved)):
            if i == MAX_INPUTS:
                self.inputs.append(("more", n_in - MAX_INPUTS, None, None))
                break
            label = input_label(op, i, n_in)
            if not x.requires_grad:        # a constant (for a plain number, CONST stands in)
                self.inputs.append(("const", label, None, d))
            else:
                named = x.grad_fn is None or x.grad_fn.name
                self.inputs.append(("named" if named else "from", label, _who(x, names), d))
        self.sends = []
        for i, gi in sent[:MAX_INPUTS]:
            x = node.inputs[i]
            formula = formula_of(op, i, node.params)
            if op.counts:                  # the formula names n: the elements each output reduces
                formula += f" with n = {np.size(node.saved[i]) // max(np.size(g), 1)}"
            dest = _who(x, names)
            if x.grad_fn is not None:
                s = step_no(x.grad_fn)
                if s is not None:
                    dest += f" (step {s})"
            else:
                dest += " (leaf)"
            self.sends.append((formula, gi, dest))
        self.more_sends = max(0, len(sent) - MAX_INPUTS)
        local = getattr(p, "local", None)
        forms = [(input_label(op, i, n_in), local(node, i)) for i, _ in sent[:MAX_INPUTS]] if local else []
        self.forms = [(label, f) for label, f in forms if f is not None]


class Explanation:
    """What --explain shows (render/explain.py makes its text): the output, or why there is no pass;
    the first and last steps and a count of those between; the leaves' gradients; the control
    flow; the warnings."""

    output = None         # (name in prose, name in derivatives), or None: no output
    no_pass = None        # why there is no backward pass, or None
    dims = None           # the output's shape when it is not a scalar
    first = tail = leaves = ()
    folded = None         # (steps not shown, [(node name, line, count)], more kinds)
    n = more_leaves = 0
    flow = warnings = None


def explanation(session, output, names, local=None) -> Explanation:
    """The backward pass of the output, run by the engine with a callback that records each step.
    `local(node, i)`: with --formula, the step's local derivative w.r.t. input i in the --wrt
    symbols (a string), or None."""
    m = Explanation()
    if output is None:
        return m
    y = output.value
    dname = output.name or (y.grad_fn.name if y.grad_fn is not None else None) or ""
    m.output = (dname or "the output", dname)  # in prose; derivatives are d/dx without a name
    if y.data.dtype.kind == "b" or not y.requires_grad or y.grad_fn is None:
        m.no_pass = ("it is a leaf: its gradient w.r.t. itself is 1" if y.requires_grad and y.grad_fn is None
                     else "it does not require grad, so no graph was recorded; mark an input with "
                          "requires_grad=True or --wrt NAME")
        m.flow = flow(session, names)
        return m
    if y.data.ndim == 0:
        seed = np.float64(1.0)
    else:
        seed = np.ones(y.data.shape)
        m.dims = y.data.shape
    p = _Pass(y)
    p.local = local
    leaves, _ = propagate(y, seed, False, (), p)
    m.first = _steps(p.first, p, names, dname or None)
    if p.middle or p.tail:
        folded = sum(p.middle.values())
        if folded:
            m.folded = (folded, [(name, place[1] if place else None, k)
                                 for (name, place), k in p.middle.most_common(3)], len(p.middle) > 3)
        m.tail = _steps(p.tail, p, names, None, {s[1]: s[0] for s in p.tail})
    m.n = p.n
    shown = []
    for leaf, g in leaves.values():
        if len(shown) == MAX_LEAVES:
            m.more_leaves = len(leaves) - MAX_LEAVES
            break
        if np.shape(g) != leaf.data.shape:
            g = np.broadcast_to(g, leaf.data.shape)
        shown.append((names.leaf(leaf), leaf.data.shape, g, p.leaf_contrib.get(id(leaf), 0)))
    m.leaves = shown
    m.flow = flow(session, names, {span: c for span, c in p.sites.values()})
    m.warnings = _warnings(p, names)
    return m


def _steps(steps, p, names, root_name, tail_steps=None):
    out, prev = [], None
    for step in steps:
        out.append(Step(step, p, names, root_name if step[0] == 1 else None, tail_steps,
                        same_site=prev is not None and prev.site == step[1].site))
        prev = step[1]
    return out


def _who(x, names) -> str:
    """How a step names an input tensor: its variable, or the node that made it."""
    if x.grad_fn is not None:
        site = site_text(x.grad_fn.site)
        return x.grad_fn.name or f"{x.grad_fn.op.node_name} at {site[5:] if site.startswith('line ') else site}"
    return names.leaf(x) or "leaf"


# ----- warnings -----

class Warnings:
    """kinks: [(kind, place, code, nodes, elements, convention)]; forward: where a non-finite value
    first appeared (kind, place, code, op, from finite inputs?, [(input, value)]); backward: the
    first step sending a non-finite gradient (kind, step, node, place, code, formula, to whom).
    `code` is the op's source code, or None."""

    def __init__(self, kinks, forward, backward):
        self.kinks, self.forward, self.backward = kinks, forward, backward


def _warnings(p, names):
    kinks = []
    for (kind, site, why), (nodes, elements) in sorted(
            p.kinks.items(), key=lambda e: (_line(e[0][1]) or ("", 0), e[0][0])):
        kinks.append((kind, site_text(site), _code(site, names), nodes, elements, why))
    forward = backward = None
    if p.forward is not None:
        _, node, bad_inputs = p.forward
        if not bad_inputs:
            values = [(_who(x, names) if x.requires_grad else "constant", d)
                      for x, d in zip(node.inputs[:MAX_INPUTS], node.saved)]
        else:
            values = [(_who(node.inputs[i], names) if node.inputs[i].requires_grad else "constant",
                       node.saved[i]) for i in bad_inputs[:MAX_INPUTS]]
        forward = (_bad_kind_of_output(node, p), site_text(node.site), _code(node.site, names),
                   node.op.name, not bad_inputs, values)
    if p.backward is not None:
        k, node, i, kind = p.backward
        backward = (kind, k, node.op.node_name, site_text(node.site), _code(node.site, names),
                    formula_of(node.op, i, node.params), _who(node.inputs[i], names))
    return Warnings(kinks, forward, backward)


def _bad_kind_of_output(node, p):
    if node is p.root.grad_fn:
        return _bad_kind(p.root.data)
    return _bad_kind(node.op.forward(node.params, *node.saved))   # recomputed: one op, it ran before


def _code(span, names):
    """The source code of an op (its line when it spans several), or None."""
    line = names.source_line(span)
    if line is None or span is None:
        return None
    if span.end_line in (None, span.line) and span.end_column:
        return line[span.column - 1:span.end_column - 1]
    return line.strip()
