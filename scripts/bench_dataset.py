"""Time the checks across reports on a synthetic dataset of N reports (``bench.py --dataset N``).

    python scripts/bench.py --dataset 1000 --dataset 10000 --dataset 100000

The dataset is made like a national crawl: bodies in real counties (adcodes
from the division list), each publishing a report a year over 2019–2024 with
some years missing; a tenth of body-years posted twice (a page and its PDF),
one copy in twenty of those disagreeing on a value; about one report in a
hundred a copy of another body's report under its own name; some bodies printing their
city before their name in some years; carry-over kept from year to year in
most bodies. Values are random, texts a few thousand characters.

Writing the dataset is not timed (a build writes as it parses). What is timed,
in a fresh process on one core, is the stage a build runs after parsing:
reading the reports' facts, bodies, copies, year-to-year checks, duplicates,
coverage, and writing the results (CPU seconds, wall seconds, the process's
peak resident memory). Then the same build again with nothing changed, which
must do no cross-report work.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extractor.dataset import Dataset, Entry  # noqa: E402
from extractor.record import Record  # noqa: E402
from extractor.regions import division_names, region_from_code  # noqa: E402
from extractor.template import all_keys  # noqa: E402

YEARS = tuple(range(2019, 2025))
DEPARTMENTS = ("人民政府", "教育局", "公安局", "民政局", "财政局", "自然资源局", "生态环境局", "住房和城乡建设局",
               "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "应急管理局",
               "市场监督管理局", "医疗保障局", "统计局", "司法局", "人力资源和社会保障局")
SENTENCES = tuple(f"{topic}方面，本机关{verb}，{detail}。" for topic in (
    "主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障", "政策解读", "回应关切", "基层政务公开")
    for verb in ("认真贯彻落实有关要求", "持续完善工作机制", "进一步规范办理流程", "加强队伍建设")
    for detail in ("及时准确发布各类信息", "提升公开质量和实效", "做好咨询答复工作", "强化考核评估"))
BATCH = 1000
KEYS = {table: all_keys(table, "2021") for table in ("active", "requests", "appeals")}


def _tables(rng: random.Random, carried_over: dict[str, int] | None) -> dict[str, dict[str, int | float | None]]:
    tables: dict[str, dict[str, int | float | None]] = {
        table: {key: rng.choice((0, 0, 0, rng.randint(1, 40))) for key in keys} for table, keys in KEYS.items()}
    tables["active"].update({key: 0 for key in KEYS["active"] if key.startswith(("regulations.", "normative_docs."))})
    if carried_over:
        tables["requests"].update(carried_over)
    return tables


def _text(rng: random.Random, agency: str, year: int) -> str:
    body = "".join(rng.choice(SENTENCES) for _ in range(60))
    return f"{agency}{year}年政府信息公开工作年度报告\n{body}"


def plan(count: int, seed: int) -> list[Entry]:
    """About ``count`` entries of a synthetic national dataset (see the module docstring)."""
    rng = random.Random(seed)
    counties = sorted(code for code in division_names() if code[4:] != "00")
    entries: list[Entry] = []
    body = 0
    while len(entries) < count:
        code = counties[body % len(counties)]
        region = region_from_code(code)
        name = f"{region.county}{DEPARTMENTS[(body // len(counties)) % len(DEPARTMENTS)]}"
        carried: dict[str, int] | None = None
        for year in YEARS:
            if rng.random() < 0.1:
                carried = None
                continue
            agency = f"{region.city}{name}" if rng.random() < 0.2 and region.city else name
            path = f"/bench/{code}/{body}/{year}.html"
            if rng.random() < 0.01 and len(entries) > 50:
                entries.append(_duplicate(entries[rng.randrange(len(entries))], path, agency, region.to_dict(), year))
            else:
                tables = _tables(rng, carried if rng.random() < 0.95 else None)
                record = Record({"path": path, "format": "html"}, agency, region.to_dict(), year, "2021", tables)
                entries.append(Entry(path, f"{body}-{year}", "bench", record, text=_text(rng, agency, year)))
            carried = {k.replace("carried_forward", "carried_over"): v
                       for k, v in entries[-1].record.tables["requests"].items() if k.startswith("carried_forward.")}
            if rng.random() < 0.1:
                entries.append(_copy(entries[-1], rng))
        body += 1
    return entries[:count]


def _copy(entry: Entry, rng: random.Random) -> Entry:
    """The same report posted again as a PDF; one copy in twenty disagrees on a value."""
    record = entry.record
    tables = {t: dict(v) for t, v in record.tables.items()}
    if rng.random() < 0.05:
        tables["requests"]["granted.total"] = (tables["requests"]["granted.total"] or 0) + 1
    copy = Record({"path": entry.path[:-5] + ".pdf", "format": "pdf"}, record.agency, record.region, record.year,
                  record.template, tables)
    return Entry(copy.source["path"], entry.sha256 + "-pdf", "bench", copy, text=entry.text)


def _duplicate(original: Entry, path: str, agency: str, region: dict[str, str | None], year: int) -> Entry:
    """Another body's report published as this body's: same numbers, same text but the name."""
    source = original.record
    text = (original.text or "").replace(source.agency or "", agency)
    copy = Record({"path": path, "format": "html"}, agency, region, year, "2021",
                  {t: dict(v) for t, v in source.tables.items()})
    return Entry(path, f"dup-{path}", "bench", copy, text=text)


def write(db: Path, count: int, seed: int) -> None:
    with Dataset(db) as dataset:
        entries = plan(count, seed)
        for start in range(0, len(entries), BATCH):
            dataset.write_entries(entries[start:start + BATCH])


def _stage(db: str) -> None:
    """The timed stage, run in a child process: print its figures as JSON."""
    from extractor.crosscheck import crosscheck

    cpu, wall = time.process_time(), time.perf_counter()
    with Dataset(db) as dataset:
        result = crosscheck(dataset)
        dataset.write_crosscheck(result)
        first = (time.process_time() - cpu, time.perf_counter() - wall)
        cpu, wall = time.process_time(), time.perf_counter()
        current = dataset.crosscheck_is_current()
        again = (time.process_time() - cpu, time.perf_counter() - wall)
        reports = dataset.status_counts()["ok"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"reports": reports, "cpu_s": first[0], "wall_s": first[1], "peak_mib": peak,
                      "findings": len(result.findings), "coverage_rows": len(result.coverage),
                      "bodies": len(result.bodies), "rebuild_skips": current, "rebuild_s": again[1]}))


def run(counts: Sequence[int], folder: Path, seed: int) -> list[dict]:
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for count in counts:
        db = folder / f"bench-{count}-{seed}.duckdb"
        if not db.exists():
            print(f"writing {count} reports to {db} …", file=sys.stderr)
            write(db, count, seed)
        one_core = ["taskset", "-c", "0"] if Path("/usr/bin/taskset").exists() else []
        done = subprocess.run([*one_core, sys.executable, __file__, "--stage", str(db)], capture_output=True,
                              text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


def print_table(rows: Sequence[dict]) -> None:
    print("| reports | bodies | cross-report stage CPU s | wall s | peak memory MiB | findings | "
          "coverage rows | s per 1,000 reports | rebuild with nothing new |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        per = row["cpu_s"] / row["reports"] * 1000
        rebuild = f"skipped ({row['rebuild_s'] * 1000:.0f} ms)" if row["rebuild_skips"] else "ran again"
        print(f"| {row['reports']:,} | {row['bodies']:,} | {row['cpu_s']:.1f} | {row['wall_s']:.1f} | "
              f"{row['peak_mib']:.0f} | {row['findings']:,} | {row['coverage_rows']:,} | {per:.2f} | {rebuild} |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=int, action="append", required=True, metavar="N",
                        help="reports in the synthetic dataset (repeat for a growth curve)")
    parser.add_argument("--folder", type=Path, default=Path("/tmp/xxgk-bench"), help="where the datasets are kept")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print_table(run(args.dataset, args.folder, args.seed))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--stage"]:
        _stage(sys.argv[2])
    else:
        sys.exit(main())
