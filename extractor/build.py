"""From folders of reports to the dataset: find files, parse the new ones in isolation, write.

A build must survive the corpus it meets: one PDF that hangs the parser, one
that eats all memory, one that crashes the interpreter. So every file is
parsed in a process of its own (forked from a clean fork server, not from the
process holding the database), with a memory limit and a deadline; whatever
goes wrong is that file's failed entry and the build goes on.

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

import csv
import hashlib
import logging
import multiprocessing
import os
import resource
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from . import __version__
from .crawl.outcome import FINISHED
from .crosscheck import CrossSettings, crosscheck, remember_options
from .dataset import CrawlInfo, Dataset, Entry, KnownFile
from .errors import DatasetError, XxgkError
from .extras import require
from .metadata import has_report_title, title_year
from .readers import SUFFIXES as REPORT_SUFFIXES
from .readers import reader_modules
from .record import Record

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
MANIFEST = "manifest.csv"
LISTINGS = "listings.csv"


@dataclass(frozen=True, slots=True)
class Source:
    """One file to parse, with what the crawl knew about it (when it came from a crawl):
    for an attachment, ``parent_url`` is the page that linked it; ``crawl`` the seed's body and
    region and the listing's title."""

    path: str
    url: str | None = None
    publish_date: str | None = None
    charset: str | None = None
    parent_url: str | None = None
    crawl: CrawlInfo | None = None


@dataclass(frozen=True, slots=True)
class Parsed:
    """What parsing one file gave: a record and the report's running text, or the reason it failed.

    The text is kept because a copied report is told by its words as much as
    by its numbers (DUPLICATE_REPORT), and researchers search it. ``kind`` is
    ``not_a_report`` for a file that holds no standard table and no report
    title (a README, a notice, what LibreOffice makes of noise).
    """

    source: Source
    record: Record | None
    error: str | None = None
    text: str | None = None
    kind: str = "report"


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """How to parse: how many processes, how long and how much memory one file may take."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = 300.0
    memory_mb: int = 4096
    retry_failed: bool = False
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, not {self.timeout}")
        if self.memory_mb < 64:
            raise ValueError(f"memory_mb must be at least 64, not {self.memory_mb}")


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
    the failures, and what the checks across reports found."""

    found: int = 0
    skipped: int = 0
    parsed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    cross_findings: int = 0
    missing: int = 0


Parse = Callable[[Source], Parsed]
OnProgress = Callable[[Progress], None]


# --- Finding the files --------------------------------------------------------

def crawl_folders(paths: Iterable[str | Path]) -> list[Path]:
    """The given folders that are crawls (they hold a ``manifest.csv``), resolved."""
    return [Path(p).resolve() for p in paths if Path(p).is_dir() and (Path(p) / MANIFEST).is_file()]


def collect_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Every report file under the given files and folders, each once, in a stable order.

    A folder holding a crawl's ``manifest.csv`` is read through its manifest
    (only the rows whose copy is usable), so that each file keeps its URL,
    publication date and the charset its server declared.
    """
    found: dict[str, Source] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir() and (path / MANIFEST).is_file():
            sources = manifest_sources(path / MANIFEST)
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


def _manifest_rows(manifest: Path, required: set[str]) -> list[dict[str, str]]:
    """The rows of a crawl's manifest (or listings) file, or a DatasetError naming it."""
    try:
        with manifest.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"cannot read crawl manifest: {exc}", manifest) from exc
    missing = required - set(rows[0] if rows else required)
    if missing:
        raise DatasetError(f"crawl manifest lacks column(s) {', '.join(sorted(missing))}", manifest)
    return rows


def manifest_sources(manifest: Path) -> list[Source]:
    """The usable rows of a crawl manifest as sources (paths in it are relative to its folder).

    The crawl gives an attachment its page's publish date; the page's URL
    comes along as ``parent_url``, the seed's body and region and the
    listing's title as ``crawl``.
    """
    return [Source(str((manifest.parent / row["path"]).resolve()), row.get("url") or None,
                   row.get("publish_date") or None, row.get("charset") or None, row.get("parent_url") or None,
                   CrawlInfo(row.get("body") or None, row.get("region") or None, row.get("title") or None))
            for row in _manifest_rows(manifest, {"path", "outcome"}) if row["outcome"] in FINISHED and row["path"]]


def crawl_failures(folder: Path) -> list[tuple[str | None, ...]]:
    """What a crawl could not fetch (documents and listing pages), as ``crawl_failures`` rows: the
    seed's body and region, the URL, its title and the year the title names, kind, outcome, status, reason."""
    rows = []
    for name in (MANIFEST, LISTINGS):
        if (folder / name).is_file():
            rows += [(row.get("body") or None, row.get("region") or None, row.get("url") or None,
                      row.get("title") or None, title_year(row.get("title")), row.get("kind") or name[:-4],
                      row["outcome"], row.get("http_status") or None, row.get("reason") or None)
                     for row in _manifest_rows(folder / name, {"outcome"}) if row["outcome"] not in FINISHED]
    return rows


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
    """The sources the dataset does not hold yet with the same bytes and extractor version."""
    def is_current(source: Source) -> bool:
        held = known.get(source.path)
        return (held is not None and held.sha256 == hashes[source.path] != ""
                and held.extractor_version == EXTRACTOR_VERSION
                and not (retry_failed and held.status == "failed"))
    return [s for s in sources if not is_current(s)]


# --- Parsing one file -----------------------------------------------------------

def parse_source(source: Source) -> Parsed:
    """The default parser: the extraction pipeline, given what the crawl knew about the file,
    keeping the document's text (for DUPLICATE_REPORT) and saying whether it is a report at all."""
    from .extract import read_and_extract

    record, document = read_and_extract(source.path, url=source.url, charset=source.charset)
    kind = "report" if record.tables or has_report_title(document) else "not_a_report"
    return Parsed(source, record, text=document.text, kind=kind)


def parse_outcome(source: Source, parse: Parse = parse_source, memory_mb: int | None = None) -> Parsed:
    """Parse one file and never raise: a failure becomes the reason, in one line.

    Errors xxgk raises on purpose carry their message; anything else is a bug
    in xxgk, logged with its traceback and reported as an internal error.
    """
    try:
        return parse(source)
    except XxgkError as exc:
        return Parsed(source, None, exc.message)
    except MemoryError:
        return Parsed(source, None, "out of memory" + (f" (limit {memory_mb} MiB)" if memory_mb else ""))
    except Exception as exc:
        log.debug("internal error on %s", source.path, exc_info=True)
        return Parsed(source, None, f"internal error: {type(exc).__name__}: {exc}")


def _child(conn: Connection, parse: Parse, source: Source, memory_mb: int) -> None:
    """Body of the process that parses one file: cap its memory, parse, send the outcome."""
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(parse_outcome(source, parse, memory_mb))
    conn.close()


@dataclass(slots=True)
class _Job:
    source: Source
    process: multiprocessing.process.BaseProcess
    conn: Connection
    deadline: float


def parse_isolated(sources: Sequence[Source], parse: Parse, settings: BuildSettings,
                   on_parsed: Callable[[Parsed], None]) -> None:
    """Parse each source in a process of its own, ``settings.jobs`` at a time.

    A process that outlives ``settings.timeout`` is killed, one that dies
    without answering (a segfault, the kernel's OOM killer) is reported with
    its exit code; either way the outcome is that file's failure. The fork
    server imports the parser and every reader once, so that each file's
    process starts warm. If writing an outcome fails (or the user
    interrupts), the files still in flight are killed rather than left
    running.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["extractor.extract", *reader_modules(), parse.__module__])
    pending = deque(sources)
    running: list[_Job] = []
    try:
        while pending or running:
            while pending and len(running) < settings.jobs:
                running.append(_start(context, pending.popleft(), parse, settings))
            timeout = max(0.0, min(job.deadline for job in running) - time.monotonic())
            wait([obj for job in running for obj in (job.conn, job.process.sentinel)], timeout)
            for job in list(running):
                parsed = _poll(job, settings)
                if parsed is not None:
                    running.remove(job)
                    on_parsed(parsed)
    finally:
        for job in running:
            job.process.kill()
            job.process.join()


def _start(context: multiprocessing.context.ForkServerContext, source: Source, parse: Parse,
           settings: BuildSettings) -> _Job:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, parse, source, settings.memory_mb), daemon=True)
    process.start()
    sender.close()
    return _Job(source, process, receiver, time.monotonic() + settings.timeout)


def _poll(job: _Job, settings: BuildSettings) -> Parsed | None:
    """The outcome of a job if it has one (answer, death or deadline), cleaning up after it."""
    parsed: Parsed | None = None
    if job.conn.poll():
        try:
            parsed = job.conn.recv()
        except (EOFError, OSError):
            parsed = None
    elif job.process.is_alive():
        if time.monotonic() < job.deadline:
            return None
        job.process.kill()
        parsed = Parsed(job.source, None, f"timed out after {settings.timeout:g} s")
    job.process.join()
    job.conn.close()
    return parsed or Parsed(job.source, None, f"worker died (exit code {job.process.exitcode})")


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
            dataset.write_entry(Entry(source.path, hashes[source.path], EXTRACTOR_VERSION, parsed.record,
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
    return summary
