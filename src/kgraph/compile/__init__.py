"""Cards and reference files to RDF: the authoring format's only way into the graph."""

from .files import CompiledData, card_files, compile_data

__all__ = ["CompiledData", "card_files", "compile_data"]
