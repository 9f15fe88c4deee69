"""Where each page and file of the review site lives, relative to the site folder.

Every link in the site is relative, so the folder can be zipped and mailed; the
names are ids and hashes, not agency names, so that they survive any zip tool
and any file system.
"""
from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

__all__ = ["INDEX", "body_page", "crops_of", "original_file", "report_page", "up"]

INDEX = "index.html"


def report_page(report_id: str) -> str:
    return f"reports/{report_id}.html"


def body_page(body: str) -> str:
    """A body's page, named by a hash of the body (its name and region hold characters zips mangle)."""
    return f"bodies/{hashlib.sha256(body.encode('utf-8')).hexdigest()[:16]}.html"


def original_file(sha256: str, path: str) -> str:
    """The copy of a source file, named by its content (two bodies' identical files are one copy)."""
    return f"files/{sha256}{PurePosixPath(path).suffix.lower()}"


def crops_of(report_id: str) -> str:
    """The stem of a report's crops: ``crops/<report_id>-1.png``, ``-2.png``…"""
    return f"crops/{report_id}"


def up(href: str) -> str:
    """A site link as seen from a page one folder down (``reports/``, ``bodies/``)."""
    return f"../{href}"
