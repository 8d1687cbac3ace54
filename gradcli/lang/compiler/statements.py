"""Statements -> closures `ex(f) -> None | BREAK | CONTINUE | RETURN`.

Top-level bindings go through the session (`bind_top`), which marks `--wrt` names and tracks
the output; bindings inside functions are plain slot stores.
"""
from __future__ import annotations

from ...autograd import functions as fn
from ...autograd.tensor import Tensor, mode
from ...autograd.tensor import no_grad as _no_grad_cls
from ...errors import GNameError, GradcliError, GTypeError
from .. import ast as A
from ..builtins import MODULES, TENSOR_SETTERS
from ..semantics import bind_value, binop, iterate, list_to_tensor, subscript, truth
from ..values import UNBOUND, Namespace, UserFunction, type_name

_Tensor = Tensor

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


class StmtCompiler:
    """Mixin of `Compiler`: `block(stmts)` returns one closure running them in order."""

    def block(self, stmts):
        compiled = [self.stmt(s) for s in stmts]
        if len(compiled) == 1:
            return compiled[0]
        if not compiled:
            return lambda f: None

        def run(f):
            for s in compiled:
                r = s(f)
                if r is not None:
                    return r
        return run

    def stmt(self, node):
        return getattr(self, "s_" + type(node).__name__)(node)

    # ----- binding -----
    def binder(self, name, span, *, statement, list_literal=False):
        """A function `bind(f, value)` for `name` in this scope."""
        if self.slots is not None:
            i = self.slots[name]

            def bind_local(f, v):
                if list_literal and type(v) is list:
                    v = bind_value(v)
                if type(v) is _Tensor and v.grad_fn is not None and v.grad_fn.name is None:
                    v.grad_fn.name = name
                f[i] = v
            return bind_local
        session = self.session
        G = session.globals

        def bind_top(f, v):
            if list_literal and type(v) is list:
                v = bind_value(v)
            if name in session.wrt or session.bind_hook is not None:
                session.bind_top(name, v, statement, span)
                return
            # Session.bind_top for a name that --wrt does not mark, inline (the hot path of a
            # top-level loop): name the value's node, bind, and remember the output.
            if type(v) is _Tensor:
                node = v.grad_fn
                if node is not None and node.name is None:
                    node.name = name
                G[name] = v
                if statement:
                    session.last_output = (name, v, span)
                return
            G[name] = v
            if statement and isinstance(v, _Tensor):
                session.last_output = (name, v, span)
        return bind_top

    def s_Assign(self, node):
        value = self.expr(node.value)
        bind = self.binder(node.target, node.span, statement=True,
                           list_literal=isinstance(node.value, A.ListExpr))

        def ex(f):
            bind(f, value(f))
        return ex

    def s_AugAssign(self, node):
        load = self.e_Name(A.Name(node.span, node.target))
        value, op, span = self.expr(node.value), node.op, node.span
        bind = self.binder(node.target, node.span, statement=True)
        # At top level the updated leaf is the statement's tensor, the output (§10).
        updated = self.session.updated_in_place if self.slots is None else None
        name = node.target

        def ex(f):
            cur = load(f)
            v = value(f)
            try:
                mode.site = span
                res = binop(op, cur, v)
                if isinstance(cur, _Tensor) and cur.grad_fn is None and cur.requires_grad \
                        and not mode.enabled:
                    # The SGD step under no_grad: new values, same leaf (LANGUAGE.md §3).
                    cur.update_(res.data)
                    if updated is not None:
                        updated(name, cur, span)
                    return
            except GradcliError as e:
                raise e.at(span)
            bind(f, res)
        return ex

    def s_IndexAssign(self, node):
        load = self.e_Name(A.Name(node.span, node.target))
        index, value, span = self.index(node.index), self.expr(node.value), node.span
        bind = self.binder(node.target, node.span, statement=True)

        def ex(f):
            cur, i, v = load(f), index(f), value(f)
            try:
                if isinstance(cur, list):
                    new = list(cur)
                    subscript(new, i)            # checks the index
                    new[int(i.data) if isinstance(i, _Tensor) else i] = v
                    bind(f, new)
                    return
                if not isinstance(cur, _Tensor):
                    raise GTypeError(f"{type_name(cur)} does not support item assignment")
                if isinstance(i, list):
                    i = list_to_tensor(i)
                if isinstance(v, list):
                    v = list_to_tensor(v)
                mode.site = span
                res = fn.setitem(cur, i, v)
            except GradcliError as e:
                raise e.at(span)
            bind(f, res)
        return ex

    def s_AttrAssign(self, node):
        target, attr, value, span = self.expr(node.target), node.attr, self.expr(node.value), node.span

        def ex(f):
            t, v = target(f), value(f)
            try:
                setter = TENSOR_SETTERS.get(attr) if isinstance(t, _Tensor) else None
                if setter is None:
                    if isinstance(t, _Tensor) or t is None or isinstance(t, (str, Namespace)):
                        raise GNameError(f"cannot set the attribute '{attr}' of {type_name(t)}"
                                         + (" (only .grad and .requires_grad can be set)"
                                            if isinstance(t, _Tensor) else ""))
                    raise GTypeError(f"cannot set attributes of {type_name(t)}")
                setter(t, v)
            except GradcliError as e:
                raise e.at(span)
        return ex

    def s_ExprStmt(self, node):
        if type(node.value) is A.Str:               # a docstring: nothing to do, no output
            return lambda f: None
        value = self.expr(node.value)
        if self.slots is not None:
            def ex_local(f):
                value(f)
            return ex_local
        session, span = self.session, node.span
        if isinstance(node.value, A.ListExpr):      # a list literal as the output: a tensor (§4)
            literal = value
            value = lambda f: bind_value(literal(f))  # noqa: E731

        def ex(f):
            session.expression_value(value(f), span)
        return ex

    # ----- control flow -----
    def s_If(self, node):
        test, body, orelse, span = self.expr(node.test), self.block(node.body), self.block(node.orelse), node.span
        flow, test_span = self.session.flow, node.test.span

        def ex(f):
            try:
                t = truth(test(f))
            except GradcliError as e:
                raise e.at(test_span)
            if flow is not None:
                flow.branch(span, t)
            return body(f) if t else orelse(f)
        return ex

    def s_While(self, node):
        test, body, span = self.expr(node.test), self.block(node.body), node.span
        flow, test_span = self.session.flow, node.test.span

        def ex(f):
            n = 0
            try:
                while True:
                    try:
                        if not truth(test(f)):
                            break
                    except GradcliError as e:
                        raise e.at(test_span)
                    n += 1
                    r = body(f)
                    if r is not None:
                        if r is BREAK:
                            break
                        if r is CONTINUE:
                            continue
                        return r
            finally:
                if flow is not None:
                    flow.loop(span, n)
        return ex

    def s_For(self, node):
        it, body, span = self.expr(node.iter), self.block(node.body), node.span
        bind = self.binder(node.target, node.span, statement=False)
        flow = self.session.flow

        def ex(f):
            v = it(f)
            try:
                items = iterate(v)
            except GradcliError as e:
                raise e.at(span)
            n = 0
            try:
                for item in items:
                    n += 1
                    bind(f, item)
                    r = body(f)
                    if r is not None:
                        if r is BREAK:
                            break
                        if r is CONTINUE:
                            continue
                        return r
            except GradcliError as e:
                raise e.at(span)
            finally:
                if flow is not None:
                    flow.loop(span, n)
        return ex

    def s_Break(self, node):
        return lambda f: BREAK

    def s_Continue(self, node):
        return lambda f: CONTINUE

    def s_Pass(self, node):
        return lambda f: None

    def s_Return(self, node):
        value = self.expr(node.value) if node.value is not None else (lambda f: None)

        def ex(f):
            f[0] = value(f)
            return RETURN
        return ex

    def s_FunctionDef(self, node):
        slots = {p.name: i + 1 for i, p in enumerate(node.params)}
        assigned_names(node.body, slots)
        inner = self.nested(slots)
        body = inner.block(node.body)
        defaults = [self.expr(p.default) if p.default is not None else None for p in node.params]
        params = tuple(p.name for p in node.params)
        bind = self.binder(node.name, node.span, statement=False)
        session, name, span = self.session, node.name, node.span

        def ex(f):
            ds = tuple(d(f) if d is not None else UNBOUND for d in defaults)
            bind(f, UserFunction(name, params, ds, len(slots) + 1, body, session, span, f))
        return ex

    def s_With(self, node):
        context, body, span = self.expr(node.context), self.block(node.body), node.span

        def ex(f):
            ctx = context(f)
            if not isinstance(ctx, _no_grad_cls):
                raise GTypeError(f"'with' needs no_grad() or enable_grad(), not {type_name(ctx)}", span)
            with ctx:
                return body(f)
        return ex

    def s_Import(self, node):
        module = MODULES.get(node.module)
        if module is None:
            return _raiser(_no_module(node.module, node.span))
        name = node.asname or node.module.split(".")[0]
        value = module if node.asname else MODULES[node.module.split(".")[0]]
        bind = self.binder(name, node.span, statement=False)
        return lambda f: bind(f, value)

    def s_ImportFrom(self, node):
        if node.module == "__future__":
            return lambda f: None
        module = MODULES.get(node.module)
        if module is None:
            return _raiser(_no_module(node.module, node.span))
        binds = []
        for name, asname in node.names:
            if name not in module.members:
                return _raiser(GNameError(f"cannot import '{name}' from '{node.module}'", node.span))
            binds.append((self.binder(asname or name, node.span, statement=False), module.members[name]))

        def ex(f):
            for bind, value in binds:
                bind(f, value)
        return ex


def _no_module(name, span):
    hint = None
    if name.split(".")[0] in ("numpy", "math", "scipy", "random"):
        hint = ("G needs no import: what numpy and math give is built in — tensor, ones, zeros, "
                "sin, exp, sqrt, sum, mean, matmul (@), pi, randn — in docs/language.md §8")
    return GNameError(f"no module named '{name}': only torch (and torch.autograd, torch.nn.functional) "
                      "can be imported, for PyTorch compatibility", span, hint)


def _raiser(err):
    """A statement that fails when it runs (not when it is compiled), as Python's import does."""
    def ex(f):
        raise err
    return ex
