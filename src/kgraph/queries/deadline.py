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

The worker threads are kept and reused: starting a thread for every query
cost about 2.7 ms, more than a warm stored query takes. A worker still busy
with an abandoned query is simply not idle; the next query gets another
one. pyoxigraph's answer objects may only be used and dropped by the thread
that made them, so whatever reads an answer (collecting rows, writing CSV)
runs inside ``work`` too, never in the caller.

A query against a server waits on HTTP instead; the same clock applies, and
the server's own time limit (or the store's HTTP timeout) ends the request.
"""

from __future__ import annotations

import math
import os
import queue
import threading
import time
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


IDLE_WORKERS = 4
"""Idle worker threads kept for the next query; more than that (after abandoned queries) end."""


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

    _Worker.take().submit(run, done)
    if not _wait(done, seconds):
        raise QueryTimeout(
            f"the query ran longer than {seconds:g} s and was stopped; raise the limit with --timeout SECONDS "
            f"(or {TIMEOUT_ENV}, or timeout= in the Python API), or narrow the query",
            Location(origin),
        )
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


_LOCK = threading.Lock()
_SLICE = 0.1
"""Seconds the caller waits at a time: Python runs a Ctrl-C handler only between waits of the main thread."""


def _wait(done: threading.Event, seconds: float) -> bool:
    """``done.wait(seconds)`` in short slices, so that Ctrl-C is seen at once.

    The operating system may deliver SIGINT to any thread of the process (a
    worker, or one of Oxigraph's); then a single long wait in the main thread
    is not interrupted, and the query ran on to its time limit (seen in full
    test runs: no exit 10 s after Ctrl-C). Between slices the interpreter
    runs the pending handler and KeyboardInterrupt is raised here.
    """
    deadline = time.monotonic() + seconds
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return done.is_set()
        if done.wait(min(remaining, _SLICE)):
            return True


class _Worker:
    """A daemon thread that runs one job at a time and, when done, offers itself for the next."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[tuple[Callable[[], None], threading.Event]] = queue.SimpleQueue()
        threading.Thread(target=self._serve, name="kgraph-query", daemon=True).start()

    @classmethod
    def take(cls) -> _Worker:
        with _LOCK:
            if _IDLE:
                return _IDLE.pop()
        return cls()

    def submit(self, job: Callable[[], None], done: threading.Event) -> None:
        self._jobs.put((job, done))

    def _serve(self) -> None:
        while True:
            job, done = self._jobs.get()
            job()
            del job
            with _LOCK:  # idle before the caller wakes, so its next query finds this thread
                keep = len(_IDLE) < IDLE_WORKERS
                if keep:
                    _IDLE.append(self)
            done.set()
            del done
            if not keep:
                return


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


_IDLE: list[_Worker] = []
