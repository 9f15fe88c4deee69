"""Parsing one file apart: the one path every front end (``extract``, ``build``, Dask workers) sends a file down.

A corpus holds files that hang a parser, eat all memory or crash the
interpreter. Each file is parsed in a process of its own with a deadline and
(where the platform can cap it) a memory limit; whatever goes wrong becomes
that file's failure as one line naming the reason, the same line on every run,
and the batch goes on. An error xxgk raises on purpose carries its message;
anything else is a bug in xxgk, reported as an internal error in one line,
its traceback carried back to the parent and logged (``-v``, ``--log``), never
printed to the terminal by default.

Processes are forked from a fork server that imported every reader once (so
each file's process starts warm, and never from the process holding the
database); where there is no fork server or no ``resource`` module (Windows)
they are spawned, with the deadline but without the memory cap. A worker
ends with its parent: a build killed with ``kill -9`` leaves nothing running.
"""
from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from multiprocessing import forkserver
from multiprocessing.connection import Connection, wait

from .errors import XxgkError, one_line
from .readers import reader_modules
from .record import Record

try:
    import resource
except ImportError:  # Windows: no memory cap, the deadline still holds
    resource = None  # type: ignore[assignment]

__all__ = ["MEMORY_MB", "POOLS", "TIMEOUT", "Parse", "Parsed", "PoolSettings", "Source", "default_pool", "log_detail", "parse_each",
           "parse_isolated", "parse_outcome"]

log = logging.getLogger(__name__)

#: How file processes are started: forked from a warm fork server, or spawned afresh (Windows).
POOLS = ("forkserver", "spawn")
#: Seconds and MiB one file may take by default: far more than any report needs (a 40-page scan OCRs in a
#: minute, a long PDF reads in a second), little enough that a stuck file costs minutes, not a night.
TIMEOUT = 300.0
MEMORY_MB = 4096
#: Linux's prctl option asking the kernel to signal a process when its parent ends.
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True, slots=True)
class CrawlInfo:
    """What a crawl's manifest says of a file: whose listing it came from and under which title."""

    body: str | None = None
    region: str | None = None
    title: str | None = None


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
    by its numbers (DUPLICATE_REPORT), and researchers search it. ``detail``
    is the traceback of an internal error, for the log only. ``kind`` is
    ``not_a_report`` for a file that holds no standard table and no report
    title (a README, a notice, what LibreOffice makes of noise).
    """

    source: Source
    record: Record | None
    error: str | None = None
    text: str | None = None
    detail: str | None = None
    kind: str = "report"


Parse = Callable[[Source], Parsed]


def default_pool() -> str:
    """The fork server where the platform has one and can cap a process's memory; spawning elsewhere."""
    return "forkserver" if resource is not None and "forkserver" in multiprocessing.get_all_start_methods() \
        else "spawn"


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """How files are parsed apart: how many processes, how long and how much memory one file may take,
    and how processes start (``forkserver`` or ``spawn``, by default what the platform allows)."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout: float = TIMEOUT
    memory_mb: int = MEMORY_MB
    pool: str = field(default_factory=default_pool)

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be positive, not {self.timeout}")
        if self.memory_mb < 64:
            raise ValueError(f"memory_mb must be at least 64, not {self.memory_mb}")
        if self.pool not in POOLS:
            raise ValueError(f"pool must be one of {', '.join(POOLS)}, not {self.pool!r}")


def parse_outcome(source: Source, parse: Parse, memory_mb: int | None = None) -> Parsed:
    """Parse one file and never raise: a failure becomes the reason, in one stable line.

    Errors xxgk raises on purpose carry their message; anything else is a bug
    in xxgk, reported as an internal error with its traceback as ``detail``.
    """
    try:
        return parse(source)
    except XxgkError as exc:
        return Parsed(source, None, one_line(exc.message))
    except MemoryError:
        return Parsed(source, None, "out of memory" + (f" (limit {memory_mb} MiB)" if memory_mb else ""))
    except Exception as exc:  # noqa: BLE001 - isolating one file is the point
        return Parsed(source, None, one_line(f"internal error: {type(exc).__name__}: {exc}"),
                      detail=traceback.format_exc())


def log_detail(parsed: Parsed) -> None:
    """Log an internal error with its traceback (as the record's ``detail``: seen with ``-v`` or in ``--log``),
    not on the terminal by default."""
    if parsed.detail:
        log.info("%s: %s", parsed.source.path, parsed.error, extra={"detail": parsed.detail.rstrip()})


def parse_isolated(sources: Sequence[Source], parse: Parse, settings: PoolSettings,
                   on_parsed: Callable[[Parsed], None]) -> None:
    """Parse each source apart (see :func:`parse_each`), handing each outcome to ``on_parsed``.

    If ``on_parsed`` fails (or the user interrupts), the files still in flight
    are killed rather than left running.
    """
    with closing(parse_each(sources, parse, settings)) as outcomes:
        for parsed in outcomes:
            on_parsed(parsed)


def parse_each(sources: Sequence[Source], parse: Parse, settings: PoolSettings) -> Iterator[Parsed]:
    """Each source's outcome as it finishes, each parsed in a process of its own, ``settings.jobs`` at a time.

    A process that outlives ``settings.timeout`` is killed, one that dies
    without answering (a segfault, the kernel's OOM killer) is reported with
    its exit code; either way the outcome is that file's failure. Closing the
    iterator kills the files in flight.
    """
    context = multiprocessing.get_context(settings.pool)
    if settings.pool == "forkserver":
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
                    log_detail(parsed)
                    yield parsed
    finally:
        for job in running:
            _kill(job.process)
            job.process.join()


@dataclass(slots=True)
class _Job:
    source: Source
    process: multiprocessing.process.BaseProcess
    conn: Connection
    deadline: float


def _start(context: multiprocessing.context.BaseContext, source: Source, parse: Parse,
           settings: PoolSettings) -> _Job:
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, parse, source, settings.memory_mb), daemon=True)
    process.start()
    sender.close()
    return _Job(source, process, receiver, time.monotonic() + settings.timeout)


def _child(conn: Connection, parse: Parse, source: Source, memory_mb: int) -> None:
    """Body of the process that parses one file: lead a process group of its own (so that what it starts,
    Tesseract, is killed with it), end with the parent, cap memory, parse, send the outcome.

    Ctrl-C reaches every process of the terminal's group; the parent decides
    what happens to the files in flight, so a worker ignores it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "setsid"):
        os.setsid()
    _end_with_parent()
    if resource is not None:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn.send(parse_outcome(source, parse, memory_mb))
    conn.close()


def _end_with_parent() -> None:
    """Make this process end when its parent does, whatever killed the parent.

    On Linux the kernel kills it (``PR_SET_PDEATHSIG``; a fork server's
    child's parent is the fork server, which exits when the build does). A
    parent that died before the request leaves this process with another
    parent already, so that is checked once. Elsewhere a thread waits on
    the parent's sentinel (spawned processes have one).
    """
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:
            os._exit(1)
        _let_go_of_fork_server()
        return
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (wait([parent.sentinel]), os._exit(1)), daemon=True).start()


def _let_go_of_fork_server() -> None:
    """Close this process's end of its fork server's "alive" pipe.

    A fork server lives while any process holds that pipe, its own children
    included; a child that lets go of it leaves the build as the only holder,
    so the server ends with the build and takes its children with it.
    """
    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    if alive is not None:
        os.close(alive)
        forkserver._forkserver._forkserver_alive_fd = None


def _kill(process: multiprocessing.process.BaseProcess) -> None:
    """Kill a file's process and the processes it started (its group); just the process where there are no
    process groups, or before it made its own."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):
        process.kill()


def _poll(job: _Job, settings: PoolSettings) -> Parsed | None:
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
        _kill(job.process)
        parsed = Parsed(job.source, None, f"timed out after {settings.timeout:g} s")
    job.process.join()
    job.conn.close()
    return parsed or Parsed(job.source, None, f"worker died (exit code {job.process.exitcode})")
