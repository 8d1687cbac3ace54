"""Generate gradcli/lang/parse/tables.py: the LALR(1) tables of grammar/g.lark, as plain data.

    python scripts/gen_parse_tables.py           # rewrite the module
    python scripts/gen_parse_tables.py --check   # exit 1 if the committed module is out of date

Run it after every change to grammar/g.lark; tests/test_parser.py fails until you do. This
is a build-time tool: it asks Lark for the LALR analysis and reads Lark's own objects (the parse
table, how it encodes `[x]` placeholders, its terminal order), so that gradcli at run time needs
neither Lark nor its internals. Lark numbers states in hash order, which changes from run to
run; the states are renumbered here breadth first from the start state, symbols in sorted order,
so that the same grammar always gives the same module.
"""
from __future__ import annotations

import argparse
import marshal
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
GRAMMAR = ROOT / "grammar" / "g.lark"
OUT = ROOT / "gradcli" / "lang" / "parse" / "tables.py"


def analyse(grammar_text: str):
    """Lark's LALR analysis of the grammar (and its basic lexer's terminals)."""
    import lark
    return lark.Lark(grammar_text, parser="lalr", lexer="basic", maybe_placeholders=True)


def _canonical_states(table) -> tuple[list, dict]:
    """Lark's states renumbered breadth first from the start state: (old ids in order, old -> new)."""
    start = table.start_states["start"]
    order, new = [start], {start: 0}
    for state in order:                       # grows while it is walked
        actions = table.states[state]
        for sym in sorted(actions):
            action, arg = actions[sym]
            if action.name == "Shift" and arg not in new:
                new[arg] = len(order)
                order.append(arg)
    if len(order) != len(table.states):
        raise SystemExit("some LALR states cannot be reached from the start state")
    return order, new


def _rule(rule) -> str:
    """A grammar rule as one line of text: 'lhs method ?|- trailing | symbols | kept children'.

    The kept children are those a Lark Transformer would pass to the builder method, each as
    its index, then `*` if it is a `_rule`'s list to splice in, then `+n` for the n Nones of
    absent `[x]`s before it (anonymous tokens are dropped); `trailing` counts the Nones after
    the last one; `?` marks a `?rule` (with one child it is that child).
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
    expand1 = "?" if opts.expand1 and not rule.alias else "-"
    kept = " ".join(f"{i}{'*' if splice else ''}{f'+{n}' if n else ''}" for i, splice, n in keep)
    return (f"{rule.origin.name} {rule.alias or rule.origin.name} {expand1} {trailing} | "
            f"{' '.join(str(s.name) for s in exp)} | {kept}")


def _terminals(lark_obj) -> tuple[list, dict]:
    """The scanner's terminals in Lark's basic-lexer order (priority, then the longest possible
    match first) as (name, regex), and the keywords: string terminals spelled like a NAME."""
    terminals = lark_obj.lexer_conf.terminals
    name_re = re.compile(next(t.pattern.to_regexp() for t in terminals if t.name == "NAME"))
    keywords, groups = {}, []
    for t in sorted(terminals, key=lambda t: (-t.priority, -t.pattern.max_width,
                                              -len(t.pattern.value), t.name)):
        if t.pattern.type == "str" and name_re.fullmatch(t.pattern.value):
            keywords[t.pattern.value] = t.name
        else:
            groups.append((t.name, t.pattern.to_regexp()))
    return groups, dict(sorted(keywords.items()))


def _marshal(rows: list) -> bytes:
    """The rows in marshal's format, the same bytes whatever Python's hash seed: marshal writes an
    object that is referenced more than once as a back-reference, so every symbol and number is
    made one shared object first (Lark's own copies differ from run to run)."""
    shared: dict = {}
    one = lambda x: shared.setdefault((type(x), x), x)      # noqa: E731
    return marshal.dumps(tuple({one(sys.intern(str(k))): one(int(v)) for k, v in row.items()}
                               for row in rows), 4)


def _chunks(data: bytes, n: int):
    for i in range(0, len(data), n):
        yield data[i:i + n]


def generate(grammar_text: str) -> str:
    """The text of tables.py for this grammar."""
    lark_obj = analyse(grammar_text)
    table = lark_obj.parser.parser.parser.parse_table
    order, new = _canonical_states(table)
    rule_ids: dict = {}
    rows = []
    for state in order:
        row = {}
        actions = table.states[state]
        for sym in sorted(actions):
            action, arg = actions[sym]
            if action.name == "Shift":
                row[sym] = new[arg]                                   # shift to / goto state
            else:
                row[sym] = ~rule_ids.setdefault(arg, len(rule_ids))   # reduce by rule ~n
        rows.append(row)
    rules = [_rule(rule) for rule in sorted(rule_ids, key=rule_ids.get)]
    terminals, keywords = _terminals(lark_obj)
    out = [
        "# generated by scripts/gen_parse_tables.py from grammar/g.lark: do not edit, run the script",
        '"""The LALR(1) tables of the G grammar, as plain data (see scripts/gen_parse_tables.py).',
        "",
        "STATES[s]: the actions of state s, {symbol: n}: n >= 0 shifts the token (or goes to, after a",
        "reduction) to state n; n < 0 reduces by RULES[~n]. They are stored in marshal's format",
        "(version 4, which every later Python reads): it loads in 0.4 ms, a fifth of any text form,",
        "and compiles in 3 ms for a cold start without .pyc files (dict displays take 30).",
        "See them with: python -c 'from gradcli.lang.parse import tables; print(tables.STATES[0])'.",
        "RULES[r]: 'lhs method ?|- trailing | symbols | kept children', each child as its index, `*`",
        "if it is a `_rule`'s list to splice in, `+n` for the Nones of absent `[x]`s before it;",
        "`trailing`: the Nones after the last; `?`: a `?rule` with one child is that child. Text,",
        "not tuples: Python compiles tuple displays 30 times slower.",
        "TERMINALS: (name, regex) in the order the scanner tries them; KEYWORDS: NAMEs that are",
        'keywords; IGNORE: terminals that are skipped."""',
        "",
        "import marshal",
        "",
        f"START = {new[table.start_states['start']]}",
        f"END = {new[table.end_states['start']]}",
        "",
        "TERMINALS = (",
        *(f"    ({name!r}, {regex!r})," for name, regex in terminals),
        ")",
        "",
        "KEYWORDS = {",
        *(f"    {word!r}: {name!r}," for word, name in keywords.items()),
        "}",
        "",
        f"IGNORE = {tuple(sorted(lark_obj.lexer_conf.ignore))!r}",
        "",
        "RULES = (",
        *(f"    {rule!r}," for rule in rules),
        ")",
        "",
        "STATES = marshal.loads(",
        *(f"    {line!r}" for line in _chunks(_marshal(rows), 76)),
        ")",
        "",
    ]
    return "\n".join(out)


def tables_of(text: str) -> dict:
    """The tables a generated module defines."""
    namespace: dict = {}
    exec(compile(text, "tables.py", "exec"), namespace)
    return {k: v for k, v in namespace.items() if k.isupper()}


def same_tables(a: str, b: str) -> bool:
    """Whether two generated modules hold the same tables (marshal's bytes for the same data may
    differ between Python versions; the data may not)."""
    return a == b or (a.splitlines()[:1] == b.splitlines()[:1] and tables_of(a) == tables_of(b))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check that the module is current")
    args = ap.parse_args()
    text = generate(GRAMMAR.read_text(encoding="utf-8"))
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if not same_tables(current, text):
            print(f"{OUT.relative_to(ROOT)} is out of date: run python scripts/gen_parse_tables.py",
                  file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(text):,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
