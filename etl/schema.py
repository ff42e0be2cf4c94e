"""The version of the tables this code writes, and what happens when a database is older.

`SCHEMA_VERSION` is stored in `app_meta.schema_version` by every load. Bump it whenever a table
the loader or the app writes changes shape or meaning (a column added, dropped or stored
differently). A database recording another version (or none, from before the mechanism) is
*stale*:

- `python -m etl load` rebuilds it: every table of the loaded layers (`stg_*`, `int_*`, `mart_*`) is
  dropped and built again from the folder. Answers given in the app and vendor exports loaded
  incrementally were stored in the old layout and are dropped with them (the report says how
  many). The application's own tables (`app_*`: accounts, audit log, alerts) are kept.
- the app rebuilds its embedded default (the database built from sample_data/) at start, and
  stops with a message for any other database (`startup_problem`).

History: 2 – per-wave respondent keys, generalised placement, no manager key or span, day only.
3 – vendor rows keep billing tier, one-hour cache writes, cost basis and tool outcomes; the drivers
    models store the staggered mandate estimate, reasons and notes; no survey figure in
    mart_drivers_team_metrics; no stored suppression lattice.
4 – mart_assignments is int_assignments (the intermediate layer); every int_/mart_ table is checked
    against its declared columns (etl/loading/models.py) when built.
    also mart_employee_month reaches a year back from the last day (the people pages' monthly figures
    read it); the people tables of the old load step (mart_people_*, mart_manager_spans) are gone.
    also usage per day at both grains in one mart_usage_day (whole_org; replaces mart_usage_team_day and
    mart_usage_org_day), mart_usage_cohort_thresholds, mart_tokenmaxxing_person_week built as a mart
    without next_week, no stored tokenmaxxing flags.
5 – mart_employee_month stores each person's depth in the management tree (management layers read
    it; the per-view walk is gone).
6 – mart_tokenmaxxing_person_week is stored in person order (employee_id, week), not week order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.pseudonym import KeyProblem, open_key
from workforce.db import table_exists

SCHEMA_VERSION = "6"
LOADED_LAYERS = ("stg_", "int_", "mart_")


def stored_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The schema version the database records; None for an empty database or one from before."""
    if not table_exists(con, "app_meta"):
        return None
    rows = con.execute("SELECT value FROM app_meta WHERE key = 'schema_version'").fetchall()
    return rows[0][0] if rows else None


def is_loaded(con: duckdb.DuckDBPyConnection) -> bool:
    if not table_exists(con, "app_meta"):
        return False
    return bool(con.execute("SELECT count(*) FROM app_meta WHERE key = 'data_version'").fetchall()[0][0])


def is_stale(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database holds loaded data written by code of another schema version."""
    return is_loaded(con) and stored_version(con) != SCHEMA_VERSION


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild of a stale database dropped."""

    from_version: str | None
    tables: int
    app_submissions: int

    def __str__(self) -> str:
        lost = (f"; {self.app_submissions:,} survey answers given in the app were stored in the old layout and "
                "were dropped") if self.app_submissions else ""
        return (f"the database was written by schema version {self.from_version or '1'} and this code writes "
                f"{SCHEMA_VERSION}: its {self.tables} loaded tables were rebuilt from this folder{lost}. "
                "Load incremental vendor exports again if you had any.")


def rebuild_if_stale(con: duckdb.DuckDBPyConnection) -> Rebuilt | None:
    """Drop every table of the loaded layers of a stale database (inside the caller's
    transaction), so the load that follows builds them afresh. None when not stale."""
    if not is_stale(con):
        return None
    app_rows = 0
    if table_exists(con, "stg_survey_submissions"):
        app_rows = con.execute("SELECT count(*) FROM stg_survey_submissions WHERE source <> 'file'").fetchall()[0][0]
    tables = [
        r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() "
            "AND schema_name = current_schema()"
        ).fetchall()
        if r[0].startswith(LOADED_LAYERS)
    ]
    version = stored_version(con)
    for table in tables:
        con.execute(f'DROP TABLE "{table}"')
    return Rebuilt(version, len(tables), int(app_rows))


@dataclass(frozen=True)
class StartupProblem:
    message: str
    stale: bool  # the schema is older: an embedded default may be rebuilt from its folder


def startup_problem(con: duckdb.DuckDBPyConnection, db_path: Path, key_path: Path) -> StartupProblem | None:
    """Why the app must not serve this loaded database as it is: a schema from other code, or a
    missing or wrong pseudonym key (`etl.pseudonym.open_key`). None when it can start."""
    if is_stale(con):
        return StartupProblem(
            f"The database {db_path} was written by an older version of this product (schema "
            f"{stored_version(con) or '1'}, this code needs {SCHEMA_VERSION}). An admin must reload it: "
            f"`python -m etl load YOUR_DATA_FOLDER --db {db_path}` rebuilds every table "
            "(survey answers given in the app under the old layout are not carried over).",
            stale=True,
        )
    try:
        open_key(con, key_path)
    except KeyProblem as problem:
        return StartupProblem(str(problem), stale=False)
    return None
