"""The signal that a shapes file asks for something the store engine does not translate."""


class Unsupported(Exception):
    """The shapes use a SHACL feature the SPARQL translation lacks: validate with pySHACL instead.

    Users may add their own ``shapes/*.ttl``; a feature this engine does not
    know must never be skipped silently, so it hands the whole run back to
    pySHACL, which knows all of SHACL Core and SHACL-SPARQL.
    """
