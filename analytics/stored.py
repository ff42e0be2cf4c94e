"""The Drivers page's models, fit once per load and stored as tidy tables.

The models (morale difference-in-differences, event study, Cox model, Kaplan–Meier curves,
layoff logit) depend only on the loaded data, and take half a minute at company scale. So the
load fits them once, after the marts (`build_drivers_tables`, a step of
`etl.loading.derived`), and the page reads the results (`read_models`). What is written is what
each registered model's result gives (`to_frames`, analytics/results.py); what is read back is
rebuilt by the result's own class (`from_frames`), so this module knows no particular model.

What the page narrows to a viewer's orgs is stored as aggregates per org, never per person:

- layoff audit: people at risk and selected per wave, org, breakdown and group
  (`mart_drivers_layoff_groups`) and per wave and org (`mart_drivers_layoff_totals`); a view
  sums the rows of its orgs, then runs the Fisher tests, impact ratios and suppression
  (`layoff_audit`) with the minimum group size in force at that moment;
- team explorer: one row per team (`mart_drivers_team_metrics`, no survey figure in it) and, for
  adoption, the team's person-months by the orgs their AI usage came from
  (`mart_drivers_team_adoption`); a view selects its orgs' teams (`team_metrics`) and takes their
  morale and eNPS from the confidentiality layer as released then.

Nothing here holds a person: the respondent link of the fit is a TEMP table of the fitting
connection, dropped when the fit ends. When the analysis cannot run (no pseudonym key beside
the database, a key that links nobody, a model that fails), the load still succeeds:
`mart_drivers_status` says why, the other tables are dropped, and the page shows the reason.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from analytics import layoffs
from analytics.fit import MODELS, CompanyModels, fit_company_models
from analytics.frames import AnalysisInputError, read_key, sql
from analytics.mandate import MandateEffect
from analytics.results import ORDER, READ_TABLES, SCHEMA, concat, stat_rows, stats_of
from etl.pseudonym import key_fingerprint
from workforce import privacy
from workforce.db import default_key_path, table_exists

log = logging.getLogger(__name__)

# Built by SQL straight from the marts (analytics/sql).
SQL_TABLES = ("mart_drivers_team_metrics", "mart_drivers_team_adoption")
STATUS_TABLE = "mart_drivers_status"
STATUS_SCHEMA = {"status": "VARCHAR", "message": "VARCHAR", "fitted_at": "TIMESTAMP", "seconds": "DOUBLE"}
TABLES = (*SCHEMA, *SQL_TABLES, STATUS_TABLE)

# What the step reads; a rebuild of any of these marts makes the stored models stale.
# mart_survey_respondent_wave is left out on purpose (see docs/analytics.md).
NEEDS = frozenset({"int_assignments", "mart_employee_month", "mart_usage_daily"})


# ------------------------------------------------------------------------------------------
# Writing (at load)


def build_drivers_tables(con: duckdb.DuckDBPyConnection, *, key: bytes | None = None) -> int:
    """The derived step: fit every model on `con` and (re)write the drivers tables; rows written.

    Runs inside the caller's transaction (the load's), on the same connection, so it sees the
    marts just built. `key`: the pseudonym secret; by default the key file beside the database
    (or WORKFORCE_KEY_FILE), checked against the fingerprint the database was loaded with.
    """
    started = time.perf_counter()
    try:
        models = fit_company_models(con, key if key is not None else database_key(con))
    except duckdb.Error:
        raise  # the transaction is aborted: the load must roll back
    except Exception as problem:  # noqa: BLE001 - a model failing must not refuse a load
        message = str(problem) if isinstance(problem, AnalysisInputError) else (
            f"the models could not be fit ({type(problem).__name__}: {_first_line(problem)})"
        )
        log.warning("drivers models not stored: %s", message)
        for table in (*SCHEMA, *SQL_TABLES):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        _write(con, STATUS_TABLE, STATUS_SCHEMA, pd.DataFrame(
            [{"status": "unavailable", "message": message, "fitted_at": _now(), "seconds": time.perf_counter() - started}]
        ))
        return 1
    rows = build_team_tables(con)
    models.timings["total"] = round(time.perf_counter() - started, 2)
    for table, frame in model_tables(models).items():
        rows += _write(con, table, SCHEMA[table], frame)
    _write(con, STATUS_TABLE, STATUS_SCHEMA, pd.DataFrame(
        [{"status": "ok", "message": "", "fitted_at": _now(), "seconds": time.perf_counter() - started}]
    ))
    return rows + 1


def model_tables(models: CompanyModels) -> dict[str, pd.DataFrame]:
    """Every table of results.SCHEMA: the rows each registered model's result adds, in MODELS
    order, and the fit's timings (model_stats, model 'timings_s')."""
    parts: dict[str, list[pd.DataFrame]] = {table: [] for table in SCHEMA}
    for model in MODELS:
        for table, frame in models.results[model.name].to_frames().items():
            parts[table].append(frame)
    parts["mart_drivers_model_stats"].append(stat_rows("timings_s", models.timings))
    return {table: concat(*frames) if frames else pd.DataFrame() for table, frames in parts.items()}


def build_team_tables(con: duckdb.DuckDBPyConnection, temp: bool = False) -> int:
    """The team explorer's tables of every org: per-team metrics and the person-months behind adoption."""
    for table in SQL_TABLES:
        con.execute(f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {table} AS {sql(table.removeprefix('mart_'))}")
    return sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in SQL_TABLES)


def _write(con: duckdb.DuckDBPyConnection, table: str, schema: dict[str, str], frame: pd.DataFrame) -> int:
    """CREATE OR REPLACE `table` with `schema` and insert `frame`'s rows (a rerun replaces them)."""
    cols = ", ".join(f'"{c}" {t}' for c, t in schema.items())
    con.execute(f"CREATE OR REPLACE TABLE {table} ({cols})")
    if frame.empty:
        return 0
    view = f"_drivers_{table}"
    con.register(view, frame.reindex(columns=list(schema)))
    casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in schema.items())
    try:
        con.execute(f"INSERT INTO {table} SELECT {casts} FROM {view}")
    finally:
        con.unregister(view)
    return len(frame)


def database_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """The pseudonym secret of the database `con` works on: WORKFORCE_KEY_FILE, else pseudonym.key
    beside the file (`workforce.db.default_key_path`), refused when it is not the key the database
    was loaded with (app_meta.pseudonym_key_id, from the second load on)."""
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    path = rows[0][0] if rows else None
    if not path:
        raise AnalysisInputError("an in-memory database has no pseudonym key file beside it")
    key_path = default_key_path(Path(path))
    key = read_key(key_path)
    if table_exists(con, "app_meta"):
        recorded = con.execute("SELECT value FROM app_meta WHERE key = 'pseudonym_key_id'").fetchall()
        if recorded and recorded[0][0] and recorded[0][0] != key_fingerprint(key):
            raise AnalysisInputError(
                f"the key file {key_path} is not the key this database was loaded with "
                "(fingerprints differ): survey answers cannot be linked"
            )
    return key


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _first_line(problem: Exception) -> str:
    return next((line for line in str(problem).splitlines() if line.strip()), "")


# ------------------------------------------------------------------------------------------
# Reading (per view)


def status(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The stored fit's status row, or None when this database has no drivers tables."""
    try:
        rows = con.execute(f"SELECT status, message, fitted_at, seconds FROM {STATUS_TABLE}").fetchall()
    except duckdb.CatalogException:
        return None
    if not rows:
        return None
    return dict(zip(STATUS_SCHEMA, rows[0], strict=True))


def _require_fitted(con: duckdb.DuckDBPyConnection) -> None:
    """Raises AnalysisInputError, saying why, unless the last load stored fitted models."""
    state = status(con)
    if state is None:
        raise AnalysisInputError("the drivers models are not stored in this database: reload the data")
    if state["status"] != "ok":
        raise AnalysisInputError(state["message"])


def read_models(con: duckdb.DuckDBPyConnection) -> CompanyModels:
    """The company-wide models as the fit returned them, each registered result read back by its
    own class; the layoff audit is left empty (it depends on the minimum group size in force:
    `with_company_audit`). Raises AnalysisInputError when the load could not fit them."""
    _require_fitted(con)
    frames = _read(con, READ_TABLES)
    timings = stats_of(frames, "timings_s")
    return CompanyModels({model.name: model.result.from_frames(frames) for model in MODELS}, timings)


def read_mandate(con: duckdb.DuckDBPyConnection) -> MandateEffect:
    """The stored mandate estimate (the Executive summary, the Drivers page and the report all read
    this one). Raises AnalysisInputError when the load could not fit the models."""
    _require_fitted(con)
    return MandateEffect.from_frames(
        _read(con, ("mart_drivers_mandate", "mart_drivers_mandate_by_org", "mart_drivers_event_study")))


def _read(con: duckdb.DuckDBPyConnection, tables) -> dict[str, pd.DataFrame]:
    # table names and orders are constants of analytics.results, never input
    return {table: con.execute(f"SELECT * FROM {table} ORDER BY {ORDER[table]}").df() for table in tables}


def layoff_audit(con: duckdb.DuckDBPyConnection, orgs: list[str] | None, min_n: int) -> pd.DataFrame:
    """The layoff audit of the people at risk in `orgs` (None: everyone), exactly as
    `layoffs.adverse_impact` on their rows, from the per-org counts."""
    params = {"everyone": orgs is None, "orgs": list(orgs or [])}
    groups = con.execute(sql("drivers_layoff_groups_in_scope"), params).df()
    totals = con.execute(sql("drivers_layoff_totals_in_scope"), params).df()
    return layoffs.adverse_impact_from_counts(groups, totals, min_n)


def with_company_audit(models: CompanyModels, min_n: int, con: duckdb.DuckDBPyConnection) -> CompanyModels:
    """`models` with the company-wide layoff audit under the minimum group size in force."""
    return models.with_result("layoffs", replace(models.layoffs, audit=layoff_audit(con, None, min_n)))


def team_metrics(con: duckdb.DuckDBPyConnection, orgs: list[str]) -> pd.DataFrame:
    """The team explorer's rows of `orgs` (already checked against the viewer's scope) from the
    stored team tables (`frames.team_metrics` builds them first), with each team's morale and
    eNPS as the confidentiality layer releases them: pooled over the waves in which the team's
    own cell is released (`workforce.privacy.pooled_team_figures`; missing when none is).
    `survey_waves` says how many waves a team's figures pool."""
    teams = con.execute(sql("drivers_teams_in_scope"), {"orgs": list(orgs)}).df()
    survey = privacy.pooled_team_figures(con, list(orgs))[["org", "team", "survey_waves", "morale", "enps"]]
    out = teams.merge(survey, on=["org", "team"], how="left")
    out["survey_waves"] = out["survey_waves"].fillna(0).astype(int)
    return out


def team_metrics_from_marts(con: duckdb.DuckDBPyConnection, orgs: list[str]) -> pd.DataFrame:
    """`team_metrics` computed from the marts now: the team tables are built as TEMP tables of a
    private cursor and read as the page reads the ones the load stored."""
    cursor = con.cursor()
    try:
        build_team_tables(cursor, temp=True)
        return team_metrics(cursor, orgs)
    finally:
        cursor.close()
