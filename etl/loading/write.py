"""Writing a validated folder into the target database: one transaction, all or nothing.

The scratch database holds the staging tables as views over the validated rows. Here the
target file is opened (only now: a rejected folder never touches it), and inside a single
transaction the plain stg_* tables are replaced, the file rows of the survey tables are
swapped (rows the app wrote are kept), warnings are stored, the marts are rebuilt and app_meta
is updated. Any failure rolls the transaction back, so the file stays as it was.

The target file is ATTACHed to the scratch instance, so 20M usage rows move by one INSERT ...
SELECT inside DuckDB. When this process already holds the file (the app loading in-process),
DuckDB refuses a second handle on it; the rows then travel as Arrow record batches to a
connection of the app's own instance (see `_Target`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow

from etl import placement, portable, schema
from etl.contract import CONTRACT_VERSION
from etl.loading import derived
from etl.loading.columns import column_specs, quote_ident
from etl.loading.models import check_columns
from etl.loading.problems import LoadRejected, MartBuildError, Problem
from etl.loading.sqlfiles import (
    INTERMEDIATE_DIR,
    STAGING_DIR,
    build_order,
    mentions,
    model_files,
    read_sql,
    staging_sql,
)
from etl.loading.vendor import rebuild_vendor_marts
from etl.pseudonym import KeyProblem, key_fingerprint, open_key, respondent_key
from workforce.db import keep_private, render, transaction
from workforce.privacy import current_rules

# Plain staging tables: replaced whole by every load. (stg_ name -> contract table)
PLAIN_STAGING = {
    "stg_employees": "employees",
    "stg_job_history": "job_history",
    "stg_exits": "exits",
    "stg_token_usage": "token_usage",
    "stg_model_prices": "model_prices",
    "stg_ai_mandates": "ai_mandates",
    "stg_budgets": "budgets",
    "stg_outcomes": "outcomes",
}
# Survey staging tables: created once with keys, file rows swapped on reload, app rows kept.
SURVEY_STAGING = ("stg_survey_waves", "stg_survey_questions", "stg_survey_submissions", "stg_survey_answers")

ARROW_BATCH_ROWS = 1_000_000


@dataclass
class WriteResult:
    marts: dict[str, int]
    timings: dict[str, float]


def create_staging_views(scratch: duckdb.DuckDBPyConnection) -> None:
    """The stg_* SELECTs as views over the validated scratch tables (nothing is copied yet)."""
    for name in [*PLAIN_STAGING, *SURVEY_STAGING]:
        scratch.execute(f"CREATE OR REPLACE VIEW {name} AS {staging_sql(name)}")


def _run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute(read_sql(STAGING_DIR / f"{name}.sql"))


def _resolve_key(target: duckdb.DuckDBPyConnection, key_path: Path) -> bytes:
    """The pseudonym secret, refused (with recovery steps) when it is missing or not the key the
    database's survey answers were stored under (`etl.pseudonym.open_key`)."""
    try:
        return open_key(target, key_path)
    except KeyProblem as problem:
        raise LoadRejected([Problem("error", "pseudonym_key", str(problem), file=key_path.name)]) from problem


class _Target:
    """Where target SQL runs and how scratch rows get there.

    Normally the target file is ATTACHed to the scratch instance (`USE target`), so rows move
    by an INSERT ... SELECT inside DuckDB. When this process already has the file open (the
    app loading in-process), DuckDB refuses a second handle on it; then the target is opened
    as a connection of that instance and rows travel as Arrow record batches.
    """

    def __init__(self, scratch: duckdb.DuckDBPyConnection, db_path: Path) -> None:
        self.scratch = scratch
        self.attached = False
        path = str(db_path).replace("'", "''")
        try:
            scratch.execute(f"ATTACH '{path}' AS target")
            scratch.execute("USE target")
            self.con = scratch
            self.attached = True
        except duckdb.Error as exc:
            if "already attached" not in str(exc) and "Unique file handle conflict" not in str(exc):
                raise _unavailable(db_path, exc) from exc
            try:
                self.con = duckdb.connect(str(db_path))
            except duckdb.Error as again:  # e.g. this process opened it read-only
                raise _unavailable(db_path, again) from again

    def copy_rows(self, view: str, insert_sql: str) -> None:
        """Runs `insert_sql`, which reads the scratch view `view` under the name _incoming."""
        if self.attached:
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW _incoming AS SELECT * FROM memory.main.{view}")
            try:
                self.con.execute(insert_sql)
            finally:
                self.con.execute("DROP VIEW IF EXISTS _incoming")
            return
        reader = self.scratch.sql(f"SELECT * FROM {view}").to_arrow_reader(ARROW_BATCH_ROWS)
        self.con.register("_incoming", reader)
        try:
            self.con.execute(insert_sql)
        finally:
            self.con.unregister("_incoming")

    def prepare_marts(self) -> None:
        """In attach mode the instance is the loader's own, so mart CTAS may drop insertion
        order: no reader relies on a table's row order, and it saves time and memory."""
        if self.attached:
            self.con.execute("SET preserve_insertion_order = false")

    def close(self) -> None:
        if self.attached:
            self.scratch.execute("USE memory")
            self.scratch.execute("DETACH target")
        else:
            self.con.close()


def _unavailable(db_path: Path, exc: Exception) -> LoadRejected:
    return LoadRejected([Problem("error", "database_unavailable", f"cannot open {db_path}: {_first_line(exc)}",
                                 file=db_path.name)])


def _first_line(exc: Exception) -> str:
    return next((line for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _replace_table(scratch: duckdb.DuckDBPyConnection, target: _Target, name: str) -> None:
    """CREATE OR REPLACE the table in the target with the scratch view's types, then copy its rows."""
    required = {s.name for s in column_specs(PLAIN_STAGING[name]) if s.required}
    described = scratch.execute(f"DESCRIBE memory.main.{name}").fetchall()
    cols = ", ".join(
        f"{quote_ident(col)} {typ}{' NOT NULL' if col in required else ''}" for col, typ, *_ in described
    )
    target.con.execute(f"CREATE OR REPLACE TABLE {name} ({cols})")
    target.copy_rows(name, f"INSERT INTO {name} SELECT * FROM _incoming")


def _pseudonyms(submissions: pyarrow.Table, key: bytes) -> pyarrow.Table:
    """(wave_id, employee_id) -> respondent_key for every submission of the file."""
    pairs = sorted(set(zip(submissions.column("wave_id").to_pylist(), submissions.column("employee_id").to_pylist(),
                           strict=True)))
    return pyarrow.table({
        "wave_id": pyarrow.array([w for w, _ in pairs], pyarrow.string()),
        "employee_id": pyarrow.array([e for _, e in pairs], pyarrow.string()),
        "respondent_key": pyarrow.array([respondent_key(e, w, key) for w, e in pairs], pyarrow.string()),
    })


def survey_day_cells(scratch: duckdb.DuckDBPyConnection) -> None:
    """People employed per exact cell on every day a file submission was made, from the scratch
    tables (run before the target is attached, while unqualified names are the scratch's), kept
    in the scratch database as `temp.main.survey_day_cells`: at 850,000 people they are tens of
    millions of rows, which `_stored_placements` coarsens a day at a time."""
    days = [r[0] for r in scratch.execute("SELECT DISTINCT CAST(submitted_at AS DATE) FROM stg_survey_submissions").fetchall()]
    scratch.execute(f"CREATE OR REPLACE TEMP VIEW int_assignments AS {read_sql(INTERMEDIATE_DIR / 'int_assignments.sql')}")
    try:
        text = render("survey_day_cells", folder=STAGING_DIR, relations=placement.DAY_CELLS)
        scratch.execute(f"CREATE OR REPLACE TEMP TABLE survey_day_cells AS {text}", {"days": sorted(days)})
    finally:
        scratch.execute("DROP VIEW IF EXISTS temp.int_assignments")


def _stored_placements(scratch: duckdb.DuckDBPyConnection, minimum: int) -> pd.DataFrame:
    """The stored cell (etl.placement.coarsen) of every exact cell a file submission sits in, on
    the day it was made. A day's workforce is coarsened on its own (its classes never reach into
    another day), so the days are taken one at a time and only the cells a submission needs are
    kept: memory follows a day's workforce, not the year's (4 GB for 85,000 people when every day
    was coarsened at once)."""
    submitted = scratch.sql(
        "SELECT DISTINCT CAST(submitted_at AS DATE) AS day, org, team, level, CAST(tenure_band AS VARCHAR) AS tenure_band "
        "FROM memory.main.stg_survey_submissions"
    ).df()
    keys = ["day", *placement.CELL]
    frames = [placement.coarsen(scratch.sql("SELECT * FROM temp.main.survey_day_cells WHERE false").df(), minimum)]
    for day, wanted in submitted.groupby("day", sort=True):
        cells = scratch.execute("SELECT * FROM temp.main.survey_day_cells WHERE day = ?", [day]).df()
        frames.append(placement.coarsen(cells, minimum).merge(wanted[keys], on=keys))
    return pd.concat(frames, ignore_index=True)


def _write_surveys(scratch: duckdb.DuckDBPyConnection, target: _Target, key: bytes) -> None:
    # submissions are few (one per person and wave): held as Arrow tables, they can be read
    # twice (conflict check, then insert) in either target mode
    submissions = scratch.sql("SELECT * FROM memory.main.stg_survey_submissions").to_arrow_table()
    waves = scratch.sql("SELECT wave_id FROM memory.main.stg_survey_waves").to_arrow_table()
    con = target.con
    # the day's workforce decides how coarsely each placement is stored (etl.placement)
    minimum = placement.storage_minimum(current_rules(con).min_scores)
    stored = pyarrow.Table.from_pandas(_stored_placements(scratch, minimum), preserve_index=False)
    views = {"_submissions": submissions, "_incoming_waves": waves, "_pseudonyms": _pseudonyms(submissions, key),
             "_placements": stored}
    for name, table in views.items():
        con.register(name, table)
    try:
        conflicts = con.execute(read_sql(STAGING_DIR / "survey_conflicts.sql")).fetchall()
        if conflicts:
            raise LoadRejected([_conflict_problem(rows) for rows in _group(conflicts)])
        _run_script(con, "delete_file_survey_rows")
        for name in ("stg_survey_waves", "stg_survey_questions"):
            target.copy_rows(name, f"INSERT INTO {name} BY NAME SELECT * FROM _incoming")
        _run_script(con, "write_survey_submissions")
        written = con.execute("SELECT count(*) FROM stg_survey_submissions WHERE source = 'file'").fetchall()[0][0]
        if written != submissions.num_rows:  # every employed respondent has a cell of the day
            raise MartBuildError(f"stored {written} of {submissions.num_rows} file submissions: a placement is missing")
        # answers go in by a hash of their response, not in the order of the file
        target.copy_rows("stg_survey_answers", read_sql(STAGING_DIR / "write_survey_answers.sql"))
    finally:
        for view in views:
            con.unregister(view)


def _group(rows: list[tuple[str, str, str, str]]) -> list[list[tuple[str, str, str, str]]]:
    groups: dict[tuple[str, str, str], list[tuple[str, str, str, str]]] = {}
    for row in rows:
        groups.setdefault((row[0], row[1], row[3]), []).append(row)
    return list(groups.values())


def _conflict_problem(rows: list[tuple[str, str, str, str]]) -> Problem:
    table, column, _, message = rows[0]
    values = tuple(sorted({r[2] for r in rows}))
    return Problem("error", "conflicts_with_app_rows", message, table=table, column=column,
                   values=values[:5])


def _store_warnings(target: duckdb.DuckDBPyConnection, warnings: list[Problem]) -> None:
    _run_script(target, "ddl_data_quality")
    if warnings:
        target.executemany(
            "INSERT INTO stg_data_quality VALUES (?, ?, ?, ?)",
            [[w.rule, w.table or w.file, str(w), w.n_rows] for w in warnings],
        )


def build_marts(
    con: duckdb.DuckDBPyConnection, only: list[str] | None = None, *, key: bytes | None = None
) -> dict[str, int]:
    """(Re)builds the int_/mart_ tables of etl/sql/{intermediate,marts} in dependency order, each
    checked against its declared columns (etl/loading/models.py), without managing a transaction.

    `only`: rebuild these marts and every mart that depends on them, directly or not.
    Then the derived tables of `etl.loading.derived` whose inputs were rebuilt are recomputed.
    Returns the row count of each mart built (and rows written by each derived step).
    """
    files = model_files()
    texts = {name: read_sql(path) for name, path in files.items()}
    order = build_order(texts)
    wanted = set(order)
    if only is not None:
        unknown = set(only) - wanted
        if unknown:
            raise ValueError(f"no mart file for {', '.join(sorted(unknown))}")
        wanted = set(only)
        for name in order:  # dependents come later in the order, so one pass closes the set
            if any(dep in wanted for dep in _deps(texts, name)):
                wanted.add(name)
    rows: dict[str, int] = {}
    external = portable.external_marts_dir()  # usage marts another engine built (docs/performance.md)
    for name in order:
        if name not in wanted:
            continue
        if external is not None and name in portable.PORTABLE_MARTS:
            rows[name] = portable.read_external_mart(con, name, external)
            check_columns(con, name)
        else:
            rows[name] = build_model(con, name, files[name])
    rows.update(derived.run_steps(con, None if only is None else rows, key=key))
    return rows


def build_model(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> int:
    """CREATE OR REPLACE one int_/mart_ table from its file, checked against its declared
    columns; returns its rows."""
    try:
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {read_sql(path)}")
    except duckdb.Error as exc:
        raise MartBuildError(f"{path.name}: {exc}") from exc
    check_columns(con, name)
    return con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]


def _deps(texts: dict[str, str], name: str) -> set[str]:
    return mentions(texts[name], set(texts)) - {name}


def write_target(
    scratch: duckdb.DuckDBPyConnection,
    db_path: Path,
    key_path: Path,
    *,
    meta: dict[str, str],
    warnings: list[Problem],
    step: Callable[[str, float], None],
) -> WriteResult:
    """Opens the target and writes everything in one transaction; rolls back on any failure."""
    timings: dict[str, float] = {}
    db_path.parent.mkdir(parents=True, exist_ok=True)
    keep_private(db_path)
    survey_day_cells(scratch)
    target = _Target(scratch, db_path)
    con = target.con
    try:
        with transaction(con):
            started = time.perf_counter()
            _run_script(con, "ddl_app_meta")
            rebuilt = schema.rebuild_if_stale(con)
            if rebuilt is not None:
                warnings.append(Problem("warning", "schema_rebuilt", str(rebuilt)))
            _run_script(con, "ddl_survey_tables")
            key = _resolve_key(con, key_path)
            step("writing survey tables", 0.66)
            _write_surveys(scratch, target, key)
            for i, name in enumerate(PLAIN_STAGING):
                step(f"writing {name}", 0.67 + 0.15 * i / len(PLAIN_STAGING))
                _replace_table(scratch, target, name)
            _store_warnings(con, warnings)
            target.prepare_marts()
            timings["write staging"] = time.perf_counter() - started
            started = time.perf_counter()
            step("building marts", 0.85)
            # Vendor-export usage (kept across snapshot loads) is re-attributed to the new org
            # tree first, since mart_usage_daily includes it.
            rebuild_vendor_marts(con)
            marts = build_marts(con, key=key)
            timings["build marts"] = time.perf_counter() - started
            values = {**meta, "contract_version": CONTRACT_VERSION, "pseudonym_key_id": key_fingerprint(key),
                      "schema_version": schema.SCHEMA_VERSION}
            con.executemany("INSERT OR REPLACE INTO app_meta VALUES (?, ?)", [[k, v] for k, v in values.items()])
            started = time.perf_counter()
            step("committing", 0.98)
        timings["commit"] = time.perf_counter() - started
    finally:
        target.close()
    return WriteResult(marts, timings)
