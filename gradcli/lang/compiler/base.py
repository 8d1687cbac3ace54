"""What the compiler's modules share: how a statement's closure says that control leaves it, and
the locals of a function body."""
from __future__ import annotations

from .. import ast as A

# A statement's closure returns None, or one of these when control leaves it.
BREAK, CONTINUE, RETURN = "break", "continue", "return"


def assigned_names(body, out):
    """Names a function body binds (its locals), not looking into nested defs."""
    stack = list(body)
    while stack:
        st = stack.pop()
        if isinstance(st, (A.Assign, A.AugAssign, A.IndexAssign)):
            out.setdefault(st.target, len(out) + 1)
        elif isinstance(st, A.For):
            out.setdefault(st.target, len(out) + 1)
            stack.extend(st.body)
        elif isinstance(st, A.FunctionDef):
            out.setdefault(st.name, len(out) + 1)
        elif isinstance(st, A.Import):
            out.setdefault(st.asname or st.module.split(".")[0], len(out) + 1)
        elif isinstance(st, A.ImportFrom):
            for name, asname in st.names:
                out.setdefault(asname or name, len(out) + 1)
        elif isinstance(st, (A.If,)):
            stack.extend(st.body)
            stack.extend(st.orelse)
        elif isinstance(st, (A.While, A.With)):
            stack.extend(st.body)
    return out
