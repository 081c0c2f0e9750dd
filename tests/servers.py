"""Real SPARQL servers for tests: started on loopback on a free port, stopped by PID.

No mocks: a test that talks to "a SPARQL endpoint" talks to Oxigraph's own
server, installed from PyPI (``pip install oxigraph``).
"""

from __future__ import annotations

import os
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
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


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
