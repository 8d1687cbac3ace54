"""The control flow a run took, for --explain: the loops that ran and the branches taken (the
session's FlowLog), each with the number of nodes of the explained graph it recorded. A model:
`render/explain.flow_lines` makes its text."""
from __future__ import annotations

from ..errors import site_text


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


class Flow:
    """The loops that ran and the branches taken: events (place, header, "loop" or "branch",
    iterations or (true, false) counts, nodes of the graph made inside or None), how many more,
    and a loop that ran more than once (its line, its iterations) for the note."""

    def __init__(self, events, more, loop_example):
        self.events, self.more, self.loop_example = events, more, loop_example


def flow(session, names, sites=None):
    """What loops ran and which branches were taken, from the session's FlowLog, with how many
    nodes of the explained graph each one recorded (`sites`: span -> nodes); None without a log."""
    log = getattr(session, "flow", None) if session is not None else None
    if log is None:
        return None
    events = [(span, "loop", v) for span, v in log.loops.items()] + \
             [(span, "branch", v) for span, v in log.branches.items()]
    events.sort(key=lambda e: (e[0].file or "", e[0].line, e[0].column))
    out, loop_example = [], None
    for span, kind, v in events[:12]:
        line = names.source_line(span)
        head = _header(line, span.column) if line is not None else kind
        inside = None
        if sites is not None:
            inside = sum(c for site, c in sites.items() if _inside(site, span))
            if kind == "loop" and inside and loop_example is None and len(v) == 1 and v[0] > 1:
                loop_example = (span.line, v[0])
        out.append((site_text(span), head, kind, v, inside))
    return Flow(out, max(0, len(events) - 12), loop_example)
