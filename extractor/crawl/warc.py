"""An optional WARC copy of every response the crawl kept, for archiving (needs ``warcio``)."""
from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from ..extras import require
from .fetch import Response

__all__ = ["WarcArchive", "WARC_NAME"]

WARC_NAME = "crawl.warc.gz"
#: The body is stored decoded and whole, so these headers would describe it wrongly.
_DROPPED = frozenset({"content-encoding", "transfer-encoding", "content-length"})


class WarcArchive:
    """Appends gzip-compressed WARC response records to ``DIR/crawl.warc.gz``."""

    def __init__(self, path: Path) -> None:
        warcio = require("warcio.warcwriter", "crawl", "--warc")
        self._headers = require("warcio.statusandheaders", "crawl", "--warc").StatusAndHeaders
        self._handle: IO[bytes] = open(path, "ab")
        self._writer = warcio.WARCWriter(self._handle, gzip=True)

    def write(self, response: Response) -> None:
        """Archive one response that has a body."""
        if response.body is None or response.status is None:
            return
        headers = [(key, value) for key, value in response.headers if key.lower() not in _DROPPED]
        status_line = f"{response.status} {response.reason_phrase}".strip()
        http_headers = self._headers(status_line, headers, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            response.final_url, "response", payload=io.BytesIO(response.body), http_headers=http_headers
        )
        self._writer.write_record(record)

    def close(self) -> None:
        """Flush and close the archive file."""
        self._handle.close()
