"""Finds the project's ontology, shapes and queries both in a checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """``ontology``, ``shapes`` or ``queries``: packaged copy first, then the source tree."""
    packaged = _PACKAGE_DIR / "_resources" / name
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"kgraph resource folder {name!r} is missing from the installation")


def ontology_file() -> Path:
    return resource_dir("ontology") / "kgraph.ttl"


def context_file() -> Path:
    return resource_dir("ontology") / "context.jsonld"
