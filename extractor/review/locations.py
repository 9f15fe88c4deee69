"""Where a value was read, as the dataset stores it ("page 4 table 3 row 4 col 5", ``Document.where``): the
cell it names, and the same in the Chinese a reviewer reads ("第4页 表3 第4行 第5列")."""
from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["cell_at", "location_text"]

_LOCATION = re.compile(r"^(?P<table>.+) row (?P<row>\d+) col (?P<col>\d+)$")
_PART = re.compile(r"\b(page|table|row|col) (\d+)")
_CHINESE = {"page": "第{}页", "table": "表{}", "row": "第{}行", "col": "第{}列"}


def cell_at(location: str | None) -> tuple[str, int, int] | None:
    """The table name and 0-based row and column a value's location names, if it names a cell."""
    found = _LOCATION.match(location or "")
    return (found["table"], int(found["row"]) - 1, int(found["col"]) - 1) if found else None


@lru_cache(maxsize=65536)
def location_text(location: str | None) -> str:
    """A location in Chinese, 1-based as stored; 不详 when none was recorded (cached: reports made on one
    form share their locations)."""
    if not location:
        return "不详"
    return _PART.sub(lambda part: _CHINESE[part[1]].format(part[2]), location)
