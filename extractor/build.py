"""From folders of reports to the dataset: find files, parse the new ones in isolation, write.

A build must survive the corpus it meets: one PDF that hangs the parser, one
that eats all memory, one that crashes the interpreter. So every file is
parsed in a process of its own (forked from a clean fork server, not from the
process holding the database), with a memory limit and a deadline; whatever
goes wrong is that file's failed entry and the build goes on (:mod:`.isolation`,
the path ``extract`` sends files down too).

The parent is the only writer, and it writes each file in one transaction as
soon as it is parsed, so a build killed at any moment loses at most the files
in flight, and the next run parses exactly those (a file is skipped when the
dataset holds it with the same sha256 and the same extractor version).

A crawl's detail page often holds only a title and a link to the PDF that is
the report. Each attachment is written with its page's URL, and the dataset
turns such a page into a ``page`` row rather than a report with three missing
tables, whichever of the two is written first (see ``dataset``).
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .crawl.outcome import FINISHED
from .crawl.storage import LISTINGS_NAME, MANIFEST_NAME, read_manifest
from .crosscheck import CrossSettings, crosscheck, remember_options
from .dataset import Dataset, Entry, KnownFile
from .errors import DatasetError, readable_name
from .extract import parse_source
from .extras import require
from .isolation import CrawlInfo, Parse, Parsed, PoolSettings, Source, parse_isolated, parse_outcome
from .metadata import title_year
from .readers import SUFFIXES as REPORT_SUFFIXES

__all__ = [
    "EXTRACTOR_VERSION",
    "BuildSettings",
    "BuildSummary",
    "Parsed",
    "Progress",
    "Source",
    "build",
    "collect_sources",
    "crawl_failures",
    "crawl_folders",
    "parse_isolated",
    "parse_outcome",
    "parse_source",
    "sources_to_parse",
]

log = logging.getLogger(__name__)

#: Stored with every report: a new version re-parses every file.
EXTRACTOR_VERSION = __version__


@dataclass(frozen=True, slots=True)
class BuildSettings(PoolSettings):
    """How to parse (the pool's settings: processes, time and memory per file, how processes start),
    whether to parse failed files again, and the Dask cluster to parse on instead, if any."""

    retry_failed: bool = False
    scheduler: str | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a build is, for a progress bar: files done of total, how many failed, the last one."""

    done: int
    total: int
    failed: int
    path: str | None


@dataclass(slots=True)
class BuildSummary:
    """What a build did: files found, skipped as already parsed, parsed (failures included),
    the failures, what the checks across reports found, and what the dataset now holds."""

    found: int = 0
    skipped: int = 0
    parsed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    cross_findings: int = 0
    missing: int = 0
    composition: dict[str, int] = field(default_factory=dict)


OnProgress = Callable[[Progress], None]


# --- Finding the files --------------------------------------------------------

def crawl_folders(paths: Iterable[str | Path]) -> list[Path]:
    """The given folders that are crawls (they hold a ``manifest.csv``), resolved."""
    return [Path(p).resolve() for p in paths if Path(p).is_dir() and (Path(p) / MANIFEST_NAME).is_file()]


def collect_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Every report file under the given files and folders, each once, in a stable order.

    A folder holding a crawl's ``manifest.csv`` is read through its manifest
    (only the rows whose copy is usable), so that each file keeps its URL,
    publication date and the charset its server declared.
    """
    found: dict[str, Source] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir() and (path / MANIFEST_NAME).is_file():
            sources = manifest_sources(path / MANIFEST_NAME)
        elif path.is_dir():
            sources = [Source(str(p.resolve())) for p in sorted(path.rglob("*"))
                       if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES]
        elif path.is_file():
            sources = [Source(str(path.resolve()))]
        else:
            raise DatasetError("no such file or folder", path)
        for source in sources:
            found.setdefault(source.path, source)
    return sorted(found.values(), key=lambda s: s.path)


def manifest_sources(manifest: Path) -> list[Source]:
    """The usable rows of a crawl manifest as sources (paths in it are relative to its folder).

    The crawl gives an attachment its page's publish date; the page's URL
    comes along as ``parent_url``, the seed's body and region and the
    listing's title as ``crawl``.
    """
    return [Source(str((manifest.parent / row.path).resolve()), row.url or None, row.publish_date or None,
                   row.charset or None, row.parent_url or None, CrawlInfo(row.body or None, row.region or None,
                                                                          row.title or None))
            for row in read_manifest(manifest, ("path", "outcome")) if row.finished]


def crawl_failures(folder: Path) -> list[tuple[str | None, ...]]:
    """What a crawl could not fetch (documents and listing pages), as ``crawl_failures`` rows: the
    seed's body and region, the URL, its title and the year the title names, kind, outcome, status, reason."""
    return [(row.body or None, row.region or None, row.url or None, row.title or None, title_year(row.title),
             row.kind or name.removesuffix(".csv"), row.outcome, row.http_status or None, row.reason or None)
            for name in (MANIFEST_NAME, LISTINGS_NAME) if (folder / name).is_file()
            for row in read_manifest(folder / name, ("outcome",)) if row.outcome not in FINISHED]


def sha256_of(path: str) -> str:
    """The hex sha256 of a file's bytes (what decides whether it changed).

    An unreadable file hashes to "" and is never current: it goes to a parser,
    which fails on it, so that it becomes one failed entry, not a failed build.
    """
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        log.warning("%s: cannot read file: %s", path, exc.strerror or exc)
        return ""
    return digest.hexdigest()


def sources_to_parse(sources: Sequence[Source], hashes: dict[str, str], known: dict[str, KnownFile],
                     retry_failed: bool = False) -> list[Source]:
    """The sources the dataset does not hold yet with the same bytes and extractor version (a path is
    held under its readable name: a non-UTF-8 name is stored with its odd bytes escaped)."""
    def is_current(source: Source) -> bool:
        held = known.get(readable_name(source.path))
        return (held is not None and held.sha256 == hashes[source.path] != ""
                and held.extractor_version == EXTRACTOR_VERSION
                and not (retry_failed and held.status == "failed"))
    return [s for s in sources if not is_current(s)]


# --- The build ------------------------------------------------------------------

def build(paths: Iterable[str | Path], db: str | Path, *, settings: BuildSettings | None = None,
          checks: CrossSettings | None = None, parse: Parse = parse_source,
          on_progress: OnProgress | None = None) -> BuildSummary:
    """Parse every new or changed report under ``paths`` into the dataset at ``db``, then
    run the checks across reports over the whole dataset.

    Parsing runs on the local process pool, or on a Dask cluster when
    ``settings.scheduler`` names one; either way this process writes. The
    options in ``checks`` are remembered by the dataset for later builds. The
    checks across reports run only when something they read changed.
    """
    settings = settings or BuildSettings()
    checks = checks or CrossSettings()
    paths = list(paths)
    sources = collect_sources(paths)
    summary = BuildSummary(found=len(sources))
    with Dataset(db) as dataset:
        remember_options(dataset, checks)
        for folder in crawl_folders(paths):
            dataset.replace_crawl_failures(str(folder), crawl_failures(folder))
        hashes = {s.path: sha256_of(s.path) for s in sources}
        todo = sources_to_parse(sources, hashes, dataset.known_files(), settings.retry_failed)
        summary.skipped = len(sources) - len(todo)
        log.info("%d file(s) found, %d already in the dataset, %d to parse", len(sources), summary.skipped, len(todo))

        def write(parsed: Parsed) -> None:
            source = parsed.source
            dataset.write_entry(Entry(readable_name(source.path), hashes[source.path], EXTRACTOR_VERSION, parsed.record,
                                      parsed.error, source.url, source.publish_date, parsed.text,
                                      source.parent_url, parsed.kind, source.crawl))
            summary.parsed += 1
            if parsed.error:
                log.warning("%s: %s", source.path, parsed.error)
                summary.failures.append((source.path, parsed.error))
            if on_progress:
                on_progress(Progress(summary.parsed, len(todo), len(summary.failures), source.path))

        if on_progress:
            on_progress(Progress(0, len(todo), 0, None))
        if settings.scheduler:
            require("distributed", "cluster", "--scheduler (parsing on a Dask cluster)")
            from .cluster import parse_on_cluster
            parse_on_cluster(todo, parse, settings.scheduler, write)
        else:
            parse_isolated(todo, parse, settings, write)
        if not dataset.crosscheck_is_current():
            dataset.write_crosscheck(crosscheck(dataset, checks))
        summary.cross_findings, summary.missing = dataset.crosscheck_counts()
        summary.composition = dataset.composition()
    return summary
