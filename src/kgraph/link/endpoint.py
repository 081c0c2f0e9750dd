"""A polite SPARQL client: named User-Agent, timeout, retry with backoff on 429/503, and a disk cache.

The public Wikidata Query Service asks clients to identify themselves and to
back off when told; the cache means a second run of ``kgraph link`` sends
nothing at all.

Whatever the endpoint sends is held to limits, since a wrong URL or a hostile
server controls it: the answer must be a SPARQL JSON result (anything else is
an EndpointError naming the endpoint), at most 50 MB, read within the time
limit as a whole (not per packet), and a ``Retry-After`` of more than a
minute ends the run instead of stalling it. SPARQLWrapper sends the request;
kgraph reads a successful answer itself, within the limits. One gap remains:
for HTTP 400, 401, 404, 414 and 500 SPARQLWrapper reads the error page whole
before kgraph sees it (only the socket timeout bounds it); the message shows
its first 200 characters.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ..errors import KgraphError
from ..identity import USER_AGENT

WIKIDATA_QUERY_SERVICE = "https://query.wikidata.org/sparql"
LINK_ENDPOINT_ENV = "KGRAPH_LINK_ENDPOINT"
RETRY_STATUSES = (429, 503)
RESULTS_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
"""An answer for one batch of linker candidates is a few kilobytes; 50 MB means the wrong endpoint."""
MAX_RETRY_AFTER = 60.0
_CHUNK = 64 * 1024
# SPARQLWrapper turns these statuses into its own exceptions, having read the page (it has no size limit).
_WRAPPER_STATUS = {
    QueryBadFormed: 400,
    Unauthorized: 401,
    EndPointNotFound: 404,
    URITooLong: 414,
    EndPointInternalError: 500,
}


def link_endpoints(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The endpoints kgraph is configured to call: Wikidata's, and ``KGRAPH_LINK_ENDPOINT`` when set.

    They are the default allow-list for ``SERVICE`` in queries (:mod:`kgraph.queries.guard`).
    """
    configured = (os.environ if environ is None else environ).get(LINK_ENDPOINT_ENV, "").strip()
    return (WIKIDATA_QUERY_SERVICE, configured) if configured else (WIKIDATA_QUERY_SERVICE,)


class EndpointError(KgraphError):
    """The endpoint could not be reached or kept refusing."""


class SparqlEndpoint:
    def __init__(
        self,
        url: str,
        *,
        cache_dir: Path | None = None,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 1.0,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.url = url
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.requests_sent = 0

    def select(self, query: str) -> list[dict[str, Any]]:
        """The JSON result bindings of a SELECT; from the cache when this exact query was asked before."""
        cached = self.cached(query)
        if cached is not None:
            return cached
        bindings = self.ask(query)
        self.remember(query, bindings)
        return bindings

    def cached(self, key: str) -> Any | None:
        path = self._cache_path(key)
        if path is None or not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, RecursionError):  # a damaged cache entry is asked again, not trusted
            return None

    def remember(self, key: str, value: Any) -> None:
        path = self._cache_path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(value), encoding="utf-8")
        temporary.replace(path)

    def ask(self, query: str) -> list[dict[str, Any]]:
        """POST the query with SPARQLWrapper and read the JSON bindings ourselves, retrying when told to wait.

        SPARQLWrapper builds and sends the SPARQL 1.1 Protocol request; its
        ``query()`` hands back the unread response, which :meth:`_read` reads
        within the size and time limits (``convert()`` would read it whole).
        """
        if urllib.parse.urlsplit(self.url).scheme.lower() not in ("http", "https"):
            raise EndpointError(f"{self.url} is not an http(s) URL of a SPARQL endpoint")
        client = SPARQLWrapper(self.url, agent=USER_AGENT)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(max(1, round(self.timeout)))
        client.setQuery(query)
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                self.requests_sent += 1
                with contextlib.closing(client.query().response) as response:
                    return self._bindings(self._read(response))
            except urllib.error.HTTPError as error:  # the statuses SPARQLWrapper passes on unread (429, 503, ...)
                if error.code not in RETRY_STATUSES or attempt == self.retries:
                    raise EndpointError(f"{self.url} answered HTTP {error.code}{_excerpt(error.read(2000))}") from error
                time.sleep(self._retry_after(error, delay))
                delay *= 2
            except SPARQLWrapperException as error:  # 400, 401, 404, 414 and 500, with the page SPARQLWrapper read
                status = _WRAPPER_STATUS.get(type(error), 0)
                if status != 500 or attempt == self.retries:
                    page = _wrapped_page(error)
                    raise EndpointError(f"{self.url} answered HTTP {status or '?'}{_excerpt(page)}") from error
                time.sleep(delay)
                delay *= 2
            except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
                raise EndpointError(f"cannot query {self.url}: {_short(error)}") from error
        raise EndpointError(f"{self.url} kept refusing")

    def _read(self, response: Any) -> bytes:
        """The body, refused past ``max_bytes`` or past the time limit for the whole answer."""
        declared = response.headers.get("Content-Length") if response.headers else None
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise EndpointError(f"{self.url} announced an answer of {int(declared):,} bytes; {self._limit_hint()}")
        deadline = time.monotonic() + self.timeout
        chunks: list[bytes] = []
        size = 0
        while chunk := response.read(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise EndpointError(f"{self.url} sent more than {self.max_bytes:,} bytes; {self._limit_hint()}")
            if time.monotonic() > deadline:
                raise EndpointError(f"{self.url} took longer than {self.timeout:g} s to send its answer")
            chunks.append(chunk)
        return b"".join(chunks)

    def _bindings(self, body: bytes) -> list[dict[str, Any]]:
        """``results.bindings`` of a SPARQL JSON result; anything else is an EndpointError naming the endpoint."""
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            raise EndpointError(
                f"{self.url} did not answer with a SPARQL JSON result ({_short(error)}; it began {body[:40]!r}); "
                "expected a SPARQL endpoint such as https://query.wikidata.org/sparql"
            ) from error
        results = document.get("results") if isinstance(document, dict) else None
        bindings = results.get("bindings") if isinstance(results, dict) else None
        if not isinstance(bindings, list) or not all(isinstance(row, dict) for row in bindings):
            raise EndpointError(
                f"{self.url} answered JSON without results.bindings; expected a SPARQL JSON result of a SELECT"
            )
        return bindings

    def _retry_after(self, error: urllib.error.HTTPError, delay: float) -> float:
        retry_after = error.headers.get("Retry-After") if error.headers else None
        if not (retry_after and retry_after.isdigit()):
            return delay
        if float(retry_after) > MAX_RETRY_AFTER:
            raise EndpointError(
                f"{self.url} answered HTTP {error.code} and asked to wait {retry_after} s; try again later"
            ) from error
        return float(retry_after)

    def _limit_hint(self) -> str:
        return f"the limit is {self.max_bytes:,} bytes (is {self.url} the SPARQL endpoint you meant?)"

    def _cache_path(self, key: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.url}\n{key}".encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"


def _excerpt(page: bytes) -> str:
    """The start of an error page, on one line: enough to see why, never the whole (possibly huge) body."""
    text = " ".join(re.sub(r"<[^>]*>", " ", page[:2000].decode("utf-8", errors="replace")).split())
    return f": {text[:200]}" if text else ""


def _wrapped_page(error: SPARQLWrapperException) -> bytes:
    """The error page inside a SPARQLWrapper exception, which keeps it only as ``repr`` in its message."""
    _, found, page = str(error).partition("Response:\n")
    if not found:
        return b""
    if page[:2] in ("b'", 'b"'):
        page = page[2:-1]
    return page.encode("utf-8", errors="replace")


def _short(error: BaseException) -> str:
    """An error on one line and of readable length: a server's error page can be megabytes of HTML."""
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:200] + "…"
