"""A polite SPARQL client: named User-Agent, timeout, retry with backoff on 429/503, and a disk cache.

The public Wikidata Query Service asks clients to identify themselves and to
back off when told; the cache means a second run of ``kgraph link`` sends
nothing at all.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
from pathlib import Path
from typing import Any

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, SPARQLWrapperException

from ..errors import KgraphError
from ..identity import USER_AGENT

WIKIDATA_QUERY_SERVICE = "https://query.wikidata.org/sparql"
RETRY_STATUSES = (429, 503)


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
    ) -> None:
        self.url = url
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
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
        return json.loads(path.read_text(encoding="utf-8")) if path is not None and path.is_file() else None

    def remember(self, key: str, value: Any) -> None:
        path = self._cache_path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(value), encoding="utf-8")
        temporary.replace(path)

    def ask(self, query: str) -> list[dict[str, Any]]:
        client = SPARQLWrapper(self.url, agent=USER_AGENT)
        client.setMethod(POST)
        client.setReturnFormat(JSON)
        client.setTimeout(int(self.timeout))
        client.setQuery(query)
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                self.requests_sent += 1
                answer = client.queryAndConvert()
                return answer["results"]["bindings"]  # type: ignore[index]
            except urllib.error.HTTPError as error:
                if error.code not in RETRY_STATUSES or attempt == self.retries:
                    raise EndpointError(f"{self.url} answered HTTP {error.code}") from error
                retry_after = error.headers.get("Retry-After") if error.headers else None
                time.sleep(float(retry_after) if retry_after and retry_after.isdigit() else delay)
                delay *= 2
            except EndPointInternalError as error:  # SPARQLWrapper's name for a 500 / 503 body
                if attempt == self.retries:
                    raise EndpointError(f"{self.url} kept failing: {error}") from error
                time.sleep(delay)
                delay *= 2
            except (SPARQLWrapperException, urllib.error.URLError, TimeoutError, OSError) as error:
                raise EndpointError(f"cannot query {self.url}: {error}") from error
        raise EndpointError(f"{self.url} kept refusing")

    def _cache_path(self, key: str) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(f"{self.url}\n{key}".encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"
