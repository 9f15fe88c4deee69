"""The standard report form (国办公开办函〔2019〕60号 and 〔2021〕30号) as data.

This module is the only place that knows the form: section headings, row and
column labels with the variants real reports print, the public keys of
``spec/record.md``, which rows are group headers, and the relations between
cells (勾稽关系). Readers, the locator, the checks and the dataset all read
from here; nothing restates a label elsewhere.

Keys are ``row.column`` (``denied.state_secret.natural_person``,
``licensing.decisions``, ``review.upheld``).
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from functools import cache

__all__ = [
    "TEMPLATES",
    "MONEY_UNIT",
    "Label",
    "Block",
    "ActiveSpec",
    "RequestRow",
    "TableSpec",
    "Relation",
    "ACTIVE",
    "TABLES",
    "TABLE_IDS",
    "table_keys",
    "all_keys",
    "expected_keys",
    "relations",
    "column_label",
    "column_heading",
    "row_label",
    "unit_of",
    "request_rows",
    "form_request_rows",
    "active_blocks",
    "REQUEST_ROWS",
    "REQUEST_COLUMNS",
    "APPEAL_GROUPS",
    "APPEAL_RESULTS",
    "TEMPLATE_MARKERS",
]

TEMPLATES = ("2019", "2021")
MONEY_UNIT = "万元"


@dataclass(frozen=True)
class Label:
    """A row or column of the form: its key, its printed label and known variants.

    ``short`` is a label of at most 20 terminal cells (ten Chinese characters)
    for narrow views such as an 80-column terminal, where the printed one is longer.
    """

    key: str
    text: str
    aliases: tuple[str, ...] = ()
    unit: str | None = None
    short: str | None = None

    @property
    def variants(self) -> tuple[str, ...]:
        return (self.text, *self.aliases)

    @property
    def brief(self) -> str:
        """The label for a narrow view: ``short`` where the printed one is too long."""
        return self.short or self.text


# --- Table "active" (二、主动公开政府信息情况) --------------------------------

@dataclass(frozen=True)
class Block:
    """One 第二十条 block of the active table: its rows share its columns."""

    item: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ActiveSpec:
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]
    blocks: dict[str, tuple[Block, ...]]
    #: (row, column) cells whose column the form heads differently: the amount of 政府集中采购
    headings: dict[tuple[str, str], str]


ACTIVE = ActiveSpec(
    rows=(
        Label("regulations", "规章"),
        Label("normative_docs", "行政规范性文件", ("规范性文件",)),
        Label("licensing", "行政许可"),
        Label("other_services", "其他对外管理服务事项"),
        Label("penalty", "行政处罚"),
        Label("coercion", "行政强制"),
        Label("fees", "行政事业性收费"),
        Label("procurement", "政府集中采购"),
    ),
    columns=(
        Label("issued", "本年制发件数"),
        Label("repealed", "本年废止件数"),
        Label("in_force", "现行有效件数"),
        Label("made", "本年新制作数量"),
        Label("published", "本年新公开数量"),
        Label("public_total", "对外公开总数量"),
        Label("prev_items", "上一年项目数量"),
        Label("change", "本年增/减", ("本年增减",)),
        Label("decisions", "本年处理决定数量", ("处理决定数量",)),
        Label("projects", "采购项目数量"),
        Label("amount", "本年收费金额", ("采购总金额", "收费金额"), unit=MONEY_UNIT),
    ),
    blocks={
        "2021": (
            Block("第二十条第（一）项", ("regulations", "normative_docs"), ("issued", "repealed", "in_force")),
            Block("第二十条第（五）项", ("licensing",), ("decisions",)),
            Block("第二十条第（六）项", ("penalty", "coercion"), ("decisions",)),
            Block("第二十条第（八）项", ("fees",), ("amount",)),
        ),
        "2019": (
            Block("第二十条第（一）项", ("regulations", "normative_docs"), ("made", "published", "public_total")),
            Block("第二十条第（五）项", ("licensing", "other_services"), ("prev_items", "change", "decisions")),
            Block("第二十条第（六）项", ("penalty", "coercion"), ("prev_items", "change", "decisions")),
            Block("第二十条第（八）项", ("fees",), ("prev_items", "change")),
            Block("第二十条第（九）项", ("procurement",), ("projects", "amount")),
        ),
    },
    headings={("procurement", "amount"): "采购总金额"},
)

#: Active-table column labels that only one template prints: how the template is told apart.
TEMPLATE_MARKERS: dict[str, tuple[str, ...]] = {
    "2021": ("issued", "repealed", "in_force"),
    "2019": ("made", "published", "public_total", "prev_items", "projects"),
}


# --- Table "requests" (三、收到和处理政府信息公开申请情况) ------------------------

@dataclass(frozen=True)
class RequestRow(Label):
    """A row of the requests table.

    ``group`` rows are headers that hold no numbers ("（三）不予公开").
    ``result`` rows are summed by （七）总计. ``replaces`` names the rows a
    one-row variant stands for: the 2019 form (and some 2021 reports) print
    （六）其他处理 as one row instead of its three sub-rows.
    """

    group: bool = False
    result: bool = False
    replaces: tuple[str, ...] = ()
    templates: tuple[str, ...] = TEMPLATES


_OTHER_SPLIT = ("other.no_correction", "other.unpaid_fee", "other.other")

REQUEST_ROWS: tuple[RequestRow, ...] = (
    RequestRow("new_received", "一、本年新收政府信息公开申请数量", ("本年新收政府信息公开申请数量", "本年新收申请数量"),
               short="一、本年新收申请"),
    RequestRow("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转政府信息公开申请数量", "上年结转申请数量"),
               short="二、上年结转申请"),
    RequestRow("", "三、本年度办理结果", ("本年度办理结果",), group=True),
    RequestRow("granted", "（一）予以公开", result=True),
    RequestRow("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), result=True,
               short="（二）部分公开"),
    RequestRow("", "（三）不予公开", group=True),
    RequestRow("denied.state_secret", "1.属于国家秘密", result=True),
    RequestRow("denied.law_prohibited", "2.其他法律行政法规禁止公开", result=True, short="2.法律法规禁止公开"),
    RequestRow("denied.security_stability", "3.危及“三安全一稳定”", ("危及三安全一稳定",), result=True,
               short="3.危及三安全一稳定"),
    RequestRow("denied.third_party", "4.保护第三方合法权益", result=True),
    RequestRow("denied.internal_affairs", "5.属于三类内部事务信息", result=True, short="5.三类内部事务信息"),
    RequestRow("denied.process_info", "6.属于四类过程性信息", result=True),
    RequestRow("denied.enforcement_files", "7.属于行政执法案卷", result=True),
    RequestRow("denied.inquiry", "8.属于行政查询事项", result=True),
    RequestRow("", "（四）无法提供", group=True),
    RequestRow("unavailable.not_held", "1.本机关不掌握相关政府信息", result=True, short="1.本机关不掌握"),
    RequestRow("unavailable.needs_creation", "2.没有现成信息需要另行制作", result=True, short="2.需要另行制作"),
    RequestRow("unavailable.unclear", "3.补正后申请内容仍不明确", result=True, short="3.补正后仍不明确"),
    RequestRow("", "（五）不予处理", group=True),
    RequestRow("not_processed.petition", "1.信访举报投诉类申请", result=True),
    RequestRow("not_processed.repeated", "2.重复申请", result=True),
    RequestRow("not_processed.publication", "3.要求提供公开出版物", result=True),
    RequestRow("not_processed.excessive", "4.无正当理由大量反复申请", result=True, short="4.大量反复申请"),
    RequestRow(
        "not_processed.reissue", "5.要求行政机关确认或重新出具已获取信息", ("要求行政机关确认或重新出具已获取的信息",), result=True,
        short="5.要求确认或重新出具",
    ),
    RequestRow("other", "（六）其他处理", result=True, replaces=_OTHER_SPLIT),
    RequestRow(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由逾期不补正",),
        result=True,
        short="1.逾期不补正",
        templates=("2021",),
    ),
    RequestRow(
        "other.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按收费通知要求缴纳费用",),
        result=True,
        short="2.逾期未缴纳费用",
        templates=("2021",),
    ),
    RequestRow("other.other", "3.其他", result=True, templates=("2021",)),
    RequestRow("results_total", "（七）总计", ("总计", "合计")),
    RequestRow("carried_forward", "四、结转下年度继续办理", ("结转下年度继续办理",), short="四、结转下年度"),
)

REQUEST_COLUMNS: tuple[Label, ...] = (
    Label("natural_person", "自然人"),
    Label("commercial", "商业企业"),
    Label("research", "科研机构"),
    Label("social_org", "社会公益组织", short="公益组织"),
    Label("legal_service", "法律服务机构", short="法律服务"),
    Label("other_org", "其他"),
    Label("total", "总计", ("合计",)),
)

#: Header labels of the requests table that hold no column of their own.
REQUEST_HEADER_LABELS = ("申请人情况", "法人或其他组织")
#: The header of the active table's label column, printed atop each of its blocks.
ACTIVE_HEADER_LABELS = ("信息内容",)


# --- Table "appeals" (四、政府信息公开行政复议、行政诉讼情况) ------------------------

APPEAL_GROUPS: tuple[Label, ...] = (
    Label("review", "行政复议"),
    Label("litigation_direct", "未经复议直接起诉"),
    Label("litigation_after_review", "复议后起诉"),
)
APPEAL_RESULTS: tuple[Label, ...] = (
    Label("upheld", "结果维持"),
    Label("corrected", "结果纠正"),
    Label("other", "其他结果"),
    Label("pending", "尚未审结"),
    Label("total", "总计", ("合计",)),
)
APPEAL_HEADER_LABELS = ("行政诉讼",)


# --- The three tables ---------------------------------------------------------

@dataclass(frozen=True)
class TableSpec:
    """A standard table: its id, the section heading it sits under, its labels."""

    id: str
    heading: str
    heading_aliases: tuple[str, ...]
    title: str

    @property
    def headings(self) -> tuple[str, ...]:
        return (self.heading, *self.heading_aliases)


TABLES: tuple[TableSpec, ...] = (
    TableSpec("active", "二、主动公开政府信息情况", ("主动公开政府信息情况",), "主动公开政府信息情况"),
    TableSpec(
        "requests",
        "三、收到和处理政府信息公开申请情况",
        ("收到和处理政府信息公开申请情况",),
        "收到和处理政府信息公开申请情况",
    ),
    TableSpec(
        "appeals",
        "四、政府信息公开行政复议、行政诉讼情况",
        ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
        "政府信息公开行政复议、行政诉讼情况",
    ),
)
TABLE_IDS = tuple(t.id for t in TABLES)


@cache
def table_keys(table: str, template: str) -> tuple[str, ...]:
    """Every key of a table in a template, in the form's order (the split （六） variant for 2021)."""
    if table == "active":
        return tuple(f"{r}.{c}" for b in ACTIVE.blocks[template] for r in b.rows for c in b.columns)
    if table == "requests":
        return tuple(f"{r.key}.{c.key}" for r in request_rows(template, split_other=template == "2021")
                     for c in REQUEST_COLUMNS)
    if table == "appeals":
        return tuple(f"{g.key}.{r.key}" for g in APPEAL_GROUPS for r in APPEAL_RESULTS)
    raise KeyError(table)


@cache
def all_keys(table: str, template: str = "2021") -> tuple[str, ...]:
    """Every key a table can hold in any template or variant, in the form's order.

    The requests table has one order for every variant; the active table's
    keys of ``template`` come first, then those only the other template has.
    """
    if table == "requests":
        return tuple(f"{r.key}.{c.key}" for r in REQUEST_ROWS if not r.group for c in REQUEST_COLUMNS)
    first = template if template in TEMPLATES else "2021"
    return tuple(dict.fromkeys((*table_keys(table, first), *(k for t in TEMPLATES for k in table_keys(table, t)))))


def request_rows(template: str, split_other: bool) -> tuple[RequestRow, ...]:
    """The data rows of the requests table, with （六） as one row or as three."""
    rows = []
    for row in REQUEST_ROWS:
        if row.group:
            continue
        if row.key == "other" and split_other:
            continue
        if row.key in _OTHER_SPLIT and not split_other:
            continue
        rows.append(row)
    return tuple(rows)


def form_request_rows(present: Collection[str]) -> tuple[tuple[RequestRow, bool], ...]:
    """The requests table's rows as the form prints them, for the row keys a report holds: (row, heads).

    Besides the rows present, a row that holds no numbers itself heads the rows
    under it — the group rows （三）不予公开, （四）, （五）, and （六）其他处理 where
    the report prints its three sub-rows — and is shown (``heads`` True) when
    the row after it is present.
    """
    out = []
    for row, after in zip(REQUEST_ROWS, REQUEST_ROWS[1:] + (None,)):
        if row.key in present and not row.group:
            out.append((row, False))
        elif (row.group or row.replaces) and after is not None and after.key in present:
            out.append((row, True))
    return tuple(out)


def active_blocks(keys: Collection[str], template: str) -> tuple[tuple[Block, tuple[str, ...]], ...]:
    """The 第二十条 blocks of the active table that ``keys`` fill, in the form's order, each with its rows
    present; a key two templates share (``licensing.decisions``) belongs to ``template``'s block."""
    order = sorted(TEMPLATES, key=lambda t: t != template)
    claimed: set[str] = set()
    out = []
    for block in (b for t in order for b in ACTIVE.blocks[t]):
        cells = {f"{r}.{c}" for r in block.rows for c in block.columns} & set(keys) - claimed
        if cells:
            claimed |= cells
            out.append((block, tuple(r for r in block.rows if any(f"{r}.{c}" in cells for c in block.columns))))
    return tuple(out)


@cache
def expected_keys(table: str, template: str, split_other: bool | None = None) -> tuple[str, ...]:
    """The keys a complete table of this template holds (cached: every report is checked against them).

    ``split_other`` overrides how （六）其他处理 is printed, for the 2021
    reports that still print it as one row.
    """
    if table != "requests" or split_other is None:
        return table_keys(table, template)
    return tuple(f"{r.key}.{c.key}" for r in request_rows(template, split_other) for c in REQUEST_COLUMNS)


# --- Relations (勾稽关系) -------------------------------------------------------

@dataclass(frozen=True)
class Relation:
    """``sum(left) == sum(right)`` over the cells present; blank reads as 0.

    A relation with one cell on the left is a total: its left cell is the
    total and the right cells its parts (which is what TOTAL_BLANK looks at).
    """

    code: str
    table: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    description: str

    @property
    def is_total(self) -> bool:
        return len(self.left) == 1


@cache
def relations(present_keys: frozenset[str]) -> tuple[Relation, ...]:
    """The arithmetic relations that apply to the keys a report holds (cached: layouts repeat)."""
    out: list[Relation] = []
    result_rows = [r.key for r in REQUEST_ROWS if r.result]
    for col in REQUEST_COLUMNS:
        c = col.key
        out.append(Relation(
            "REQ_BALANCE", "requests",
            (f"new_received.{c}", f"carried_over.{c}"),
            (f"results_total.{c}", f"carried_forward.{c}"),
            f"{col.text}列：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度",
        ))
        parts = tuple(f"{r}.{c}" for r in result_rows if f"{r}.{c}" in present_keys)
        out.append(Relation(
            "REQ_RESULTS_SUM", "requests", (f"results_total.{c}",), parts,
            f"{col.text}列：（七）总计 = 各项办理结果之和",
        ))
    for row in REQUEST_ROWS:
        if row.group:
            continue
        parts = tuple(f"{row.key}.{c.key}" for c in REQUEST_COLUMNS[:-1])
        out.append(Relation(
            "REQ_COLUMN_SUM", "requests", (f"{row.key}.total",), parts,
            f"{_short(row.text)}行：总计 = 六类申请人之和",
        ))
    for group in APPEAL_GROUPS:
        g = group.key
        out.append(Relation(
            "APPEAL_SUM", "appeals", (f"{g}.total",),
            tuple(f"{g}.{r.key}" for r in APPEAL_RESULTS[:-1]),
            f"{group.text}：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
        ))
    return tuple(r for r in out if all(k in present_keys for k in r.left)
                 and r.right and any(k in present_keys for k in r.right))


def _short(label: str) -> str:
    return label.split("（区分")[0].split("、行政机关")[0]


# --- Labels for people (codebooks, exports, messages) -----------------------------

@cache
def row_label(table: str, row_key: str) -> str:
    """The Chinese label of a row (an appeal group for "appeals"), short form."""
    if table == "active":
        return next(r.text for r in ACTIVE.rows if r.key == row_key)
    if table == "requests":
        return _short(next(r.text for r in REQUEST_ROWS if r.key == row_key))
    return next(g.text for g in APPEAL_GROUPS if g.key == row_key)


def column_heading(table: str, column_key: str, row_key: str | None = None, *, brief: bool = False) -> str:
    """The Chinese heading of a column ("自然人", "本年制发件数", "结果维持"), as the form prints
    it above ``row_key`` (the active table heads one column differently in one block); ``brief``
    for a narrow view ("公益组织" for 社会公益组织)."""
    if table == "active" and (row_key, column_key) in ACTIVE.headings:
        return ACTIVE.headings[row_key, column_key]
    columns = {"active": ACTIVE.columns, "requests": REQUEST_COLUMNS, "appeals": APPEAL_RESULTS}[table]
    column = next(c for c in columns if c.key == column_key)
    return column.brief if brief else column.text


@cache
def column_label(table: str, key: str) -> str:
    """The Chinese label of a key, "row / column", as a codebook shows it."""
    row_key, _, col_key = key.rpartition(".")
    row = row_label(table, row_key)
    if table == "active":
        col = next(c for c in ACTIVE.columns if c.key == col_key)
        return f"{row} / {column_heading(table, col_key, row_key)}" + (f"（{col.unit}）" if col.unit else "")
    if table == "requests":
        col = next(c.text for c in REQUEST_COLUMNS if c.key == col_key)
        return f"{row} / {col}"
    result = next(r.text for r in APPEAL_RESULTS if r.key == col_key)
    return f"{row} / {result}"


@cache
def unit_of(table: str, key: str) -> str | None:
    """The unit of a key's values (万元 for money, None for counts; cached: asked once per cell read)."""
    if table != "active":
        return None
    col_key = key.rpartition(".")[2]
    return next((c.unit for c in ACTIVE.columns if c.key == col_key), None)
