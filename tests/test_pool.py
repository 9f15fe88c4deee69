"""The parsing pool's start methods: a warm fork server where the platform has one, spawning where it has not
(Windows), forced here on Linux to show the fallback builds the same dataset."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES
from dataset_support import misbehaving

from extractor.build import BuildSettings, build
from extractor.dataset import Dataset
from extractor.extract import read_and_extract
from extractor.isolation import PoolSettings, Source, default_pool, parse_each

REPORTS = [SAMPLES / "ganyu-kjj-2024.txt", SAMPLES / "official_template_2021.docx",
           SAMPLES / "shanghai_szfbgt_2019.html"]


def test_linux_parses_in_a_fork_server() -> None:
    assert default_pool() == "forkserver"


def test_an_unknown_pool_is_refused() -> None:
    with pytest.raises(ValueError, match="pool must be one of forkserver, spawn, not 'thread'"):
        PoolSettings(pool="thread")


def test_a_build_through_the_spawn_pool_writes_each_record(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    summary = build(REPORTS, db, settings=BuildSettings(jobs=2, timeout=120, pool="spawn"))
    with Dataset(db, read_only=True) as dataset:
        facts = dataset.report_facts()
        values = dataset.values_of(f.report_id for f in facts)
        stored = {f.agency: values[f.report_id] for f in facts}
    records = [read_and_extract(report)[0] for report in REPORTS]
    assert (summary.parsed, summary.failures) == (3, [])
    assert stored == {record.agency: record.tables for record in records}


def test_the_spawn_pool_keeps_the_per_file_timeout(tmp_path: Path) -> None:
    hangs = tmp_path / "hangs.html"
    hangs.write_text("<html></html>", encoding="utf-8")
    outcomes = list(parse_each([Source(str(hangs))], misbehaving, PoolSettings(jobs=1, timeout=2, pool="spawn")))
    assert [p.error for p in outcomes] == ["timed out after 2 s"]
