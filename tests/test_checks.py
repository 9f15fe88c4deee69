"""Within-report checks on the hand-verified records of real reports, and one code at a time."""
import copy
import json

import pytest

from conftest import SAMPLES
from extractor.checks import check
from extractor.document import Document, Paragraph
from extractor.metadata import Metadata
from extractor.record import Provenance, Record

EXPECTED = sorted(SAMPLES.glob("*.expected.json"))


def _expected(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))


def _record(name: str) -> Record:
    expected = _expected(name)
    return Record(source={"path": name}, agency=expected["agency"], year=expected["year"],
                  template=expected["template"], tables=copy.deepcopy(expected["tables"]))


def _findings(record: Record, *text: str, year: int | None = None, title_year: int | None = None):
    year = record.year if year is None else year
    document = Document(record.source["path"], "txt", [Paragraph(t) for t in text])
    return check(record, document, Metadata(record.agency, year, title_year or year))


def _codes(findings) -> set[str]:
    return {f.code for f in findings}


SEED = "ganyu-kjj-2024"


@pytest.mark.parametrize("expected", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_real_reports_raise_exactly_their_expected_error_codes(expected):
    name = expected.name.split(".")[0]
    errors = {f.code for f in _findings(_record(name)) if f.severity == "error"}
    assert errors == set(_expected(name)["error_codes"])


def test_a_total_column_left_blank_is_total_blank_not_a_sum_error():
    findings = _findings(_record("shanghai_szfbgt_2019"))
    total = [f for f in findings if f.code == "TOTAL_BLANK" and "results_total.total" in f.keys]
    assert len(total) == 1 and "805" in total[0].message


def test_a_missing_table_is_table_missing():
    record = _record(SEED)
    del record.tables["appeals"]
    assert [f.table for f in _findings(record) if f.code == "TABLE_MISSING"] == ["appeals"]


def test_a_missing_row_is_row_missing_with_its_cells():
    record = _record(SEED)
    record.tables["requests"] = {k: v for k, v in record.tables["requests"].items() if not k.startswith("granted.")}
    missing = [f for f in _findings(record) if f.code == "ROW_MISSING"]
    assert len(missing) == 1 and missing[0].keys[0] == "granted.natural_person" and len(missing[0].keys) == 7


def test_other_printed_as_one_row_is_not_a_missing_row():
    assert "ROW_MISSING" not in _codes(_findings(_record("hongze_qzf_2023")))


def test_blank_cells_are_one_info_finding_per_table():
    record = _record(SEED)
    record.tables["appeals"]["review.upheld"] = None
    record.tables["appeals"]["review.total"] = None
    blank = [f for f in _findings(record) if f.code == "CELL_BLANK"]
    assert [(f.table, f.keys, f.severity) for f in blank] == [("appeals", ("review.upheld", "review.total"), "info")]


def test_a_cell_holding_text_is_unreadable_not_blank():
    record = _record(SEED)
    record.tables["appeals"]["review.upheld"] = None
    record.provenance = {"appeals": {"review.upheld": Provenance("不详", "结果维持", 100.0, "table 3 row 3 col 1")}}
    findings = _findings(record)
    unreadable = [f for f in findings if f.code == "CELL_UNREADABLE"]
    assert [f.keys for f in unreadable] == [("review.upheld",)] and "CELL_BLANK" not in _codes(findings)


def test_an_unbalanced_column_is_req_balance_with_its_numbers():
    record = _record(SEED)
    record.tables["requests"].update({"new_received.natural_person": 3, "carried_over.natural_person": 1,
                                      "results_total.natural_person": 2, "carried_forward.natural_person": 1,
                                      "granted.natural_person": 2})
    balance = [f for f in _findings(record) if f.code == "REQ_BALANCE"]
    assert len(balance) == 1 and "3 + 1 = 4" in balance[0].message and "2 + 1 = 3" in balance[0].message


def test_a_row_total_that_is_not_the_sum_of_its_columns_is_req_column_sum():
    record = _record(SEED)
    record.tables["requests"]["granted.commercial"] = 2
    codes = [(f.code, f.keys[0]) for f in _findings(record) if f.code == "REQ_COLUMN_SUM"]
    assert codes == [("REQ_COLUMN_SUM", "granted.total")]


def test_results_that_do_not_add_up_are_req_results_sum_naming_the_cells():
    record = _record("pingtan_2020_gwh")
    sums = [f for f in _findings(record) if f.code == "REQ_RESULTS_SUM"]
    assert "实际 （七）总计 20，（一）予以公开 6 + " in sums[0].message and "= 26" in sums[0].message


def test_an_appeal_total_of_zero_beside_nonzero_parts_is_appeal_sum():
    sums = [f for f in _findings(_record("hongze_qzf_2023")) if f.code == "APPEAL_SUM"]
    assert sums[0].keys[0] == "review.total" and "10 + 1 + 0 + 0 = 11" in sums[0].message


def test_the_2019_form_in_a_2022_report_is_template_outdated():
    assert "TEMPLATE_OUTDATED" in _codes(_findings(_record("shanghai_szfbgt_2019"), year=2022))


def test_the_2019_form_in_a_2019_report_is_not_outdated():
    assert "TEMPLATE_OUTDATED" not in _codes(_findings(_record("shanghai_szfbgt_2019")))


def test_a_title_year_other_than_the_statistics_year_is_year_mismatch():
    findings = [f for f in _findings(_record(SEED), title_year=2023) if f.code == "YEAR_MISMATCH"]
    assert len(findings) == 1 and "2023" in findings[0].message and "2024" in findings[0].message


def test_a_narrative_count_the_table_contradicts_is_narrative_mismatch():
    findings = _findings(_record(SEED), "2024年，我局共收到政府信息公开申请5件，均已按期答复。")
    mismatch = [f for f in findings if f.code == "NARRATIVE_MISMATCH"]
    assert len(mismatch) == 1 and mismatch[0].keys[0] == "new_received.total" and "5" in mismatch[0].message


def test_a_narrative_count_including_carried_over_applications_is_accepted():
    findings = _findings(_record("pingtan_2022_gwh"), "2022年，全区收到政府信息公开申请75件，涉及自然人72件。")
    assert "NARRATIVE_MISMATCH" not in _codes(findings)


@pytest.mark.parametrize(
    "sentence",
    [
        "全年共办理行政复议案件134件，依法纠正违法或不当行政行为12件。",
        "因政府信息公开被申请行政复议和提起行政诉讼共3件。",
        "2023年收到政府信息公开申请12件。",
        "全年办理政府信息公开申请218件。",
    ],
)
def test_figures_that_only_look_like_table_figures_are_not_flagged(sentence):
    assert "NARRATIVE_MISMATCH" not in _codes(_findings(_record(SEED), sentence))


def test_a_review_count_about_information_disclosure_is_compared():
    findings = _findings(_record(SEED), "本年度因政府信息公开被申请行政复议2件。")
    assert [f.keys for f in findings if f.code == "NARRATIVE_MISMATCH"] == [("review.total",)]
