"""One generated report: what it says, how it is printed, and what must be read back.

:func:`plan_report` is deterministic in ``(seed, index)``: the same arguments
give the same agency, numbers, drifts and layout, whatever else is generated.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from extractor import template
from extractor.record import Value

from .layout import TableLayout, active_layout, appeals_layout, requests_layouts
from .printed import DRIFTS, print_value
from .values import ERROR_CODES, break_relation, draw_tables, error_codes

__all__ = ["FORMATS", "STYLES", "Section", "Report", "plan_report"]

FORMATS = ("html", "docx", "pdf")
#: How each format is produced: CMS page styles for HTML, the source LibreOffice prints for PDF.
STYLES = {"html": ("trs", "hanweb", "fragment"), "docx": ("form",), "pdf": ("docx", "html")}

_PLACES = (
    ("江苏省", "南京市", "玄武区"), ("江苏省", "淮安市", "洪泽区"), ("江苏省", "连云港市", "赣榆区"),
    ("浙江省", "杭州市", "西湖区"), ("浙江省", "宁波市", "鄞州区"), ("福建省", "福州市", "鼓楼区"),
    ("广东省", "广州市", "天河区"), ("广东省", "深圳市", "南山区"), ("山东省", "济南市", "历下区"),
    ("四川省", "成都市", "武侯区"), ("湖北省", "武汉市", "江汉区"), ("河南省", "郑州市", "金水区"),
)
_BODIES = ("人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "财政局",
           "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "市场监督管理局", "卫生健康委员会")
_OVERVIEW, _PROBLEMS, _OTHER = "一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"


@dataclass(frozen=True)
class Section:
    """A numbered section: its heading, its paragraphs, then its tables."""

    heading: str
    paragraphs: tuple[str, ...]
    tables: tuple[TableLayout, ...] = ()


@dataclass(frozen=True)
class Report:
    name: str
    format: str
    style: str
    agency: str
    year: int
    template: str
    drifts: frozenset[str]
    sections: tuple[Section, ...]
    expected: dict[str, Any]

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.format}"


def _drifts(turn: int, rng: random.Random) -> frozenset[str]:
    """One drift in turn (so every format sees every drift), plus a few at random."""
    names = list(DRIFTS)
    primary = names[turn % len(names)]
    return frozenset({primary, *(d for d in names if rng.random() < 0.15)})


def _agency(rng: random.Random) -> str:
    _, city, county = rng.choice(_PLACES)
    return rng.choice((city, city + county)) + rng.choice(_BODIES)


def _narrative(agency: str, year: int, tables: dict[str, dict[str, Value]]) -> dict[str, tuple[str, ...]]:
    requests = tables["requests"]
    active = sum(v or 0 for k, v in tables["active"].items() if template.unit_of("active", k) is None and v and v > 0)
    return {
        _OVERVIEW: (
            f"{year}年，{agency}深入贯彻落实《中华人民共和国政府信息公开条例》，"
            "坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。",
            f"全年共收到政府信息公开申请{requests['new_received.total']}件，"
            f"办结{requests['results_total.total']}件，结转下年度继续办理{requests['carried_forward.total']}件；"
            f"主动公开各类政府信息{active}条。",
        ),
        _PROBLEMS: (
            "政务公开工作仍存在公开内容不够全面、解读形式较为单一等问题。",
            f"{year + 1}年，将进一步完善信息发布机制，提升政府信息公开质量。",
        ),
        _OTHER: ("本年度未收取信息处理费。",),
    }


def plan_report(seed: int, index: int, formats: tuple[str, ...]) -> Report:
    """The report number ``index`` of a corpus: formats and drifts in turn, the rest at random."""
    rng = random.Random(f"{seed}:{index}")
    fmt = formats[index % len(formats)]
    drifts = _drifts(index // len(formats), rng)
    tmpl = "2019" if "template_2019" in drifts else "2021"
    if tmpl == "2019":
        drifts -= {"other_one_row"}
    split_other = tmpl == "2021" and "other_one_row" not in drifts
    year = rng.choice((2019, 2020) if tmpl == "2019" else (2021, 2022, 2023, 2024))
    error = ERROR_CODES[(index // 5) % len(ERROR_CODES)] if index % 5 == 4 else None
    values = draw_tables(rng, tmpl, split_other, quiet=error is None and rng.random() < 0.15)
    if error:
        break_relation(values, error, rng)
    printed = {t: {k: print_value(v, drifts, rng) for k, v in cells.items()} for t, cells in values.items()}
    texts = {t: {k: text for k, (text, _) in cells.items()} for t, cells in printed.items()}
    expected_tables = {t: {k: value for k, (_, value) in cells.items()} for t, cells in printed.items()}
    agency = _agency(rng)
    narrative = _narrative(agency, year, values)
    active, requests, appeals = template.TABLES
    sections = (
        Section(_OVERVIEW, narrative[_OVERVIEW]),
        Section(active.heading, (), (active_layout(tmpl, texts["active"], drifts, rng),)),
        Section(requests.heading, (), tuple(requests_layouts(tmpl, split_other, texts["requests"], drifts, rng))),
        Section(appeals.heading, (), (appeals_layout(texts["appeals"], drifts, rng),)),
        Section(_PROBLEMS, narrative[_PROBLEMS]),
        Section(_OTHER, narrative[_OTHER]),
    )
    expected = {"agency": agency, "year": year, "template": tmpl, "tables": expected_tables,
                "error_codes": error_codes(expected_tables)}
    return Report(f"g{index:04d}_{fmt}", fmt, rng.choice(STYLES[fmt]), agency, year, tmpl, drifts,
                  sections, expected)
