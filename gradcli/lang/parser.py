"""Text -> AST for G (LANGUAGE.md §2-§4): `parse()`, and `is_complete()` for the REPL.

Lark turns grammar/g.lark into LALR(1) tables once per process (cached on disk, so a cold start
does not rebuild them). Lark's own pipeline (its lexer, Indenter, tree and Transformer) parses the
10,000-line benchmark at ~3,800 lines/s and its lexer alone exceeds our budget, so this module runs
the tables itself, at ~23,000 lines/s:

* `_lex`: one regex made from the grammar's terminals. It also does the Indenter's job (INDENT and
  DEDENT from the indentation after each newline, no newlines inside brackets), tells a prefix `-`
  (UADD) from a binary one and a ternary `if`/`else` (TIF/TELSE) from the statements, and turns a
  bad character, a bad unindent or a `__name` into an error token, so errors come in text order.
* `_drive`: the LALR loop. Each reduction calls the `_Builder` method named after the rule or alias
  with the children a Lark Transformer would get: the AST is built bottom-up during the parse, and
  nothing is recursive (a 100,000-term `1+1+…+1` is a loop).
* Nesting is counted on the parse stack: the opening token of a right-nesting construct (bracket,
  INDENT, prefix operator, `**`, ternary `else`) counts while it is on the stack, and passing
  `max_nesting` is a LimitError at that token. Left-deep chains are flat: `a+b+c`, and postfix
  chains of calls/indexes/attributes (`x.abs().abs()…`, `x[0:3][0:3]…`), which the compiler walks
  with a loop (§11). Chains of `elif`s longer than the limit are refused, because the compiler
  walks them recursively.
"""
from __future__ import annotations

import gc
import marshal
import zlib
import os
import re
import sys
import threading
from operator import itemgetter
from pathlib import Path

from ..errors import GSyntaxError, LimitError, Span
from . import ast as A
from .strings import literal_parts, token_end

__all__ = ["parse", "is_complete"]

_OPERAND_END = frozenset({"NAME", "NUMBER", "STRING", "RPAR", "RSQB", "TRUE", "FALSE", "NONE"})
_NEST = frozenset({"LPAR", "LSQB", "_INDENT", "UADD", "NOT", "POW", "TELSE"})
_CLOSE = {"RPAR": "(", "RSQB": "["}


# ----- tables: built once by Lark, LALR analysis cached on disk -----

class _Tables:
    """Lark's LALR tables in the shape `_drive` wants, and the lexer made from its terminals.

    Built from a Lark object once (`from_lark`), then kept on disk as plain data (`spec`, in
    marshal format), so a cold start neither imports Lark nor rebuilds anything.
    """

    def __init__(self, spec):
        self.start, self.end = spec["start"], spec["end"]
        self.states = spec["states"]
        self.rules = [_handler(rs) for rs in spec["rules"]]
        self.keywords = spec["keywords"]
        self.ignore = frozenset(spec["ignore"])
        # Blanks are skipped by the prefix; what no terminal matches is an ERROR token.
        self.scan = re.compile(r"[ \t\f]*(?:" + "|".join(spec["groups"]) + r"|(?P<ERROR>[\s\S]))").finditer

    @staticmethod
    def spec_from_lark(lark_obj) -> dict:
        table = lark_obj.parser.parser.parser.parse_table
        rule_ids: dict = {}
        states: list = [None] * len(table.states)
        for state, actions in table.states.items():
            row = states[state] = {}
            for sym, (action, arg) in actions.items():
                if action.name == "Shift":
                    row[sym] = arg                                  # shift to / goto state
                else:
                    row[sym] = ~rule_ids.setdefault(arg, len(rule_ids))   # reduce by rule ~n
        terminals = lark_obj.lexer_conf.terminals
        name_re = re.compile(next(t.pattern.to_regexp() for t in terminals if t.name == "NAME"))
        keywords, groups = {}, []
        # Lark's order for its basic lexer: priority, then the longest possible match first.
        for t in sorted(terminals, key=lambda t: (-t.priority, -t.pattern.max_width,
                                                  -len(t.pattern.value), t.name)):
            if t.pattern.type == "str" and name_re.fullmatch(t.pattern.value):
                keywords[t.pattern.value] = t.name
            else:
                groups.append(f"(?P<{t.name}>{t.pattern.to_regexp()})")
        return {"start": table.start_states["start"], "end": table.end_states["start"],
                "states": states, "keywords": keywords, "groups": groups,
                "ignore": sorted(lark_obj.lexer_conf.ignore),
                "rules": [_rule_spec(rule) for rule in sorted(rule_ids, key=rule_ids.get)]}


def _rule_spec(rule) -> tuple:
    """A grammar rule as plain data: (lhs, size, nesting delta, keep, trailing, method, expand1).

    `keep` lists the kept children as (index, splice, Nones before it): anonymous tokens dropped,
    `_rule` values (lists) spliced in, None for an absent `[x]`, as Lark's Transformer would see.
    """
    exp, opts = rule.expansion, rule.options
    empty = opts.empty_indices              # where `[x]` placeholders go, encoded as Lark does
    nones = ([len(ones) for ones in "".join(str(int(b)) for b in empty).split("0")]
             if empty else [0] * (len(exp) + 1))
    keep, pending = [], 0
    for i, sym in enumerate(exp):
        pending += nones[i]
        if opts.keep_all_tokens or not (sym.is_term and sym.filter_out):
            keep.append((i, not sym.is_term and sym.name.startswith("_"), pending))
            pending = 0
    trailing = pending + nones[len(exp)]
    delta = sum(s.is_term and s.name in _NEST for s in exp)
    return (str(rule.origin.name), len(exp), delta, tuple(keep), trailing,
            str(rule.alias or rule.origin.name), bool(opts.expand1 and not rule.alias))


def _handler(spec) -> tuple:
    """(lhs, size, nesting delta, fn(builder, values) or None for a unit rule) from a rule spec.

    A `?rule` with one child is replaced by that child; a `_rule` gives a list to splice.
    """
    lhs, size, delta, keep, trailing, method_name, expand1 = spec
    keep = [tuple(k) for k in keep]
    inline = lhs.startswith("_")
    kids = _children(keep, size, trailing, inline)
    if inline:                                              # a list for the parent to splice
        return lhs, size, delta, (lambda b, a: a) if kids is None else (lambda b, a: kids(a))
    method = getattr(_Builder, method_name, None)
    if method is None and not (expand1 and size == 1):
        raise LookupError(f"grammar rule {method_name!r} has no _Builder method")
    if expand1:
        if size == 1 and kids is None:
            return lhs, 1, delta, None
        def fn(b, a):
            ch = kids(a) if kids else a
            return ch[0] if len(ch) == 1 else method(b, ch)
    elif kids is None:
        fn = method
    else:
        def fn(b, a):
            return method(b, kids(a))
    return lhs, size, delta, fn


def _children(keep, size, trailing, as_list):
    """A function from popped values to children, or None when they are the same list."""
    if not trailing and all(not splice and not n for _, splice, n in keep):
        idx = [i for i, _, _ in keep]
        if idx == list(range(size)):
            return None
        if len(idx) < 2:
            return (lambda a, i=idx[0]: [a[i]]) if idx else (lambda a: [])
        if as_list:
            return lambda a: [a[i] for i in idx]
        return itemgetter(*idx)           # a tuple: builder methods only index their children
    if not trailing and keep[0][:2] == (0, True) and all(not n for _, _, n in keep):
        rest = [(i, splice) for i, splice, _ in keep[1:]]

        def grow(a):                   # a left-recursive `_x: _x y` list: extend it in place
            out = a[0]
            for i, splice in rest:
                out.extend(a[i]) if splice else out.append(a[i])
            return out
        return grow

    def general(a):
        out = []
        for i, splice, n in keep:
            out.extend([None] * n)
            out.extend(a[i]) if splice else out.append(a[i])
        out.extend([None] * trailing)
        return out
    return general


_tables_lock = threading.Lock()
_TABLES: _Tables | None = None


def _grammar_text() -> str:
    here = Path(__file__).resolve().parent
    for path in (here.parent / "grammar" / "g.lark", here.parents[1] / "grammar" / "g.lark"):
        if path.is_file():       # installed wheel: gradcli/grammar/; source checkout: ./grammar/
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError("grammar/g.lark not found next to the gradcli package")


def _cache_file(grammar: str) -> str | None:
    """A per-user cache path for the tables, or None if no cache directory is writable."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(root):           # no usable home directory: do not litter the cwd
        return None
    folder = os.path.join(root, "gradcli")
    try:
        os.makedirs(folder, exist_ok=True)
        if not os.access(folder, os.W_OK | os.R_OK):
            return None
    except (OSError, ValueError):
        return None
    # crc32, not hashlib: importing hashlib (OpenSSL) costs ~3 ms of every cold start.
    text = f"{grammar}\0{_TABLES_FORMAT}\0{sys.version_info[:2]}".encode()
    key = f"{zlib.crc32(text):08x}{len(text):x}"
    return os.path.join(folder, f"g-{key}.tables")


_TABLES_FORMAT = 2   # bump when the shape of the cached spec changes


def _load_spec(cache):
    if cache is None:
        return None
    try:
        with open(cache, "rb") as fh:
            # loads of the whole file: marshal.load(fh) reads it piece by piece, 30x slower
            spec = marshal.loads(fh.read())
        return spec if isinstance(spec, dict) and "rules" in spec else None
    except (OSError, EOFError, ValueError, TypeError):
        return None


def _save_spec(cache, spec):
    if cache is None:
        return
    tmp = f"{cache}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            marshal.dump(spec, fh)
        os.replace(tmp, cache)          # atomic: a concurrent reader sees all or nothing
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        with _tables_lock:
            if _TABLES is None:
                grammar = _grammar_text()
                cache = _cache_file(grammar)
                spec = _load_spec(cache)
                if spec is None:
                    import lark   # only to build the tables: importing Lark costs ~30 ms
                    spec = _Tables.spec_from_lark(lark.Lark(grammar, parser="lalr", lexer="basic",
                                                            maybe_placeholders=True))
                    _save_spec(cache, spec)
                _TABLES = _Tables(spec)
    return _TABLES


# ----- lexer -----

class _LexInfo:
    __slots__ = ("open_brackets", "saw_indent", "text", "first")

    def __init__(self, text, first):
        self.text, self.first, self.open_brackets, self.saw_indent = text, first, None, False


def _syntax(message, file, line, column, width=1, hint=None) -> GSyntaxError:
    return GSyntaxError(message, Span(file, line, column, line, column + width), hint)


def _show(ch: str) -> str:
    return f"'{ch}'" if ch.isprintable() else f"U+{ord(ch):04X}"


def _indent_width(s: str, tab: int = 8) -> int:
    if "\t" not in s and "\f" not in s:
        return len(s)
    width = 0
    for ch in s:     # tabs to the next multiple of 8, form feed resets, as in CPython's tokenizer
        width = (width // tab + 1) * tab if ch == "\t" else 0 if ch == "\f" else width + 1
    return width


def _tab_error(file, line, col):
    return _syntax("tabs and spaces mixed in the indentation: what this line belongs to would "
                   "depend on the width of a tab (Python's TabError)", file, line, col,
                   hint="indent with spaces only, or with tabs only")


def _lex(text: str, tables: _Tables, file: str, first: int, column: int = 1, inner=None):
    """Token tuples (type, value, line, column), ending with an ERROR token or the final DEDENTs.

    `column` is where `text` starts on line `first` (an f-string's expression); `inner`, an
    opening token that `text` is inside of (newlines ignored, no indentation read).
    """
    info = _LexInfo(text, first)
    toks = []
    push = toks.append
    keywords, operand_end, ignore = tables.keywords, _OPERAND_END, tables.ignore
    line, line_start = first, 1 - column
    brackets = [inner] if inner else []
    indents = [0]
    alt_indents = [0]    # the widths with a tab as 1 column: they must order lines as `indents`
    prev = None          # does, or the block depends on the tab width (Python's TabError)
    lead = re.match(r"[ \t\f]*", text).end()
    if lead and not inner and text[lead] not in "\n#\\":
        push(("ERROR", _syntax("unexpected indent", file, first, lead + 1), first, lead + 1))
        return toks, info
    for m in tables.scan(text):
        kind = m.lastgroup
        if kind == "NAME":
            value = m.group(kind)
            col = m.start(kind) - line_start + 1
            kind = keywords.get(value, "NAME")
            if kind == "NAME":
                if value[:2] == "__" and not (value == "__future__" and prev == "FROM"):
                    push(("ERROR", _syntax("names beginning with '__' are not allowed", file, line,
                                           col, len(value)), line, col))
                    return toks, info
            elif prev in operand_end and (kind == "IF" or kind == "ELSE"):
                kind = "TIF" if kind == "IF" else "TELSE"
            push((kind, value, line, col))
        elif kind == "_NEWLINE":
            value = m.group(kind)
            start = m.start(kind)
            if not brackets:
                if prev is not None and prev != "_NEWLINE":
                    kind = "_NEWLINE"
                    push((kind, value, line, start - line_start + 1))
                else:
                    kind = prev
            line += value.count("\n")
            line_start = start + value.rindex("\n") + 1
            if brackets:
                continue     # newlines inside brackets are ignored, as by Lark's Indenter
            at_end = m.end() == len(text)
            lead = value[value.rindex("\n") + 1:]
            width, alt = _indent_width(lead), _indent_width(lead, 1)
            col = m.end() - line_start + 1
            if (width > indents[-1]) != (alt > alt_indents[-1]) or \
                    (width == indents[-1]) != (alt == alt_indents[-1]):
                push(("ERROR", _tab_error(file, line, col), line, col))
                return toks, info
            if width > indents[-1]:
                indents.append(width)
                alt_indents.append(alt)
                info.saw_indent = True
                kind = "_INDENT"
                push((kind, "", line, col))
            elif width < indents[-1]:
                while width < indents[-1]:
                    indents.pop()
                    alt_indents.pop()
                    kind = "_DEDENT"
                    push((kind, "eof" if at_end else "", line, col))
                if width != indents[-1]:
                    push(("ERROR", _syntax("unindent does not match any outer indentation level",
                                           file, line, col), line, col))
                    return toks, info
                if alt != alt_indents[-1]:
                    push(("ERROR", _tab_error(file, line, col), line, col))
                    return toks, info
        elif kind == "ADD":
            if prev not in operand_end:
                kind = "UADD"
            push((kind, m.group("ADD"), line, m.start("ADD") - line_start + 1))
        elif kind == "LPAR" or kind == "LSQB":
            tok = (kind, m.group(kind), line, m.start(kind) - line_start + 1)
            brackets.append(tok)
            push(tok)
        elif kind == "RPAR" or kind == "RSQB":
            value = m.group(kind)
            col = m.start(kind) - line_start + 1
            if brackets:
                opener = brackets.pop()
                if opener[1] != _CLOSE[kind]:
                    msg = (f"closing '{value}' does not match '{opener[1]}' opened at line "
                           f"{opener[2]}, column {opener[3]}")
                    push(("ERROR", _syntax(msg, file, line, col), line, col))
                    return toks, info
            push((kind, value, line, col))
        elif kind == "STRING":
            value = m.group(kind)
            start = m.start(kind)
            col = start - line_start + 1
            if value[-2:] in ('""', "''") and text[m.end():m.end() + 1] == value[-1] \
                    and value.lstrip("rRfFuU") == value[-2:]:  # `""` then a quote: `"""` unclosed
                err = _syntax("unterminated triple-quoted string", file, line, col,
                              m.end() + 1 - start)
                err._incomplete = "bracket"        # for is_complete(): more lines may close it
                push(("ERROR", err, line, col))
                return toks, info
            push((kind, value, line, col))
            if "\n" in value:                      # a string over several lines
                line += value.count("\n")
                line_start = start + value.rindex("\n") + 1
        elif kind == "ERROR":
            col = m.start(kind) - line_start + 1
            ch = m.group(kind)
            msg = "unterminated string" if ch in "'\"" else f"invalid character {_show(ch)}"
            push(("ERROR", _syntax(msg, file, line, col), line, col))
            return toks, info
        elif kind in ignore:   # a line continuation: only the line count changes
            value = m.group(kind)
            line += value.count("\n")
            line_start = m.start(kind) + value.rindex("\n") + 1
            continue
        else:
            push((kind, m.group(kind), line, m.start(kind) - line_start + 1))
        prev = kind
    while len(indents) > 1:
        indents.pop()
        alt_indents.pop()
        toks.append(("_DEDENT", "eof", line, 1))
    info.open_brackets = brackets[1:] if inner else brackets
    return toks, info


# ----- the AST builder: one method per rule or alias of g.lark -----

class _SliceParts:
    __slots__ = ("parts",)           # [lower, upper, step]; the span is made by `subscript`

    def __init__(self, parts):
        self.parts = parts


class _Elif:
    __slots__ = ("token", "test", "body")

    def __init__(self, token, test, body):
        self.token, self.test, self.body = token, test, body


_CONSTS = {"TRUE": True, "FALSE": False, "NONE": None}
# Binding power in an `opseq`; equal powers group to the left except `**` (right) and
# comparisons (one chained Compare).
_PREC = {"OR": 1, "AND": 2, "NOT": 3, "COMP": 4, "ADD": 5, "MUL": 6, "UADD": 7, "POW": 8}


class _Builder:
    """Makes ast.py nodes from the children of each reduction (tokens are tuples)."""

    def __init__(self, file: str, max_nesting: int, first: int, end: tuple):
        self.file, self.max_nesting, self.first, self.end = file, max_nesting, first, end

    def tspan(self, t, u=None) -> Span:       # token t (through token u)
        u = u or t
        return Span(self.file, t[2], t[3], u[2], u[3] + len(u[1]))

    def join(self, a: Span, b: Span) -> Span:
        return Span(self.file, a.line, a.column, b.end_line, b.end_column)

    def from_tok(self, t, b: Span) -> Span:
        return Span(self.file, t[2], t[3], b.end_line, b.end_column)

    def to_tok(self, a: Span, u) -> Span:
        return Span(self.file, a.line, a.column, u[2], u[3] + len(u[1]))

    def limit(self, span: Span) -> LimitError:
        return LimitError(f"syntax nested too deeply: more than {self.max_nesting} levels "
                          "(raise the limit with --max-nesting N)", span)

    # ----- atoms and postfix -----
    def name(self, c):
        t = c[0]
        return A.Name(Span(self.file, t[2], t[3], t[2], t[3] + len(t[1])), t[1])

    def number(self, c):
        try:
            return A.Num(self.tspan(c[0]), float(c[0][1]))
        except ValueError:        # cannot happen for NUMBER's pattern; keep the promise anyway
            raise GSyntaxError(f"invalid number {_clip(c[0][1])}", self.tspan(c[0])) from None

    def string(self, c):
        """One string, or several written side by side ("a" "b" is "ab", as in Python)."""
        parts = []
        for t in c:
            for p in literal_parts(t, self.file, self.fexpr):
                if type(p) is str and parts and type(parts[-1]) is str:
                    parts[-1] += p
                else:
                    parts.append(p)
        span = Span(self.file, c[0][2], c[0][3], *token_end(c[-1]))
        if all(type(p) is str for p in parts):
            return A.Str(span, parts[0] if parts else "")
        return A.FString(span, tuple(p for p in parts if p != ""))

    def fexpr(self, text, start, end):
        """The expression of an f-string field, parsed where it stands in the file."""
        tables = _tables()
        opener = ("LPAR", "", *start)          # as if in brackets: newlines are blanks
        toks, info = _lex(text, tables, self.file, start[0], start[1], opener)
        if toks and toks[-1][0] == "ERROR":
            raise toks[-1][1]
        tokens = [opener] + toks + [("RPAR", "", *end), ("_NEWLINE", "", *end)]
        builder = _Builder(self.file, self.max_nesting, start[0], end)
        return _drive(tokens, tables, builder, info).body[0].value

    def const(self, c):
        return A.Const(self.tspan(c[0]), _CONSTS[c[0][0]])

    def paren(self, c):
        inner = c[1]      # its span takes in the parentheses: `(a + b) * c` is underlined whole
        inner.span = self.tspan(c[0], c[-1])
        return inner

    def tuple_lit(self, c):
        return A.TupleExpr(self.tspan(c[0], c[-1]), tuple(c[1:-1]))

    def list_lit(self, c):
        return A.ListExpr(self.tspan(c[0], c[-1]), tuple(c[1:-1]))

    def call(self, c):
        args, keywords, names = [], [], set()
        for a in c[2:-1]:
            if type(a) is A.Keyword:
                if a.name in names:
                    raise GSyntaxError(f"keyword argument repeated: {a.name}", a.span)
                names.add(a.name)
                keywords.append(a)
            elif keywords:
                raise GSyntaxError("positional argument follows keyword argument", a.span)
            else:
                args.append(a)
        func = c[0]
        return A.Call(self.to_tok(func.span, c[-1]), func, tuple(args), tuple(keywords))

    def kwarg(self, c):
        return A.Keyword(self.from_tok(c[0], c[1].span), c[0][1], c[1])

    def slice(self, c):
        return _SliceParts(c)

    def subscript(self, c):
        index = []
        for part in c[2:-1]:
            if type(part) is _SliceParts:
                given = [p for p in part.parts if p is not None]
                span = (self.join(given[0].span, given[-1].span) if given
                        else self.tspan(c[1], c[-1]))     # `t[:]`: the brackets
                part = A.Slice(span, *part.parts)
            index.append(part)
        value = c[0]
        return A.Subscript(self.to_tok(value.span, c[-1]), value, tuple(index))

    def attribute(self, c):
        value = c[0]
        return A.Attribute(self.to_tok(value.span, c[1]), value, c[1][1])

    # ----- operators -----
    def opseq(self, c):
        """Fold a flat [operand | operator token] list by precedence (shunting-yard, iterative)."""
        vals, ops, prev = [], [], None
        for x in c:
            if type(x) is not tuple:
                vals.append(x)
            else:
                t = x[0]
                if t == "NOT":
                    if prev is not None and prev[0] not in ("AND", "OR", "NOT"):
                        raise GSyntaxError(f"'not' cannot follow '{prev[1]}'", self.tspan(x),
                                           "put the 'not …' part in parentheses")
                elif t != "UADD":
                    p = _PREC[t]
                    while ops:
                        q = _PREC[ops[-1][0]]
                        if q > p or (q == p and t != "POW" and t != "COMP"):
                            self._fold(ops, vals)
                        else:
                            break
                ops.append(x)
            prev = x
        while ops:
            self._fold(ops, vals)
        return vals[0]

    def _fold(self, ops, vals):
        op = ops.pop()
        t = op[0]
        if t == "UADD" or t == "NOT":
            v = vals[-1]
            vals[-1] = A.UnaryOp(self.from_tok(op, v.span), "not" if t == "NOT" else op[1], v)
        elif t == "COMP":
            names = [op[1]]
            while ops and ops[-1][0] == "COMP":
                names.append(ops.pop()[1])
            names.reverse()
            comparators = vals[-len(names):]
            del vals[-len(names):]
            left = vals[-1]
            vals[-1] = A.Compare(self.join(left.span, comparators[-1].span), left, tuple(names),
                                 tuple(comparators))
        else:
            right = vals.pop()
            left = vals[-1]
            span = self.join(left.span, right.span)
            if t == "AND" or t == "OR":
                vals[-1] = A.BoolOp(span, op[1], left, right)
            else:
                vals[-1] = A.BinOp(span, "**" if t == "POW" else op[1], left, right)

    def ifexp(self, c):
        return A.IfExp(self.join(c[0].span, c[4].span), c[2], c[0], c[4])

    def tuple_expr(self, c):
        return A.TupleExpr(self.join(c[0].span, c[-1].span), tuple(c))

    # ----- simple statements -----
    def expr_stmt(self, c):
        return A.ExprStmt(c[0].span, c[0])

    def assign(self, c):
        if len(c) > 2:
            raise GSyntaxError("chained assignment is not supported: assign one name per statement",
                               c[1].span)
        target, value = c
        span = self.join(target.span, value.span)
        kind = type(target)
        if kind is A.Name:
            return A.Assign(span, target.id, value)
        if kind is A.Subscript and type(target.value) is A.Name:
            return A.IndexAssign(span, target.value.id, target.index, value)
        if kind is A.Attribute:
            return A.AttrAssign(span, target.value, target.attr, value)
        what, hint = _TARGETS.get(kind, ("an expression", None))
        raise GSyntaxError(f"cannot assign to {what}", target.span, hint)

    def augassign(self, c):
        target, op, value = c
        if type(target) is not A.Name:
            raise GSyntaxError(f"'{op[1]}' needs a plain name on its left", target.span,
                               f"write the operation out, as in t[i] = t[i] {op[1][0]} v")
        return A.AugAssign(self.join(target.span, value.span), target.id, op[1][0], value)

    def pass_stmt(self, c):
        return A.Pass(self.tspan(c[0]))

    def break_stmt(self, c):
        return A.Break(self.tspan(c[0]))

    def continue_stmt(self, c):
        return A.Continue(self.tspan(c[0]))

    def return_stmt(self, c):
        if len(c) == 1:
            return A.Return(self.tspan(c[0]), None)
        return A.Return(self.from_tok(c[0], c[1].span), c[1])

    def dotted_name(self, c):
        return ".".join(t[1] for t in c), c[-1]

    def import_as(self, c):
        return c[0][1], (c[1][1] if len(c) > 1 else None), c[-1]

    def import_stmt(self, c):
        module, last = c[1]
        if len(c) > 2:
            last = c[2]
        return A.Import(self.tspan(c[0], last), module, c[2][1] if len(c) > 2 else None)

    def from_stmt(self, c):
        names = tuple((n, a) for n, a, _ in c[2:])
        return A.ImportFrom(self.tspan(c[0], c[-1][2]), c[1][0], names)

    # ----- compound statements -----
    def suite(self, c):
        return list(c)                    # a list: `if_stmt` tells bodies from tokens by type

    def if_stmt(self, c):
        elifs = [x for x in c[3:] if type(x) is _Elif]
        if len(elifs) > self.max_nesting:
            raise self.limit(self.tspan(elifs[self.max_nesting].token))
        orelse = tuple(c[-1]) if len(c) > 3 and type(c[-1]) is list else ()
        for e in reversed(elifs):
            last = (orelse or e.body)[-1].span
            orelse = (A.If(self.from_tok(e.token, last), e.test, tuple(e.body), orelse),)
        return A.If(self.from_tok(c[0], (orelse or c[2])[-1].span), c[1], tuple(c[2]), orelse)

    def elif_clause(self, c):
        return _Elif(c[0], c[1], c[2])

    def while_stmt(self, c):
        return A.While(self.from_tok(c[0], c[-1][-1].span), c[1], tuple(c[2]))

    def for_stmt(self, c):
        return A.For(self.from_tok(c[0], c[-1][-1].span), c[1][1], c[2], tuple(c[3]))

    def with_stmt(self, c):
        return A.With(self.from_tok(c[0], c[-1][-1].span), c[1], tuple(c[2]))

    def param(self, c):
        if len(c) == 1:
            return A.Param(self.tspan(c[0]), c[0][1], None)
        return A.Param(self.from_tok(c[0], c[1].span), c[0][1], c[1])

    def funcdef(self, c):
        params, seen, defaults = c[2:-1], set(), False
        for p in params:
            if p.name in seen:
                raise GSyntaxError(f"duplicate parameter '{p.name}'", p.span)
            seen.add(p.name)
            if p.default is not None:
                defaults = True
            elif defaults:
                raise GSyntaxError("a parameter without a default follows one with a default",
                                   p.span)
        body = c[-1]
        return A.FunctionDef(self.from_tok(c[0], body[-1].span), c[1][1], tuple(params), tuple(body))

    def start(self, c):
        return A.Program(Span(self.file, self.first, 1, *self.end), tuple(c))


_TARGETS = {
    A.Call: ("a function call", "to compare, use '=='"),
    A.Num: ("a literal", "to compare, use '=='"),
    A.Str: ("a literal", None),
    A.Const: ("a literal", None),
    A.Subscript: ("an index of an expression", "only name[index] = value is supported"),
    A.TupleExpr: ("a tuple", "unpacking (a, b = …) is not supported: one name per statement"),
    A.ListExpr: ("a list", None),
    A.Compare: ("a comparison", None),
    A.IfExp: ("a conditional expression", None),
}


# ----- the LALR loop -----

def _drive(tokens, tables: _Tables, builder: _Builder, info: _LexInfo):
    states, handlers = tables.states, tables.rules
    limit, nesting_kinds = builder.max_nesting, _NEST
    state = tables.start
    ss, vs = [state], []
    push_state, push_value = ss.append, vs.append
    nest = 0          # opening tokens of right-nesting constructs now on the stack
    for tok in tokens:
        kind = tok[0]
        while True:
            try:
                act = states[state][kind]
            except KeyError:
                raise _unexpected(tok, tokens, states[state], vs, info, builder.file) from None
            if act >= 0:                                  # shift
                if kind in nesting_kinds:
                    nest += 1
                    if nest > limit:
                        raise builder.limit(_tok_span(tok, builder.file))
                push_state(act)
                push_value(tok)
                state = act
                break
            lhs, size, delta, fn = handlers[~act]         # reduce
            if size == 1:                                 # the most common case, in place
                if fn is not None:
                    vs[-1] = fn(builder, [vs[-1]])
                state = ss[-1] = states[ss[-2]][lhs]
            else:
                if size:
                    args = vs[-size:]
                    del vs[-size:]
                    del ss[-size:]
                else:
                    args = []
                push_value(fn(builder, args))
                state = states[ss[-1]][lhs]
                push_state(state)
            nest -= delta
    while True:                                           # end of input: reduce to `start`
        act = states[state].get("$END")
        if act is None or act >= 0:
            raise _unexpected(("$END", "eof", 0, 0), tokens, states[state], vs, info, builder.file)
        lhs, size, delta, fn = handlers[~act]
        args = vs[-size:] if size else []
        if size:
            del vs[-size:]
            del ss[-size:]
        push_value(fn(builder, args) if fn else args[0])
        state = states[ss[-1]][lhs]
        push_state(state)
        if state == tables.end:
            return vs[-1]


# ----- syntax errors in words -----

_HEADERS = {"IF", "ELIF", "WHILE", "FOR", "DEF", "WITH", "ELSE"}
_COLON = {"IF": "after the condition of 'if'", "ELIF": "after the condition of 'elif'",
          "WHILE": "after the condition of 'while'", "FOR": "after 'for … in …'",
          "DEF": "after the parameters of 'def'", "WITH": "after 'with …'",
          "ELSE": "after 'else'"}
# After these an operand is due: "expected an expression after '+'".
_WANTS_OPERAND = frozenset({"ADD", "UADD", "MUL", "POW", "COMP", "AND", "OR", "NOT", "TIF",
                            "TELSE", "EQUAL", "AUGOP", "IN", "COMMA", "IF", "ELIF", "WHILE",
                            "WITH", "RETURN"})
_OPERATORS = frozenset({"ADD", "MUL", "POW", "COMP", "AND", "OR", "TIF", "DOT", "LPAR", "LSQB",
                        "EQUAL", "AUGOP"})
_WORDS = {"COLON": "':'", "COMMA": "','", "RPAR": "')'", "RSQB": "']'", "LPAR": "'('",
          "EQUAL": "'='", "IN": "'in'", "IMPORT": "'import'", "TELSE": "'else'", "DOT": "'.'",
          "NAME": "a name", "_NEWLINE": "end of line", "SEMICOLON": "';'"}
_THINGS = {"_NEWLINE": "end of line", "_INDENT": "indent", "_DEDENT": "dedent",
           "$END": "end of input"}


def _clip(s: str) -> str:
    return s if len(s) <= 24 else s[:24] + "…"


def _describe(tok) -> str:
    kind, value = tok[0], tok[1]
    if not value and kind == "RPAR":
        return "end of the f-string field"
    if kind == "NAME":
        return f"name '{_clip(value)}'"
    if kind in ("NUMBER", "STRING"):
        return f"{kind.lower()} {_clip(value)}"
    return _THINGS.get(kind) or f"'{value}'"


def _expected_words(expected) -> str:
    if "NAME" in expected and "NUMBER" in expected:
        return "" if "PASS" in expected else "an expression"
    words = [_WORDS[s] for s in sorted(expected)
             if s in _WORDS and not ("ADD" in expected and s in _OPERATORS)]
    if not words or len(words) > 3:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _header(vs, through_colon: bool):
    """The nearest compound-statement keyword token on the parse stack, if its line is open."""
    depth = 0       # brackets closed but not yet reduced (`range(3)` before its call reduces)
    for x in reversed(vs):
        if type(x) is tuple and len(x) == 4 and type(x[0]) is str:
            kind = x[0]
            if kind in _HEADERS:
                return x
            if kind == "RPAR" or kind == "RSQB":
                depth += 1
            elif kind == "LPAR" or kind == "LSQB":
                depth -= 1
                if depth < 0 and not through_colon:
                    return None
            elif not through_colon and kind in ("COLON", "SEMICOLON", "_NEWLINE"):
                return None
    return None


def _eof_pos(text: str, first: int) -> tuple:
    """(line, column) just after the last non-blank character: where 'end of input' is shown."""
    n = len(text.rstrip())
    return text.count("\n", 0, n) + first, n - text.rfind("\n", 0, n)


def _tok_span(tok, file: str) -> Span:
    return Span(file, tok[2], tok[3], tok[2], tok[3] + max(1, len(tok[1])))


def _unexpected(tok, tokens, row, vs, info: _LexInfo, file: str) -> GSyntaxError:
    """Lark-style 'unexpected token' turned into words, at the offending token."""
    kind = tok[0]
    if kind == "ERROR":
        return tok[1]
    expected = {s for s in row if s.isupper()}
    at_eof = kind == "$END" or (kind == "_DEDENT" and tok[1] == "eof")
    where = _eof_pos(info.text, info.first) if at_eof else (tok[2], tok[3])
    opened = [b for b in info.open_brackets or () if (b[2], b[3]) <= where]
    if opened:   # an unclosed bracket explains everything after it; report it where it opened
        b = opened[-1]
        err = GSyntaxError(("unexpected end of input: " if at_eof else "") +
                           f"'{b[1]}' opened at line {b[2]}, column {b[3]} was never closed",
                           _tok_span(b, file))
        err._incomplete = "bracket"       # for is_complete(): more lines may close it
        return err
    i = next((i for i in range(len(tokens)) if tokens[i] is tok), len(tokens))
    prev = tokens[i - 1] if i > 0 else None
    python_only = _python_only(tok, prev, tokens, i, file)
    if python_only is not None:
        return python_only
    hint = None
    if "_INDENT" in expected and kind != "_INDENT":
        kw = _header(vs, True)
        msg = "expected an indented block" + (f" after '{kw[1]}' on line {kw[2]}" if kw else "")
    elif "NAME" in expected and "NUMBER" in expected and prev and prev[0] in _WANTS_OPERAND:
        msg = f"expected an expression after '{prev[1]}'"
    elif at_eof:
        msg = "unexpected end of input"
    elif "COLON" in expected and _header(vs, False):
        msg = "expected ':' " + _COLON[_header(vs, False)[0]]
    else:
        words = _expected_words(expected)
        msg = f"unexpected {_describe(tok)}" + (f"; expected {words}" if words else "")
        if kind in ("NAME", "NUMBER", "STRING") and "ADD" in expected:
            hint = "is an operator or ',' missing before it?"
    if kind == "EQUAL" and not (prev and prev[0] == "EQUAL"):
        hint = "to compare, use '=='"
    span = Span(file, *where, where[0], where[1] + 1) if at_eof else _tok_span(tok, file)
    err = GSyntaxError(msg, span, hint)
    err._incomplete = "eof" if at_eof else None
    return err


# Python constructs G does not have, named, with what to write instead (issue 15): without this
# they read as "unexpected name 'x'; is an operator or ',' missing before it?".
_NOT_IN_G = {
    "lambda": ("G has no 'lambda'", "define the function with def: `def f(x): return x * 2`"),
    "class": ("G has no classes ('class')", "use functions (def) and tensors"),
}


def _python_only(tok, prev, tokens, i, file: str) -> GSyntaxError | None:
    """The error for a Python-only construct at the parse error `tok`, or None."""
    if prev is not None and prev[0] == "NAME" and prev[1] in _NOT_IN_G:
        msg, hint = _NOT_IN_G[prev[1]]
        return GSyntaxError(msg, _tok_span(prev, file), hint)
    if tok[0] == "NAME" and tok[1] in _NOT_IN_G and prev is not None and prev[0] == "NAME":
        msg, hint = _NOT_IN_G[tok[1]]
        return GSyntaxError(msg, _tok_span(tok, file), hint)
    if tok[1] == "/" and prev is not None and prev[1] == "/" and \
            (prev[2], prev[3] + 1) == (tok[2], tok[3]):
        return GSyntaxError("G has no '//' (floor division)", Span(file, prev[2], prev[3], tok[2], tok[3] + 1),
                            "use floor(a / b)")
    if tok[0] == "FOR" and _in_brackets(tokens, i):
        return GSyntaxError("G has no comprehensions ('for' inside brackets)", _tok_span(tok, file),
                            "write a for loop, or operate on the whole tensor: `x ** 2` squares "
                            "every element, `sum(x ** 2)` adds them up")
    return None


def _in_brackets(tokens, i) -> bool:
    depth = 0
    for kind, *_ in reversed(tokens[:i]):
        if kind in ("RPAR", "RSQB"):
            depth -= 1
        elif kind in ("LPAR", "LSQB"):
            depth += 1
            if depth > 0:
                return True
        elif kind == "_NEWLINE" and depth == 0:
            return False
    return False


# ----- public API -----

_SURROGATE = re.compile("[\ud800-\udfff]")


def _prepare(source, file: str, first: int) -> str:
    if isinstance(source, (bytes, bytearray)):
        try:
            source = bytes(source).decode("utf-8")
        except UnicodeDecodeError as err:
            raw = bytes(source)
            start = raw.rfind(b"\n", 0, err.start) + 1
            col = len(raw[start:err.start].decode("utf-8", "replace")) + 1
            raise _syntax(f"invalid UTF-8 byte 0x{raw[err.start]:02X}", file,
                          raw.count(b"\n", 0, err.start) + first, col) from None
    if not isinstance(source, str):
        raise TypeError(f"parse() needs str or bytes, not {type(source).__name__}")
    if source.startswith("\ufeff"):
        source = source[1:]
    if "\r" in source:
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in source:          # as Python: not even inside a string (it would print raw)
        i = source.index("\x00")
        raise _syntax("source code cannot contain a NUL byte (U+0000)", file,
                      source.count("\n", 0, i) + first, i - source.rfind("\n", 0, i))
    if not source.isascii():
        bad = _SURROGATE.search(source)
        if bad:
            i = bad.start()
            line = source.count("\n", 0, i) + first
            ch = bad.group()
            # U+DC80-U+DCFF: a byte that was not UTF-8, kept by Python's surrogateescape (argv,
            # and how gradcli reads files and stdin): name the byte, as a file's bytes are named
            msg = f"invalid UTF-8 byte 0x{ord(ch) - 0xDC00:02X}" if "\udc80" <= ch <= "\udcff" \
                else f"invalid character {_show(ch)}"
            raise _syntax(msg, file, line, i - source.rfind("\n", 0, i))
    return source if source.endswith("\n") else source + "\n"


def _check_placement(body) -> None:
    """`break`/`continue` outside a loop and `return` outside a function, in source order."""
    stack = [(iter(body), False, False)]
    while stack:
        it, in_loop, in_def = stack[-1]
        s = next(it, None)
        if s is None:
            stack.pop()
            continue
        kind = type(s)
        if (kind is A.Break or kind is A.Continue) and not in_loop:
            word = "break" if kind is A.Break else "continue"
            raise GSyntaxError(f"'{word}' outside a loop", s.span)
        if kind is A.Return and not in_def:
            raise GSyntaxError("'return' outside a function", s.span)
        if kind is A.If:
            stack.append((iter(s.body + s.orelse), in_loop, in_def))
        elif kind is A.While or kind is A.For:
            stack.append((iter(s.body), True, in_def))
        elif kind is A.FunctionDef:
            stack.append((iter(s.body), False, True))
        elif kind is A.With:
            stack.append((iter(s.body), in_loop, in_def))


def _parse(source, filename: str, max_nesting: int, first_line: int = 1):
    text = _prepare(source, filename, first_line)
    tables = _tables()
    # The AST has no cycles; without this the collector rescans the growing tree every few
    # hundred allocations, which costs ~15% of a large parse.
    collecting = gc.isenabled()
    gc.disable()
    try:
        tokens, info = _lex(text, tables, filename, first_line)
        builder = _Builder(filename, max_nesting, first_line, _eof_pos(text, first_line))
        program = _drive(tokens, tables, builder, info)
    finally:
        if collecting:
            gc.enable()
    _check_placement(program.body)
    return program, info


def parse(source: str, filename: str = "<input>", max_nesting: int = 200, *,
          first_line: int = 1) -> A.Program:
    """Parse G source text (str, or UTF-8 bytes) into an `ast.Program`.

    Raises `GSyntaxError` (with a Span: 1-based line and column in characters, end exclusive) for
    anything that does not parse, and `LimitError` when brackets, blocks, prefix operators, `**`,
    ternaries or `elif`s nest deeper than `max_nesting` (the CLI's `--max-nesting N`). A flat chain
    such as `1+1+…+1` or `x.abs().abs()…` is not nesting and parses at any length.
    Nothing else is raised for any input text. `first_line` numbers the lines of a REPL or piped
    entry as lines of the whole input.
    """
    return _parse(source, filename, max_nesting, first_line)[0]


def _blank_line_last(source: str) -> bool:
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    return "\n" in source and not source[source.rfind("\n") + 1:].strip(" \t\f")


def is_complete(source: str) -> bool:
    """Whether the REPL buffer `source` can run now (CPython's InteractiveConsole rule).

    `source` is the lines typed so far joined with '\\n', so it ends with '\\n' once the user
    has entered an empty line. False while a bracket is open, after a line ending in ':' (the
    parser hits the end of input early), and inside an indented block that no empty line has
    closed; True otherwise, including for a definite syntax error (running it reports the error).
    A one-line compound statement such as `while c: y = y*2` is complete at once.
    """
    try:
        _, info = _parse(source, "<input>", sys.maxsize)
    except LimitError:
        return True
    except GSyntaxError as err:
        reason = getattr(err, "_incomplete", None)
        # An open bracket always waits for more; an early end of input waits unless the user
        # has already entered the empty line (then running it reports the error).
        return reason is None or (reason == "eof" and _blank_line_last(source))
    return not info.saw_indent or _blank_line_last(source)
