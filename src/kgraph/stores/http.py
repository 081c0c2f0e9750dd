"""One HTTP client for the three protocols a remote store speaks: query, update and Graph Store.

One ``requests`` session keeps the connection open across a load's many
chunks and carries the authentication in one place. Every request states
its ``Accept`` header: a client that lets the order of accepted types vary
(rdflib's ``SPARQLUpdateStore`` builds it from a set) may get RDF/XML from
Virtuoso for a SELECT.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ..errors import StoreError
from ..identity import USER_AGENT
from .config import Credentials, RemoteSettings
from .profiles import PROFILES, Endpoints, Profile, detect

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


class BearerToken(AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


class SparqlHttp:
    """The endpoints of one server, its profile, and a session with its credentials."""

    def __init__(self, settings: RemoteSettings) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        self.profile: Profile = PROFILES[settings.profile] if settings.profile else self._recognise()
        self.session.auth = _auth(settings.credentials, self.profile.default_auth)
        derived = self.profile.endpoints(settings.url, authenticated=settings.credentials is not None)
        self.endpoints = Endpoints(
            query=derived.query,
            update=settings.update_url or derived.update,
            graph_store=settings.graph_store_url or derived.graph_store,
        )

    def _recognise(self) -> Profile:
        """Ask the server a trivial question and read who answered from the ``Server`` header."""
        response = self._send("POST", self.settings.url, "reaching the store", data={"query": "ASK {}"}, check=False)
        return detect(response.headers.get("Server", ""))

    def query(
        self, text: str, default_graphs: Sequence[str], named_graphs: Sequence[str], accept: str
    ) -> requests.Response:
        form: list[tuple[str, str]] = [("query", text)]
        form += [("default-graph-uri", graph) for graph in default_graphs]
        form += [("named-graph-uri", graph) for graph in named_graphs]
        response = self._send("POST", self.endpoints.query, "the query", data=form, headers={"Accept": accept})
        header = self.profile.max_rows_header
        if header and header in response.headers:
            raise StoreError(
                f"{self.endpoints.query} cut the answer at {response.headers[header]} rows; raise "
                "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini and restart the server"
            )
        return response

    def update(self, text: str) -> None:
        self._send("POST", self.endpoints.update, "the update", data={"update": text}, headers={"Accept": RESULTS_JSON})

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        self._graph_store("PUT", graph, data=ntriples, headers={"Content-Type": N_TRIPLES})

    def post_graph(self, graph: str, ntriples: bytes) -> None:
        self._graph_store("POST", graph, data=ntriples, headers={"Content-Type": N_TRIPLES})

    def get_graph(self, graph: str) -> bytes:
        return self._graph_store("GET", graph, headers={"Accept": N_TRIPLES}).content

    def _graph_store(self, method: str, graph: str, **kwargs: object) -> requests.Response:
        if self.endpoints.graph_store is None:
            raise StoreError(f"{self.settings.url} has no Graph Store endpoint configured")
        what = f"{method} of graph <{graph}>"
        return self._send(method, self.endpoints.graph_store, what, params={"graph": graph}, **kwargs)

    def _send(self, method: str, url: str, what: str, *, check: bool = True, **kwargs: object) -> requests.Response:
        try:
            response = self.session.request(method, url, timeout=self.settings.timeout, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as error:
            raise StoreError(f"cannot reach the store at {url}: {error}") from error
        if check and response.status_code >= 400:
            raise StoreError(self._refusal(url, what, response))
        return response

    def _refusal(self, url: str, what: str, response: requests.Response) -> str:
        text = _plain(response.text)
        message = f"{what} failed: {url} answered HTTP {response.status_code}: {text[:300]}"
        denied = response.status_code in (401, 403) or re.search(r"permission|SR186|not allowed", text, re.I)
        writing = what == "the update" or what.startswith(("PUT", "POST", "DELETE"))
        if denied and writing:
            message += f" (to allow writes: {self.profile.update_refused_hint})"
        elif "estimated execution time" in text:
            message += " (Virtuoso: raise MaxQueryCostEstimationTime in the [SPARQL] section of virtuoso.ini)"
        elif response.status_code == 401:
            message += " (check KGRAPH_STORE_USER / KGRAPH_STORE_PASSWORD or KGRAPH_STORE_TOKEN)"
        return message

    def close(self) -> None:
        self.session.close()


def _auth(credentials: Credentials | None, default_scheme: str) -> AuthBase | None:
    if credentials is None:
        return None
    if credentials.scheme == "bearer":
        return BearerToken(credentials.token)
    scheme = credentials.scheme or default_scheme
    auth = HTTPDigestAuth if scheme == "digest" else HTTPBasicAuth
    return auth(credentials.user, credentials.password)


def _plain(text: str) -> str:
    """An engine's error page without its HTML, on one line."""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())
