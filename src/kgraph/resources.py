"""Finds the project's ontology, shapes and queries both in a checkout and in an installed wheel.

``KGRAPH_RESOURCES`` names another folder holding ``ontology/``, ``shapes/``
and ``queries/`` (a test points it at a damaged copy; a user may try changed
shapes without reinstalling). A missing folder or file is a KgraphError naming
it: without the ontology or the shapes nothing can be compiled or validated,
and a traceback would not say which file to put back.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import KgraphError, Location

if TYPE_CHECKING:  # the query path finds its queries here and imports neither library for it
    import pyoxigraph as ox
    from rdflib import Graph

_PACKAGE_DIR = Path(__file__).resolve().parent
RESOURCES_ENV = "KGRAPH_RESOURCES"


class ResourceError(KgraphError):
    """A resource folder or file of the installation (ontology, shapes, queries) is missing or broken."""


def resource_dir(name: str) -> Path:
    """``ontology``, ``shapes`` or ``queries``: ``$KGRAPH_RESOURCES``, else the packaged copy, else the checkout."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        folder = Path(override) / name
        if not folder.is_dir():
            raise ResourceError(f"expected the folder {name}/ in {override} ({RESOURCES_ENV})", Location(folder))
        return folder
    packaged = _PACKAGE_DIR / "_resources" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise ResourceError(f"kgraph resource folder {name!r} is missing from the installation", Location(checkout))


def resource_file(folder: str, name: str) -> Path:
    """One file of a resource folder; a ResourceError naming it when it is not there."""
    path = resource_dir(folder) / name
    if not path.is_file():
        raise ResourceError(f"expected kgraph's {folder} file here; it is missing", Location(path))
    return path


def ontology_file() -> Path:
    return resource_file("ontology", "kgraph.ttl")


def context_file() -> Path:
    return resource_file("ontology", "context.jsonld")


def parse_turtle_resource(path: Path) -> Graph:
    """A Turtle file of the installation; a broken one is a ResourceError naming it and its line."""
    from rdflib import Graph

    try:
        return Graph().parse(path, format="turtle")
    except SyntaxError as error:
        line = getattr(error, "lines", None) or error.lineno
        raise ResourceError(f"expected valid Turtle: {error.msg or error}", Location(path, line)) from error
    except (UnicodeDecodeError, OSError) as error:
        raise ResourceError(f"cannot read it as UTF-8 Turtle: {error}", Location(path)) from error


def load_turtle_resource(store: ox.Store, path: Path, graph: ox.NamedNode) -> None:
    """A Turtle file of the installation loaded into ``store``; refused as ``parse_turtle_resource`` refuses it."""
    import pyoxigraph as ox

    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
    except SyntaxError as error:
        raise ResourceError(f"expected valid Turtle: {error.msg or error}", Location(path, error.lineno)) from error
    except (UnicodeDecodeError, OSError) as error:
        raise ResourceError(f"cannot read it as UTF-8 Turtle: {error}", Location(path)) from error
