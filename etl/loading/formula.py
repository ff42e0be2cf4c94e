"""Formula-like names: the one rule the command-line loader and the Data page apply to text.

A text value a spreadsheet would run as a formula (`workforce.inert.looks_like_formula`:
starting with = + - @, a tab or a carriage return, and not a number) is rejected in every text
column of every input, except the free-text columns where a leading dash is ordinary writing
(survey comments, question texts, mandate descriptions); those are escaped in every download
instead. `formula_rows` decides for a frame; the loader (`scratch_formula_problems`, every
contract table whatever its format) and the Data page's checks (`etl.ingest.formula_cells`)
both call it, so a file the one rejects the other rejects too.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from etl.contract import ROWS_SHOWN
from etl.loading.columns import quote_ident
from etl.loading.problems import Problem
from etl.loading.read import ReadTable
from workforce.inert import FORMULA_PREFIXES, FORMULA_RULE, looks_like_formula

RULE_ID = "formula_injection"
# Free text: a comment may well start with "- " or "+1"; downloads escape it instead.
FREE_TEXT = frozenset({("survey_responses", "comment"), ("survey_questions", "text"), ("ai_mandates", "description")})
_CANDIDATES = 10_000  # rows per column read back to decide; more than this are counted, not listed


def checked_columns(table: str | None, columns: list[Any]) -> list[Any]:
    """The columns of `table` (a contract table, or None for anything else) the rule applies to."""
    return [c for c in columns if (table, str(c)) not in FREE_TEXT]


def formula_rows(frame: pd.DataFrame, table: str | None = None) -> dict[str, list[tuple[Any, str]]]:
    """Per column, the (index, value) of every formula-like text cell of `frame`."""
    found: dict[str, list[tuple[Any, str]]] = {}
    for column in checked_columns(table, list(frame.columns)):
        series = frame[column]
        if series.dtype != object and not isinstance(series.dtype, pd.StringDtype):
            continue
        mask = series.map(looks_like_formula).astype(bool)
        if mask.any():
            found[str(column)] = [(i, str(series[i])) for i in series.index[mask]]
    return found


def scratch_formula_problems(con: duckdb.DuckDBPyConnection, read: ReadTable) -> list[Problem]:
    """The rule over one table typed in the loader's scratch database (rows as in the file)."""
    if not read.readable:
        return []
    text = [s.name for s in read.specs if s.sql_type == "VARCHAR"]
    problems = []
    for column in checked_columns(read.table, text):
        c = quote_ident(column)
        # DuckDB narrows the scan to cells starting with a formula character; Python decides
        candidates = con.execute(
            f"SELECT _row, {c} AS value FROM {read.table} WHERE list_contains(?, left({c}, 1)) ORDER BY _row LIMIT ?",
            [list(FORMULA_PREFIXES), _CANDIDATES],
        ).df()
        hits = formula_rows(candidates.set_index("_row")[["value"]].rename(columns={"value": column}), read.table)
        rows = hits.get(column, [])
        if rows:
            records = [int(r) for r, _ in rows[:ROWS_SHOWN]]
            shown = read.numbers.file_rows(records) if read.numbers else records
            problems.append(Problem("error", RULE_ID, FORMULA_RULE, table=read.table, file=read.file_name,
                                    column=column, n_rows=len(rows), rows=tuple(shown),
                                    values=tuple(v for _, v in rows[:ROWS_SHOWN])))
    return problems
