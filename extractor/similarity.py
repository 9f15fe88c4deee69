"""How alike two reports are, from small fingerprints computed once per report.

The checks across reports compare every report with every other one only in
principle: at 10^5–10^6 reports, comparing pairs (or re-reading texts per pair)
never finishes. So each report gets, when it is written, two fingerprints
that stay the same until the file changes:

- its **numbers**: a hash of every value it holds (with how many are filled
  and how many are non-zero). Two reports with the same hash printed the same
  numbers; this is the blocking key of DUPLICATE_REPORT and tells agreeing
  copies of one report apart from disagreeing ones.
- its **text signature**: a MinHash of its running text's five-character runs
  (once its own agency name, digits and punctuation are taken out: what a
  copier changes). The share of equal positions in two signatures estimates
  the Jaccard similarity of the two texts (±0.04 at 128 positions), and
  locality-sensitive hashing on bands of the signature finds the similar ones
  without looking at every pair.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np

__all__ = ["NumbersFingerprint", "bands", "numbers_fingerprint", "signature_similarity", "text_signature"]

_NOT_WORDS = re.compile(r"[\W\d_]+", re.UNICODE)
_SHINGLE = 5
_PERMUTATIONS = 128
_ROWS_PER_BAND = 4
#: Permutations hashed at once: bounds the temporary array for a long text.
_CHUNK = 16
_BASE = np.uint64(1_000_003)
_rng = np.random.default_rng(20261204)
#: Multiply-shift hash functions: (h * a + b) >> 32 with a odd; fixed so that signatures stored by one
#: build compare with those of the next.
_A = _rng.integers(1, 2**63, size=_PERMUTATIONS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 2**63, size=_PERMUTATIONS, dtype=np.uint64)


class NumbersFingerprint(NamedTuple):
    """What a report's numbers are, in three figures: a hash of them all, how many cells are filled,
    how many are not zero (a report of nearly all zeros is never called a copy)."""

    digest: str
    filled: int
    nonzero: int


def numbers_fingerprint(tables: Mapping[str, Mapping[str, float | int | None]]) -> NumbersFingerprint:
    """The fingerprint of a report's values (blank cells left out; 3 and 3.0 are the same number)."""
    values = sorted((table, key, float(value)) for table, cells in tables.items()
                    for key, value in cells.items() if value is not None)
    digest = hashlib.blake2b(repr(values).encode("utf-8"), digest_size=12).hexdigest()
    return NumbersFingerprint(digest, len(values), sum(1 for *_, value in values if value))


def _words(text: str, names: Iterable[str | None]) -> str:
    for name in names:
        if name:
            text = text.replace(name, "")
    return _NOT_WORDS.sub("", unicodedata.normalize("NFKC", text))


def _shingle_hashes(words: str) -> np.ndarray:
    """A 64-bit polynomial hash of each five-character run, each distinct run once."""
    codes = np.frombuffer(words.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - _SHINGLE + 1
    hashes = np.zeros(count, dtype=np.uint64)
    for offset in range(_SHINGLE):
        hashes = hashes * _BASE + codes[offset:offset + count]
    return np.unique(hashes)


def text_signature(text: str | None, names: Iterable[str | None] = ()) -> bytes | None:
    """The MinHash signature of a report's text without the given names; None for a text too short to
    compare (fewer than five letters)."""
    words = _words(text or "", names)
    if len(words) < _SHINGLE:
        return None
    hashes = _shingle_hashes(words)
    minima = np.empty(_PERMUTATIONS, dtype=np.uint32)
    for start in range(0, _PERMUTATIONS, _CHUNK):
        a, b = _A[start:start + _CHUNK, None], _B[start:start + _CHUNK, None]
        minima[start:start + _CHUNK] = ((hashes[None, :] * a + b) >> np.uint64(32)).min(axis=1)
    return minima.tobytes()


def signature_similarity(first: bytes, second: bytes) -> float:
    """The estimated Jaccard similarity of two texts: the share of their signatures' equal positions."""
    a, b = np.frombuffer(first, dtype=np.uint32), np.frombuffer(second, dtype=np.uint32)
    return float(np.count_nonzero(a == b)) / len(a)


def bands(signature: bytes) -> list[bytes]:
    """The signature cut into bands, each tagged with its place: two texts sharing any band are candidates.

    With 32 bands of 4, texts 80% alike share a band with probability
    1 − (1 − 0.8⁴)³² > 0.9999, texts 30% alike with about 0.23.
    """
    width = 4 * _ROWS_PER_BAND
    return [bytes([index]) + signature[index * width:(index + 1) * width]
            for index in range(len(signature) // width)]
