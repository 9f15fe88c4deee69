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
#: The last report year a corpus holds unless a report's year is given.
LAST_YEAR = 2024
#: The drifts that print the form before the newest (the 2019 form), and （六） as one row where the form splits it.
_OLDER_FORM, _ONE_ROW = "template_2019", "other_one_row"
_OVERVIEW, _PROBLEMS, _OTHER = "一、总体情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"
#: The overview's usual sub-sections, each with sentences reports commonly use. Real
#: overviews run to pages, so a PDF reader must find the table pages among text pages.
_TOPICS = {
    "（一）主动公开": (
        "围绕年度重点工作，及时公开政策文件、规划计划、财政预决算等信息。",
        "通过政府网站、政务新媒体等渠道同步发布政策解读材料，提升政策知晓度。",
        "严格落实公开属性源头认定机制，做到应公开尽公开。",
        "开设专题专栏，集中发布优化营商环境、民生保障等领域信息。",
    ),
    "（二）依申请公开": (
        "进一步规范依申请公开受理、审查、答复等工作流程，确保依法按时答复。",
        "加强与申请人沟通，准确把握申请诉求，提高答复质量。",
        "建立依申请公开案件会商机制，对疑难申请集体研究。",
    ),
    "（三）政府信息管理": (
        "严格执行信息发布保密审查制度，坚持先审查、后公开。",
        "定期开展政府信息清理，对现行有效文件进行动态更新。",
        "规范政策文件库建设，实现文件集中统一发布和查询。",
    ),
    "（四）政府信息公开平台建设": (
        "持续优化政府网站信息公开专栏，完善栏目设置，提升检索和浏览体验。",
        "加强政务新媒体管理，做好信息同步转载和互动回应。",
        "推进政务公开专区建设，为群众提供信息查阅和咨询服务。",
    ),
    "（五）监督保障": (
        "将政务公开工作纳入年度绩效考核，压实工作责任。",
        "组织开展政务公开业务培训，提高工作人员业务能力。",
        "主动接受社会监督，认真办理群众对政务公开工作的意见建议。",
    ),
}


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


def _years(tmpl: str) -> range:
    """The report years a template is for: up to the next template's first year, else to :data:`LAST_YEAR`."""
    first = template.first_year(tmpl)
    following = [form.first_year for form in template.FORMS if form.first_year > first]
    return range(first, following[0] if following else max(LAST_YEAR, first) + 1)


def _drifts(turn: int, rng: random.Random) -> frozenset[str]:
    """One drift in turn (so every format sees every drift), plus a few at random."""
    names = list(DRIFTS)
    primary = names[turn % len(names)]
    return frozenset({primary, *(d for d in names if rng.random() < 0.15)})


def _agency(rng: random.Random) -> str:
    _, city, county = rng.choice(_PLACES)
    return rng.choice((city, city + county)) + rng.choice(_BODIES)


def _topics(rng: random.Random) -> tuple[str, ...]:
    """The overview's sub-sections: a heading each, then some of its sentences as one paragraph."""
    paragraphs: list[str] = []
    for heading, sentences in _TOPICS.items():
        paragraphs.append(heading)
        for _ in range(rng.randint(1, 3)):
            paragraphs.append("".join(rng.sample(sentences, rng.randint(2, len(sentences)))))
    return tuple(paragraphs)


def _narrative(agency: str, year: int, tables: dict[str, dict[str, Value]],
               rng: random.Random) -> dict[str, tuple[str, ...]]:
    requests = tables["requests"]
    active = sum(v or 0 for k, v in tables["active"].items() if template.unit_of("active", k) is None and v and v > 0)
    return {
        _OVERVIEW: (
            f"{year}年，{agency}深入贯彻落实《中华人民共和国政府信息公开条例》，"
            "坚持以公开为常态、不公开为例外，持续推进政务公开标准化规范化建设。",
            f"全年共收到政府信息公开申请{requests['new_received.total']}件，"
            f"办结{requests['results_total.total']}件，结转下年度继续办理{requests['carried_forward.total']}件；"
            f"主动公开各类政府信息{active}条。",
            *_topics(rng),
        ),
        _PROBLEMS: (
            "政务公开工作仍存在公开内容不够全面、解读形式较为单一等问题。",
            f"{year + 1}年，将进一步完善信息发布机制，提升政府信息公开质量。",
        ),
        _OTHER: ("本年度未收取信息处理费。",),
    }


def plan_report(seed: int, index: int, formats: tuple[str, ...], *, agency: str | None = None,
                year: int | None = None) -> Report:
    """The report number ``index`` of a corpus: formats and drifts in turn, the rest at random.

    ``agency`` and ``year`` fix the body and the year (a year from the newest
    template's first year on prints that template), e.g. to make a body's next report.
    """
    rng = random.Random(f"{seed}:{index}")
    fmt = formats[index % len(formats)]
    drifts = _drifts(index // len(formats), rng)
    newest = template.FORMS[-1]
    if year is not None and year >= newest.first_year:
        drifts -= {_OLDER_FORM}
    tmpl = template.FORMS[-2].id if _OLDER_FORM in drifts else newest.id
    # Where the form prints rows a one-row variant stands for, the drift prints the variant.
    splits = template.expected_keys("requests", tmpl, False) != template.table_keys("requests", tmpl)
    if not splits:
        drifts -= {_ONE_ROW}
    split_other = splits and _ONE_ROW not in drifts
    year = year or rng.choice(_years(tmpl))
    error = ERROR_CODES[(index // 5) % len(ERROR_CODES)] if index % 5 == 4 else None
    values = draw_tables(rng, tmpl, split_other, quiet=error is None and rng.random() < 0.15)
    if error:
        break_relation(values, error, rng)
    printed = {t: {k: print_value(v, drifts, rng) for k, v in cells.items()} for t, cells in values.items()}
    texts = {t: {k: text for k, (text, _) in cells.items()} for t, cells in printed.items()}
    expected_tables = {t: {k: value for k, (_, value) in cells.items()} for t, cells in printed.items()}
    agency = agency or _agency(rng)
    narrative = _narrative(agency, year, values, rng)
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
