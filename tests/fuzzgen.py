"""Random inputs for the fuzz tests (tests/test_fuzz.py), as hypothesis strategies.

* `programs()` builds VALID G programs from the grammar's constructs (grammar/g.lark,
  LANGUAGE.md §2-§7): assignments, augmented and index assignments, if/elif/else, `while` with a
  bounded counter, `for` over ranges and tensors, `def`/`return`/bounded recursion, `with
  no_grad()`, lists, slices, ternaries, chained comparisons, `^`, methods, strings in `print`,
  the §7 built-ins on small shapes that broadcast, `backward`, `grad`, `jacobian`, `hessian`.
  The generator tracks the shape of every name it has bound, so most programs run to the end
  (and reach the engine, the renderer and the report); the rest fail with a script error.
* `byte_mutants(seeds)` damages a program's bytes: bit flips, inserted NUL / invalid UTF-8 /
  control bytes, deletions, truncation, and huge repeats of a slice.
* `token_mutants(seeds)` damages it token by token: drops, duplicates, swaps, stray or
  unbalanced brackets, keywords in odd places, indentation damage, joined and repeated lines.
* `cases()` mixes all three with command-line options (`--json` for half of them, sometimes
  `--wrt`/`--of`/`--graph`/`--explain`/`--check`); a case is a `FuzzCase`.

Seeds for mutation are the generated programs and the scripts in `samples/*.g`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = tuple(p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.g")))

SCALAR, V2, V3, M23, M32, M22 = (), (2,), (3,), (2, 3), (3, 2), (2, 2)
SHAPES = (SCALAR, V2, V3, M23, M32, M22)
POLY = "poly"         # the shape of a function's parameter: any shape, so only elementwise ops

ELEMENTWISE = ("abs exp log log1p sqrt sin cos tan asin acos atan sinh cosh tanh sigmoid relu "
               "softplus sign floor ceil round").split()
REDUCE = "sum mean prod max min var std logsumexp norm".split()
NUMBERS = ("0", "1", "2", "3", "0.5", ".5", "2.5", "1e-3", "6.02E23", "10", "0.25", "1.0", "7", "pi",
           "inf", "1e2", "100", "0.1")
SMALL = ("0", "1", "2", "0.5", ".5", "1.5", "0.25", "3", "1.0", "0.1")
STRINGS = ('"loss"', "'x ='", '"héllo, wörld"', "'它的梯度'", '"tab\\tquote\\" end"', '""',
           "'{0.__class__}'", '"%s %d"', "'back\\\\slash'", '"a" + "b"', '"#not a comment"',
           "'line\\nbreak'")
NAMES = ("a", "b", "c", "d", "u", "v", "p", "q", "z", "h", "loss", "out", "y", "x", "t", "s")
# Shapes `other` may have so that `shape OP other` broadcasts to `shape`.
BROADCAST = {SCALAR: (SCALAR,), V2: (SCALAR, V2), V3: (SCALAR, V3), M23: (SCALAR, V3, M23),
             M32: (SCALAR, V2, M32), M22: (SCALAR, V2, M22)}


@dataclass
class FuzzCase:
    source: object                  # str, or bytes (possibly not UTF-8) after a byte mutation
    args: list = field(default_factory=list)
    origin: str = "generated"

    @property
    def as_json(self) -> bool:
        return "--json" in self.args

    def data(self) -> bytes:
        return self.source if isinstance(self.source, bytes) else self.source.encode("utf-8")

    def __repr__(self):             # what hypothesis prints for a failing example
        src = self.source if isinstance(self.source, str) else repr(self.source)
        if len(src) > 4000:
            src = src[:4000] + f"... [{len(src)} characters]"
        return f"FuzzCase(origin={self.origin!r}, args={self.args!r}, source=\n{src}\n)"


def _is_primary(text) -> bool:
    if not text or not (text[0].isalpha() or text[0] == "_"):
        return False
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return False
        elif depth == 0 and not (ch.isalnum() or ch in "_."):
            return False
    return depth == 0


def dims(shape) -> str:
    return ", ".join(map(str, shape))


class _Builder:
    """Writes one program; every choice is a hypothesis draw (so failing programs shrink)."""

    def __init__(self, draw, max_stmts=10):
        self.draw = draw
        self.max_stmts = max_stmts
        self.env: dict = {}           # name -> shape, for names bound on every path so far
        self.leaves: dict = {}        # leaf name -> shape (requires_grad=True, no grad_fn)
        self.with_grad: set = set()   # leaves whose .grad backward has certainly set
        self.funcs: list = []         # (name, kind): elem (x) -> same shape, rec (x, n), scal (x) -> ()
        self.counter = 0
        self.lines: list = []
        self.level = 0                # block depth
        self.in_def = False

    # ----- choices -----
    def int(self, lo, hi):
        return self.draw(st.integers(lo, hi))

    def pick(self, seq):
        seq = list(seq)
        return seq[self.int(0, len(seq) - 1)]

    def coin(self, n=2):
        """True with probability 1/n."""
        return self.int(0, n - 1) == 0

    def fresh(self, prefix):
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, line):
        self.lines.append("    " * self.level + line)

    # ----- expressions -----
    def names_of(self, shape):
        return sorted(n for n, s in self.env.items() if s == shape or s == POLY and shape == POLY)

    def number(self):
        return self.pick(NUMBERS)

    def literal(self, shape):
        if shape == SCALAR:
            return self.pick(SMALL)
        if len(shape) == 1:
            return "[" + ", ".join(self.pick(SMALL) for _ in range(shape[0])) + "]"
        return "[" + ", ".join(self.literal(shape[1:]) for _ in range(shape[0])) + "]"

    def creation(self, shape):
        rg = ", requires_grad=True" if self.coin(6) else ""
        if shape == SCALAR:
            return self.pick([f"tensor({self.pick(SMALL)}{rg})", "torch.tensor(2.0)",
                              "randn()", "ones(())", "full((), 3)"])
        d = dims(shape)
        options = [lambda: f"ones({d}{rg})", lambda: f"zeros({d}{rg})", lambda: f"randn({d}{rg})",
                   lambda: f"rand({d})", lambda: f"full(({d},), {self.pick(SMALL)})",
                   lambda: f"full([{d}], -1{rg})", lambda: f"tensor({self.literal(shape)}{rg})",
                   lambda: self.literal(shape), lambda: f"torch.ones({d})",
                   lambda: f"torch.randn({d}{rg})"]
        if len(shape) == 1:
            n = shape[0]
            options += [lambda: f"arange({n})", lambda: f"arange(1, {n + 1})",
                        lambda: f"linspace(0, 1, {n})", lambda: f"arange(0, {n} * 0.5, 0.5)",
                        lambda: f"linspace(-pi, pi, {n}{rg})"]
        else:
            options += [lambda: f"reshape(arange({shape[0] * shape[1]}), {d})",
                        lambda: f"arange({shape[0] * shape[1]}.0).reshape({d})"]
        if shape == M22:
            options += [lambda: "eye(2)", lambda: f"eye(2{rg})"]
        like = self.names_of(shape)
        if like:
            options += [lambda: f"ones_like({self.pick(like)})", lambda: f"zeros_like({self.pick(like)})"]
        return self.pick(options)()

    def atom(self, shape):
        names = self.names_of(shape)
        if names and not self.coin(3):
            return self.pick(names)
        if shape == POLY:
            return self.pick(SMALL)
        if shape == SCALAR and self.coin(2):
            return self.number()
        return self.creation(shape)

    def paren(self, text):
        """`text` as a primary: bracketed unless it is a name, a call or a chain of those (a list
        literal becomes `tensor([...])`: a list has no methods)."""
        if text.startswith("["):
            return f"tensor({text})"
        return text if _is_primary(text) else f"({text})"

    def expr(self, shape, depth=2):
        if depth <= 0 or self.coin(4):
            return self.atom(shape)
        sub = depth - 1
        kind = self.int(0, 12)
        if kind == 0:                                   # a unary function, or its method form
            f = self.pick(ELEMENTWISE)
            e = self.expr(shape, sub)
            return f"{f}({e})" if self.coin() else f"{self.paren(e)}.{f}()"
        if kind == 1:
            return self.pick(["-", "+", "- -", "-+"]) + self.paren(self.expr(shape, sub))
        if kind in (2, 3, 4):                           # arithmetic, broadcasting
            other = POLY if shape == POLY else self.pick(BROADCAST[shape])
            if shape == POLY and self.coin(2):
                other = SCALAR
            a, b = self.expr(shape, sub), self.expr(other, sub)
            if self.coin():
                a, b = b, a
            op = self.pick(["+", "-", "*", "/", "%", "+", "*"])
            if self.coin(3):
                return f"{a} {op} {b}"                  # no brackets: precedence does not change shapes
            return f"{self.paren(a)} {op} {self.paren(b)}"
        if kind == 5:                                   # powers
            k = self.pick(["2", "3", "0.5", "-1", "2.0", "(1/3)", "0", "1", "-2"])
            e = self.paren(self.expr(shape, sub))
            return self.pick([f"{e} ** {k}", f"{e}^{k}", f"pow({e}, {k})", f"2 ** {e}",
                              f"{e} ** {k} ** 1"])
        if kind == 6:                                   # two-argument elementwise built-ins
            other = SCALAR if shape in (SCALAR, POLY) else self.pick(BROADCAST[shape])
            a, b = self.expr(shape, sub), self.expr(other, sub)
            return self.pick([f"maximum({a}, {b})", f"minimum({b}, {a})", f"pow({a}, {b})",
                              f"clamp({a}, min=-1, max=1)", f"clamp({a}, {self.pick(SMALL)})",
                              f"{self.paren(a)}.clamp(max={self.pick(SMALL)})",
                              f"where({self.paren(a)} > 0, {a}, {b})"])
        if kind == 7:                                   # a ternary
            return f"{self.paren(self.expr(shape, sub))} if {self.cond(sub)} else " \
                   f"{self.paren(self.expr(shape, sub))}"
        if kind == 8 and self.funcs:                    # a user function
            name, fkind = self.pick(self.funcs)
            if fkind == "elem":
                return f"{name}({self.expr(shape, sub)})"
            if fkind == "rec":
                return f"{name}({self.expr(shape, sub)}, {self.int(0, 4)})"
            if shape in (SCALAR, POLY):
                return f"{name}({self.expr(self.pick(SHAPES), sub)})"
        if kind == 9:
            e = self.paren(self.expr(shape, sub))
            return self.pick([f"{e}.detach()", f"detach({e})", f"{e}.data", f"{e}.clone()",
                              f"Variable({e})", f"torch.sin({e})", f"{e} * 1.0",
                              f"torch.autograd.Variable({e}, requires_grad=True)"])
        if shape == POLY:
            return self.atom(shape)
        return self.shaped(shape, sub)

    def shaped(self, shape, depth):
        """Productions that change shapes: reductions, indexing, linear algebra, stacking,
        reshaping, and the autograd built-ins."""
        e = lambda s: self.expr(s, depth)          # noqa: E731
        p = lambda s: self.paren(self.expr(s, depth))  # noqa: E731
        if shape == SCALAR:
            src = self.pick(SHAPES)
            f = self.pick(REDUCE)
            opts = [lambda: f"{f}({e(src)})", lambda: f"{p(src)}.{f}()",
                    lambda: f"dot({e(V3)}, {e(V3)})", lambda: f"trace({e(M22)})",
                    lambda: f"det({e(M22)})", lambda: f"{p(V3)}[1]", lambda: f"{p(M23)}[1, 2]",
                    lambda: f"{p(V2)}[-1]", lambda: f"item({e(SCALAR)})",
                    lambda: f"{p(SCALAR)}.item()", lambda: f"len({e(V3)})",
                    lambda: f"numel({e(M23)})", lambda: f"{p(M22)}.numel()",
                    lambda: f"norm({e(src)}, p=1)", lambda: f"sum({p(M23)} @ {p(V3)})",
                    lambda: f"{p(V3)}.max()", lambda: f"{p(M23)}[0][1]",
                    lambda: f"{p(M23)}.shape[0]", lambda: f"len({p(M32)}.shape)",
                    lambda: f"{p(V3)}.ndim"]
            if self.leaves:
                x, xs = self.pick(sorted(self.leaves.items()))
                opts.append(lambda: f"sum(grad(sum({self.expr(xs, depth)} * {x}), {x}))")
            for name, fkind in self.funcs:  # (defaults bind each name)
                if fkind in ("elem", "scal"):
                    opts.append(lambda name=name: f"grad({name})({e(SCALAR)})")
                    if fkind == "elem":
                        opts.append(lambda name=name: f"grad(grad({name}))({e(SCALAR)})")
            return self.pick(opts)()
        if shape == V2:
            opts = [lambda: f"sum({e(M23)}, axis=1)", lambda: f"{p(M23)}.mean(axis=-1)",
                    lambda: f"{p(M23)} @ {p(V3)}", lambda: f"matmul({e(M22)}, {e(V2)})",
                    lambda: f"{p(M23)}[:, 0]", lambda: f"{p(V3)}[0:2]", lambda: f"{p(V3)}[:2]",
                    lambda: f"{p(V3)}[1:]", lambda: f"stack([{e(SCALAR)}, {e(SCALAR)}])",
                    lambda: f"[{e(SCALAR)}, {e(SCALAR)}]", lambda: f"max({e(M23)}, axis=1)",
                    lambda: f"{p(M22)}.sum(0)", lambda: f"{p(M32)}[0]",
                    lambda: f"min({e(M22)}, axis=0, keepdims=False)", lambda: f"softmax({e(V2)})",
                    lambda: f"flatten({e(M22)})[::2]", lambda: f"{p(M32)}[1, :]",
                    lambda: f"squeeze(reshape({e(V2)}, 2, 1))",
                    lambda: f"cat([{p(V2)}[:1], {p(V2)}[1:]])"]
        elif shape == V3:
            opts = [lambda: f"sum({e(M23)}, axis=0)", lambda: f"{p(M23)}[0]",
                    lambda: f"{p(V3)}[::-1]", lambda: f"log_softmax({e(V3)})",
                    lambda: f"{p(M32)} @ {p(V2)}", lambda: f"{p(M32)}.sum(axis=1)",
                    lambda: f"cat([{e(V2)}, unsqueeze({e(SCALAR)}, 0)])",
                    lambda: f"{p(M23)}[-1, :]", lambda: f"prod({e(M23)}, axis=0)",
                    lambda: f"{p(M32)}.T[1]", lambda: f"{p(M23)}.var(axis=0)",
                    lambda: f"std({e(M32)}, axis=1)", lambda: f"{p(V3)}.softmax()",
                    lambda: f"logsumexp({e(M23)}, axis=0)", lambda: f"norm({e(M32)}, axis=1)"]
            if self.leaves:
                x, xs = self.pick(sorted(self.leaves.items()))
                if xs == V3:
                    opts.append(lambda: f"grad(sum({self.expr(V3, depth)} * {x}), {x})")
            for name, fkind in self.funcs:  # (defaults bind each name)
                if fkind == "scal":
                    opts.append(lambda name=name: f"grad({name})({e(V3)})")
        elif shape == M23:
            opts = [lambda: f"outer({e(V2)}, {e(V3)})", lambda: f"reshape({e(M32)}, 2, 3)",
                    lambda: f"{p(M32)}.T", lambda: f"transpose({e(M32)})",
                    lambda: f"{p(M22)} @ {p(M23)}", lambda: f"stack([{e(V3)}, {e(V3)}])",
                    lambda: f"log_softmax({e(M23)}, axis=1)", lambda: f"{p(M32)}.reshape(2, -1)",
                    lambda: f"transpose({e(M32)}, 0, 1)",
                    lambda: f"unsqueeze({e(V3)}, 0) + zeros(2, 3)", lambda: f"{p(M23)}[::-1]",
                    lambda: f"{p(M23)}[:, ::-1]", lambda: f"[{e(V3)}, {e(V3)}]",
                    lambda: f"softmax({e(M23)}, axis=0)"]
        elif shape == M32:
            opts = [lambda: f"{p(M23)}.T", lambda: f"{p(M32)} @ {p(M22)}",
                    lambda: f"reshape({e(M23)}, 3, 2)",
                    lambda: f"stack([{e(V3)}, {e(V3)}], axis=1)",
                    lambda: f"outer({e(V3)}, {e(V2)})", lambda: f"{p(M23)}.transpose()",
                    lambda: f"{p(M23)}.reshape(-1, 2)", lambda: f"{p(M32)}[::-1, :]"]
        else:  # M22
            opts = [lambda: f"{p(M23)} @ {p(M32)}", lambda: f"inv({e(M22)} + eye(2) * 3)",
                    lambda: "eye(2)", lambda: f"outer({e(V2)}, {e(V2)})", lambda: f"{p(M22)}.T",
                    lambda: f"stack([{e(V2)}, {e(V2)}])",
                    lambda: f"reshape({e(V2)} * {p(V2)}[0], 1, 2) * ones(2, 1)",
                    lambda: f"[[{e(SCALAR)}, 1], [2, {e(SCALAR)}]]"]
            for name, fkind in self.funcs:  # (defaults bind each name)
                if fkind == "elem":
                    opts.append(lambda name=name: f"jacobian({name}, {e(V2)})")
                elif fkind == "scal":
                    opts.append(lambda name=name: f"hessian({name}, {e(V2)})")
            for x, xs in sorted(self.leaves.items()):
                if xs == V2:
                    opts.append(lambda x=x: f"jacobian({self.expr(V2, depth)} * {x}, {x})")
        return self.pick(opts)()

    def cond(self, depth=1):
        """A condition with one truth value."""
        kind = self.int(0, 9)
        s = lambda: self.paren(self.expr(SCALAR, max(depth - 1, 0)))  # noqa: E731
        if kind == 0:
            return self.pick(["True", "False", "not False", "1", "None == None"])
        if kind in (1, 2):
            return f"{s()} {self.pick(['<', '<=', '>', '>=', '==', '!='])} {s()}"
        if kind == 3:
            return f"{self.pick(SMALL)} < {s()} <= {self.pick(NUMBERS)}"
        if kind == 4:
            return f"not {self.paren(self.cond(depth - 1))}" if depth > 0 else "not True"
        if kind == 5 and depth > 0:
            return f"{self.cond(depth - 1)} {self.pick(['and', 'or'])} {self.cond(depth - 1)}"
        if kind == 6:
            shape = self.pick(SHAPES[1:])
            return f"{self.pick(['any', 'all'])}({self.paren(self.expr(shape, depth - 1))} > 0)"
        if kind == 7:
            return f"isnan({s()})" if self.coin() else f"isinf({s()})"
        if kind == 8 and self.leaves:
            x = self.pick(sorted(self.leaves))
            return self.pick([f"{x}.requires_grad", f"{x}.is_leaf", f"{x}.grad_fn == None",
                              f"{x}.grad != None"])
        return f"sum({self.expr(self.pick(SHAPES), depth - 1)}) > {self.pick(SMALL)}"

    # ----- statements -----
    def body(self, n, loop=False):
        """An indented block of up to n statements; names it binds are forgotten after it."""
        before = dict(self.env)
        self.level += 1
        for _ in range(n):
            self.statement(loop=loop)
        self.level -= 1
        self.env = {k: v for k, v in self.env.items() if k in before}

    def target(self, shape):
        """A name to assign: inside a block only names of the same shape or new ones."""
        if not self.in_def and self.level == 0:
            return self.pick([n for n in NAMES]) if self.coin() else self.fresh(self.pick("abuvw"))
        same = [n for n in self.names_of(shape) if n not in self.leaves]
        return self.pick(same) if same and self.coin() else self.fresh("t")

    def assign(self):
        shape = POLY if self.in_def and self.coin(2) else self.pick(SHAPES)
        if self.in_def and shape != POLY:
            shape = SCALAR
        name = self.target(shape)
        if name in self.leaves:
            del self.leaves[name]
            self.with_grad.discard(name)
        self.emit(f"{name} = {self.expr(shape, self.int(1, 3))}")
        self.env[name] = shape

    def statement(self, loop=False):
        d = 0 if self.level >= 2 else 1
        kind = self.int(0, 24 if d else 11)
        if kind <= 3:
            return self.assign()
        if kind == 4:                                   # augmented assignment
            names = [n for n, s in self.env.items() if n not in self.leaves]
            if names:
                n = self.pick(sorted(names))
                shape = self.env[n]
                other = shape if shape == POLY else self.pick(BROADCAST[shape])
                return self.emit(f"{n} {self.pick(['+=', '-=', '*=', '/='])} {self.expr(other, 1)}")
            return self.assign()
        if kind == 5:                                   # index assignment
            names = [n for n, s in self.env.items() if s not in (SCALAR, POLY)]
            if names:
                n = self.pick(sorted(names))
                shape = self.env[n]
                i = self.int(-shape[0], shape[0] - 1)
                if len(shape) == 2 and self.coin():
                    return self.emit(f"{n}[{i}, {self.int(0, shape[1] - 1)}] = {self.expr(SCALAR, 1)}")
                return self.emit(f"{n}[{i}] = {self.expr(shape[1:], 1)}")
            return self.assign()
        if kind == 6:                                   # print
            items = [self.pick(STRINGS)] + [self.expr(self.pick(SHAPES) if not self.in_def else POLY, 1)
                                            for _ in range(self.int(0, 2))]
            if self.coin(3):
                items.append('sep=" | "')
            return self.emit(f"print({', '.join(items)})")
        if kind == 7:                                   # an expression statement
            return self.emit(self.expr(self.pick(SHAPES) if not self.in_def else POLY, 2))
        if kind == 8:
            return self.emit(self.pick(["pass", "x9 = 1; pass", "import torch", "import torch as tt",
                                        "from torch.autograd import Variable",
                                        "from __future__ import print_function"]))
        if kind == 9 and loop:
            return self.emit(f"if {self.cond(0)}: {self.pick(['break', 'continue'])}")
        if kind == 10:                                  # simple statements joined by ';'
            saved, self.lines = self.lines, []
            self.assign()
            self.statement(loop=loop)
            made, self.lines = self.lines, saved
            indent = "    " * self.level
            if any(line[len(indent):].startswith(" ") or line.rstrip().endswith(":") for line in made):
                self.lines.extend(made)         # a block came out: keep the lines as they are
                return
            return self.emit("; ".join(line[len(indent):].rstrip(";") for line in made)
                             + self.pick(["", ";"]))
        if kind == 11 and not self.in_def:               # autograd on a leaf
            return self.autograd()
        if kind in (12, 13):                             # if / elif / else
            self.emit(f"if {self.cond()}:")
            self.body(self.int(1, 3), loop)
            for _ in range(self.int(0, 2)):
                self.emit(f"elif {self.cond()}:")
                self.body(self.int(1, 2), loop)
            if self.coin():
                self.emit("else:")
                self.body(self.int(1, 2), loop)
            return
        if kind == 14:                                   # one-line compound statements
            k = self.fresh("k")
            return self.emit(self.pick([f"{k} = 0; while {k} < 3: {k} = {k} + 1",
                                        f"if {self.cond(0)}: {k} = 1; {k} = {k} * 2",
                                        f"for {k} in range(2): pass"]))
        if kind in (15, 16):                             # while with a bounded counter
            k = self.fresh("k")
            self.emit(f"{k} = 0")
            self.emit(f"while {k} < {self.int(1, 3)}:")
            self.level += 1
            self.emit(f"{k} = {k} + 1" if self.coin() else f"{k} += 1")
            self.level -= 1
            self.body(self.int(1, 3), loop=True)
            return
        if kind in (17, 18):                             # for over a range or a tensor
            var = self.fresh("i")
            if self.coin() or self.in_def:
                rng = self.pick(["range(3)", "range(1, 3)", "range(4, 0, -2)", "range(0)",
                                 "range(2.0)"])
                self.emit(f"for {var} in {rng}:")
                self.env[var] = SCALAR
            else:
                shape = self.pick(SHAPES[1:])
                self.emit(f"for {var} in {self.paren(self.expr(shape, 1))}:")
                self.env[var] = shape[1:]
            self.body(self.int(1, 3), loop=True)
            self.env.pop(var, None)
            return
        if kind == 19 and not self.in_def and self.level == 0:
            return self.funcdef()
        if kind == 20:                                   # with no_grad() / enable_grad()
            self.emit(self.pick(["with no_grad():", "with torch.no_grad():", "with enable_grad():"]))
            self.body(self.int(1, 2), loop)
            return
        if kind == 21 and not self.in_def:
            return self.autograd()
        return self.assign()

    def autograd(self):
        if self.level == 0 and (not self.leaves or self.coin(3)):
            shape = self.pick(SHAPES)
            w = self.fresh("w")
            how = self.pick([self.paren(self.creation(shape).replace(", requires_grad=True", ""))
                             + ".requires_grad_()",
                             f"tensor({self.literal(shape)}, requires_grad=True)",
                             f"randn({dims(shape)}, requires_grad=True)" if shape else
                             "tensor(0.5, requires_grad=True)",
                             f"Variable(ones({dims(shape)}), requires_grad=True)" if shape else
                             "Variable(tensor(2.0), requires_grad=True)"])
            self.emit(f"{w} = {how}")
            self.env[w] = shape
            self.leaves[w] = shape
            return
        if not self.leaves:
            return self.assign()
        w, shape = self.pick(sorted(self.leaves.items()))
        kind = self.int(0, 8)
        if kind <= 2:                                    # a scalar loss, backward
            loss = self.fresh("L")
            self.emit(f"{loss} = {self.pick(['sum', 'mean'])}({self.paren(self.expr(shape, 2))} * {w})"
                      if self.coin() else f"{loss} = ({self.expr(shape, 2)} * {w}).sum()")
            self.emit(self.pick([f"{loss}.backward()", f"backward({loss})",
                                 f"{loss}.backward(retain_graph=True)",
                                 f"{loss}.backward(create_graph=True)"]))
            if self.level == 0:
                self.env[loss] = SCALAR
                self.with_grad.add(w)
            return
        if kind == 3:                                    # a non-scalar backward with gradient=
            y = self.fresh("Y")
            self.emit(f"{y} = {self.paren(self.expr(shape, 1))} * {w}")
            grad_arg = "ones_like(" + y + ")" if self.coin() else self.literal(shape)
            self.emit(f"{y}.backward({grad_arg})" if shape else f"{y}.backward()")
            if self.level == 0:
                self.with_grad.add(w)
            return
        if kind == 4:
            return self.emit(self.pick([f"print({w}.grad)", f"print({w}.grad_fn, {w}.is_leaf)",
                                        f"print({w}.shape, {w}.requires_grad, {w}.ndim)",
                                        f"graph({w} * 2)", f"print(({w} * {w}).grad_fn)"]))
        if kind == 5 and w in self.with_grad and self.level == 0:   # an SGD step, in place
            self.emit("with no_grad():")
            self.level += 1
            self.emit(f"{w} -= {self.pick(SMALL)} * {w}.grad")
            self.level -= 1
            return
        if kind == 6:
            if self.level == 0:
                self.with_grad.discard(w)
            return self.emit(self.pick([f"{w}.grad = None", f"zero_grad({w})"]))
        if kind == 7:
            g = self.fresh("g")
            self.emit(f"{g} = {self.pick(['grad', 'torch.autograd.grad'])}(sum({self.expr(shape, 1)} * {w}), "
                      f"{'[' + w + ']' if self.coin() else w})")
            return
        self.emit(f"print(jacobian({self.paren(self.expr(shape, 1))} * {w}, {w}))")

    def funcdef(self):
        name = self.fresh("f")
        kind = self.pick(["elem", "elem", "rec", "scal"])
        saved_env, saved_leaves = self.env, self.leaves
        self.env, self.leaves, self.in_def = {"x": POLY}, {}, True
        if kind == "rec":
            self.emit(f"def {name}(x, n=2):")
            self.level += 1
            self.emit("if n <= 0:")
            self.emit(f"    return {self.expr(POLY, 1)}")
            for _ in range(self.int(0, 2)):
                self.statement()
            self.emit(f"return {name}({self.expr(POLY, 1)}, n - 1) {self.pick(['+', '*', '-'])} "
                      f"{self.expr(POLY, 1)}")
        else:
            self.emit(f"def {name}(x):")
            self.level += 1
            for _ in range(self.int(0, 2)):
                self.statement()
            if self.coin(3):
                self.emit(f"if {self.cond(0)}:")
                self.emit(f"    return {self.expr(POLY, 1)}")
            if kind == "scal":
                self.emit(f"return {self.pick(['sum', 'mean', 'norm'])}({self.expr(POLY, 2)})")
            else:
                self.emit(f"return {self.expr(POLY, 2)}")
        self.level -= 1
        self.env, self.leaves, self.in_def = saved_env, saved_leaves, False
        self.funcs.append((name, kind))

    def program(self):
        if self.coin(3):
            self.emit(self.pick(["import torch", "seed(1)", "# a comment: 梯度", "x = 2"]))
            if self.lines[-1] == "x = 2":
                self.env["x"] = SCALAR
        for _ in range(self.int(1, self.max_stmts)):
            self.statement()
        if self.coin():
            self.emit(self.expr(self.pick(SHAPES), 2))   # the output
        text = "\n".join(self.lines) + "\n"
        return text if self.coin(8) else text.replace("\n", self.pick(["\r\n", "\n", "\n\n"]))


@st.composite
def programs(draw, max_stmts=10):
    """A valid G program (text)."""
    return _Builder(draw, max_stmts).program()


@st.composite
def program_cases(draw, max_stmts=10):
    """A generated program with options, and the names it binds at top level (for --wrt)."""
    b = _Builder(draw, max_stmts)
    text = b.program()
    args = draw(_options(sorted(n for n, s in b.env.items() if s != POLY),
                         sorted(b.leaves)))
    return FuzzCase(text, args, "generated")


@st.composite
def _options(draw, names=(), leaves=()):
    args = ["--json"] if draw(st.booleans()) else []
    if names and draw(st.integers(0, 3)) == 0:
        pool = list(leaves) + list(names) if leaves else list(names)
        for name in draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)):
            args += ["--wrt", name]
        extra = draw(st.integers(0, 5))
        if extra == 0:
            args.append("--check")
        elif extra == 1:
            args.append("--explain")
        elif extra == 2:
            args.append("--graph")
        elif extra == 3:
            args += ["--of", draw(st.sampled_from(list(names)))]
    elif draw(st.integers(0, 10)) == 0:
        args += draw(st.sampled_from([["--graph"], ["--explain"], ["--seed", "3"],
                                      ["--max-depth", "50"], ["--max-nesting", "20"],
                                      ["--set", "x=2"], ["--set", "w=randn(3)"]]))
    return args


# ----- mutations -----

SPECIAL_BYTES = [b"\x00", b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                 b"\x80", b"\r", b"\t", b"\x0c", b"\x0b", b"\x1b[31m", b"\\", b"\\\n", b"#", b"'", b'"',
                 b"(", b")", b"[", b"]", b":", b";", b"\n", b"    ", b"\xef\xbb\xbf", b"\xe2\x80\xa8",
                 b"\xc2\xa0", b"__", b"\xd8\xa7", b"\xf0\x9f\x98\x80"]
REPEATS = [b"(", b"[", b"-", b"not ", b"1+", b"x", b" ", b"\n", b"    ", b"\t", b"((", b"a.", b"f(",
           b"2**", b"if 1:\n", b"[1,", b"\xff", b"\x00", b"#", b"'", b"1e", b"0", b"x[0]", b"+-"]


def _mutate_bytes(data: bytes, ops) -> bytes:
    buf = bytearray(data)
    for op, a, b, c in ops:
        n = len(buf)
        pos = a % (n + 1)
        if op == "flip" and n:
            buf[pos % n] ^= 1 << (b % 8)
        elif op == "insert":
            buf[pos:pos] = SPECIAL_BYTES[b % len(SPECIAL_BYTES)] if c % 4 else bytes([b % 256])
        elif op == "delete":
            del buf[pos:pos + 1 + b % 16]
        elif op == "repeat":
            chunk = REPEATS[b % len(REPEATS)] if c % 3 else bytes(buf[pos:pos + 1 + b % 8])
            times = (1000, 10_000, 100_000, 7, 300)[c % 5]
            if len(chunk) * times > 400_000:
                times = 400_000 // max(len(chunk), 1)
            buf[pos:pos] = chunk * times
        elif op == "truncate":
            del buf[pos:]
        elif op == "dup" and n:
            end = min(n, pos + 1 + b % 64)
            buf[pos:pos] = buf[pos:end]
    return bytes(buf)


_OPS = st.tuples(st.sampled_from(["flip", "flip", "insert", "insert", "delete", "repeat", "truncate",
                                  "dup"]),
                 st.integers(0, 1 << 20), st.integers(0, 255), st.integers(0, 255))


@st.composite
def byte_mutants(draw, seeds=None):
    """Bytes of a program (generated, or a sample) after a few byte-level edits."""
    seeds = seeds if seeds is not None else seed_programs()
    source = draw(seeds)
    ops = draw(st.lists(_OPS, min_size=1, max_size=4))
    # Repeats are expensive; at most one per input.
    seen, kept = False, []
    for op in ops:
        if op[0] == "repeat":
            if seen:
                continue
            seen = True
        kept.append(op)
    return _mutate_bytes(source.encode("utf-8"), kept)


TOKEN = re.compile(r"""[ \t]*(?:\#[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\d+\.?\d*(?:[eE][-+]?\d+)?
                   |\.\d+|[^\W\d]\w*|\*\*|[-+*/]=|[<>=!]=|\r?\n|.)""", re.X)
INSERTS = ["(", ")", "[", "]", ":", ",", "=", "if", "else", "def", "return", "while", "for", "in",
           "not", "and", ".", "**", "^", "@", "lambda", "import", "with", "None", "True", "\\", "'",
           '"', "#", ";", "\n", "\n    ", "\n\t", "break", "continue", "__class__", "1e999", "-"]


def _tokens(text):
    return TOKEN.findall(text)


def _mutate_tokens(text: str, ops) -> str:
    toks = _tokens(text)
    for op, a, b in ops:
        n = len(toks)
        if not n:
            toks = [INSERTS[b % len(INSERTS)]]
            continue
        i, j = a % n, b % n
        if op == "drop":
            del toks[i]
        elif op == "dup":
            toks.insert(i, toks[i])
        elif op == "swap":
            toks[i], toks[j] = toks[j], toks[i]
        elif op == "insert":
            tok = INSERTS[b % len(INSERTS)]
            toks.insert(i, tok if tok.startswith("\n") else " " + tok)
        elif op in ("indent", "dedent", "tab", "joinline", "dupline", "dropline"):
            lines = "".join(toks).split("\n")
            k = a % len(lines)
            if op == "indent":
                lines[k] = " " * (1 + b % 8) + lines[k]
            elif op == "dedent":
                lines[k] = lines[k][min(len(lines[k]) - len(lines[k].lstrip(" ")), 1 + b % 4):]
            elif op == "tab":
                lines[k] = "\t" + lines[k].lstrip(" ")
            elif op == "joinline" and k + 1 < len(lines):
                lines[k:k + 2] = [lines[k] + " " + lines[k + 1].lstrip()]
            elif op == "dupline":
                lines.insert(k, lines[k])
            elif op == "dropline":
                del lines[k]
            toks = _tokens("\n".join(lines))
    return "".join(toks)


_TOPS = st.tuples(st.sampled_from(["drop", "drop", "dup", "swap", "insert", "insert", "indent",
                                   "dedent", "tab", "joinline", "dupline", "dropline"]),
                  st.integers(0, 1 << 16), st.integers(0, 1 << 16))


@st.composite
def token_mutants(draw, seeds=None):
    """A program's text after a few token-level edits."""
    seeds = seeds if seeds is not None else seed_programs()
    return _mutate_tokens(draw(seeds), draw(st.lists(_TOPS, min_size=1, max_size=4)))


def seed_programs(max_stmts=8):
    """What mutations start from: generated programs and the samples."""
    return st.one_of(programs(max_stmts), st.sampled_from(SAMPLES))


@st.composite
def mutant_cases(draw, kind=None):
    kind = kind or draw(st.sampled_from(["bytes", "tokens"]))
    source = draw(byte_mutants() if kind == "bytes" else token_mutants())
    return FuzzCase(source, draw(_options()), kind)


def cases(max_stmts=10):
    """Every kind of input: generated programs, byte mutants, token mutants."""
    return st.one_of(program_cases(max_stmts), mutant_cases("bytes"), mutant_cases("tokens"))
