"""Every query runs against a clock: a time limit, and Ctrl-C, stop the wait for it.

Oxigraph evaluates a query in Rust with Python's lock released, and a
running evaluation cannot be cancelled from Python. So the evaluation (and
the collection of its rows) runs in a daemon worker thread while the caller
waits with a deadline. When the time is up, or Ctrl-C arrives while waiting,
the caller gets control back at once:

* the API raises QueryTimeout (or KeyboardInterrupt) and leaves the worker
  to run to completion in the background; its result is dropped;
* the CLI prints one line and exits: a daemon thread does not hold up the
  exit of the process, and the operating system ends the evaluation with it.

A query against a server waits on HTTP instead; the same clock applies, and
the server's own time limit (or the store's HTTP timeout) ends the request.
"""

from __future__ import annotations

import math
import os
import threading
import traceback
from collections.abc import Callable, Mapping
from typing import TypeVar

from ..errors import Location
from .errors import QueryError, QueryTimeout

TIMEOUT_ENV = "KGRAPH_QUERY_TIMEOUT"
DEFAULT_TIMEOUT = 60.0
"""Seconds: the stored queries answer in well under one on the founding data."""

T = TypeVar("T")


def query_timeout(given: float | None = None, environ: Mapping[str, str] | None = None) -> float:
    """The time limit in seconds: ``given``, else ``KGRAPH_QUERY_TIMEOUT``, else 60."""
    environ = os.environ if environ is None else environ
    if given is None:
        raw = environ.get(TIMEOUT_ENV, "").strip()
        if not raw:
            return DEFAULT_TIMEOUT
        try:
            given = float(raw)
        except ValueError:
            raise QueryError(f"{TIMEOUT_ENV} must be a number of seconds, got {raw!r}") from None
    if isinstance(given, bool) or not isinstance(given, int | float) or not 0 < given < math.inf:
        raise QueryError(f"the query time limit must be a positive number of seconds, got {given!r}")
    return float(given)


def within(seconds: float, work: Callable[[], T], origin: str = "<query>") -> T:
    """``work()`` run in a worker thread; QueryTimeout after ``seconds``, KeyboardInterrupt passes through."""
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the waiting thread, which raises it
            _drop_locals(error)
            outcome["error"] = error
        finally:
            done.set()

    worker = threading.Thread(target=run, name="kgraph-query", daemon=True)
    worker.start()
    if not done.wait(seconds):
        raise QueryTimeout(
            f"the query ran longer than {seconds:g} s and was stopped; raise the limit with --timeout SECONDS "
            f"(or {TIMEOUT_ENV}, or timeout= in the Python API), or narrow the query",
            Location(origin),
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _drop_locals(error: BaseException | None) -> None:
    """Release what the failed frames held, here in the worker thread.

    pyoxigraph's answer objects may only be dropped by the thread that made
    them; an exception handed to the caller with its frames intact would drop
    them there (RuntimeError "unsendable … dropped on another thread").
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        traceback.clear_frames(error.__traceback__)
        error = error.__cause__ or error.__context__
