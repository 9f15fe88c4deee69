"""A build on a Dask cluster writes the same dataset as the local pool."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import SAMPLES
from dataset_support import DATASET_FIXTURES, parse_expected
from distributed import LocalCluster

from extractor.build import BuildSettings, build
from extractor.dataset import Dataset

SOURCES = [SAMPLES, DATASET_FIXTURES / "garbage.pdf"]


@pytest.fixture(scope="module")
def scheduler() -> str:
    with LocalCluster(n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _tables(db: Path) -> dict[str, pd.DataFrame]:
    with Dataset(db, read_only=True) as dataset:
        return {name: dataset.table(name) for name in ("reports", "report_values", "findings", "missing_reports")}


def test_cluster_build_equals_local_build(tmp_path: Path, scheduler: str) -> None:
    local, remote = tmp_path / "local.duckdb", tmp_path / "cluster.duckdb"
    build(SOURCES, local, settings=BuildSettings(jobs=2))
    build(SOURCES, remote, settings=BuildSettings(scheduler=scheduler))
    for name, frame in _tables(local).items():
        pd.testing.assert_frame_equal(_tables(remote)[name], frame, obj=name)


def test_cluster_build_parses_nothing_the_second_time(tmp_path: Path, scheduler: str) -> None:
    db = tmp_path / "cluster.duckdb"
    build(SOURCES, db, settings=BuildSettings(scheduler=scheduler), parse=parse_expected)
    assert build(SOURCES, db, settings=BuildSettings(scheduler=scheduler), parse=parse_expected).parsed == 0
