"""The vocabulary of what happened to one URL, shared by fetching and the manifest."""
from __future__ import annotations

from enum import StrEnum

__all__ = ["Outcome", "FINISHED"]


class Outcome(StrEnum):
    """Why a manifest row is what it is; the values are what ``manifest.csv`` holds."""

    FETCHED = "fetched"
    NOT_MODIFIED = "not-modified"
    DISALLOWED = "disallowed-by-robots"
    OFF_SITE = "off-site"
    BLOCKED = "blocked"
    TOO_LARGE = "too-large"
    ERROR = "error"


#: Outcomes that leave a usable stored copy: a resumed crawl never asks for these again.
FINISHED = frozenset({Outcome.FETCHED, Outcome.NOT_MODIFIED})
