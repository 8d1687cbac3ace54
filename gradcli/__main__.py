"""`python -m gradcli`, and the `gradcli` console script: Ctrl-C is one line from the first moment.

Importing the command line (click, and what it imports) takes a noticeable time on a busy machine,
and a Ctrl-C then would show Python's traceback. Until `cli.entry` takes over (it turns Ctrl-C
into the line `interrupted` and exit status 130, LANGUAGE.md §10), SIGINT does the same here.
"""
import os
import _signal as signal    # signal.py only wraps these numbers in enums: 0.6% of a cold start

from .errors import ExitStatus


def _interrupted(signum, frame):
    os.write(2, b"interrupted\n")
    os._exit(ExitStatus.INTERRUPTED)


def main():
    early = signal.getsignal(signal.SIGINT) is signal.default_int_handler
    if early:
        signal.signal(signal.SIGINT, _interrupted)
    from .cli import entry      # here, after the handler: a Ctrl-C while click loads is one line
    if early:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    entry()


if __name__ == "__main__":
    main()
