"""The headline numbers of a report, defined once: the summary's columns (``gongkai extract
--summary``, ``gongkai tables --wide``: :mod:`.outputs`) and the review site's charts
(:mod:`.review_site`) both read them from here.

>>> headline_cells()[0]
('applications', 'new_received', 'total')
>>> [h.key for h in HEADLINES]
['new_applications', 'share_granted', 'reviews']
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from gongkai.model.template import union_rows

#: Table 2's rows whose documents the summary counts.
_DOCUMENT_ROWS = ("rules", "normative_documents")


@lru_cache(maxsize=1)
def headline_cells() -> tuple[tuple[str, str, str], ...]:
    """``(table, row, field)`` of the summary's numbers: table 3's every row total (new, carried
    over, each outcome, the total, carried forward), table 4 whole (reviews and lawsuits by
    result), and table 2's documents (rules and normative documents: issued, repealed, in force;
    2019's made, published, total)."""
    out = [("applications", row, "total") for row in union_rows("applications")]
    out += [("reviews", row, fld) for row, fields in union_rows("reviews").items() for fld in fields]
    docs = union_rows("active_disclosure")
    out += [("active_disclosure", row, fld) for row in _DOCUMENT_ROWS for fld in docs[row]]
    return tuple(out)


def cell_value(record: dict[str, Any], table: str, row: str, field: str) -> Any:
    """One cell of a record's tables, ``None`` where the record lacks it.

    >>> cell_value({"tables": {"reviews": {"rows": {"review": {"total": 3}}}}}, "reviews", "review", "total")
    3
    """
    return ((((record.get("tables") or {}).get(table) or {}).get("rows") or {}).get(row) or {}).get(field)


class Headline(NamedTuple):
    """A number the review site charts per organ over the years."""

    key: str
    title: str
    #: ``table.row.field`` of the number, or of the numerator and denominator of a share: columns
    #: of the summary (:func:`headline_cells`).
    cells: tuple[str, ...]
    #: Two reports in a row whose numbers are at least ``ratio`` times apart and differ by at
    #: least ``min_change`` are a jump (a share: differ by ``min_change``), drawn in red.
    ratio: float | None
    min_change: float


HEADLINES = (
    Headline("new_applications", "new applications", ("applications.new_received.total",), 3.0, 10),
    Headline("share_granted", "share granted", ("applications.granted.total", "applications.total.total"), None, 0.3),
    Headline("reviews", "administrative reviews", ("reviews.review.total",), 3.0, 5),
)
assert {c for h in HEADLINES for c in h.cells} <= {".".join(c) for c in headline_cells()}


def _number(record: dict[str, Any], path: str) -> float | None:
    table, rest = path.split(".", 1)
    row, fld = rest.rsplit(".", 1)
    value = cell_value(record, table, row, fld)
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def headline_values(record: dict[str, Any]) -> dict[str, float | None]:
    """The headline numbers of one record (None where the report does not print them).

    >>> rows = {"new_received": {"total": 8}, "granted": {"total": 3}, "total": {"total": 6}}
    >>> headline_values({"tables": {"applications": {"rows": rows}}})
    {'new_applications': 8, 'share_granted': 0.5, 'reviews': None}
    """
    out: dict[str, float | None] = {}
    for h in HEADLINES:
        values = [_number(record, c) for c in h.cells]
        if len(values) == 1:
            out[h.key] = values[0]
        else:
            part, whole = values
            out[h.key] = part / whole if part is not None and whole else None
    return out


def is_jump(h: Headline, a: float, b: float) -> bool:
    """Whether ``a`` → ``b`` (one organ's reports in a row) is a jump worth a reviewer's look.

    >>> new, share = HEADLINES[0], HEADLINES[1]
    >>> is_jump(new, 12, 60), is_jump(new, 2, 9), is_jump(new, 100, 180), is_jump(share, 0.9, 0.4)
    (True, False, False, True)
    """
    if abs(b - a) < h.min_change:
        return False
    return h.ratio is None or max(a, b) >= h.ratio * max(min(a, b), 1e-9)
