"""Closed sets of names as types (labels, statuses, backends …).

A :class:`ClosedSet` member *is* its name as a string: equal to it, hashed as it, and written as
it by ``json``, f-strings and ``repr``. Code names members (``CheckStatus.FAIL``) and a type
checker knows the set, while records, CSV cells and doctests read exactly as plain strings did,
and a string read back from a record compares equal to its member.

>>> class Colour(ClosedSet):
...     RED = "red"
>>> Colour.RED == "red", f"{Colour.RED}", [Colour.RED], Colour("red") is Colour.RED
(True, 'red', ['red'], True)
"""

from __future__ import annotations

import sys
from enum import Enum

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover — Python 3.10: StrEnum as 3.11 defines it

    class StrEnum(str, Enum):
        __str__ = str.__str__
        __format__ = str.__format__
        __hash__ = str.__hash__


class ClosedSet(StrEnum):
    """A closed set of strings (see the module docstring)."""

    def __repr__(self) -> str:
        return repr(self.value)
