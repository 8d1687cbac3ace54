"""No escapes (LANGUAGE.md §6, §7, §11): a G script reaches nothing but G values.

"Nothing beyond §7 is a built-in: no built-in reads files, runs code from strings, or reaches
Python objects." Every escape attempt below must fail cleanly — a NameError (an unknown name,
attribute or module) or a SyntaxError (a name beginning with `__`) — and have no effect. Beyond
the explicit list, the tests walk the tables a script can reach (the built-ins, the torch
namespace, tensor attributes and methods, attributes of grad_fn) and try every attribute name
Python, numpy and PyTorch objects have.
"""
from __future__ import annotations

import builtins as py_builtins
import contextlib
import io
import json
import os
import pathlib
import re
import shutil
import subprocess

import numpy as np
import pytest

from gradcli import run as runner
from gradcli.autograd.tensor import Node, Tensor
from gradcli.errors import GradcliError
from gradcli.lang import builtins as B
from gradcli.lang.values import UserFunction
from gradcli.lang.values import BuiltinFunction, DType, Namespace

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(source: str, **opts):
    """Run `source` in-process with --json. -> (status, document, stderr)"""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = runner.run_script(source, "<sandbox>", {"as_json": True, "timeout": 10, **opts})
    assert "Traceback" not in out.getvalue() + err.getvalue()
    return status, json.loads(out.getvalue()), err.getvalue()


def assert_refused(source, kinds=("NameError", "SyntaxError")):
    status, doc, err = run(source)
    assert status == 1 and doc["ok"] is False, (source, doc)
    assert doc["error"]["kind"] in kinds, (source, doc["error"])
    assert doc["error"]["line"] is not None, (source, doc["error"])
    assert doc.get("printed", []) == [], (source, doc)
    assert err == ""
    return doc["error"]


SETUP = ("x = ones(2, requires_grad=True)\ny = x * 2\ndef f(a): return a\n")

ESCAPES = [
    "x.__class__",
    "x.data.__array_interface__",
    "().__class__.__bases__",
    "().__class__.__bases__[0].__subclasses__()",
    "eval('1')",
    "exec('print(1)')",
    "open('/etc/passwd')",
    "open('MARKER', 'w')",
    "getattr(x, 'data')",
    "setattr(x, 'data', 1)",
    "__import__('os')",
    "__import__('os').system('touch MARKER')",
    "import os",
    "import sys",
    "import subprocess",
    "import numpy",
    "import torch.os",
    "import torch.autograd.os",
    "from os import system",
    "from torch import os",
    "from torch import __builtins__",
    "torch.__dict__",
    "torch.__builtins__",
    "torch.os",
    "torch.np",
    "torch.numpy",
    "torch.autograd.functional.__globals__",
    "print.__globals__",
    "print.__call__",
    "print.__self__",
    "print.__closure__",
    "f.__code__",
    "f.__globals__",
    "f.__closure__",
    "grad.fn",
    "print.fn",
    "ones.__call__",
    "ones.fn",
    "ones.name",
    "f.fn",
    "f.body",
    "f.session",
    "f.params",
    "f.defaults",
    "f.parent",
    "f.name",
    "grad(f).fn",
    "x.sum.fn",
    "x.sum.__self__",
    "x.data.base",
    "x.data.ctypes",
    "x.data.tofile('MARKER')",
    "x.data.dump('MARKER')",
    "x.numpy()",
    "x.storage()",
    "x.data_ptr()",
    "x.__reduce__()",
    "x.grad_fn",                       # (None for a leaf: its attributes are those of None)
    "x.grad_fn.op",
    "y.grad_fn.op",
    "y.grad_fn.inputs",
    "y.grad_fn.saved",
    "y.grad_fn.params",
    "y.grad_fn.site",
    "y.grad_fn.out",
    "y.grad_fn.next_functions",
    "y.grad_fn.register_hook",
    "y.grad_fn.name.fn",
    "torch.autograd.Variable.fn",
    "Variable.fn",
    "torch.float.name",
    "torch.nn.functional.relu.fn",
    "no_grad().__enter__",
    "no_grad().prev",
    "x.shape.count",
    "x.shape.__len__",
    "range(3).start",
    "[1, 'a'].append",
    "'abc'.upper()",
    "'{0.__class__}'.format(x)",
    "'{}'.format",
    "None.x",
    "True.real",
    "breakpoint()",
    "globals()",
    "locals()",
    "vars()",
    "vars(x)",
    "dir()",
    "dir(x)",
    "type(x)",
    "type(x).__mro__",
    "input()",
    "exit()",
    "quit()",
    "help()",
    "help(x)",
    "compile('1', 'f', 'eval')",
    "object",
    "super()",
    "id(x)",
    "hash(x)",
    "isinstance(x, x)",
    "repr(x)",
    "str(x)",
    "format(x)",
    "memoryview(x)",
    "lambda_ = lambda: 1",
    "os.system('touch MARKER')",
    "sys.modules",
    "np.load('MARKER')",
    "numpy.fromfile('/etc/passwd')",
]


@pytest.mark.parametrize("attempt", ESCAPES)
def test_escape_attempts_fail_cleanly(attempt, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = SETUP + attempt + "\nprint('escaped')\n"
    if attempt == "x.grad_fn":                # a leaf has no grad_fn: None, itself harmless
        source = SETUP + "x.grad_fn.op\n"
    assert_refused(source)
    assert list(tmp_path.iterdir()) == [], "the attempt had an effect"


def test_a_format_string_is_just_a_string():
    status, doc, _ = run("s = '{0.__class__}'\nprint(s, '{x.__dict__}', \"%s\")\n")
    assert status == 0 and doc["printed"] == ["{0.__class__} {x.__dict__} %s"]
    # `%` and methods do not apply to strings
    assert_refused("print('%s' % ones(2))", kinds=("TypeError",))
    assert_refused("print('{}'.format(1))")


def test_setting_attributes_is_refused():
    for source in ["x = ones(2)\nx.data = ones(3)", "x = ones(2)\nx.__class__ = 1", "torch.ones = 1",
                   "torch.x = 1", "def f(): return 1\nf.name = 1", "print.fn = 1", "None.x = 1"]:
        assert_refused(source, kinds=("NameError", "SyntaxError", "TypeError"))


# ----- the tables a script can reach -----

KEYWORDS = ("if elif else while for in def return break continue pass and or not with import from as "
            "True False None").split()
# Attribute names that Python, numpy and PyTorch objects have (G's keywords cannot be names).
PYTHON_NAMES = sorted(set(dir(Tensor)) | set(dir(np.ndarray)) | set(dir(Node)) | set(dir(UserFunction))
                      | set(dir(BuiltinFunction)) | set(dir(Namespace)) | set(dir(DType))
                      | set(dir(lambda: 0)) | set(dir(py_builtins)) | set(dir("")) | set(dir(())) | {
    "numpy", "storage", "untyped_storage", "data_ptr", "_version", "base", "ctypes", "flat",
    "tofile", "dump", "dumps", "tobytes", "view_as", "register_hook", "retain_grad", "grad_fn_",
    "next_functions", "metadata", "op", "inputs", "saved", "params", "site", "fn", "body", "session",
    "func_globals", "gi_frame", "f_back", "im_func", "members", "apply", "forward", "vjps",
    "engine", "os", "sys", "np", "numpy", "builtins", "modules", "loader", "spec", "path"}
                      - set(KEYWORDS))

# The attributes §6 names, and the PyTorch spellings gradcli adds (`x.size()`, `x.view(…)` …).
TENSOR_ALLOWED = {"data", "grad", "grad_fn", "requires_grad", "is_leaf", "shape", "ndim", "T", "item",
                  "numel", "detach", "requires_grad_", "backward"}
TENSOR_EXTRAS = {"size", "dim", "view", "t", "mm", "eq", "ne", "lt", "le", "gt", "ge", "add", "sub",
                 "mul", "div", "neg", "clone", "float", "double", "tolist", "zero_grad", "clip",
                 "permute", "broadcast_to",
                 # PyTorch training idioms (docs/language.md §7, §15): in-place reset, kept gradients
                 "zero_", "retain_grad", "retains_grad", "expand", "amax", "amin"}
SECTION7 = set(("tensor ones zeros full eye arange linspace rand randn ones_like zeros_like seed "
                "abs exp log log1p sqrt sin cos tan asin acos atan sinh cosh tanh sigmoid relu softplus "
                "sign floor ceil round pow maximum minimum clamp where sum mean prod max min var std "
                "logsumexp norm softmax log_softmax any all reshape transpose flatten squeeze unsqueeze "
                "stack cat matmul dot outer trace inv det backward grad jacobian hessian detach no_grad "
                "enable_grad zero_grad print graph range len shape numel item isnan isinf pi e inf nan "
                "torch Variable FloatTensor").split())
FORBIDDEN = {"eval", "exec", "open", "getattr", "setattr", "delattr", "hasattr", "compile", "globals",
             "locals", "vars", "dir", "type", "input", "exit", "quit", "help", "breakpoint", "object",
             "super", "id", "hash", "isinstance", "repr", "str", "format", "memoryview", "os", "sys",
             "np", "numpy", "load", "save", "fromfile", "loadtxt", "genfromtxt", "system", "popen",
             "subprocess", "importlib", "builtins", "file", "read", "write"}


def _attribute_errors(setup, names, allowed=()):
    """Access `v.NAME` (and call `v.NAME()`) for each name, `v` bound by the G code `setup`: the
    names that do not fail as they must (SyntaxError for `__name`, else NameError).

    Names beginning with `__` never get past the parser, so a few of them run as programs; the
    others go through `compiler.get_attr`, which is what `v.NAME` and `v.NAME(…)` compile to
    (one program per name would take minutes)."""
    from gradcli.lang.semantics import get_attr
    from gradcli.lang.runtime import Session
    session = Session()
    session.run(setup, "<setup>")
    v = session.globals["v"]
    bad = []
    dunders = [n for n in names if n.startswith("__")]
    for name in dunders[:5] + dunders[-5:]:
        for code in (f"v.{name}", f"v.{name}()", f"v.{name} = 1"):
            status, doc, _ = run(f"{setup}\n{code}\n")
            if doc.get("error", {}).get("kind") != "SyntaxError":
                bad.append((code, doc))
    for name in names:
        if name.startswith("__") or name in allowed:
            continue
        try:
            get_attr(v, name)
        except GradcliError as err:
            if err.kind != "NameError":
                bad.append((name, err))
        else:
            bad.append((name, "no error"))
    for name in [n for n in names if not n.startswith("__") and n not in allowed][:10]:
        status, doc, _ = run(f"{setup}\nv.{name}()\n")
        if doc.get("error", {}).get("kind") != "NameError":
            bad.append((name + "()", doc))
    return bad


def test_tensor_attributes_are_only_those_of_section_6():
    assert set(B.TENSOR_PROPS) | set(B.TENSOR_METHODS) <= TENSOR_ALLOWED | SECTION7 | TENSOR_EXTRAS
    names = [n for n in PYTHON_NAMES if n not in B.TENSOR_PROPS and n not in B.TENSOR_METHODS]
    for setup in ("v = ones(2, requires_grad=True)", "x = ones(2, requires_grad=True)\nv = x * 2",
                  "v = 3", "v = ones(2).data", "v = ones(2, requires_grad=True).detach()"):
        bad = _attribute_errors(setup, names)
        assert not bad, (setup, bad[:5])


def _g_value(v, depth=0):
    """True when `v` is a value a G script may hold (no Python object of ours or numpy's)."""
    if v is None or isinstance(v, (bool, str, range, Tensor, BuiltinFunction, Namespace, DType)):
        return not isinstance(v, Tensor) or isinstance(v.data, (np.ndarray, np.floating, np.bool_, float))
    if isinstance(v, (list, tuple)) and depth < 4:
        return all(_g_value(x, depth + 1) for x in v)
    if isinstance(v, Node):                     # a grad_fn: its attributes are checked below
        return True
    return type(v).__name__ in ("no_grad", "enable_grad", "_GradMode", "GradMode")


def test_tensor_properties_and_methods_return_g_values():
    from gradcli.autograd import functions as fn
    x = fn.ones(2, 2, requires_grad=True)
    y = fn.mul(x, 2.0)
    for t in (x, y, fn.ones(3)):
        for name, prop in B.TENSOR_PROPS.items():
            assert _g_value(prop(t)), name
        for name, method in B.TENSOR_METHODS.items():
            try:
                value = method(t)
            except (GradcliError, TypeError, ValueError, IndexError):
                continue
            assert _g_value(value), (name, type(value))


def test_builtins_table_has_nothing_that_reaches_python():
    assert not FORBIDDEN & set(B.BUILTINS)
    stack, seen = [("", B.TORCH)], set()
    for name, value in B.BUILTINS.items():
        assert isinstance(value, (BuiltinFunction, Namespace, Tensor)), (name, type(value))
    while stack:
        prefix, ns = stack.pop()
        if id(ns) in seen:
            continue
        seen.add(id(ns))
        assert not FORBIDDEN & set(ns.members), (prefix, FORBIDDEN & set(ns.members))
        for name, value in ns.members.items():
            assert not name.startswith("_"), f"{prefix}{name}"
            assert isinstance(value, (BuiltinFunction, Namespace, Tensor, DType)), (f"{prefix}{name}", value)
            if isinstance(value, Namespace):
                stack.append((f"{prefix}{name}.", value))


@pytest.mark.parametrize("what,setup", [
    ("built-in function", "v = ones"),
    ("user function", "def v(a): return a"),
    ("grad(f)", "def f(a): return a * a\nv = grad(f)"),
    ("method", "v = ones(2).sum"),
    ("grad_fn", "x = ones(2, requires_grad=True)\nv = (x * 2).grad_fn"),
    ("module", "v = torch"),
    ("dtype", "v = torch.float"),
    ("None", "v = None"),
    ("string", "v = 'abc'"),
    ("tuple", "v = ones(2, 3).shape"),
    ("list", "v = [1, 'a']"),
    ("range", "v = range(3)"),
    ("bool", "v = True"),
    ("no_grad", "v = no_grad()"),
])
def test_no_python_attribute_of_any_value(what, setup):
    allowed = {"grad_fn": set(B.GRAD_FN_METHODS), "module": set(B.TORCH.members)}.get(what, set())
    bad = _attribute_errors(setup, PYTHON_NAMES, allowed)
    assert not bad, bad[:5]


def test_grad_fn_has_only_its_name():
    assert set(B.GRAD_FN_METHODS) <= {"name"}       # PyTorch's grad_fn.name(): a string
    status, doc, _ = run("x = ones(2, requires_grad=True)\nprint((x * 2).grad_fn.name())\n")
    assert status == 0 and doc["printed"] == ["MulBackward0"]


# ----- no built-in reads (or writes) files -----

def test_no_builtin_touches_files(tmp_path, monkeypatch):
    """Call every built-in (and every torch.* function) with many kinds of arguments, paths
    included, with every way Python and numpy open files made to fail loudly."""
    run("x = ones(2)\ny = x @ x\nprint(y)\n")      # warm up: the parser's tables are read here
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.txt").write_text("1 2 3\n")
    touched = []

    def deny(what):
        def f(*args, **kwargs):
            touched.append((what, args[:1]))
            raise PermissionError(f"sandbox test: {what} called")
        return f
    for mod, name in [(py_builtins, "open"), (io, "open"), (os, "open"), (os, "listdir"),
                      (os, "scandir"), (os, "system"), (os, "popen"), (os, "remove"), (os, "unlink"),
                      (subprocess, "Popen"), (np, "load"), (np, "save"), (np, "loadtxt"),
                      (np, "savetxt"), (np, "fromfile"), (np, "genfromtxt"), (np, "memmap"),
                      (pathlib.Path, "open"), (pathlib.Path, "read_text"), (pathlib.Path, "write_text"),
                      (shutil, "copy"), (shutil, "rmtree")]:
        monkeypatch.setattr(mod, name, deny(f"{getattr(mod, '__name__', mod)}.{name}"))

    functions = {}
    stack = [("", {**B.BUILTINS, **B.TORCH.members})]
    while stack:
        prefix, table = stack.pop()
        for name, value in table.items():
            if isinstance(value, BuiltinFunction):
                functions[prefix + name] = value
            elif isinstance(value, Namespace):
                stack.append((prefix + name + ".", value.members))
    from gradcli.autograd import functions as fn
    t, m = fn.ones(3, requires_grad=True), fn.ones(2, 2)
    args = [(), ("data.txt",), ("/etc/passwd",), (t,), (m,), (t, t), (m, m), (t, "data.txt"),
            ("data.txt", "r"), (2,), (2, 3), (t, 0), ([1.0, 2.0],), (lambda a: a,)]
    for name, f in sorted(functions.items()):
        if name in ("print", "graph"):             # they write to stdout through the session
            continue
        for a in args:
            with contextlib.suppress(Exception):
                f.fn(*a)
    assert touched == [], touched


def test_language_and_engine_code_opens_no_files():
    """Statically: in the language (gradcli/lang) and the engine (gradcli/autograd), only the
    parser opened files (its grammar and its cached tables) before its tables were generated into
    a module; now nothing does. Subpackages (lang/parse, lang/compiler, autograd/ops, …) count."""
    opener = re.compile(r"\bopen\(|\.read_text\(|\.read_bytes\(|np\.(load|fromfile|loadtxt|genfromtxt)\b"
                        r"|\bos\.(system|popen|exec\w*|spawn\w*)\(|subprocess|\beval\(|\bexec\(|__import__"
                        r"|importlib")
    offenders = []
    for folder in ("lang", "autograd"):
        for path in sorted((ROOT / "gradcli" / folder).rglob("*.py")):
            for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
                code = line.split("#", 1)[0]
                if opener.search(code):
                    offenders.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert offenders == [], offenders


# ----- through the real executable -----

@pytest.mark.skipif(shutil.which("gradcli") is None, reason="the gradcli executable is not on PATH")
@pytest.mark.parametrize("attempt", ["__import__('os').system('touch MARKER')",
                                     "open('MARKER', 'w')", "import os", "x = ones(2)\nx.__class__",
                                     "eval('1')", "x = ones(2)\nx.data.tofile('MARKER')"])
def test_escape_attempts_through_the_executable(attempt, tmp_path):
    proc = subprocess.run(["gradcli", "run", "-e", attempt], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 1, proc
    assert proc.stderr.split(":", 1)[0] in ("NameError", "SyntaxError"), proc.stderr
    assert "-->" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []
