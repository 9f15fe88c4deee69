"""The true numbers of a generated report, and the error codes they imply.

Clean reports satisfy every relation of :func:`extractor.template.relations`;
a broken report changes a few cells so that one chosen relation fails and the
others still hold, so its expected ``error_codes`` name exactly what the
published report gets wrong.
"""
from __future__ import annotations

import random
from typing import Mapping

from extractor import template
from extractor.record import Value

__all__ = ["ERROR_CODES", "draw_tables", "break_relation", "error_codes"]

Tables = dict[str, dict[str, Value]]

#: The inconsistencies a generated report can carry on purpose.
ERROR_CODES = tuple(rule.code for rule in template.SUMS)

_APPLICANTS = tuple(c.key for c in template.REQUEST_COLUMNS[:-1])
_TOTAL = template.REQUEST_COLUMNS[-1].key
#: How many requests a body of each applicant type typically sends (natural persons most).
_SCALE = dict(zip(_APPLICANTS, (12, 4, 1, 1, 2, 2)))


def draw_tables(rng: random.Random, tmpl: str, split_other: bool, quiet: bool) -> Tables:
    """Consistent values for the three tables; ``quiet`` bodies received no requests at all."""
    return {
        "active": _draw_active(rng, tmpl),
        "requests": _draw_requests(rng, tmpl, split_other, quiet),
        "appeals": _draw_appeals(rng, quiet),
    }


def _count(rng: random.Random, scale: int, p_zero: float = 0.5) -> int:
    return 0 if rng.random() < p_zero else rng.randint(1, scale)


def _money(rng: random.Random) -> float:
    """An amount in 万元 with at most two decimals (as the form prints it)."""
    return 0 if rng.random() < 0.4 else rng.randint(1, 500_000) / 100


def _draw_active(rng: random.Random, tmpl: str) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for key in template.table_keys("active", tmpl):
        column = key.rpartition(".")[2]
        if template.unit_of("active", key):
            out[key] = _money(rng)
        elif column == "change":
            out[key] = rng.randint(-5, 5)
        elif column in ("in_force", "public_total", "decisions"):
            out[key] = _count(rng, 3000, p_zero=0.3)
        else:
            out[key] = _count(rng, 30)
    return out


def _draw_requests(rng: random.Random, tmpl: str, split_other: bool, quiet: bool) -> dict[str, Value]:
    """Result rows at random; 上年结转 and 结转下年度 small; 新收 whatever balances the column."""
    rows = template.request_rows(tmpl, split_other)
    results = [r.key for r in rows if r.result]
    cells: dict[str, int] = {}
    for col in _APPLICANTS:
        scale = 0 if quiet else _SCALE[col]
        for row in results:
            cells[f"{row}.{col}"] = _count(rng, scale, p_zero=0.6) if scale else 0
        total = sum(cells[f"{row}.{col}"] for row in results)
        carried_over = _count(rng, 3, p_zero=0.7) if scale else 0
        carried_forward = _count(rng, 3, p_zero=0.7) if scale else 0
        carried_forward = max(carried_forward, carried_over - total)
        cells[f"results_total.{col}"] = total
        cells[f"carried_over.{col}"] = carried_over
        cells[f"carried_forward.{col}"] = carried_forward
        cells[f"new_received.{col}"] = total + carried_forward - carried_over
    for row in rows:
        cells[f"{row.key}.{_TOTAL}"] = sum(cells[f"{row.key}.{col}"] for col in _APPLICANTS)
    return {key: cells[key] for key in template.expected_keys("requests", tmpl, split_other)}


def _draw_appeals(rng: random.Random, quiet: bool) -> dict[str, Value]:
    out: dict[str, Value] = {}
    parts = [r.key for r in template.APPEAL_RESULTS[:-1]]
    total = template.APPEAL_RESULTS[-1].key
    for group in template.APPEAL_GROUPS:
        values = {p: 0 if quiet else _count(rng, 3, p_zero=0.7) for p in parts}
        out.update({f"{group.key}.{p}": v for p, v in values.items()})
        out[f"{group.key}.{total}"] = sum(values.values())
    return out


def break_relation(tables: Tables, code: str, rng: random.Random) -> None:
    """Change cells in place so that relation ``code`` fails and every other relation holds."""
    d = rng.randint(1, 5)
    column = rng.choice(_APPLICANTS)
    bumps = {
        # 结转下年度 grows in one column and its row total: only 一+二=七+四 breaks.
        "REQ_BALANCE": ("requests", (f"carried_forward.{column}", f"carried_forward.{_TOTAL}")),
        # （七）总计 and 新收 grow together: the balance holds, the result sum does not.
        "REQ_RESULTS_SUM": ("requests", (f"results_total.{column}", f"results_total.{_TOTAL}",
                                          f"new_received.{column}", f"new_received.{_TOTAL}")),
        # Two row totals grow on both sides of the balance: only the row sums break.
        "REQ_COLUMN_SUM": ("requests", (f"new_received.{_TOTAL}", f"carried_forward.{_TOTAL}")),
        "APPEAL_SUM": ("appeals", (f"{rng.choice(template.APPEAL_GROUPS).key}.{template.APPEAL_RESULTS[-1].key}",)),
    }
    table, keys = bumps[code]
    for key in keys:
        tables[table][key] = (tables[table][key] or 0) + d


def error_codes(tables: Mapping[str, Mapping[str, Value]]) -> list[str]:
    """The error codes the printed values imply, as ``spec/record.md`` defines them.

    A blank cell reads as 0; a total that is blank, or whose parts are all
    blank, is TOTAL_BLANK (a warning), not an error.
    """
    codes = set()
    for table, cells in tables.items():
        for rel in (r for r in template.relations(frozenset(cells)) if r.table == table):
            left = [cells.get(k) for k in rel.left]
            right = [cells.get(k) for k in rel.right]
            if rel.is_total and (left[0] is None or all(v is None for v in right)):
                continue
            if round(sum(v or 0 for v in left) - sum(v or 0 for v in right), 6) != 0:
                codes.add(rel.code)
    return sorted(codes)
