"""Every way xxgk folds printed text before it compares or reads it, each named for its use.

Reports reach us with full-width digits and brackets, ``&nbsp;`` and
ideographic spaces, labels cut into runs or broken over lines, names printed
with and without spaces and punctuation. Each comparison needs its own fold:

- :func:`nfkc` — Unicode NFKC, fast on Chinese text; every other fold starts here.
- :func:`compact` — NFKC without whitespace: the running text as metadata and
  narrative checks read it ("2024 年" is "2024年").
- :func:`squeeze` — NFKC without whitespace or invisible characters: a cell's
  text as a number or a label key is read.
- :func:`clean_text` — whitespace collapsed, spaces beside Chinese characters
  dropped, nothing else changed: how readers tidy cell and paragraph text for
  display and for every later step.
- :func:`normalize_label`, :func:`core_label`, :func:`bare_label` — a printed
  row or column label as the locator matches it against the form's.
- :func:`normalize_agency` — an agency name as body matching compares it.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["bare_label", "clean_text", "compact", "core_label", "is_numbered", "nfkc", "normalize_agency",
           "normalize_label", "squeeze"]

#: full-width ASCII and the ideographic space, whose NFKC is the plain character
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {**{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}, "\u3000": " "}


_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_CJK = (
    "\u2014\u2018\u2019\u201c\u201d\u2026"  # dash, curly quotes, ellipsis as used in Chinese text
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
)
_SPACE_BY_CJK = re.compile(f"(?<=[{_CJK}]) | (?=[{_CJK}])")
_CACHED_LENGTH = 80
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


def nfkc(text: str) -> str:
    """NFKC, exactly, at a fifth of the cost on Chinese text.

    ``unicodedata.normalize`` takes its slow path for a whole text as soon
    as one character needs normalizing, and Chinese text is full of
    full-width punctuation. Replacing those by the plain characters they
    decompose to leaves NFKC unchanged, and what is left is usually
    normalized already, which ``is_normalized`` sees quickly.

    A report holds dozens of full-width characters but few kinds of them:
    each kind is replaced in one ``str.replace`` pass, which costs less than
    a substitution calling back into Python at every one.
    """
    for char in set(_FULL_WIDTH.findall(text)):
        text = text.replace(char, _HALF_WIDTH[char])
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=64)
def compact(text: str) -> str:
    """NFKC, all whitespace removed: PDFs and Word print "2024 年" and "洪泽区 人民政府".

    Cached for the last few texts: a report's whole text is compacted once to
    describe the report and again to check its narrative.
    """
    return "".join(nfkc(text).split())


def squeeze(raw: str) -> str:
    """NFKC (full-width digits and brackets), no whitespace or invisible characters: a cell's text as a
    number or a label key is read (:func:`clean_text` only tidies spacing)."""
    return _SPACES.sub("", nfkc(raw))


def clean_text(text: str) -> str:
    """Collapse whitespace and drop the spaces that sit beside Chinese characters.

    Reports are typed in Word and pasted into a CMS, so a label reaches us cut
    into runs, padded with ``&nbsp;`` and ideographic spaces, or broken over
    lines ("社会公益 组织"). Chinese does not separate words with spaces, so a
    space beside a Chinese character is layout, never content, and goes; a
    space between two digits or two Latin letters may mean something and
    stays, as one.

    Cell-sized texts are cached: a batch repeats the same labels and numbers
    in cell after cell, while long paragraphs recur rarely and would only
    fill the cache.
    """
    return _clean_short(text) if len(text) <= _CACHED_LENGTH else _clean(text)


def _clean(text: str) -> str:
    text = _SPACE.sub(" ", _INVISIBLE.sub("", text)).strip()
    return _SPACE_BY_CJK.sub("", text)


_clean_short = lru_cache(maxsize=16384)(_clean)


_DROP = re.compile(r"[\s\u00a0\u3000\u200b\ufeff“”\"'‘’「」『』:：,，;；。]+")
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\(?[一二三四五六七八九十]+\)|\d+[、.．)]|\(\d+\))+")
_PAREN = re.compile(r"\([^()]*\)?$")


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """NFKC, no whitespace or quotes, one kind of bracket and enumeration comma."""
    text = nfkc(text)
    text = text.replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
    return _DROP.sub("", text)


@lru_cache(maxsize=65536)
def core_label(text: str) -> str:
    """A label without its numbering or a trailing note in brackets: "（二）部分公开（区分…）" -> "部分公开"."""
    label = _NUMBERING.sub("", normalize_label(text))
    stripped = _PAREN.sub("", label)
    return stripped or label


def is_numbered(label: str) -> bool:
    """Whether a label opens with the form's numbering ("（二）", "1.", "三、"): where a label starts."""
    return _NUMBERING.match(normalize_label(label)) is not None


@lru_cache(maxsize=65536)
def bare_label(text: str) -> str:
    """A label without numbering or brackets, its note kept: survives a bracket the typist dropped."""
    return re.sub(r"[()]", "", _NUMBERING.sub("", normalize_label(text)))


def normalize_agency(name: str) -> str:
    """An agency name as matching compares it: full-width folded, spaces and punctuation gone."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", name))
