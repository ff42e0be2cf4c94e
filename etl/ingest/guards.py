"""Row-level guards of an incremental load: formula-like cells, future dates, the loader's
pandera model for a lone contract table, unknown employees, duplicate keys, and rows a load in
effect (or the loaded snapshot) already holds. Each returns `Problem`s; none writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pandera.errors as pa_errors

from etl.adapters.base import Problem
from etl.ingest.reports import MAX_PROBLEM_ROWS, Ready, Replacement
from etl.loading.formula import formula_rows
from etl.schemas import SCHEMAS
from workforce.db import sql, table_exists
from workforce.inert import FORMULA_RULE

SQL = Path(__file__).resolve().parent.parent / "sql" / "ingest"


def capped(file: str, rows: Sequence[tuple[int | None, str]], column: str, rule: str) -> list[Problem]:
    problems = [Problem(file, row, column, rule, value) for row, value in rows[:MAX_PROBLEM_ROWS]]
    if len(rows) > MAX_PROBLEM_ROWS:
        problems.append(Problem(file, None, column, f"{rule} — and {len(rows) - MAX_PROBLEM_ROWS:,} more rows", ""))
    return problems


def formula_cells(file: str, frame: pd.DataFrame, *, row_offset: int | None, table: str | None = None) -> list[Problem]:
    """Text cells a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM, -2+3), by
    the loader's own rule (`formula_rows`); `table` names a contract table (its free text is exempt)."""
    problems: list[Problem] = []
    for column, cells in formula_rows(frame, table).items():
        hits = [(None if row_offset is None else int(i) + row_offset, value) for i, value in cells]
        problems += capped(file, hits, column, FORMULA_RULE)
    return problems


def future_dates(file: str, frame: pd.DataFrame | None, column: str, today: date, row_offset: int | None) -> list[Problem]:
    """Rows dated after today. `row_offset` None: the rows are an adapter's output (no file row)."""
    if frame is None or frame.empty or column not in frame.columns:
        return []
    days = pd.to_datetime(frame[column]).dt.date
    rows = []
    for i in range(len(frame)):
        if days.iloc[i] > today:
            who = f" ({frame['identity'].iloc[i]})" if "identity" in frame else ""
            rows.append((None if row_offset is None else int(frame["row_number"].iloc[i]) + row_offset,
                         f"{days.iloc[i]}{who}"))
    return capped(file, rows, column, f"date in the future (after {today.isoformat()}): exports hold past usage")


def pandera_problems(file: str, table: str, frame: pd.DataFrame, row_offset: int):
    """Validate a lone contract table with the loader's pandera model; (typed frame, problems)."""
    model = SCHEMAS[table]
    frame = frame.copy()
    for name, column in model.to_schema().columns.items():
        if column.nullable and name not in frame.columns:
            frame[name] = None  # an optional column may be absent from the file
    try:
        return model.validate(frame, lazy=True), []
    except pa_errors.SchemaErrors as errors:
        cases = errors.failure_cases
        rows = []
        for case in cases.to_dict(orient="records"):
            index = case.get("index")
            row = int(index) + row_offset if index is not None and not pd.isna(index) else None
            rows.append(Problem(file, row, str(case.get("column") or "(table)"), str(case.get("check")),
                                "" if case.get("failure_case") is None else str(case.get("failure_case"))))
        return None, rows[: MAX_PROBLEM_ROWS * 3]


def text_problems(file: str, ready: Ready, row_offset: int | None) -> list[Problem]:
    """Formula-like text in what will be stored, whatever the file format (JSON included)."""
    problems: list[Problem] = []
    for frame in (ready.usage, ready.outcomes, ready.costs):
        if frame is None:
            continue
        text = frame[[c for c in frame.columns if frame[c].dtype == object]].set_index(frame["row_number"])
        problems += formula_cells(file, text, row_offset=row_offset)
    return problems


def overlaps(con: duckdb.DuckDBPyConnection, ready: Ready, source: str, has_vendor: bool,
              row_offset: int = 0, replacing: Replacement | None = None) -> list[Problem]:
    """Rows a load in effect (or the loaded snapshot) already holds: they would count twice.
    Rows a pull is about to replace (`replacing`) are not overlaps."""
    name, problems = ready.report.name, []

    def kept(rows, day_at: int, load_at: int):
        if replacing is None:
            return rows
        return [r for r in rows if not replacing.covers(source, r[day_at], r[load_at])]

    cursor = con.cursor()
    try:
        if ready.usage is not None:
            incoming = ready.usage.assign(source=source)
            cursor.register("incoming_usage", incoming)
            rows = kept(cursor.execute(sql("overlap_usage", SQL)).fetchall(), 1, 4) if has_vendor else []
            problems += capped(name, [(None, f"{r[1]} {r[2]} {r[3]} (load {r[4]})") for r in rows], "usage_date",
                                "already loaded: a load in effect holds usage of this day, identity, tool and "
                                "model from the same source (roll it back first, or load only new days)")
            if source == "contract:token_usage" and table_exists(cursor, "stg_token_usage"):
                rows = cursor.execute(sql("overlap_snapshot_usage", SQL)).fetchall()
                problems += capped(name, [(int(r[0]) + row_offset, f"{r[1]} {r[2]} {r[3]}") for r in rows], "usage_date",
                                    "already in the loaded snapshot (stg_token_usage): same employee, day, tool "
                                    "and model")
            cursor.unregister("incoming_usage")
        if ready.outcomes is not None:
            cursor.register("incoming_outcomes", ready.outcomes.assign(source=source))
            rows = kept(cursor.execute(sql("overlap_outcomes", SQL)).fetchall(), 1, 3) if has_vendor else []
            problems += capped(name, [(None, f"{r[1]} {r[2]} (load {r[3]})") for r in rows], "week_start",
                                "already loaded: outcomes of this week and identity from the same source")
            if source == "contract:outcomes" and table_exists(cursor, "stg_outcomes"):
                rows = cursor.execute(sql("overlap_snapshot_outcomes", SQL)).fetchall()
                problems += capped(name, [(int(r[0]) + row_offset, f"{r[1]} {r[2]}") for r in rows], "week_start",
                                    "already in the loaded snapshot (stg_outcomes): same employee and week")
            cursor.unregister("incoming_outcomes")
        if ready.costs is not None and has_vendor:
            cursor.register("incoming_cost", ready.costs.assign(source=source))
            rows = kept(cursor.execute(sql("overlap_cost", SQL)).fetchall(), 1, 2)
            problems += capped(name, [(None, f"{r[1]} (load {r[2]})") for r in rows], "cost_date",
                                "already loaded: cost of this day and line item from the same source")
            cursor.unregister("incoming_cost")
    finally:
        cursor.close()
    return problems


def unknown_employees(con: duckdb.DuckDBPyConnection, ready: Ready, offset: int) -> list[Problem]:
    """A contract file's employee_id must name an employee (the contract's reference rule)."""
    frame = ready.usage if ready.usage is not None else ready.outcomes
    if frame is None or frame.empty:
        return []
    if not table_exists(con, "stg_employees"):
        return [Problem(ready.report.name, None, "employee_id",
                        "references employees: load the contract folder (employees) first", "")]
    known = {r[0] for r in con.execute(
        "SELECT employee_id FROM stg_employees WHERE list_contains(?, employee_id)",
        [sorted(set(frame["identity"]))]).fetchall()}
    rows = [(int(n) + offset, e) for n, e in zip(frame["row_number"], frame["identity"], strict=True) if e not in known]
    return capped(ready.report.name, rows, "employee_id", "references employees: no employee with this id")


def key_duplicates(file: str, frame: pd.DataFrame | None, keys: list[str], offset: int) -> list[Problem]:
    if frame is None or frame.empty:
        return []
    dup = frame.duplicated(keys, keep="first")
    rows = [(int(n) + offset, " ".join(str(frame[k].iloc[i]) for k in keys))
            for i, n in enumerate(frame["row_number"]) if dup.iloc[i]]
    return capped(file, rows, ",".join(keys), "duplicate row key: one row per " + ", ".join(keys))

