"""The LALR(1) driver: runs the generated tables over the scanner's tokens.

Each reduction calls the `Builder` method named after the rule or alias, with the children a
Lark Transformer would get, so the AST is built bottom-up during the parse, and nothing is
recursive (a 100,000-term `1+1+…+1` is a loop). Nesting is counted on the parse stack: the
opening token of a right-nesting construct (bracket, INDENT, prefix operator, `**`, ternary
`else`) counts while it is on the stack, and passing `max_nesting` is a LimitError at that token.
Left-deep chains are flat: `a+b+c`, and postfix chains of calls/indexes/attributes
(`x.abs().abs()…`, `x[0:3][0:3]…`), which the compiler walks with a loop (§11).
"""
from __future__ import annotations

from operator import itemgetter

from . import tables
from .builder import Builder
from .scanner import Token, token_span

__all__ = ["drive", "handler", "STATES", "RULES"]

# Opening tokens of right-nesting constructs: the nesting limit counts them on the stack.
NEST = frozenset({"LPAR", "LSQB", "_INDENT", "UADD", "NOT", "POW", "TELSE"})


def rule(text: str) -> tuple:
    """One rule from its line of tables.RULES: (lhs, builder method, symbols, kept children as
    (index, splice, Nones before it), Nones after them, expand1)."""
    head, symbols, kept = text.split(" | ")
    lhs, method, expand1, trailing = head.split()
    keep = []
    for k in kept.split():
        index, _, nones = k.partition("+")
        keep.append((int(index.rstrip("*")), index.endswith("*"), int(nones or 0)))
    return lhs, method, tuple(symbols.split()), tuple(keep), int(trailing), expand1 == "?"


STATES = tables.STATES
END_TOKEN = Token("$END", "eof", 0, 0)


def _handler(text: str) -> tuple:
    """(lhs, size, nesting delta, fn(builder, values) or None for a unit rule) from a line of
    tables.RULES.

    A `?rule` with one child is replaced by that child; a `_rule` gives a list to splice.
    """
    lhs, method_name, symbols, keep, trailing, expand1 = rule(text)
    size, delta = len(symbols), sum(s in NEST for s in symbols)
    inline = lhs.startswith("_")
    kids = _children(keep, size, trailing, inline)
    if inline:                                              # a list for the parent to splice
        return lhs, size, delta, (lambda b, a: a) if kids is None else (lambda b, a: kids(a))
    method = getattr(Builder, method_name, None)
    if method is None and not (expand1 and size == 1):
        raise LookupError(f"grammar rule {method_name!r} has no Builder method")
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
    if not trailing and all(not n for _, _, n in keep):
        parts = [(i, splice) for i, splice, _ in keep]

        def spliced(a):                # `call`: its `_args` spliced in, no `[x]` placeholders
            out = []
            for i, splice in parts:
                out.extend(a[i]) if splice else out.append(a[i])
            return out
        return spliced

    def general(a):
        out = []
        for i, splice, n in keep:
            out.extend([None] * n)
            out.extend(a[i]) if splice else out.append(a[i])
        out.extend([None] * trailing)
        return out
    return general


# Each rule's handler is made on its first reduction: making all of them at import took a
# millisecond of every cold start, and a script uses a fraction of the grammar. `handler(r)`
# makes one (tests make them all, so a rule without a Builder method is still found).
RULES = [None] * len(tables.RULES)


def handler(r: int) -> tuple:
    """The handler of rule r (see `_handler`), made now if it is not yet."""
    h = RULES[r]
    if h is None:
        h = RULES[r] = _handler(tables.RULES[r])
    return h


def unexpected(*args):
    """The error in words (messages.unexpected); messages.py is imported then, for start-up time."""
    from .messages import unexpected as in_words
    return in_words(*args)


def drive(tokens, builder: Builder, info):
    """Parse the tokens (from `scanner.scan`, whose `info` says where brackets opened) into
    what the grammar's start rule builds."""
    states, handlers = STATES, RULES
    limit, nesting_kinds = builder.max_nesting, NEST
    state = tables.START
    ss, vs = [state], []
    push_state, push_value = ss.append, vs.append
    nest = 0          # opening tokens of right-nesting constructs now on the stack
    for tok in tokens:
        kind = tok[0]
        while True:
            try:
                act = states[state][kind]
            except KeyError:
                raise unexpected(tok, tokens, states[state], vs, info, builder.file) from None
            if act >= 0:                                  # shift
                if kind in nesting_kinds:
                    nest += 1
                    if nest > limit:
                        raise builder.limit(token_span(tok, builder.file))
                push_state(act)
                push_value(tok)
                state = act
                break
            h = handlers[~act]                            # reduce
            lhs, size, delta, fn = h if h is not None else handler(~act)
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
            raise unexpected(END_TOKEN, tokens, states[state], vs, info, builder.file)
        h = handlers[~act]
        lhs, size, delta, fn = h if h is not None else handler(~act)
        args = vs[-size:] if size else []
        if size:
            del vs[-size:]
            del ss[-size:]
        push_value(fn(builder, args) if fn else args[0])
        state = states[ss[-1]][lhs]
        push_state(state)
        if state == tables.END:
            return vs[-1]
