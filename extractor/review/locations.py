"""Where a value was read, as the dataset stores it ("page 4 table 3 row 4 col 5", ``Document.where``): the
cell it names, and the same in the Chinese a reviewer reads ("第4页 表3 第4行 第5列")."""
from __future__ import annotations

import re

__all__ = ["cell_at", "location_text"]

_LOCATION = re.compile(r"^(?P<table>.+) row (?P<row>\d+) col (?P<col>\d+)$")
_PARTS = ((re.compile(r"\bpage (\d+)"), r"第\1页"), (re.compile(r"\btable (\d+)"), r"表\1"),
          (re.compile(r"\brow (\d+)"), r"第\1行"), (re.compile(r"\bcol (\d+)"), r"第\1列"))


def cell_at(location: str | None) -> tuple[str, int, int] | None:
    """The table name and 0-based row and column a value's location names, if it names a cell."""
    found = _LOCATION.match(location or "")
    return (found["table"], int(found["row"]) - 1, int(found["col"]) - 1) if found else None


def location_text(location: str | None) -> str:
    """A location in Chinese, 1-based as stored; 不详 when none was recorded."""
    if not location:
        return "不详"
    for pattern, chinese in _PARTS:
        location = pattern.sub(chinese, location)
    return location
