"""The record: the public contract of the extractor (``spec/record.md``).

One parsed report is one :class:`Record`. Its JSON form (:meth:`Record.to_dict`)
is what ``xxgk extract`` prints, what the dataset stores and what every export
derives from, so its names never change silently.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["SCHEMA", "SEVERITY", "CODE_LABELS", "SEVERITY_LABELS", "Value", "Provenance", "Finding", "Record"]

SCHEMA = "xxgk.record/1"

#: Every finding code a build knows, with its severity.
SEVERITY: dict[str, str] = {
    "TABLE_MISSING": "error",
    "ROW_MISSING": "error",
    "CELL_BLANK": "info",
    "CELL_MERGED": "info",
    "CELL_UNREADABLE": "error",
    "OCR_LOW_CONFIDENCE": "warning",
    "OCR_SETTLED": "info",
    "REQ_BALANCE": "error",
    "REQ_RESULTS_SUM": "error",
    "REQ_COLUMN_SUM": "error",
    "APPEAL_SUM": "error",
    "TOTAL_BLANK": "warning",
    "TEMPLATE_OUTDATED": "warning",
    "YEAR_MISMATCH": "warning",
    "NARRATIVE_MISMATCH": "warning",
    "CARRY_MISMATCH": "error",
    "IN_FORCE_DRIFT": "warning",
    "DUPLICATE_REPORT": "warning",
    "COPY_CONFLICT": "warning",
}

#: What each finding code means, in the Chinese a reviewer reads in exports (spec/record.md).
CODE_LABELS: dict[str, str] = {
    "TABLE_MISSING": "缺少表格",
    "ROW_MISSING": "缺少行",
    "CELL_BLANK": "单元格空白",
    "CELL_UNREADABLE": "单元格不是数字",
    "OCR_LOW_CONFIDENCE": "识别置信度低",
    "OCR_SETTLED": "识别分歧由勾稽关系确定",
    "REQ_BALANCE": "申请数量收支不平衡",
    "REQ_RESULTS_SUM": "办理结果合计不符",
    "REQ_COLUMN_SUM": "申请人合计不符",
    "APPEAL_SUM": "复议诉讼合计不符",
    "TOTAL_BLANK": "总计空白无法核对",
    "TEMPLATE_OUTDATED": "使用旧版表格",
    "YEAR_MISMATCH": "标题年度与统计年度不一致",
    "NARRATIVE_MISMATCH": "正文数字与表格不一致",
    "CARRY_MISMATCH": "上年结转与上年报告不符",
    "IN_FORCE_DRIFT": "现行有效件数与上年不衔接",
    "DUPLICATE_REPORT": "与其他机关报告雷同",
    "COPY_CONFLICT": "同一报告的不同文件数值不一致",
    "CELL_MERGED": "合并单元格的数值用于多行",
}

#: The severities in Chinese: 错误 breaks the form's arithmetic or the record, 警告 needs a look, 提示 is
#: for information only.
SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}

Value = int | float | None


class Provenance(NamedTuple):
    """Where a value came from: the cell's raw text, the label it matched, how well (one per value: a named
    tuple, made faster than a frozen dataclass)."""

    raw: str
    label: str
    score: float
    where: str
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"raw": self.raw, "label": self.label, "score": round(self.score, 1), "where": self.where}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    """Something wrong with a report: a stable code, the cells involved, a message in Chinese."""

    code: str
    table: str | None
    keys: tuple[str, ...]
    message: str

    @property
    def severity(self) -> str:
        return SEVERITY[self.code]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "table": self.table,
                "keys": list(self.keys), "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        return cls(data["code"], data.get("table"), tuple(data.get("keys") or ()), data.get("message", ""))


@dataclass(slots=True)
class Record:
    """One report, parsed: metadata, the three tables as key -> value, provenance, findings."""

    source: dict[str, Any]
    agency: str | None = None
    region: dict[str, str | None] = field(default_factory=lambda: {
        "province": None, "city": None, "county": None, "adcode": None})
    year: int | None = None
    template: str = "unknown"
    tables: dict[str, dict[str, Value]] = field(default_factory=dict)
    provenance: dict[str, dict[str, Provenance]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": dict(self.source),
            "agency": self.agency,
            "region": dict(self.region),
            "year": self.year,
            "template": self.template,
            "tables": {t: dict(v) for t, v in self.tables.items()},
            "provenance": {t: {k: p.to_dict() for k, p in v.items()} for t, v in self.provenance.items()},
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Record":
        return cls(
            source=dict(data["source"]),
            agency=data.get("agency"),
            region=dict(data.get("region") or {}),
            year=data.get("year"),
            template=data.get("template", "unknown"),
            tables={t: dict(v) for t, v in (data.get("tables") or {}).items()},
            provenance={t: {k: Provenance(**p) for k, p in v.items()}
                        for t, v in (data.get("provenance") or {}).items()},
            findings=[Finding.from_dict(f) for f in data.get("findings") or ()],
        )

    def to_row(self) -> dict[str, Any]:
        """One flat row: metadata, then one column per ``table.key`` (the wide form)."""
        row: dict[str, Any] = {
            "path": self.source.get("path"),
            "sha256": self.source.get("sha256"),
            "format": self.source.get("format"),
            "url": self.source.get("url"),
            "agency": self.agency,
            **{part: self.region.get(part) for part in ("province", "city", "county", "adcode")},
            "year": self.year,
            "template": self.template,
            "error_codes": " ".join(sorted(self.error_codes)),
        }
        for table, values in self.tables.items():
            row.update({f"{table}.{key}": value for key, value in values.items()})
        return row

    @property
    def error_codes(self) -> set[str]:
        return {f.code for f in self.findings if f.severity == "error"}

