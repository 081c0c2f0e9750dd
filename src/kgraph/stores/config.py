"""Which store a command uses: ``--store``, else ``KGRAPH_STORE``, else ``kgraph.toml``, else ``.kgraph/``.

A store is a folder (the embedded Oxigraph store) or a SPARQL server written
``ENGINE+URL``, e.g. ``virtuoso+http://127.0.0.1:8890/sparql``. ENGINE is a
profile name from :mod:`.profiles`; ``sparql+URL`` (or a bare ``http(s)://``
URL) asks kgraph to recognise the engine from its ``Server`` header.

Credentials come only from the environment, so they never show in a shell
history, a process list or a committed config file:
``KGRAPH_STORE_USER`` and ``KGRAPH_STORE_PASSWORD`` (``KGRAPH_STORE_AUTH``
= ``basic`` or ``digest``), or ``KGRAPH_STORE_TOKEN`` for a bearer token.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Location, StoreError
from .profiles import PROFILES

DEFAULT_FOLDER = Path(".kgraph")
CONFIG_FILE = "kgraph.toml"
DEFAULT_CHUNK_TRIPLES = 50_000
_CONFIG_KEYS = {"url", "update-url", "graph-store-url", "chunk-triples", "timeout"}
_REMOTE = re.compile(r"^(?:(?P<profile>[A-Za-z0-9_-]+)\+)?(?P<url>https?://.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Credentials:
    scheme: str  # "basic", "digest" or "bearer"
    user: str = ""
    password: str = ""
    token: str = ""


@dataclass(frozen=True)
class RemoteSettings:
    url: str
    profile: str | None  # None: recognise the engine when connecting
    update_url: str | None = None
    graph_store_url: str | None = None
    credentials: Credentials | None = None
    chunk_triples: int = DEFAULT_CHUNK_TRIPLES
    timeout: float = 300.0


def resolve_store(given: str | Path | None, environ: Mapping[str, str] | None = None) -> Path | RemoteSettings:
    """The store named by the option (click fills it from KGRAPH_STORE too), the config file, or the default."""
    environ = os.environ if environ is None else environ
    config_path = Path(environ.get("KGRAPH_CONFIG", CONFIG_FILE))
    if "KGRAPH_CONFIG" in environ and not config_path.is_file():
        raise StoreError(f"KGRAPH_CONFIG names {config_path}, which does not exist")
    config = _read_config(config_path) if config_path.is_file() else {}
    spec = str(given) if given is not None else str(config.get("url", DEFAULT_FOLDER))
    match = _REMOTE.match(spec)
    if match is None:
        return Path(spec)
    profile = match["profile"].lower() if match["profile"] else None
    return _remote_settings(profile, match["url"], config, environ)


def _remote_settings(
    profile: str | None, url: str, config: Mapping[str, object], environ: Mapping[str, str]
) -> RemoteSettings:
    # Credentials first, and never echo the URL: a typo in the engine must not print a password.
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise StoreError(
            "credentials do not belong in the store URL; set KGRAPH_STORE_USER and KGRAPH_STORE_PASSWORD "
            "(or KGRAPH_STORE_TOKEN) in the environment"
        )
    if profile is not None and profile not in PROFILES:
        raise StoreError(f"unknown store engine {profile!r}; expected one of: {', '.join(PROFILES)}")

    def setting(key: str) -> str | None:
        value = environ.get("KGRAPH_STORE_" + key.upper().replace("-", "_"), config.get(key))
        return None if value in (None, "") else str(value)

    try:
        chunk = int(setting("chunk-triples") or DEFAULT_CHUNK_TRIPLES)
        timeout = float(setting("timeout") or 300)
    except ValueError as error:
        raise StoreError(f"chunk-triples and timeout must be numbers: {error}") from error
    if chunk < 1:
        raise StoreError(f"chunk-triples must be at least 1, got {chunk}")
    if not 0 < timeout < float("inf"):
        raise StoreError(f"timeout must be a positive number of seconds, got {timeout}")
    return RemoteSettings(
        url=url,
        profile=None if profile in (None, "sparql") else profile,
        update_url=setting("update-url"),
        graph_store_url=setting("graph-store-url"),
        credentials=credentials_from(environ),
        chunk_triples=chunk,
        timeout=timeout,
    )


def credentials_from(environ: Mapping[str, str]) -> Credentials | None:
    token = environ.get("KGRAPH_STORE_TOKEN")
    user = environ.get("KGRAPH_STORE_USER")
    if token and user:
        raise StoreError("set either KGRAPH_STORE_TOKEN or KGRAPH_STORE_USER, not both")
    if token:
        return Credentials("bearer", token=token)
    if not user:
        return None
    scheme = environ.get("KGRAPH_STORE_AUTH", "").lower()
    if scheme not in ("", "basic", "digest"):
        raise StoreError(f"KGRAPH_STORE_AUTH must be basic or digest, not {scheme!r}")
    return Credentials(scheme, user=user, password=environ.get("KGRAPH_STORE_PASSWORD", ""))


def _read_config(path: Path) -> dict[str, object]:
    import tomllib  # only when a kgraph.toml exists: its regexes cost a query command's start-up 3 ms

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise StoreError(f"not valid TOML: {error}", Location(path)) from error
    store = document.get("store", {})
    if not isinstance(store, dict):
        raise StoreError("expected a [store] table", Location(path))
    unknown = sorted(set(store) - _CONFIG_KEYS)
    if unknown:
        secret = (
            " (credentials are read from the environment only)" if {"user", "password", "token"} & set(unknown) else ""
        )
        raise StoreError(
            f"unknown [store] keys {', '.join(unknown)}{secret}; expected: {', '.join(sorted(_CONFIG_KEYS))}",
            Location(path, _line_of(path, unknown[0])),
        )
    return store


def _line_of(path: Path, key: str) -> int | None:
    """The line of ``key =`` inside the [store] table (TOML parsers do not keep positions)."""
    in_store = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_store = stripped == "[store]"
        elif in_store and stripped.split("=", 1)[0].strip().strip('"') == key:
            return number
    return None
