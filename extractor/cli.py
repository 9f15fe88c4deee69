"""The ``xxgk`` command: parse options, make one library call, own the console.

Data goes to stdout, progress and errors to stderr (one line per failed file,
never a traceback), and the exit code says whether anything failed.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import signal
import sys
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import click
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from . import __version__
from .errors import XxgkError, one_line
from .extract import extract_files
from .isolation import MEMORY_MB, TIMEOUT, Parsed, PoolSettings
from .record import Record, Value
from .template import (APPEAL_GROUPS, APPEAL_RESULTS, REQUEST_COLUMNS, TABLE_IDS, TABLES, active_blocks, all_keys,
                       column_heading, form_request_rows, row_label)

if TYPE_CHECKING:
    from .build import Progress as BuildProgress

__all__ = ["main"]

log = logging.getLogger(__name__)
stderr = Console(stderr=True)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that it unwinds as Ctrl-C does."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a command the way Ctrl-C does: the exception unwinds through the parsing pool (which
    kills the files in flight) and the dataset (whose last whole write is kept), so the command resumes."""
    def terminate(signum: int, frame: object) -> None:
        raise _Terminated(signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Group(click.Group):
    """For every command: an error xxgk raises on purpose is one line on stderr and exit 1, and so is a bug
    (its traceback logged); SIGINT or SIGTERM is one line saying how to go on and exit 128 + the signal's
    number, as shells expect."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            with _terminate_as_interrupt():
                return super().invoke(ctx)
        except XxgkError as exc:
            _fail(str(exc))
            sys.exit(1)
        except KeyboardInterrupt as exc:
            signum = exc.signum if isinstance(exc, _Terminated) else signal.SIGINT
            _fail(f"stopped by {signal.Signals(signum).name}; what was done is kept: "
                  "run the same command again to go on")
            sys.exit(128 + signum)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug in xxgk is still one line
            log.info("internal error", exc_info=True)
            _fail(f"internal error: {type(exc).__name__}: {exc} (-v or --log FILE shows where)")
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
@click.option("-v", "--verbose", count=True,
              help="More log output on stderr: -v for progress and internal errors' tracebacks, -vv for debug.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("--log", "log_file", type=click.Path(dir_okay=False),
              help="Also write the full debug log (tracebacks included) to this file.")
def main(verbose: int, quiet: bool, log_file: str | None) -> None:
    """xxgk: government information-disclosure annual reports (政府信息公开工作年度报告) into data."""
    _utf8_streams()
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(level)
    handlers: list[logging.Handler] = [console]
    if log_file:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(_LogFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if log_file else level, handlers=handlers)


class _LogFormatter(logging.Formatter):
    """Each log message one harmless line (file names escaped as in error lines), followed by the
    traceback it carries, if any: the record's ``detail`` (an internal error in a file's process) or its
    exception."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        return one_line(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        detail = getattr(record, "detail", None)
        return f"{text}\n{detail}" if detail else text


def _utf8_streams() -> None:
    """Write UTF-8 to stdout and stderr whatever the locale says (``LC_ALL=C`` would make every Chinese
    record an encoding error); a character that cannot be written is escaped, never an exception."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower().replace("-", "") != "utf8":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def _timeout_option(command: Callable) -> Callable:
    """``--timeout``, the same for ``extract`` and ``build``: both send files down one path."""
    return click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=TIMEOUT,
                        show_default=True, help="Seconds one file may take before it is a failure.")(command)


def _memory_option(command: Callable) -> Callable:
    """``--memory-mb``, the same for ``extract`` and ``build``."""
    return click.option("--memory-mb", type=click.IntRange(min=64), default=MEMORY_MB, show_default=True,
                        help="Memory one file's parse may use before it is a failure (not on Windows).")(command)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["auto", "jsonl", "csv", "table"]), default="auto", show_default=True,
    help="jsonl: one record per line; csv: one row per report, one column per key; "
         "table: a readable view. auto: table on a terminal, jsonl otherwise.",
)
@_timeout_option
@_memory_option
def extract(files: tuple[str, ...], fmt: str, timeout: float, memory_mb: int) -> None:
    """Extract the record of each report FILE (HTML, DOCX, PDF, DOC/WPS, TXT; scans and table images with OCR).

    Each file is read in a process of its own, as ``build`` reads it, within --timeout and --memory-mb.
    """
    if fmt == "auto":
        fmt = "table" if sys.stdout.isatty() else "jsonl"
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "table": _write_table}[fmt]
    failures: list[Parsed] = []

    def records() -> Iterator[Record]:
        for parsed in extract_files(files, PoolSettings(jobs=1, timeout=timeout, memory_mb=memory_mb)):
            if parsed.record is None:
                failures.append(parsed)
                _fail(f"{parsed.source.path}: {parsed.error}")
            else:
                yield parsed.record

    writer(records())
    if failures:
        _fail(f"{len(failures)} of {len(files)} file(s) failed")
        sys.exit(1)


@main.command("explain")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--table", type=click.Choice(TABLE_IDS), help="Only the steps of this standard table.")
def explain_command(file: str, table: str | None) -> None:
    """Show how the locator read FILE: sections and their headings, candidate rows and their scores,
    the alignment, header rows, streams, and the nearest candidate of what was not found."""
    from .explain import explain

    for line in explain(file, table):
        click.echo(line)


def _years(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, ...]:
    """``2020-2024`` or ``2019,2021`` as a tuple of years."""
    if not value:
        return ()
    try:
        if "-" in value:
            first, last = (int(part) for part in value.split("-", 1))
            return tuple(range(first, last + 1))
        return tuple(int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a year range like 2020-2024 or a list like 2020,2022")


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="The DuckDB dataset file (created if new).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Parallel processes (default: all cores).")
@_timeout_option
@_memory_option
@click.option("--retry-failed", is_flag=True, help="Parse again the files that failed before.")
@click.option("--scheduler", metavar="tcp://HOST:PORT", help="Parse on this Dask cluster instead of locally.")
@click.option("--bodies", type=click.Path(exists=True, dir_okay=False),
              help="CSV of the bodies that should report (columns agency, region): coverage is checked against it.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False),
              help="CSV (agency, body, region) saying which body a printed agency name belongs to.")
@click.option("--years", callback=_years, help="Years coverage covers, e.g. 2020-2024 (default: the years seen).")
@click.option("--forget-options", is_flag=True,
              help="Drop the --bodies, --mapping and --years earlier builds stored in the dataset.")
def build(sources: tuple[str, ...], db: str, jobs: int | None, timeout: float, memory_mb: int, retry_failed: bool,
          scheduler: str | None, bodies: str | None, mapping: str | None, years: tuple[int, ...],
          forget_options: bool) -> None:
    """Parse every report under SOURCES (files, folders, crawl folders) into the dataset --db.

    --bodies, --mapping and --years are stored in the dataset: later builds use them until they are
    given again (or dropped with --forget-options)."""
    from .build import BuildSettings, build as build_dataset
    from .crosscheck import CrossSettings

    settings = BuildSettings(timeout=timeout, memory_mb=memory_mb, retry_failed=retry_failed, scheduler=scheduler,
                             **({"jobs": jobs} if jobs else {}))
    with _progress_bar() as on_progress:
        summary = build_dataset(sources, db, settings=settings, on_progress=on_progress,
                                checks=CrossSettings(mapping_csv=mapping, bodies_csv=bodies, years=years,
                                                    forget=forget_options))
    for path, error in summary.failures:
        _fail(f"{path}: {error}")
    held = summary.composition
    stderr.print(f"{summary.found} file(s): {summary.skipped} already in the dataset, {summary.parsed} parsed, "
                 f"{len(summary.failures)} failed; {summary.cross_findings} finding(s) across reports, "
                 f"{summary.missing} missing report(s) → {db}", highlight=False, markup=False, soft_wrap=True)
    stderr.print(f"in the dataset: {held['reports']} report(s) (one per body and year), {held['copies']} more "
                 f"copy(ies) of them, {held['failed']} failed, {held['page']} page(s) that only link reports, "
                 f"{held['not_a_report']} file(s) that are no report", highlight=False, markup=False, soft_wrap=True)
    if summary.failures:
        sys.exit(1)


@contextmanager
def _progress_bar() -> Iterator[Callable[[BuildProgress], None]]:
    """A progress bar on stderr (done/total, rate, ETA, failures) and the callback that moves it."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), TextColumn("{task.fields[failed]} failed"))
    with Progress(*columns, console=stderr, disable=not stderr.is_terminal) as bar:
        task = bar.add_task("parsing", total=None, rate="", failed=0)

        def on_progress(progress: BuildProgress) -> None:
            speed = bar.tasks[0].speed
            bar.update(task, completed=progress.done, total=progress.total, failed=progress.failed,
                       rate=f"{speed:.1f} files/s" if speed else "")
        yield on_progress


@main.command("export")
@click.option("--db", required=True, type=click.Path(exists=True, dir_okay=False), help="The dataset file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "xlsx", "jsonl", "dta"]), required=True,
              help="csv (UTF-8 with BOM), parquet, xlsx (one sheet per table), jsonl, dta (Stata 118).")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write into.")
def export_command(db: str, fmt: str, out: str) -> None:
    """Export the dataset --db: wide and long tables, findings, missing reports and a codebook."""
    from .export import export

    for path in export(db, fmt, out):
        click.echo(str(path))


@main.command("report")
@click.option("--db", required=True, type=click.Path(exists=True, dir_okay=False), help="The dataset file.")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="The folder to write the review site into (made if missing).")
def report_command(db: str, out: str) -> None:
    """Write the review site of the dataset --db into a folder: an overview (coverage, failures, findings,
    headline figures), a page per report beside its source, a page per body; open its index.html."""
    from .review import write_site

    click.echo(str(write_site(db, out)))


@main.command("crawl")
@click.argument("seeds", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Crawl folder: manifest.csv, files/ (a re-run resumes it).")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between two requests to one host (default 1).")
@click.option("--max-bytes", type=click.IntRange(min=1), help="Largest file kept; bigger ones are too-large (default 50 MiB).")
@click.option("--years", callback=_years, help="Only reports about these years, e.g. 2019-2025.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds one request may take (default 30).")
@click.option("--retries", type=click.IntRange(min=0), help="Retries after a timeout or 5xx (default 2).")
@click.option("--limit", type=click.IntRange(min=1), help="Stop after fetching this many documents; re-run to go on.")
@click.option("--refresh", is_flag=True, default=None, help="Re-ask finished documents with conditional requests.")
@click.option("--warc", is_flag=True, default=None, help="Also archive every response in crawl.warc.gz.")
@click.option("--allow-private", is_flag=True, default=None, help="Allow loopback and private addresses (for tests).")
def crawl_command(seeds: str, out_dir: str, **options: object) -> None:
    """Download the annual reports of every body in SEEDS.csv (columns body,region,url) into --out."""
    from .crawl import CrawlSettings, crawl, read_seeds

    settings = CrawlSettings(**{name: value for name, value in options.items() if value not in (None, ())})
    with stderr.status("crawling…") as status:
        summary = crawl(read_seeds(seeds), out_dir, settings,
                        on_row=lambda row: status.update(f"{row.outcome}: {row.url}"))
    for row in summary.failures:
        _fail(f"{row.url}: {row.outcome} ({row.reason})")
    for outcome, count in sorted(summary.outcomes.items()):
        click.echo(f"{outcome}\t{count}")
    stderr.print(f"{sum(summary.outcomes.values())} document(s) this run, {summary.resumed} kept from before"
                 f"{', stopped at --limit' if summary.stopped else ''} → {summary.out_dir / 'manifest.csv'}",
                 highlight=False, markup=False)
    if summary.failures:
        sys.exit(1)


def _fail(message: str) -> None:
    """One line on stderr, whatever the message holds (names with newlines, terminal escapes, bad bytes)."""
    stderr.print(f"xxgk: {one_line(message)}", highlight=False, markup=False, soft_wrap=True)


def _write_jsonl(records: Iterable[Record]) -> None:
    for record in records:
        sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _write_csv(records: Iterable[Record]) -> None:
    """One row per report, in UTF-8 with a byte-order mark like the exports, so that Excel on a Chinese
    Windows reads the characters right instead of guessing GBK."""
    rows = [r.to_row() for r in records]
    meta = [c for c in (rows[0] if rows else {}) if "." not in c]
    keys = [f"{t}.{k}" for t in ("active", "requests", "appeals") for k in all_keys(t)]
    present = {c for row in rows for c in row}
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="")
    writer = csv.DictWriter(stream, fieldnames=meta + [k for k in keys if k in present], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    stream.flush()
    stream.detach()


def _write_table(records: Iterable[Record]) -> None:
    """Each record as people read the form: one grid per table under the form's heading, rows down,
    columns across, in 80 columns."""
    console = Console()
    for record in records:
        console.rule(f"{record.source['path']}")
        console.print(f"{record.agency or '（机关未识别）'}  {record.year or '?'}年  模板 {record.template}  "
                      f"{' '.join(v for v in record.region.values() if v)}", markup=False)
        for table, values in record.tables.items():
            console.print("\n" + next(t.heading for t in TABLES if t.id == table), style="bold", markup=False)
            console.print(*_grids(table, values, record.template))
        for finding in record.findings:
            if finding.severity != "info":
                console.print(f"[{finding.severity}] {finding.code}: {finding.message}", markup=False)


def _grids(table: str, values: dict[str, Value], template: str) -> list[RichTable]:
    """A table's values pivoted back into the form: rows down, columns across, blank cells empty, not 0.

    The active table gives one grid per 第二十条 block, titled with its item;
    the requests table shows its group rows （三）…（六） as the form does.
    """
    if table == "active":
        return [_grid(table, values, block.columns, [(r, row_label(table, r), False) for r in rows], block.item)
                for block, rows in active_blocks(values, template)]
    present = {key.rpartition(".")[0] for key in values}
    if not present:
        return []
    if table == "requests":
        rows = [(row.key, row.brief, heads) for row, heads in form_request_rows(present)]
        return [_grid(table, values, tuple(c.key for c in REQUEST_COLUMNS), rows)]
    return [_grid(table, values, tuple(r.key for r in APPEAL_RESULTS),
                  [(g.key, g.brief, False) for g in APPEAL_GROUPS if g.key in present])]


def _grid(table: str, values: dict[str, Value], columns: tuple[str, ...], rows: list[tuple[str, str, bool]],
          title: str | None = None) -> RichTable:
    """One grid: the columns any row fills (short headings), a row per (key, label, heads); a heading row
    (``heads``) holds no numbers."""
    columns = tuple(c for c in columns if any(f"{r}.{c}" in values for r, _, _ in rows))
    view = RichTable(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 0, 0, 1),
                     pad_edge=False)
    view.add_column("", overflow="fold")
    for column in columns:
        view.add_column(column_heading(table, column, rows[0][0], brief=True), justify="right", no_wrap=True)
    for row, label, heads in rows:
        cells = ("" if heads or values.get(f"{row}.{c}") is None else str(values[f"{row}.{c}"]) for c in columns)
        view.add_row(label, *cells, style="bold" if heads else None)
    return view
