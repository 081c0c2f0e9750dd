"""Real SPARQL servers for tests: started on loopback on a free port, stopped by PID.

No mocks: a test that talks to "a SPARQL endpoint" talks to Oxigraph's own
server, installed from PyPI (``pip install oxigraph``).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


def stop_by_pid(process: subprocess.Popen[bytes], *, grace: float) -> None:
    """SIGTERM, and SIGKILL if the server has not exited after ``grace`` seconds."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class OxigraphServer:
    process: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:PORT

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    def load_nquads(self, data: bytes) -> None:
        request = urllib.request.Request(
            f"{self.url}/store", data=data, method="POST", headers={"Content-Type": "application/n-quads"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status in (200, 201, 204)

    def load_turtle(self, path: Path) -> None:
        """Put a Turtle file into the server's default graph (Graph Store Protocol POST)."""
        request = urllib.request.Request(
            f"{self.url}/store?default", data=path.read_bytes(), method="POST", headers={"Content-Type": "text/turtle"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status in (200, 201, 204)

    def select(self, query: str, accept: str) -> bytes:
        request = urllib.request.Request(
            self.query_url,
            data=query.encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read()

    def stop(self) -> None:
        stop_by_pid(self.process, grace=10)


def oxigraph_binary() -> str:
    """The ``oxigraph`` script installed beside this Python (a venv need not be on PATH), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    binary = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if binary:
        return binary
    if os.environ.get("CI"):
        pytest.fail("the oxigraph server is not installed (pip install oxigraph)")
    pytest.skip("needs the Oxigraph server: pip install oxigraph")


def start_oxigraph(location: Path, *, union_default_graph: bool = True) -> OxigraphServer:
    port = free_port()
    command = [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = OxigraphServer(process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"oxigraph exited: {process.stderr.read().decode(errors='replace') if process.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(f"{server.url}/", timeout=2):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("oxigraph did not answer within 30 s")


VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_HINT = "apt-get install -y --no-install-recommends virtuoso-opensource"


@dataclass
class VirtuosoServer:
    process: subprocess.Popen[bytes]
    url: str  # http://127.0.0.1:PORT
    sql_port: int
    directory: Path

    @property
    def sparql_url(self) -> str:
        return f"{self.url}/sparql"

    def isql(self, statement: str) -> str:
        """Run one SQL statement as dba (the packaged default password) through Virtuoso's own client."""
        command = [shutil.which("isql-vt") or "isql-vt", str(self.sql_port), "dba", "dba", f"exec={statement}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt {statement!r} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def stop(self) -> None:
        stop_by_pid(self.process, grace=30)  # Virtuoso checkpoints its database on SIGTERM


def virtuoso_binary() -> str:
    binary = shutil.which("virtuoso-t")
    if binary and VIRTUOSO_INI.is_file() and shutil.which("isql-vt"):
        return binary
    if os.environ.get("CI"):
        pytest.fail(f"Virtuoso is not installed ({VIRTUOSO_HINT}); .ci/run installs it")
    pytest.skip(f"needs Virtuoso: {VIRTUOSO_HINT}")


def virtuoso_ini(directory: Path, http_port: int, sql_port: int, max_rows: int) -> str:
    """The packaged virtuoso.ini with its database in ``directory`` and both ports on loopback."""
    text = VIRTUOSO_INI.read_text(encoding="utf-8")
    text = text.replace("/var/lib/virtuoso-opensource-7/db", str(directory))
    text = re.sub(r"(?m)^(ServerPort\s*=\s*)1111\b", rf"\g<1>127.0.0.1:{sql_port}", text)
    text = re.sub(r"(?m)^(ServerPort\s*=\s*)8890\b", rf"\g<1>127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^(DirsAllowed\s*=\s*)(.*)$", rf"\g<1>\g<2>, {directory}", text)
    text = re.sub(r"(?m)^(ResultSetMaxRows\s*=\s*)\d+", rf"\g<1>{max_rows}", text)
    # Its cost estimate for a small store can be absurd (975,361 s for one stored query): do not refuse on it.
    text = re.sub(r"(?m)^(MaxQueryCostEstimationTime\s*=\s*)\d+", r"\g<1>1000000000", text)
    for expected in (f"127.0.0.1:{sql_port}", f"127.0.0.1:{http_port}", f"ResultSetMaxRows           = {max_rows}"):
        if expected not in text:
            raise RuntimeError(f"the packaged virtuoso.ini changed: could not set {expected!r}")
    return text


def start_virtuoso(directory: Path, *, max_rows: int = 1_000_000, grant_update: bool = True) -> VirtuosoServer:
    """Virtuoso on loopback with its own database folder; anonymous SPARQL updates granted unless asked not to."""
    binary = virtuoso_binary()
    directory.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(virtuoso_ini(directory, http_port, sql_port, max_rows), encoding="utf-8")
    log = (directory / "server.out").open("wb")
    process = subprocess.Popen([binary, "-f", "-c", str(ini)], cwd=directory, stdout=log, stderr=subprocess.STDOUT)
    server = VirtuosoServer(process, f"http://127.0.0.1:{http_port}", sql_port, directory)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso exited: {(directory / 'server.out').read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.sparql_url}?query=ASK%7B%7D", timeout=2):
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    else:
        server.stop()
        raise RuntimeError("virtuoso did not answer within 90 s")
    if grant_update:
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
    return server
