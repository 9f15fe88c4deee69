"""The ``xxgk`` command: parse options, make one library call, own the console.

Data goes to stdout, progress and errors to stderr (one line per failed file,
never a traceback), and the exit code says whether anything failed.
"""
from __future__ import annotations

import csv
import json
import logging
import sys
from typing import Iterable, Iterator

import click
from rich.console import Console
from rich.table import Table as RichTable

from . import __version__
from .extract import Outcome, extract_files
from .record import Record
from .template import all_keys, column_label

__all__ = ["main"]

stderr = Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xxgk")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def main(verbose: int, quiet: bool) -> None:
    """xxgk: government information-disclosure annual reports (政府信息公开工作年度报告) into data."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["auto", "jsonl", "csv", "table"]), default="auto", show_default=True,
    help="jsonl: one record per line; csv: one row per report, one column per key; "
         "table: a readable view. auto: table on a terminal, jsonl otherwise.",
)
def extract(files: tuple[str, ...], fmt: str) -> None:
    """Extract the record of each report FILE (HTML, DOCX, PDF, DOC/WPS, TXT)."""
    if fmt == "auto":
        fmt = "table" if sys.stdout.isatty() else "jsonl"
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "table": _write_table}[fmt]
    failures: list[Outcome] = []

    def records() -> Iterator[Record]:
        for outcome in extract_files(files):
            if outcome.record is None:
                failures.append(outcome)
                _fail(f"{outcome.path}: {outcome.error}")
            else:
                yield outcome.record

    writer(records())
    if failures:
        _fail(f"{len(failures)} of {len(files)} file(s) failed")
        sys.exit(1)


def _fail(message: str) -> None:
    stderr.print(f"xxgk: {message}", highlight=False, markup=False)


def _write_jsonl(records: Iterable[Record]) -> None:
    for record in records:
        sys.stdout.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        sys.stdout.flush()


def _write_csv(records: Iterable[Record]) -> None:
    rows = [r.to_row() for r in records]
    meta = [c for c in (rows[0] if rows else {}) if "." not in c]
    keys = [f"{t}.{k}" for t in ("active", "requests", "appeals") for k in all_keys(t)]
    present = {c for row in rows for c in row}
    writer = csv.DictWriter(sys.stdout, fieldnames=meta + [k for k in keys if k in present], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)


def _write_table(records: Iterable[Record]) -> None:
    console = Console()
    for record in records:
        console.rule(f"{record.source['path']}")
        console.print(f"{record.agency or '（机关未识别）'}  {record.year or '?'}年  模板 {record.template}  "
                      f"{' '.join(v for v in record.region.values() if v)}", markup=False)
        for table, values in record.tables.items():
            view = RichTable(title=table, show_lines=False)
            view.add_column("key")
            view.add_column("标签")
            view.add_column("值", justify="right")
            for key, value in values.items():
                view.add_row(key, column_label(table, key), "" if value is None else str(value))
            console.print(view)
        for finding in record.findings:
            if finding.severity != "info":
                console.print(f"[{finding.severity}] {finding.code}: {finding.message}", markup=False)
