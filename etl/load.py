"""`load_folder`: validate a folder of contract files and load it into the database, all or nothing.

1. Every file is read into a scratch in-memory DuckDB, typed in SQL (`etl.loading.read`).
2. Each table's row rules run from its pandera model: pandera itself for small tables, the
   same rules compiled to SQL for big ones (`etl.loading.rules`).
3. The cross-table rules of etl/sql/checks/ run over the scratch tables (`etl.loading.checks`).
4. Any error: `LoadRejected` listing every problem; the target database is never opened.
5. Otherwise the target is opened and, in one transaction, the staging tables are replaced,
   survey rows pseudonymised, warnings stored, marts rebuilt and app_meta updated
   (`etl.loading.write`).

New days of usage for a loaded database go through `etl.loading.append.append_folder`
(`python -m etl load --append FOLDER`) instead: the same checks, the usage marts updated for
those days only.

`rebuild_marts(con)` rebuilds the marts alone, e.g. after the app stored a survey submission.
The input contract is described in docs/data_contract.md.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from etl.contract import CONTRACT_VERSION, OPTIONAL_TABLES, TABLES
from etl.loading.checks import run_checks
from etl.loading.columns import column_specs
from etl.loading.formula import scratch_formula_problems
from etl.loading.problems import LoadRejected, MartBuildError, Problem
from etl.loading.read import ReadTable, SourceFile, discover, read_table, scratch_database, type_problems
from etl.loading.rules import PANDERA_MAX_ROWS, validate_table
from etl.loading.write import build_marts, create_staging_views, write_target
from workforce.db import transaction

__all__ = [
    "PANDERA_MAX_ROWS",
    "build_marts",
    "LoadRejected",
    "LoadReport",
    "MartBuildError",
    "Problem",
    "TableLoad",
    "default_key_path",
    "load_folder",
    "rebuild_marts",
]

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class TableLoad:
    """How one contract table was loaded."""

    table: str
    file: str | None  # file name in the source folder; None for an absent optional table
    rows: int
    engine: str  # "pandera" or "sql" (row rules), "absent" for a missing optional table
    seconds: float  # reading, typing and row rules


@dataclass
class LoadReport:
    """What a successful load did. `str(report)` is the summary `python -m etl load` prints."""

    source_dir: Path
    db_path: Path
    data_version: str  # content hash of the files loaded: same files, same version
    loaded_at: datetime
    as_of: str | None  # latest usage_date or submitted_at day in the files (ISO date)
    tables: dict[str, TableLoad]
    marts: dict[str, int]  # mart name -> rows
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    @property
    def rows_read(self) -> int:
        return sum(t.rows for t in self.tables.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds else 0.0

    def __str__(self) -> str:
        lines = [
            f"Loaded {self.source_dir} into {self.db_path}: {self.rows_read:,} rows in {self.seconds:.1f} s "
            f"({self.rows_per_second:,.0f} rows/s)",
            f"data_version {self.data_version[:16]}, as of {self.as_of or '-'}",
        ]
        for t in self.tables.values():
            lines.append(f"  {t.table:18s} {t.rows:>12,d} rows  {t.file or '(absent)':24s} {t.engine:8s} {t.seconds:6.2f} s")
        lines.append("Marts: " + ", ".join(f"{name} {rows:,}" for name, rows in self.marts.items()))
        if self.timings:
            lines.append("Stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items()))
        if self.warnings:
            lines.append(f"Warnings ({len(self.warnings)}, stored in stg_data_quality):")
            lines.extend(f"  - {w}" for w in self.warnings)
        return "\n".join(lines)


def default_key_path(db_path: Path) -> Path:
    """WORKFORCE_KEY_FILE, else pseudonym.key beside the database (as workforce.db.default_key_path)."""
    env = os.environ.get("WORKFORCE_KEY_FILE")
    return Path(env) if env else db_path.parent / "pseudonym.key"


def load_folder(
    source_dir: Path,
    db_path: Path,
    *,
    key_path: Path | None = None,
    progress: Progress | None = None,
    engine: str = "auto",
) -> LoadReport:
    """Validates every file of `source_dir` and, only if all pass, loads them into `db_path`.

    Raises `LoadRejected` (its `problems` name file, column, rule and first rows of every
    broken rule) without touching the database. `engine` chooses how row rules run: "auto"
    (pandera up to PANDERA_MAX_ROWS rows, SQL above), "pandera" or "sql".
    """
    started = time.perf_counter()
    source_dir, db_path = Path(source_dir), Path(db_path)
    key_path = Path(key_path) if key_path is not None else default_key_path(db_path)
    step = progress or (lambda _msg, _frac: None)
    timings: dict[str, float] = {}

    step("finding files", 0.0)
    found, errors, warnings = discover(source_dir)
    # hashing runs beside DuckDB's reading (hashlib releases the GIL on large buffers)
    with ThreadPoolExecutor(max_workers=1) as pool:
        version_future = pool.submit(_content_hash, found)
        scratch = scratch_database(db_path)
        try:
            reads, tables = _read_all(scratch, found, engine, errors, warnings, step, timings)
            step("cross-table checks", 0.55)
            t = time.perf_counter()
            for problem in run_checks(scratch, reads):
                (errors if problem.severity == "error" else warnings).append(problem)
            timings["cross-table checks"] = time.perf_counter() - t
            if errors:
                # stable sort: per table in contract order, its own rules before cross-table ones
                order = {t: i for i, t in enumerate(TABLES)}
                errors.sort(key=lambda p: order.get(p.table or "", -1))
                raise LoadRejected(errors, warnings)

            step("staging", 0.64)
            create_staging_views(scratch)
            as_of = _as_of(scratch)
            version = version_future.result()
            loaded_at = datetime.now(UTC).replace(microsecond=0)
            meta = {
                "data_version": version,
                "loaded_at": loaded_at.isoformat().replace("+00:00", "Z"),
                "as_of": as_of or "",
                "models_as_of": as_of or "",  # whole-history models fitted now (an append keeps them)
                "source": str(source_dir.resolve()),
            }
            result = write_target(scratch, db_path, key_path, meta=meta, warnings=warnings, step=step)
        finally:
            scratch.close()
    timings.update(result.timings)
    step("done", 1.0)
    return LoadReport(
        source_dir=source_dir, db_path=db_path, data_version=version, loaded_at=loaded_at, as_of=as_of,
        tables=tables, marts=result.marts, warnings=warnings, seconds=time.perf_counter() - started,
        timings=timings,
    )


def _read_all(
    scratch: duckdb.DuckDBPyConnection,
    found: dict[str, SourceFile],
    engine: str,
    errors: list[Problem],
    warnings: list[Problem],
    step: Progress,
    timings: dict[str, float],
) -> tuple[dict[str, ReadTable], dict[str, TableLoad]]:
    """Reads, types and row-checks every table; problems are appended to errors/warnings."""
    sizes = {t: (found[t].path.stat().st_size if t in found else 0) for t in TABLES}
    total = sum(sizes.values()) or 1
    done = 0
    reads: dict[str, ReadTable] = {}
    tables: dict[str, TableLoad] = {}
    t_read = 0.0
    for table in TABLES:
        step(f"reading {table}", 0.02 + 0.5 * done / total)
        done += sizes[table]
        source = found.get(table)
        if source is None and table not in OPTIONAL_TABLES:
            reads[table] = ReadTable(table, None, column_specs(table))  # missing: already reported
            continue
        started = time.perf_counter()
        read = read_table(scratch, table, source)
        reads[table] = read
        errors.extend(read.errors)
        warnings.extend(read.warnings)
        used = "absent" if source is None else "-"
        if read.readable and source is not None:
            errors.extend(type_problems(scratch, read))
            used, problems = validate_table(scratch, read, engine)
            errors.extend(problems)
            errors.extend(scratch_formula_problems(scratch, read))  # the Data page's rule too
        seconds = time.perf_counter() - started
        t_read += seconds
        tables[table] = TableLoad(table, source.name if source else None, read.rows, used, seconds)
    timings["read and row rules"] = t_read
    return reads, tables


def _content_hash(found: dict[str, SourceFile]) -> str:
    """sha256 over the contract version and each table's name, format and bytes, in table order."""
    digest = hashlib.sha256(f"workforce-impact contract {CONTRACT_VERSION}\n".encode())
    for table in TABLES:
        source = found.get(table)
        digest.update(f"{table}:{source.fmt if source else 'absent'}\n".encode())
        if source is not None:
            with source.path.open("rb") as fh:
                while chunk := fh.read(1 << 22):
                    digest.update(chunk)
    return digest.hexdigest()


def _as_of(scratch: duckdb.DuckDBPyConnection) -> str | None:
    days = scratch.execute(
        "SELECT (SELECT max(usage_date) FROM stg_token_usage), "
        "(SELECT CAST(max(submitted_at) AS DATE) FROM stg_survey_submissions)"
    ).fetchall()[0]
    known = [d for d in days if d is not None]
    return max(known).isoformat() if known else None


def rebuild_marts(con: duckdb.DuckDBPyConnection, marts: list[str] | None = None) -> dict[str, int]:
    """Rebuilds the marts (all, or `marts` and those depending on them) in one transaction.

    For the app after it wrote survey rows: `rebuild_marts(con, ["mart_survey_respondent_wave"])`.
    Call it outside a transaction (it opens its own, and a failed mart leaves every mart as it
    was); inside a transaction of your own, call `build_marts` instead. Returns rows per mart.
    """
    with transaction(con):
        rows = build_marts(con, marts)
    return rows
