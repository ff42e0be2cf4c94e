"""Where a respondent sat, stored coarsely enough that the database file alone names nobody.

A survey submission keeps the respondent's org, team, level and tenure band on the day they
answered, so that results can be cut by them. Stored exactly, that placement plus the day picks
one person out of the HR tables in the same file for most submissions. So the stored placement
is *generalised* until every stored combination is shared by at least `minimum` people employed
that day (k-anonymity against the HR tables), and a withheld part is stored as NULL.

The rule is a function of the day's whole workforce (counts of people per org, team, level and
tenure band), not of who answered: everyone in one exact cell is stored the same way, and each
stored combination (a *class*) holds at least `minimum` people that day. Someone who knows this
code and has the HR tables can compute every class exactly, and still finds `minimum` or more
people behind each stored row.

The ladder, most detailed first: (org, team, level, band) → withhold level → withhold band →
withhold team → withhold org. Level goes first: it has about a dozen values against four bands,
so level cells are the thin ones (a team's one VP or director is its own cell), and the analyses
get level and band back through the key link anyway (`analytics`). Team goes only after both:
team is what results are cut by, and what the drivers explorer and an HR partner's drill-down
need. Org goes last: it scopes every HR partner's view.

People whose cell is too small move up the ladder together with the others of their team (then
org) whose cells are also too small, so a rung's class is everyone left over beneath it. What is
left over at the end shares the all-withheld class; when that holds fewer than `minimum`, the
smallest stored classes are merged into it until it does. (Merging earlier, within an org, was
tried: it kept the org of a few more people but the team of many fewer — on the 150-person
generated company 62% of submissions kept their team against 82% this way.) Only a day whose
whole workforce is smaller than `minimum` is stored with fewer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from etl.loading.sqlfiles import STAGING_DIR, read_sql

CELL = ("org", "team", "level", "tenure_band")
# What each rung keeps, most detailed first (see the module docstring for the order).
LADDER: tuple[tuple[str, ...], ...] = (
    ("org", "team", "level", "tenure_band"),
    ("org", "team", "tenure_band"),
    ("org", "team"),
    ("org",),
    (),
)
STORAGE_MIN_GROUP = 5  # never store classes smaller than this, whatever the configured minimum


Cell = tuple[str | None, str | None, str | None, str | None]


@dataclass
class _Class:
    rung: int
    label: tuple[str | None, ...]  # the cell projected on LADDER[rung]
    cells: list[Cell]
    size: int


def _project(cell: Cell, rung: int) -> tuple[str | None, ...]:
    kept = LADDER[rung]
    return tuple(v for name, v in zip(CELL, cell, strict=True) if name in kept)


def _stored(cell: Cell, rung: int) -> Cell:
    kept = LADDER[rung]
    return tuple(v if name in kept else None for name, v in zip(CELL, cell, strict=True))  # type: ignore[return-value]


def _order(cls: _Class) -> tuple:
    return cls.size, cls.rung, tuple("" if v is None else str(v) for v in cls.label)


def coarsen_day(counts: dict[Cell, int], minimum: int) -> dict[Cell, Cell]:
    """exact cell -> stored cell for one day's workforce (`counts`: people per exact cell)."""
    classes: list[_Class] = []
    pending = sorted(counts, key=lambda c: tuple("" if v is None else str(v) for v in c))
    for rung in range(len(LADDER)):
        groups: dict[tuple, list[Cell]] = defaultdict(list)
        for cell in pending:
            groups[_project(cell, rung)].append(cell)
        pending = []
        for label in sorted(groups, key=lambda lab: tuple("" if v is None else str(v) for v in lab)):
            cells = groups[label]
            size = sum(counts[c] for c in cells)
            if size < minimum and rung == len(LADDER) - 1:
                # the all-withheld class is too small: merge the smallest stored classes into it
                for sibling in sorted(classes, key=_order):
                    if size >= minimum:
                        break
                    classes.remove(sibling)
                    cells = cells + sibling.cells
                    size += sibling.size
            if size >= minimum or rung == len(LADDER) - 1:
                classes.append(_Class(rung, label, cells, size))
            else:
                pending.extend(cells)
    return {cell: _stored(cell, cls.rung) for cls in classes for cell in cls.cells}


def storage_minimum(configured: int) -> int:
    """The class size storage guarantees: the configured minimum group, never below 5."""
    return max(STORAGE_MIN_GROUP, int(configured))


def day_cells(con: duckdb.DuckDBPyConnection, days: Iterable[date]) -> pd.DataFrame:
    """People employed on each day by exact cell (day, org, team, level, tenure_band, n), from
    `mart_assignments` (in the loader's scratch database, a view of the same SQL)."""
    return con.execute(read_sql(STAGING_DIR / "survey_day_cells.sql"), {"days": sorted(set(days))}).df()


def coarsen(cells: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """For every (day, exact cell) of `cells`, the stored cell: columns day, org, team, level,
    tenure_band (exact) and stored_org, stored_team, stored_level, stored_tenure_band."""
    rows = []
    for day, part in cells.groupby("day", sort=True):
        counts = {tuple(r[:4]): int(r[4]) for r in part[[*CELL, "n"]].itertuples(index=False, name=None)}
        for cell, stored in coarsen_day(counts, minimum).items():
            rows.append((day, *cell, *stored))
    return pd.DataFrame(rows, columns=["day", *CELL, *(f"stored_{c}" for c in CELL)])


def stored_cell(con: duckdb.DuckDBPyConnection, day: date, cell: Cell, minimum: int) -> Cell:
    """The stored cell of one person placed in `cell` on `day` (an in-app submission)."""
    counts = day_cells(con, [day])
    mapping = coarsen_day(
        {tuple(r[:4]): int(r[4]) for r in counts[[*CELL, "n"]].itertuples(index=False, name=None)}, minimum
    )
    return mapping[cell]
