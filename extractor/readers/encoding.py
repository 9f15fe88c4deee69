"""Turning the bytes of a web page or a text file into text.

Chinese government sites serve UTF-8, GBK/GB2312 and, now and then, UTF-16;
some declare it in the HTTP header, some in a ``<meta>``, some nowhere, and
some declare it wrongly. The order of trust follows the HTML standard's
encoding sniffing (byte-order mark, transport layer, ``<meta>``, content; a
BOM is a fact about the bytes, a header only a claim about them), with two
local rules: GBK and GB2312 are decoded as GB18030, their superset,
because pages labelled GB2312 routinely contain GBK-only characters; and an
HTTP ``ISO-8859-1`` is ignored, because it is the default servers send when
nobody configured one, never a real choice for a Chinese page.
"""
from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer import from_bytes

from ..errors import ReaderError

__all__ = ["decode_html", "decode_text", "canonical_encoding"]

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_FAMILY = {"gbk", "gb2312", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "csgb2312", "chinese"}
_UNRELIABLE_TRANSPORT = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_MAX_CONTROL_SHARE = 0.02
_STRAY_BYTE_SHARE = 0.001


def canonical_encoding(name: str | None) -> str | None:
    """The Python codec to use for a declared charset name, or None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _GB_FAMILY or label == "gb18030":
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _meta_encoding(data: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<meta charset>`` or http-equiv)."""
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return canonical_encoding(match.group(1).decode("ascii")) if match else None


def _detected_encoding(data: bytes) -> str | None:
    best = from_bytes(data).best()
    return canonical_encoding(best.encoding) if best is not None else None


def _transport_encoding(charset: str | None) -> str | None:
    encoding = canonical_encoding(charset)
    if charset and charset.strip().lower() in _UNRELIABLE_TRANSPORT:
        return None
    return encoding


def _decode(path: str, data: bytes, declared: list[str | None]) -> str:
    """Decode with the first candidate that fits; detection only when none does.

    A declared encoding that fails strictly is passed over, not trusted: a
    page labelled UTF-8 that is really GBK is common. One that fails only on
    a stray byte or two (a cut-off download, a bad paste) is still taken, with
    replacement characters, before any guessing: detection on Chinese text
    with a few broken bytes guesses Cyrillic code pages.
    """
    candidates = list(dict.fromkeys([*(c for c in declared if c), "utf-8"]))
    if _bom_encoding(data) is None and b"\x00" in data[:_PRESCAN_BYTES]:
        raise ReaderError("binary data, not text (NUL bytes and no byte-order mark)", path)
    for encoding in candidates:
        try:
            return _checked(path, data.decode(encoding), encoding)
        except UnicodeDecodeError:
            log.debug("%s: does not decode as %s", path, encoding)
    for encoding in candidates:
        text = data.decode(encoding, errors="replace")
        if text.count("\ufffd") <= _STRAY_BYTE_SHARE * len(data):
            log.info("%s: decoding as %s with a few replacement characters", path, encoding)
            return _checked(path, text, encoding)
    detected = _detected_encoding(data)
    if detected is not None:
        try:
            return _checked(path, data.decode(detected), detected)
        except UnicodeDecodeError:
            log.debug("%s: detected %s does not decode cleanly", path, detected)
    log.info("%s: decoding as %s with replacement characters", path, candidates[0])
    return _checked(path, data.decode(candidates[0], errors="replace"), candidates[0])


def _checked(path: str, text: str, encoding: str) -> str:
    """The text, unless it is mostly control characters: then it was never text."""
    text = text.removeprefix("\ufeff")
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise ReaderError(f"binary data, not text (decoded as {encoding})", path)
    return text


def decode_html(path: str, data: bytes, charset: str | None = None) -> str:
    """A web page's text: BOM, then HTTP charset, then ``<meta>``, then detection."""
    return _decode(path, data, [_bom_encoding(data), _transport_encoding(charset), _meta_encoding(data)])


def decode_text(path: str, data: bytes, charset: str | None = None) -> str:
    """A text file's text: BOM, then a given charset, UTF-8, GB18030, then detection."""
    return _decode(path, data, [_bom_encoding(data), _transport_encoding(charset), "utf-8", "gb18030"])
