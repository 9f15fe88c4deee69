"""The form is data: a new version of it is an addition to extractor/template.py's data, no change to code.

The first test makes a copy of the package whose template.py holds a
hypothetical 2027 form — the 2021 form with one more result row in
（五）不予处理 — by adding one template and one row to the data, then runs the
real generator and the real extractor on that copy in a subprocess: the
reports come out on the 2027 form, with the new row's values read and summed
into （七）总计. The others pin what the data means: a row's templates decide
the rows a template has, and how a report's template is told and judged.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from extractor import template
from extractor.record import Record

from conftest import ROOT

NEW_ROW = "not_processed.automated"
#: The data added to template.py: (the text it goes after, the text added).
ADDITIONS = (
    ('    Template("2021", 2021, ("issued", "repealed", "in_force",\n'
     '                            "other", "other.no_correction", "other.unpaid_fee", "other.other")),\n',
     '    Template("2027", 2027, ("issued", "repealed", "in_force", "other", "other.no_correction",\n'
     f'                            "other.unpaid_fee", "other.other", "{NEW_ROW}")),\n'),
    ('        short="5.要求确认或重新出具",\n    ),\n',
     f'    RequestRow("{NEW_ROW}", "6.以自动化手段批量提交的申请", result=True, templates=since("2027")),\n'),
)
COUNT, SEED = 10, 27


def _form_2027(package: Path) -> None:
    """Add the 2027 template and its row to the copy's data (each after a text found exactly once)."""
    path = package / "template.py"
    source = path.read_text(encoding="utf-8")
    for after, added in ADDITIONS:
        assert source.count(after) == 1, f"template.py no longer holds {after!r}"
        source = source.replace(after, after + added)
    path.write_text(source, encoding="utf-8")


#: Run in a subprocess on the copy: generate reports of the year 2027, extract each, print its record.
#: The copy's template is imported first, before make_corpus puts the repository first on the path.
GENERATE_AND_EXTRACT = """
import json, sys
from pathlib import Path
copy, scripts, out, seed, count = sys.argv[1:]
sys.path[:0] = [copy, scripts]
import extractor.template
from extractor.extract import extract_file
from make_corpus import write_corpus
for report in write_corpus(int(seed), int(count), ("html", "docx"), Path(out), year=2027):
    print(json.dumps(extract_file(Path(out) / report.filename).to_dict(), ensure_ascii=False))
"""


@cache
def _run_2027(tmp: Path) -> tuple[list[dict], dict[str, dict]]:
    """Generate reports of the year 2027 with the copy, extract them with it: (records, expected by name)."""
    shutil.copytree(ROOT / "extractor", tmp / "extractor", ignore=shutil.ignore_patterns("__pycache__"))
    _form_2027(tmp / "extractor")
    out = tmp / "reports"
    run = subprocess.run([sys.executable, "-c", GENERATE_AND_EXTRACT, str(tmp), str(ROOT / "scripts"), str(out),
                          str(SEED), str(COUNT)], cwd=tmp, check=True, capture_output=True, text=True)
    records = [json.loads(line) for line in run.stdout.splitlines()]
    expected = {p.name.split(".")[0]: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.expected.json")}
    return records, expected


def _name(record: dict) -> str:
    return Path(record["source"]["path"]).stem


def test_a_2027_form_with_one_more_row_is_an_addition_to_the_data(tmp_path_factory):
    records, expected = _run_2027(tmp_path_factory.mktemp("form2027"))
    assert len(records) == COUNT
    for record in records:
        want = expected[_name(record)]
        assert (record["template"], record["year"]) == ("2027", 2027)
        assert record["tables"] == want["tables"]
        assert sorted(Record.from_dict(record).error_codes) == want["error_codes"]
    new_cells = [k for r in records for k, v in r["tables"]["requests"].items() if k.startswith(NEW_ROW + ".") and v]
    assert new_cells, "no report printed a value in the new row: the test would not see it summed"



@pytest.mark.parametrize("tmpl", template.TEMPLATES)
def test_a_rows_templates_decide_which_requests_rows_a_template_has(tmpl):
    rows = {key.rpartition(".")[0] for key in template.table_keys("requests", tmpl)}
    assert rows == {row.key for row in template.REQUEST_ROWS if not row.group and tmpl in row.templates}


def test_the_one_row_other_is_the_2019_forms_and_its_three_rows_the_2021_forms():
    rows = {t: {key.rpartition(".")[0] for key in template.table_keys("requests", t)} for t in ("2019", "2021")}
    assert ("other" in rows["2019"], "other.no_correction" in rows["2019"]) == (True, False)
    assert ("other" in rows["2021"], "other.no_correction" in rows["2021"]) == (False, True)


@pytest.mark.parametrize("rounds,elected", [
    (({"2019": 1, "2021": 3}, {"2019": 0, "2021": 0}), "2021"),
    (({"2019": 2, "2021": 2}, {"2019": 0, "2021": 1}), "2021"),
    (({"2019": 0, "2021": 0}, {"2019": 0, "2021": 0}), "unknown"),
])
def test_the_headers_vote_first_and_the_requests_rows_break_their_tie(rounds, elected):
    assert template.elect(rounds) == elected


@pytest.mark.parametrize("tmpl,year,due", [("2019", 2020, None), ("2019", 2021, "2021"), ("2021", 2024, None),
                                           ("unknown", 2024, None), ("2019", None, None)])
def test_a_report_on_an_older_form_is_due_the_form_in_force_in_its_year(tmpl, year, due):
    assert template.due_template(tmpl, year) == due
