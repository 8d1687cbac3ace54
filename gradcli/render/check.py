"""--check as text: the table of analytic and numeric derivatives that `insight/check.py` models,
its notes (kinks, jumps, cut graphs, empty values) and a summary per input, as rich Text."""
from __future__ import annotations

from rich.text import Text

from .explain import hang, wrapped

MAX_ROWS = 20           # rows shown per input: the failing and the worst first
JUMP_SHRINK = 16        # the jump test's step is h / 16 (insight/check.py)
NOISE = 100.0           # the rounding noise term of the tolerance, in eps·|f|/h


def check_lines(m) -> list:
    """The --check section of the model `m` (insight.check.Checked)."""
    if m.refused == "nothing":
        return [Text("Gradient check: nothing to check; name the inputs with --wrt NAME", style="bold")]
    if m.refused == "repeat":
        return [Text("Gradient check: the program does not repeat itself — a re-run gave another "
                     "output, so finite differences cannot be taken", style="bold red")]
    dname = m.dname
    show = [Text("Gradient check by central differences (float64, h = 1e-6·max(1, |x|)):", style="bold")]
    header = ["input", "element"] + ([] if m.scalar else [m.oname]) + \
        ["analytic", "numeric", "abs error", "rel error", ""]
    right = {"analytic", "numeric", "abs error", "rel error"}
    table = []          # (cells, ok)
    notes = []
    summaries = []
    for name, state, rows, summary, k, n, cut in m.inputs:
        if state == "earlier":
            notes.append(f"d{dname}/d{name} not checked: {name} was bound before this code (in an "
                         f"earlier cell); bind it in the checked cell to check it")
            continue
        if state == "updated":
            notes.append(f"d{dname}/d{name} not checked: {name} was updated in place after it was "
                         f"bound (an SGD step under no_grad), so perturbing it where it is bound "
                         f"changes everything computed from it, not only the last graph")
            continue
        shown = rows
        if len(rows) > MAX_ROWS:
            order = sorted(range(len(rows)), key=lambda i: (rows[i]["ok"], -rows[i]["abs"]))
            shown = [rows[i] for i in sorted(order[:MAX_ROWS])]
        for r in shown:
            table.append(([name, r["element"]] + ([] if m.scalar else [r["output"]]) + [
                f"{r['analytic']:.10g}", f"{r['numeric']:.10g}", f"{r['abs']:.2e}", f"{r['rel']:.2e}",
                _verdict(r)], r["ok"]))
            notes.extend(_row_notes(name, r))
        if len(rows) > len(shown):
            hidden = len(rows) - len(shown)
            bad = sum(1 for r in rows if not r["ok"]) - sum(1 for r in shown if not r["ok"])
            table.append(([name, f"… {hidden} more elements, "
                           + (f"{bad} of them disagreeing" if bad else "all agreeing")], bad == 0))
        if cut:
            notes.append(f"d{dname}/d{name} is 0 because {dname or 'the output'} does not depend on {name} through the "
                         f"graph (detach(), .data, no_grad() or a copy cut it), yet its value changes "
                         f"with {name}")
        if n == 0 or m.empty_output:
            notes.append(f"d{dname}/d{name}: nothing to compare, the {'output' if n else 'input'} is empty")
        which = ("the 1 element" if n == 1 else f"all {n} elements") if k == n \
            else f"{k} of {n} elements (a seeded random sample)"
        summaries.append((name, which, summary))
    widths = [max([len(header[c])] + [len(cells[c]) for cells, _ in table if len(cells) == len(header)])
              for c in range(len(header))]

    def line(cells):
        out = []
        for c, text in enumerate(cells):
            if len(cells) < len(header) and c == len(cells) - 1:
                out.append(text)
                break
            out.append(text.rjust(widths[c]) if header[c] in right else text.ljust(widths[c]))
        return "  ".join(out).rstrip()
    if table:
        show.append(Text("  " + line(header), style="bold"))
    for cells, ok in table:
        show.append(Text("  " + line(cells), style=None if ok else "bold red"))
    for s in notes:
        show.append(wrapped(s, style="yellow" if "a kink" in s else "red"))
    for name, which, s in summaries:
        t = Text(f"{which} checked; largest abs error {s['max_abs_error']:.2e}, "
                 f"rel error {s['max_rel_error']:.2e}: ")
        t.append("ok" if s["ok"] else "FAILED", style="bold green" if s["ok"] else "bold red")
        if s.get("kinks"):
            t.append(f" — {_places(name, s['kinks'], 'kink')}, where the differences above are "
                     "not disagreements")
        if s.get("jumps"):
            t.append(f" — {_places(name, s['jumps'], 'jump')}")
        show.append(hang(Text(f"  d{dname}/d{name}: "), t))
    show.append(wrapped("Agreement: |analytic - numeric| ≤ 1e-6 + 1e-4·|numeric| (plus the "
                        f"rounding noise of the output, {NOISE:g}·eps·|f|/h).", style="dim"))
    if m.failed:
        show.append(wrapped("A disagreement means a wrong gradient, or a point where the function jumps "
                            "(floor, round, a branch) and has no derivative to check. Kinks (abs or "
                            "relu at 0, a tie in max) are not disagreements: --explain names them.",
                            style="dim"))
    return show


def _element(name, element):
    """`x[1, 0]`, or `x` for a 0-d input (whose element is shown as "-" in the table)."""
    return name if element == "-" else name + element


def _row_notes(name, r):
    notes = []
    if "kink" in r:
        lo, hi = r["kink"]
        notes.append(f"{_element(name, r['element'])}: a kink — the slope is {lo:.6g} on the "
                     f"left and {hi:.6g} on the right; the analytic {r['analytic']:.6g} lies "
                     "between (the convention at this point; --explain names it): not a "
                     "disagreement")
    if "jump" in r:
        notes.append(f"{_element(name, r['element'])}: a jump — the output changes by "
                     f"{r['jump']:.6g} across the step, and by as much over a step "
                     f"{JUMP_SHRINK} times smaller (floor, round or a branch): there is no "
                     f"derivative here for finite differences to confirm; the analytic "
                     f"{r['analytic']:.6g} is the slope of the piece the run took")
    if r.get("note"):
        notes.append(f"{_element(name, r['element'])}: {r['note']}")
    return notes


def _verdict(row):
    if not row["ok"]:
        return "jump" if "jump" in row else "DISAGREE"
    return "kink" if "kink" in row else "ok"


def _places(name, indices, what, most=4):
    """`1 kink, at x` / `3 kinks, at x[0], x[2], x[5]` (the first few)."""
    shown = [name + (f"[{', '.join(map(str, i))}]" if i else "") for i in indices[:most]]
    more = f" and {len(indices) - most} more" if len(indices) > most else ""
    return f"{len(indices)} {what}{'s' if len(indices) != 1 else ''}, at {', '.join(shown)}{more}"


__all__ = ["check_lines", "MAX_ROWS"]
