"""gradcli: PyTorch-style autograd for small Python-like scripts, in the shell.

Library use:
    from gradcli import Session, run_source
    s = run_source("x = 3; y = x**2", wrt=["x"])

In IPython or Jupyter: `%load_ext gradcli`, then `%%gradcli [options]` cells (gradcli/notebook.py).
"""
__version__ = "0.1.0"


def run_source(source, wrt=(), of=None, filename="<input>"):
    """Run G source in a new Session and return it (its globals, output, gradients()). Every
    failure is a GradcliError, as `gradcli run` reports it (`run.guard`)."""
    # Imported here, not at the top: `import gradcli` (the CLI's --help) must not import numpy.
    from .lang.runtime import Options, Session
    from .run import guard
    s = Session(Options(wrt=tuple(wrt), of=of))
    with guard():
        s.run(source, filename)
    return s


def load_ipython_extension(ipython):
    """`%load_ext gradcli`. IPython is imported here, never by `import gradcli`: the CLI needs it
    not, and starts faster without it."""
    from .notebook import load_ipython_extension as load   # here, for start-up time: IPython
    load(ipython)


def __getattr__(name):
    if name == "Session":
        from .lang.runtime import Session   # here, for start-up time: `import gradcli` is light
        return Session
    raise AttributeError(name)
