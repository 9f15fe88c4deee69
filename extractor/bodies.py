"""Which body published a report: one identity across names, years and files.

A body is its region (the 6-digit adcode, or the province/city/county names
when there is no adcode) plus its *canonical name*: the printed agency name
folded (Unicode NFKC, no spaces or punctuation) with the names of the
divisions above it removed. Bodies print their names with more or less of
their address: 洪泽 prints "洪泽区人民政府" one year and "淮安市洪泽区人民政府"
the next; both are 洪泽区人民政府 within 320813, one body, so its coverage has
no false gap and its carry-over is checked across the rename.

A body's id is ``canonical name|region`` (just the name when the region is
unknown). A mapping (``agency,body[,region]``) says which body a printed name
belongs to when the names differ beyond that (平潭综合实验区管理委员会 is
平潭综合实验区): the mapped name then takes the printed one's place. Every
decision is kept (:class:`BodyIdentity`) and stored in the dataset's
``bodies`` table, so a reader can see why two files are, or are not, one body.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .regions import region_from_code, region_of
from .text import normalize_agency

__all__ = [
    "BodyIdentity",
    "BodyMatcher",
    "ListedBody",
    "canonical_name",
    "region_text",
    "resolve_listed",
    "region_key",
]

_ADCODE = re.compile(r"\d{6}")

def region_text(region: Mapping[str, str | None]) -> str:
    """A region as matching compares it: the adcode, or the joined names when there is none."""
    if region.get("adcode"):
        return str(region["adcode"])
    return "/".join(name for part in ("province", "city", "county") if (name := region.get(part)))


@lru_cache(maxsize=65536)
def _ancestor_names(region: str) -> tuple[str, ...]:
    """The names of the divisions above a body's own, longest first: what its name may start with."""
    if _ADCODE.fullmatch(region):
        names = region_from_code(region)
        own = names.county or names.city or names.province
        parents = (names.province, names.city)
    else:
        parts = region.split("/")
        own, parents = parts[-1], tuple(parts[:-1])
    return tuple(sorted({p for p in parents if p and p != own}, key=len, reverse=True))


@lru_cache(maxsize=65536)
def canonical_name(agency: str, region: str) -> str:
    """The agency name without the divisions above the body printed before it.

    ``canonical_name("淮安市洪泽区人民政府", "320813") == "洪泽区人民政府"``.
    """
    name = normalize_agency(agency)
    prefixes = _ancestor_names(region) if region else ()
    stripped = True
    while stripped:
        stripped = False
        for prefix in prefixes:
            if name.startswith(prefix) and len(name) > len(prefix):
                name, stripped = name[len(prefix):], True
    return name


def region_key(body: str, region: str) -> str:
    """A region a user wrote (seeds, bodies list, mapping) as matching compares it: the adcode when given
    one, else the region the body's name (or, failing that, the written names) resolves to; the written
    text itself when neither resolves ("江苏省淮安市洪泽区" and "320813" are the same region)."""
    region = region.strip()
    if not region or _ADCODE.fullmatch(region):
        return region
    resolved = region_text(region_of(body, [region]).to_dict()) or region_text(region_of(region).to_dict())
    return resolved or region


@dataclass(frozen=True, slots=True)
class BodyIdentity:
    """The body a printed name and region belong to, and how that was decided."""

    body: str
    name: str
    region: str
    matched_by: str


@dataclass(frozen=True, slots=True)
class BodyMatcher:
    """Which body a report belongs to: the mapping first, canonical name + region otherwise.

    ``mapping`` is (normalized printed name, region or "") -> the body's name.
    """

    mapping: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> BodyMatcher:
        """A matcher from mapping rows (``agency``, ``body``, optional ``region``)."""
        return cls({(normalize_agency(row["agency"]), region_key(row["body"], row.get("region") or "")):
                    row["body"].strip()
                    for row in rows if (row.get("agency") or "").strip() and (row.get("body") or "").strip()})

    def identify(self, agency: str | None, region: str) -> BodyIdentity | None:
        """The body of a printed agency name in a region; None without a name.

        ``matched_by`` says how: ``mapping`` (the mapping names this printed
        name), ``adcode`` (canonical name within the adcode), ``region names``
        (within the region's names, no adcode) or ``name`` (no region found).
        """
        if not agency:
            return None
        printed = normalize_agency(agency)
        mapped = self.mapping.get((printed, region)) or self.mapping.get((printed, ""))
        how = "mapping" if mapped else "adcode" if _ADCODE.fullmatch(region) else "region names" if region else "name"
        name = canonical_name(mapped or agency, region)
        return BodyIdentity(f"{name}|{region}" if region else name, name, region, how)


@dataclass(frozen=True, slots=True)
class ListedBody:
    """A body the user says should report (``--bodies``), as matched to the bodies seen."""

    body: str
    agency: str
    region: str
    matched_by: str


def resolve_listed(rows: Sequence[Mapping[str, str]], matcher: BodyMatcher,
                   seen: Mapping[str, BodyIdentity]) -> list[ListedBody]:
    """Each row of a bodies list as a body id, matched to the bodies the reports belong to.

    A row with a region is that body. A row without one (the region is
    optional) is the body its name alone makes unique among the bodies seen;
    failing that, the body its name resolves to (the division its name
    starts with), so that it matches the reports once they come.
    """
    by_name: dict[str, set[str]] = {}
    for identity in seen.values():
        by_name.setdefault(identity.name, set()).add(identity.body)
    known = {identity.body for identity in seen.values()}
    out: dict[str, ListedBody] = {}
    for row in rows:
        agency, region = (row.get("agency") or "").strip(), (row.get("region") or "").strip()
        if not agency:
            continue
        if region:
            region = region_key(agency, region)
            identity = matcher.identify(agency, region)
            listed = ListedBody(identity.body, agency, region, "listed with region") if identity else None
        else:
            listed = _listed_by_name(agency, matcher, by_name, known)
        if listed is not None:
            out.setdefault(listed.body, listed)
    return list(out.values())


def _listed_by_name(agency: str, matcher: BodyMatcher, by_name: Mapping[str, set[str]],
                    known: set[str]) -> ListedBody | None:
    resolved = region_text(region_of(agency).to_dict())
    identity = matcher.identify(agency, resolved)
    if identity is None:
        return None
    if identity.body in known:
        return ListedBody(identity.body, agency, resolved, "listed name, region from the name")
    candidates = by_name.get(identity.name, set()) | by_name.get(canonical_name(agency, ""), set())
    if len(candidates) == 1:
        return ListedBody(next(iter(candidates)), agency, resolved, "listed name, the one body of that name")
    return ListedBody(identity.body, agency, resolved, "listed name, no report yet")
