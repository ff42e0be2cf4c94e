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

import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date

import duckdb
import pandas as pd

from etl.loading.sqlfiles import PLACED_ON, RELATIONS_DIR, STAGING_DIR
from workforce.db import query

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
_STORED = tuple(f"stored_{c}" for c in CELL)


def coarsen(cells: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """For every (day, exact cell) of `cells` (columns day, org, team, level, tenure_band, n: people
    employed that day in that cell), the stored cell: columns day, org, team, level, tenure_band
    (exact) and stored_org, stored_team, stored_level, stored_tenure_band (None = withheld)."""
    frame = cells[["day", *CELL, "n"]].reset_index(drop=True)
    rung = pd.Series(-1, index=frame.index)
    for step, kept in enumerate(LADDER):
        pending = rung < 0
        size = frame[pending].groupby(["day", *kept], sort=False, dropna=False)["n"].transform("sum")
        rung[size.index[size >= minimum]] = step
    last = len(LADDER) - 1
    rung[rung < 0] = last
    frame["rung"] = rung
    _store(frame)
    _complete_the_last_class(frame, minimum)
    return frame[["day", *CELL, *_STORED]]


def _store(frame: pd.DataFrame) -> None:
    """The stored_* columns: each cell projected on its rung, None where withheld."""
    for name, stored in zip(CELL, _STORED, strict=True):
        kept = frame["rung"].map({r: name in LADDER[r] for r in range(len(LADDER))}).astype(bool)
        frame[stored] = frame[name].astype(object).where(kept, None)


def _complete_the_last_class(frame: pd.DataFrame, minimum: int) -> None:
    """On a day whose all-withheld class holds fewer than `minimum`, merge the smallest stored
    classes into it (ties: the more detailed rung first, then labels) until it does."""
    last = len(LADDER) - 1
    held = frame[frame["rung"] == last].groupby("day")["n"].sum()
    short = held[held < minimum]
    if short.empty:
        return
    stored = frame[(frame["rung"] < last) & frame["day"].isin(short.index)].copy()
    if stored.empty:  # the whole day has fewer people than the minimum: nothing to merge
        return
    stored["cls"] = stored.groupby(["day", "rung", *_STORED], dropna=False, sort=False).ngroup()
    stored["label"] = stored[list(_STORED)].astype(str).agg("|".join, axis=1)
    classes = stored.groupby("cls").agg(day=("day", "first"), rung=("rung", "first"), label=("label", "first"),
                                        size=("n", "sum"))
    classes = classes.sort_values(["day", "size", "rung", "label"], kind="stable")
    need = classes["day"].map(minimum - short)
    before = classes.groupby("day")["size"].cumsum() - classes["size"]
    merged = classes.index[before < need]
    frame.loc[stored.index[stored["cls"].isin(merged)], "rung"] = last
    _store(frame)


def coarsen_day(counts: dict[Cell, int], minimum: int) -> dict[Cell, Cell]:
    """exact cell -> stored cell for one day's workforce (`counts`: people per exact cell)."""
    cells = pd.DataFrame([(0, *cell, n) for cell, n in counts.items()], columns=["day", *CELL, "n"])
    out = coarsen(cells, minimum)
    return {
        tuple(row[1:5]): tuple(None if pd.isna(v) else v for v in row[5:9])
        for row in out.itertuples(index=False, name=None)
    }


def storage_minimum(configured: int) -> int:
    """The class size storage guarantees: the configured minimum group, never below 5."""
    return max(STORAGE_MIN_GROUP, int(configured))


DAY_CELLS = {"days": RELATIONS_DIR / "days", **PLACED_ON}  # survey_day_cells.sql's relations


def day_cells(con: duckdb.DuckDBPyConnection, days: Iterable[date]) -> pd.DataFrame:
    """People employed on each day by exact cell (day, org, team, level, tenure_band, n), from
    `int_assignments` (in the loader's scratch database, a view of the same SQL)."""
    return query(con, "survey_day_cells", {"days": sorted(set(days))}, folder=STAGING_DIR,
                 relations=DAY_CELLS).df()


_DAY_CACHE: OrderedDict[tuple, dict[Cell, Cell]] = OrderedDict()
_DAY_CACHE_SIZE = 32
_DAY_CACHE_LOCK = threading.Lock()


def _loaded_state(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """Which database file and which load `con` sees (the workforce changes only with a load), or
    None when it cannot tell (an in-memory database, no app_meta): then nothing is cached."""
    if not _has_app_meta(con):
        return None
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    load = con.execute(
        "SELECT list(value ORDER BY key) FROM app_meta WHERE key IN ('data_version', 'loaded_at')"
    ).fetchall()
    if not path or not path[0][0] or not load[0][0]:
        return None
    return path[0][0], tuple(load[0][0])


def _has_app_meta(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'app_meta' "
        "AND database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()[0][0])


def stored_cell(con: duckdb.DuckDBPyConnection, day: date, cell: Cell, minimum: int) -> Cell:
    """The stored cell of one person placed in `cell` on `day` (an in-app submission). The day's
    mapping is kept per database and load, so a wave's answers do not recount the workforce."""
    state = _loaded_state(con)
    key = (state, day, minimum)
    with _DAY_CACHE_LOCK:
        mapping = _DAY_CACHE.get(key) if state else None
    if mapping is None:
        stored = coarsen(day_cells(con, [day]), minimum)
        mapping = {
            tuple(row[1:5]): tuple(None if pd.isna(v) else v for v in row[5:9])
            for row in stored.itertuples(index=False, name=None)
        }
        if state:
            with _DAY_CACHE_LOCK:
                _DAY_CACHE[key] = mapping
                while len(_DAY_CACHE) > _DAY_CACHE_SIZE:
                    _DAY_CACHE.popitem(last=False)
    return mapping[cell]
