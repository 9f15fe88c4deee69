"""The standard report form (国办公开办函〔2019〕60号 and 〔2021〕30号) as data.

This module is the only place that knows the form: its versions (``FORMS``:
each template's first year and the labels that tell it apart), section
headings, row and column labels with the variants real reports print, the
public keys of ``spec/record.md``, which rows are group headers and which
templates print each row and block, and the relations between cells
(勾稽关系: the sums within a report, carry-over and in-force across years).
Readers, the locator, the checks, the dataset and the generator all read from
here, by loops over this data; nothing restates a label or a template
elsewhere, and a new version of the form is an addition to the data.

Keys are ``row.column`` (``denied.state_secret.natural_person``,
``licensing.decisions``, ``review.upheld``).
"""
from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from itertools import groupby

__all__ = [
    "Template",
    "FORMS",
    "TEMPLATES",
    "LATEST",
    "since",
    "elect",
    "first_year",
    "due_template",
    "ROW_MARKERS",
    "ACTIVE_BLOCKS",
    "table_spec",
    "Sum",
    "SUMS",
    "cell_sum",
    "CarryOver",
    "StockFlow",
    "CARRY_OVER",
    "IN_FORCE",
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
    "table_relations",
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

MONEY_UNIT = "万元"


@dataclass(frozen=True)
class Template:
    """A version of the form: the first report year it is for and the labels that tell it apart.

    ``markers`` are keys of active-table columns and requests-table rows that
    this template prints and the others do not (or not together): printed
    column headers vote first, the requests rows a report holds break a tie
    (:func:`elect`).
    """

    id: str
    first_year: int
    markers: tuple[str, ...]


#: The versions of the form, oldest first (国办公开办函〔2019〕60号, 〔2021〕30号).
FORMS: tuple[Template, ...] = (
    Template("2019", 2019, ("made", "published", "public_total", "prev_items", "projects")),
    # （六）其他处理 printed at all, as one row or as three, votes 2021 when the headers do not tell.
    Template("2021", 2021, ("issued", "repealed", "in_force",
                            "other", "other.no_correction", "other.unpaid_fee", "other.other")),
)
TEMPLATES = tuple(form.id for form in FORMS)


def since(template: str) -> tuple[str, ...]:
    """The templates from ``template`` on: what a row or block the form added then belongs to."""
    return TEMPLATES[TEMPLATES.index(template):]


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
    #: the templates that print this row (in the active table its block says so)
    templates: tuple[str, ...] = TEMPLATES
    #: a header row that holds no numbers ("（三）不予公开")
    group: bool = False
    #: a row its table's total sums (the requests table's results, summed by （七）总计)
    result: bool = False
    #: the rows a one-row variant stands for (（六）其他处理 for its three sub-rows)
    replaces: tuple[str, ...] = ()

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
    templates: tuple[str, ...] = TEMPLATES


@dataclass(frozen=True)
class ActiveSpec:
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]
    blocks: dict[str, tuple[Block, ...]]
    #: (row, column) cells whose column the form heads differently: the amount of 政府集中采购
    headings: dict[tuple[str, str], str]


#: The 第二十条 blocks of the active table in the form's order, each with the templates that print it.
ACTIVE_BLOCKS: tuple[Block, ...] = (
    Block("第二十条第（一）项", ("regulations", "normative_docs"), ("issued", "repealed", "in_force"), since("2021")),
    Block("第二十条第（一）项", ("regulations", "normative_docs"), ("made", "published", "public_total"), ("2019",)),
    Block("第二十条第（五）项", ("licensing",), ("decisions",), since("2021")),
    Block("第二十条第（五）项", ("licensing", "other_services"), ("prev_items", "change", "decisions"), ("2019",)),
    Block("第二十条第（六）项", ("penalty", "coercion"), ("decisions",), since("2021")),
    Block("第二十条第（六）项", ("penalty", "coercion"), ("prev_items", "change", "decisions"), ("2019",)),
    Block("第二十条第（八）项", ("fees",), ("amount",), since("2021")),
    Block("第二十条第（八）项", ("fees",), ("prev_items", "change"), ("2019",)),
    Block("第二十条第（九）项", ("procurement",), ("projects", "amount"), ("2019",)),
)

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
    blocks={t: tuple(b for b in ACTIVE_BLOCKS if t in b.templates) for t in TEMPLATES},
    headings={("procurement", "amount"): "采购总金额"},
)

#: Each template's markers that are active-table columns, newest template first: the headers that vote.
TEMPLATE_MARKERS: dict[str, tuple[str, ...]] = {
    form.id: tuple(m for m in form.markers if m in {c.key for c in ACTIVE.columns}) for form in reversed(FORMS)
}


# --- Table "requests" (三、收到和处理政府信息公开申请情况) ------------------------

@dataclass(frozen=True)
class RequestRow(Label):
    """A row of the requests table.

    ``group`` rows are headers that hold no numbers ("（三）不予公开").
    ``result`` rows are summed by （七）总计. ``templates`` are the forms
    that print the row. ``replaces`` names the rows a one-row variant stands
    for: the 2019 form prints （六）其他处理 as one row where the 2021 form
    prints three sub-rows, and some 2021 reports still print the one row.
    """


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
    RequestRow("other", "（六）其他处理", result=True, replaces=_OTHER_SPLIT, templates=("2019",)),
    RequestRow(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由逾期不补正",),
        result=True,
        short="1.逾期不补正",
        templates=since("2021"),
    ),
    RequestRow(
        "other.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按收费通知要求缴纳费用",),
        result=True,
        short="2.逾期未缴纳费用",
        templates=since("2021"),
    ),
    RequestRow("other.other", "3.其他", result=True, templates=since("2021")),
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
    """A standard table: its id, the section heading it sits under, and its shape.

    ``rows`` are every row the form prints (group rows and one-row variants
    too), ``columns`` every column (the appeals table's results, repeated
    under each of its groups, which are its rows), in the form's order.
    ``blocks`` say which rows share which columns in which templates; a key
    is ``row.column`` for a row and a column of one block. ``code`` names
    the table in short names (Stata).
    """

    id: str
    heading: str
    heading_aliases: tuple[str, ...]
    title: str
    rows: tuple[Label, ...] = ()
    columns: tuple[Label, ...] = ()
    blocks: tuple[Block, ...] = ()
    #: (row, column) cells whose column the form heads differently there
    column_headings: Mapping[tuple[str, str], str] = field(default_factory=dict, hash=False)
    code: str = ""

    @property
    def headings(self) -> tuple[str, ...]:
        return (self.heading, *self.heading_aliases)


def _one_block(rows: tuple[Label, ...], columns: tuple[Label, ...]) -> tuple[Block, ...]:
    """A table whose data rows all share its columns, in every template."""
    return (Block("", tuple(r.key for r in rows if not r.group), tuple(c.key for c in columns)),)


TABLES: tuple[TableSpec, ...] = (
    TableSpec("active", "二、主动公开政府信息情况", ("主动公开政府信息情况",), "主动公开政府信息情况",
              ACTIVE.rows, ACTIVE.columns, ACTIVE_BLOCKS, ACTIVE.headings, "act"),
    TableSpec(
        "requests",
        "三、收到和处理政府信息公开申请情况",
        ("收到和处理政府信息公开申请情况",),
        "收到和处理政府信息公开申请情况",
        REQUEST_ROWS, REQUEST_COLUMNS, _one_block(REQUEST_ROWS, REQUEST_COLUMNS), code="req",
    ),
    TableSpec(
        "appeals",
        "四、政府信息公开行政复议、行政诉讼情况",
        ("政府信息公开行政复议、行政诉讼情况", "因政府信息公开工作被申请行政复议和提起行政诉讼情况"),
        "政府信息公开行政复议、行政诉讼情况",
        APPEAL_GROUPS, APPEAL_RESULTS, _one_block(APPEAL_GROUPS, APPEAL_RESULTS), code="app",
    ),
)
TABLE_IDS = tuple(t.id for t in TABLES)
_SPECS = {t.id: t for t in TABLES}
#: The newest template: what a key's order follows where a report's template is unknown.
LATEST = TEMPLATES[-1]


def table_spec(table: str) -> TableSpec:
    """The standard table with this id (KeyError for another)."""
    return _SPECS[table]


@cache
def _rows(table: str) -> dict[str, Label]:
    """A table's data rows by key (cached: asked for every key)."""
    return {r.key: r for r in table_spec(table).rows if not r.group}


@cache
def _columns(table: str) -> dict[str, Label]:
    """A table's columns by key (cached: asked for every key)."""
    return {c.key: c for c in table_spec(table).columns}


@cache
def table_keys(table: str, template: str) -> tuple[str, ...]:
    """Every key of a table in a template, in the form's order (the split （六） variant for 2021)."""
    return _keys(table, template, None)


def _keys(table: str, template: str, split: bool | None) -> tuple[str, ...]:
    """The keys of a table's blocks that ``template`` prints, its rows as :func:`_printed` picks them."""
    rows = {r.key for r in _printed(table, template, split)}
    return tuple(f"{r}.{c}" for b in table_spec(table).blocks if template in b.templates
                 for r in b.rows if r in rows for c in b.columns)


def _printed(table: str, template: str, split: bool | None) -> tuple[Label, ...]:
    """The data rows of a table a report of ``template`` prints.

    ``split`` None takes the template's own rows; True each one-row variant's
    rows instead of it, False the variant instead of its rows, where the
    template prints either.
    """
    rows = _rows(table)
    variant_of = {k: r for r in rows.values() for k in r.replaces}
    out = []
    for row in rows.values():
        if split is None or not (row.replaces or row.key in variant_of):
            keep = template in row.templates
        elif row.replaces:
            keep = not split and any(template in rows[k].templates for k in (row.key, *row.replaces))
        else:
            keep = split and template in (*row.templates, *variant_of[row.key].templates)
        if keep:
            out.append(row)
    return tuple(out)


@cache
def all_keys(table: str, template: str = LATEST) -> tuple[str, ...]:
    """Every key a table can hold in any template or variant, in the form's order.

    The blocks of ``template`` come first, then those only other templates
    print; within a block, every row any template prints.
    """
    first = template if template in TEMPLATES else LATEST
    blocks = (b for t in (first, *TEMPLATES) for b in table_spec(table).blocks if t in b.templates)
    return tuple(dict.fromkeys(f"{r}.{c}" for b in blocks for r in b.rows for c in b.columns))


def request_rows(template: str, split_other: bool) -> tuple[RequestRow, ...]:
    """The data rows of the requests table, with （六） as one row or as three."""
    return _printed("requests", template, split_other)  # type: ignore[return-value]


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
    return _keys(table, template, split_other)


# --- Templates: which form a report uses ------------------------------------------

#: Each template's markers that are requests-table rows: the rows that vote where the headers tie.
ROW_MARKERS: dict[str, tuple[str, ...]] = {
    form.id: tuple(m for m in form.markers if m in _rows("requests")) for form in FORMS
}


def elect(rounds: Sequence[Mapping[str, int]]) -> str:
    """The template the votes choose, or "unknown".

    Each round of votes (template -> count) keeps the leaders of the round
    before. A tie no round breaks goes to the earliest template of it, since
    nothing printed shows a later one's additions; a tie of every template
    means nothing told them apart.
    """
    candidates = list(TEMPLATES)
    for votes in rounds:
        best = max(votes.get(t, 0) for t in candidates)
        candidates = [t for t in candidates if votes.get(t, 0) == best]
        if len(candidates) == 1:
            return candidates[0]
    return "unknown" if len(candidates) == len(TEMPLATES) else candidates[0]


def first_year(template: str) -> int:
    """The first report year a template is for."""
    return FORMS[TEMPLATES.index(template)].first_year


def due_template(template: str, year: int | None) -> str | None:
    """The newer template a report of ``year`` printed on ``template`` should have used, if any."""
    if template not in TEMPLATES or year is None:
        return None
    due = [form.id for form in FORMS if form.first_year <= year]
    return due[-1] if due and TEMPLATES.index(due[-1]) > TEMPLATES.index(template) else None


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

    def holds(self, values: Mapping[str, int | float | None]) -> bool:
        """Whether the sum holds in ``values``."""
        return cell_sum(values, self.left) == cell_sum(values, self.right)


def cell_sum(values: Mapping[str, int | float | None], keys: tuple[str, ...]) -> int | float:
    """The sum of the cells, blank read as 0 (in C: this runs for every relation of every report)."""
    return sum(filter(None, map(values.get, keys)))


@dataclass(frozen=True)
class Sum:
    """A sum the form asks for, repeated down every column (``per`` "column": the ``left`` rows add up
    to the ``right`` rows) or along every data row (``per`` "row": the columns add up).

    ``description`` names the column or row at "{}". ``held_only`` sums only
    the right-hand cells a report holds: the results, where （六） is printed
    as one row or as three.
    """

    code: str
    table: str
    per: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    description: str
    held_only: bool = False


SUMS: tuple[Sum, ...] = (
    Sum("REQ_BALANCE", "requests", "column", ("new_received", "carried_over"), ("results_total", "carried_forward"),
        "{}列：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度"),
    Sum("REQ_RESULTS_SUM", "requests", "column", ("results_total",), tuple(r.key for r in REQUEST_ROWS if r.result),
        "{}列：（七）总计 = 各项办理结果之和", held_only=True),
    Sum("REQ_COLUMN_SUM", "requests", "row", ("total",), tuple(c.key for c in REQUEST_COLUMNS[:-1]),
        "{}行：总计 = 六类申请人之和"),
    Sum("APPEAL_SUM", "appeals", "row", ("total",), tuple(r.key for r in APPEAL_RESULTS[:-1]),
        "{}：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
)


@dataclass(frozen=True)
class CarryOver:
    """Year to year, by column: what a report carries over is what last year's carried forward."""

    code: str
    table: str
    row: str
    previous_row: str


@dataclass(frozen=True)
class StockFlow:
    """Year to year, in each of ``rows``: the stock is last year's stock plus this year's additions
    less this year's removals."""

    code: str
    table: str
    rows: tuple[str, ...]
    stock: str
    added: str
    removed: str


CARRY_OVER = CarryOver("CARRY_MISMATCH", "requests", "carried_over", "carried_forward")
IN_FORCE = StockFlow("IN_FORCE_DRIFT", "active", ("regulations", "normative_docs"), "in_force", "issued", "repealed")


@cache
def relations(present_keys: frozenset[str]) -> tuple[Relation, ...]:
    """The arithmetic relations that apply to the keys a report holds (cached: layouts repeat).

    The sums of a table and direction are taken line by line (for each
    column, each of its sums), which is the order findings are reported in.
    """
    out: list[Relation] = []
    for (table, per), sums in groupby(SUMS, key=lambda s: (s.table, s.per)):
        out.extend(_sum_relations(table, per, tuple(sums), present_keys))
    return tuple(r for r in out if all(k in present_keys for k in r.left)
                 and r.right and any(k in present_keys for k in r.right))


@lru_cache(maxsize=4096)
def table_relations(table: str, present_keys: frozenset[str]) -> tuple[Relation, ...]:
    """The relations of one table that apply to the keys it holds (cached: layouts repeat)."""
    return tuple(relation for relation in relations(present_keys) if relation.table == table)


def _sum_relations(table: str, per: str, sums: tuple[Sum, ...], present_keys: frozenset[str]) -> Iterator[Relation]:
    """The relations of sums that run the same way in a table, line by line."""
    lines = _columns(table) if per == "column" else _rows(table)
    for line in lines:
        label = column_heading(table, line) if per == "column" else row_label(table, line)
        cells = (lambda row: f"{row}.{line}") if per == "column" else (lambda column: f"{line}.{column}")
        for rule in sums:
            right = tuple(map(cells, rule.right))
            if rule.held_only:
                right = tuple(k for k in right if k in present_keys)
            yield Relation(rule.code, table, tuple(map(cells, rule.left)), right, rule.description.format(label))


def _short(label: str) -> str:
    return label.split("（区分")[0].split("、行政机关")[0]


# --- Labels for people (codebooks, exports, messages) -----------------------------

@cache
def row_label(table: str, row_key: str) -> str:
    """The Chinese label of a row (an appeal group for "appeals"), short form."""
    return _short(_rows(table)[row_key].text)


def column_heading(table: str, column_key: str, row_key: str | None = None, *, brief: bool = False) -> str:
    """The Chinese heading of a column ("自然人", "本年制发件数", "结果维持"), as the form prints
    it above ``row_key`` (the active table heads one column differently in one block); ``brief``
    for a narrow view ("公益组织" for 社会公益组织)."""
    heading = table_spec(table).column_headings.get((row_key, column_key))  # type: ignore[arg-type]
    if heading:
        return heading
    column = _columns(table)[column_key]
    return column.brief if brief else column.text


@cache
def column_label(table: str, key: str) -> str:
    """The Chinese label of a key, "row / column", as a codebook shows it."""
    row_key, _, col_key = key.rpartition(".")
    unit = _columns(table)[col_key].unit
    return f"{row_label(table, row_key)} / {column_heading(table, col_key, row_key)}" + (f"（{unit}）" if unit else "")


@cache
def unit_of(table: str, key: str) -> str | None:
    """The unit of a key's values (万元 for money, None for counts; cached: asked once per cell read)."""
    column = _columns(table).get(key.rpartition(".")[2]) if table in _SPECS else None
    return column.unit if column else None
