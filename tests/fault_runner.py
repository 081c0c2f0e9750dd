"""Run the ``kgraph`` command and kill the process with SIGKILL at one chosen step, as a power cut would.

    python fault_runner.py before|after MODULE:QUALNAME -- kgraph-args...

The step is a function of kgraph's; the runner wraps it so that the process
dies just before it runs or just after it returns. Nothing in kgraph knows
about this: the test patches from outside, so production code carries no hooks.
"""

from __future__ import annotations

import functools
import importlib
import os
import signal
import sys


def _die() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _patch(when: str, target: str) -> None:
    module_name, _, qualname = target.partition(":")
    owner = importlib.import_module(module_name)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        if when == "before":
            _die()
        result = original(*args, **kwargs)
        _die()
        return result

    setattr(owner, name, wrapper)


def main() -> None:
    when, target, separator, *arguments = sys.argv[1:]
    assert separator == "--" and when in ("before", "after"), sys.argv
    _patch(when, target)
    from kgraph.cli import main as kgraph_main

    kgraph_main(arguments)


if __name__ == "__main__":
    main()
