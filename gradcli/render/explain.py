"""--explain as text: the lines of the backward pass that `insight/explain.py` models, as rich Text.

Also the wrapping every insight section uses (`hang`, `wrapped`): lines of at most `WIDTH` cells,
continuation lines indented under the body, no trailing spaces (golden files compare plain text).
"""
from __future__ import annotations

import numpy as np
from rich.text import Text

from .graph import const_text
from .tensors import summarize

WIDTH = 98


def _fmt_shape(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


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


def wrapped(text, style=None, indent=2, first="", width=WIDTH):
    """A paragraph as Text lines that keep their indent when wrapped (no trailing spaces)."""
    pad = " " * indent
    head = Text(pad)
    head.append(first, style="yellow" if first else None)
    return hang(head, Text(text, style=style), width, whole_brackets=False)


def num(data) -> str:
    """Numbers for small tensors (≤ 8 elements), a summary for large ones (`all 0.25` when
    every element is the same)."""
    arr = np.asarray(data)
    if arr.size > 8 and arr.dtype.kind == "f":
        flat = arr.reshape(-1)
        if flat.size and (flat == flat[0]).all():
            return f"all {summarize(flat[0])}, shape {_fmt_shape(arr.shape)}"
    return summarize(data)


def _line(*parts):
    t = Text()
    for p in parts:
        if isinstance(p, tuple):
            t.append(p[0], style=p[1])
        else:
            t.append(p)
    return t


def explain_lines(m) -> list:
    """The --explain section of the model `m` (insight.explain.Explanation) as rich Text lines."""
    if m.output is None:
        return [wrapped("Explain: there is no output to explain: end the script with an "
                        "expression or an assignment, or name one with --of NAME", indent=0)]
    oname, dname = m.output
    if m.no_pass is not None:
        lines = [wrapped(f"Explain: there is no backward pass through {oname}: {m.no_pass}", indent=0)]
        return lines + flow_lines(m.flow)
    other = " (--of NAME explains another tensor)"
    if m.dims is None:
        lines = [_line((f"Backward pass of {oname}", "bold"), f", starting from "
                       f"{'d' + dname + '/d' + dname if dname else 'the gradient'} = 1{other}:")]
    else:
        lines = [_line((f"Backward pass of {oname}", "bold"),
                       f", starting from ones({', '.join(str(d) for d in m.dims)}){other}."),
                 wrapped(f"{oname[0].upper() + oname[1:]} is not a scalar, so this is the gradient of "
                         f"sum({dname or 'output'}); "
                         f"backward(gradient=v) would weight element i by v[i].", indent=0)]
    for step in m.first:
        lines.append(Text())
        lines.extend(step_lines(step))
    if m.folded:
        count, kinds, more = m.folded
        lines.append(Text())
        kinds = ", ".join(f"{k} {name}" + (f" from line {line}" if line is not None else "")
                          for name, line, k in kinds)
        lines.append(hang(Text("… ", style="yellow"),
                          Text(f"{count} steps not shown ({kinds}{', …' if more else ''})", style="yellow")))
    for step in m.tail:
        lines.append(Text())
        lines.extend(step_lines(step))
    lines.append(Text())
    lines.append(_line((f"Result ({m.n} step{'s' if m.n != 1 else ''}):", "bold")))
    for lname, shape, g, c in m.leaves:
        note = f"   (the sum of {c} contributions)" if c > 1 else ""
        who = lname or f"a leaf of shape {_fmt_shape(shape)}"
        lines.append(_line("  ", (f"d{dname}/d{lname or 'leaf'}", "cyan"), f" = {num(g)}", (note, "dim"),
                           "" if lname else f"   ({who})"))
    if m.more_leaves:
        lines.append(_line(f"  … and {m.more_leaves} more leaves"))
    if not m.leaves:
        lines.append(_line("  no leaf is reached"))
    return lines + flow_lines(m.flow) + warning_lines(m.warnings)


def step_lines(s) -> list:
    """One step of the pass (insight.explain.Step)."""
    head = Text()
    head.append(f"[{s.k}] ", style="bold")
    if s.title:
        head.append(f"{s.title} = ", style="bold")
    head.append(s.node_name, style="bold cyan")
    head.append(f"  {s.site}", style="magenta")
    out = [head]
    if s.quote is not None:
        out.extend(quote_lines(*s.quote))
    t = Text(num(s.g))
    if s.contrib is not None and s.contrib[0] > 1:
        parts = [num(c) for c in s.contrib[1]]
        if all(len(p) <= 12 for p in parts) and s.contrib[0] <= 3:
            t.append(f"   = {' + '.join(parts)}", style="dim")
        t.append(f"   (the sum of {s.contrib[0]} contributions: its result is used {s.contrib[0]} times)",
                 style="dim")
    out.append(hang("    grad in   ", t))
    at = []
    for kind, label, who, d in s.inputs:
        if kind == "more":
            at.append(f"… {label} more")
        elif kind == "const":          # a constant (for a plain number, CONST stands in)
            at.append(f"{label} = {const_text(d)} (constant)")
        elif kind == "named":
            at.append(f"{label} = {who} = {num(d)}")
        else:
            at.append(f"{label} = {num(d)} (from {who})")
    out.append(hang("    inputs    ", Text(",  ".join(at))))
    for j, (formula, gi, dest) in enumerate(s.sends):
        t = Text()
        t.append(formula, style="green")
        t.append("  →  ")
        t.append(num(gi), style="bold")
        t.append(f"  to {dest}")
        out.append(hang("    sends     " if j == 0 else "              ", t))
    if s.more_sends:
        out.append(Text(f"    … and {s.more_sends} more inputs", style="dim"))
    if s.forms:
        t = Text(",  ".join(f"∂/∂{label} = {f}" for label, f in s.forms), style="green")
        out.append(hang("    formula   ", t))
    return out


def quote_lines(line, span) -> list:
    """The source line of an op, with a caret under the op (when it is on one line)."""
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


def _times(n):
    return "once" if n == 1 else f"{n} times"


def flow_lines(flow) -> list:
    """The control flow of the run (insight.flow.Flow), or nothing without a flow log."""
    if flow is None:
        return []
    out = [Text(), Text("Control flow on this run:", style="bold")]
    if not flow.events:
        out.append(Text("  no loop or branch ran: the gradient holds wherever the same ops run"))
        return out
    for site, head, kind, v, inside in flow.events:
        t = Text("  ")
        t.append(site, style="magenta")
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
        if inside is not None:
            t.append(f"  ({inside} node{'s' if inside != 1 else ''} of this graph)" if inside
                     else "  (no node of this graph)", style="dim")
        out.append(t)
    if flow.more:
        out.append(Text(f"  … and {flow.more} more loops and branches"))
    note = ("The gradient is that of this path only: the graph holds the ops that ran. An input "
            "that took another branch or another number of iterations would have another gradient")
    if flow.loop_example is not None:
        line, n = flow.loop_example
        note += (f" (the loop at line {line} ran {n} times: a factor it applies each iteration "
                 f"appears to the power {n}, as in the tutorial's 2**k)")
    out.append(wrapped(note + ".", style="dim"))
    return out


def _values(pairs):
    return ", ".join(f"{who} = {num(d)}" for who, d in pairs)


def _quoted(code):
    """An op's code after its place: ` `x / y``, or nothing when the source is unknown."""
    return "" if code is None else f" `{code}`"


def warning_lines(w) -> list:
    """Kinks the run touched, where a NaN or an infinity appeared (insight.explain.Warnings)."""
    items = []
    for kind, site, code, nodes, elements, why in w.kinks:
        code = _quoted(code)
        count = f"{elements} element{'s' if elements != 1 else ''}"
        if nodes > 1:
            count += f" in {nodes} runs of it"
        items.append(f"{kind} at {site}{code} ({count}): {why}")
    if w.forward is not None:
        out_kind, site, code, op_name, from_finite, values = w.forward
        code = _quoted(code)
        if from_finite:
            items.append(f"forward: {out_kind} first appears at {site}{code}: "
                         f"{op_name} made it from finite inputs ({_values(values)})")
        else:
            items.append(f"forward: {out_kind} enters the graph at {site}{code} "
                         f"({op_name}) through its input {_values(values)}")
    if w.backward is not None:
        kind, k, node_name, site, code, formula, who = w.backward
        code = _quoted(code)
        items.append(f"backward: the gradient first becomes {kind} at step {k}, {node_name} "
                     f"at {site}{code}: {formula} sends {kind} to {who}")
    if not items:
        return []
    return [Text(), Text("Warnings:", style="bold yellow")] + [wrapped(s, first="! ") for s in items]


__all__ = ["WIDTH", "hang", "wrapped", "num", "explain_lines", "step_lines", "quote_lines",
           "flow_lines", "warning_lines"]
