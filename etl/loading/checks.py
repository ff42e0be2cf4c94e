"""Cross-table rules: every `etl/sql/checks/*.sql` run over the scratch tables.

Each file returns the offending rows of one table as `_row` (record number) and `value`
(what to show; may be NULL). Its header names the table, column, severity, rule and
message. A check is skipped when a table it reads could not be read at all (its file is
missing or unreadable): the reason is already reported and the check would only add noise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.contract import ROWS_SHOWN, TABLES
from etl.loading.problems import Problem
from etl.loading.read import ReadTable
from etl.loading.sqlfiles import CHECKS_DIR, header, mentions, read_sql


@dataclass(frozen=True)
class CheckFile:
    name: str
    sql: str
    table: str
    column: str | None
    severity: str
    rule: str
    message: str
    reads: frozenset[str]


def load_checks(folder: Path = CHECKS_DIR) -> list[CheckFile]:
    checks = []
    for path in sorted(folder.glob("*.sql")):
        sql = read_sql(path)
        meta = header(path.read_text(encoding="utf-8"))  # the file's own header: relations go in front
        missing = {"table", "severity", "rule", "message"} - set(meta)
        if missing:
            raise ValueError(f"{path.name}: header lacks {', '.join(sorted(missing))}")
        if meta["severity"] not in ("error", "warning"):
            raise ValueError(f"{path.name}: severity must be error or warning")
        checks.append(CheckFile(
            name=path.stem, sql=sql, table=meta["table"], column=meta.get("column"),
            severity=meta["severity"], rule=meta["rule"], message=meta["message"],
            reads=frozenset(mentions(sql, set(TABLES)) | {meta["table"]}),
        ))
    return checks


def run_checks(con: duckdb.DuckDBPyConnection, reads: dict[str, ReadTable],
               tables: Collection[str] | None = None) -> list[Problem]:
    """All check files whose tables were read; one problem per check that finds rows.
    `tables`: only the checks of these tables' rows (an append checks the rows it adds)."""
    problems: list[Problem] = []
    for check in load_checks():
        if tables is not None and check.table not in tables:
            continue
        if not all(reads[t].readable for t in check.reads if t in reads):
            continue
        con.execute(f"CREATE OR REPLACE TEMP TABLE _check AS {check.sql}")
        n = con.execute("SELECT count(*) FROM _check").fetchall()[0][0]
        if n:
            first = con.execute(
                "SELECT _row, CAST(value AS VARCHAR) FROM _check ORDER BY _row LIMIT ?", [ROWS_SHOWN]
            ).fetchall()
            read = reads[check.table]
            records = [r[0] for r in first]
            rows = read.numbers.file_rows(records) if read.numbers else records
            values = tuple(r[1] for r in first if r[1] is not None)
            problems.append(Problem(
                check.severity,  # type: ignore[arg-type]
                check.rule, check.message, table=check.table, file=read.file_name, column=check.column,
                n_rows=n, rows=tuple(rows), values=values if len(values) == len(first) else (),
            ))
        con.execute("DROP TABLE _check")
    return problems
