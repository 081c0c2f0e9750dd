"""Column names as users say them: the parameter variable ``?__event_iri`` is the column ``event``.

A parameter's variable carries grlc's markers (leading underscores for
required or optional, a type suffix) because tools read them; a reader of a
table or a CSV file wants the parameter's name, the word they typed after
``--param``. Every other variable keeps its name. A renaming that would
collide with another column (a query projecting both ``?__event_iri`` and
``?event``) is not made: two columns must never share a name.
"""

from __future__ import annotations

from collections.abc import Sequence

from .errors import QueryError
from .params import Parameter


def column_names(variables: Sequence[str]) -> list[str]:
    """The name shown for each variable, in the same order."""
    wanted = []
    for variable in variables:
        parameter = Parameter.from_variable(variable)
        wanted.append(parameter.name if parameter is not None else variable)
    taken = set(variables)
    names = []
    for variable, name in zip(variables, wanted, strict=True):
        clash = name != variable and (name in taken or wanted.count(name) > 1)
        names.append(variable if clash else name)
    return names


def pick_columns(asked: Sequence[str], variables: Sequence[str], names: Sequence[str]) -> list[int]:
    """Indexes of the columns ``asked`` for, by shown name or variable (with or without ``?``), in that order.

    Raises QueryError naming an unknown column and the columns there are.
    """
    by_name = {name: index for index, name in enumerate(names)}
    by_variable = {variable: index for index, variable in enumerate(variables)}
    picked = []
    for item in asked:
        key = item.strip().lstrip("?$")
        index = by_name.get(key, by_variable.get(key))
        if index is None:
            raise QueryError(f"--columns: no column {item.strip()!r}; the columns are: {', '.join(names) or 'none'}")
        if index not in picked:
            picked.append(index)
    return picked
