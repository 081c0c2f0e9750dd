"""SHACL validation as SPARQL queries on the Oxigraph store, with pySHACL's findings.

The subset of SHACL the project's shapes use (Core cardinality, class,
datatype, node kind, ranges, patterns, languages, property pairs, sh:or,
sh:not, and SHACL-SPARQL constraints and targets) is translated to one query
per constraint. Any other feature raises :class:`Unsupported` and the caller
falls back to pySHACL; ``tests/test_validation_oracle.py`` holds the two to the
same findings.
"""

from .checks import Check, compile_checks
from .engine import FOCUS_MARK, MARKS, TRUE, Result, run_checks
from .unsupported import Unsupported

__all__ = ["FOCUS_MARK", "MARKS", "TRUE", "Check", "Result", "Unsupported", "compile_checks", "run_checks"]
