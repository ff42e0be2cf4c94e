"""The Drivers page's models, fit once per load and stored as tidy tables.

The models (morale difference-in-differences, event study, Cox model, Kaplan–Meier curves,
layoff logit) depend only on the loaded data, and take half a minute at company scale. So the
load fits them once, after the marts (`build_drivers_tables`, a step of
`etl.loading.derived`), and the page reads the results (`read_models`).

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

from analytics import attrition, layoffs, mandate, morale
from analytics.effects import Effect
from analytics.frames import AnalysisInputError, read_key, sql
from workforce import privacy

log = logging.getLogger(__name__)

# Column types of every table; identifiers are constants of this module, never input.
SCHEMA: dict[str, dict[str, str]] = {
    "mart_drivers_effects": {
        "model": "VARCHAR", "position": "INTEGER", "key": "VARCHAR", "label": "VARCHAR", "unit": "VARCHAR",
        "null_value": "DOUBLE", "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT",
        "reason": "VARCHAR",
    },
    "mart_drivers_notes": {"model": "VARCHAR", "position": "INTEGER", "note": "VARCHAR"},
    "mart_drivers_model_stats": {"model": "VARCHAR", "stat": "VARCHAR", "value": "DOUBLE"},
    "mart_drivers_event_study": {
        "event_time": "INTEGER", "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT",
    },
    # the mandate question (analytics.mandate): one row, and one row per mandated unit
    "mart_drivers_mandate": {
        "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT", "label": "VARCHAR",
        "p_value": "DOUBLE", "pretrend_p": "DOUBLE", "treated_units": "INTEGER", "control_units": "INTEGER",
        "method": "VARCHAR", "reason": "VARCHAR", "permutations": "INTEGER",
    },
    "mart_drivers_mandate_by_org": {
        "position": "INTEGER", "org": "VARCHAR", "estimate": "DOUBLE", "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT",
    },
    "mart_drivers_ph_test": {"position": "INTEGER", "covariate": "VARCHAR", "test_statistic": "DOUBLE", "p": "DOUBLE"},
    "mart_drivers_km": {
        "grouping": "VARCHAR", "position": "INTEGER", "group": "VARCHAR", "day": "DOUBLE", "survival": "DOUBLE",
        "ci_low": "DOUBLE", "ci_high": "DOUBLE", "n": "BIGINT", "events": "BIGINT",
    },
    "mart_drivers_layoff_groups": {
        "layoff_wave": "VARCHAR", "org": "VARCHAR", "dimension": "VARCHAR", "group": "VARCHAR",
        "group_order": "INTEGER", "n": "BIGINT", "selected": "BIGINT",
    },
    "mart_drivers_layoff_totals": {"layoff_wave": "VARCHAR", "org": "VARCHAR", "n": "BIGINT", "selected": "BIGINT"},
}
# Built by SQL straight from the marts (analytics/sql).
SQL_TABLES = ("mart_drivers_team_metrics", "mart_drivers_team_adoption")
STATUS_TABLE = "mart_drivers_status"
STATUS_SCHEMA = {"status": "VARCHAR", "message": "VARCHAR", "fitted_at": "TIMESTAMP", "seconds": "DOUBLE"}
TABLES = (*SCHEMA, *SQL_TABLES, STATUS_TABLE)

# What the step reads; a rebuild of any of these marts makes the stored models stale.
# mart_survey_respondent_wave is left out on purpose (see docs/analytics.md).
NEEDS = frozenset({"int_assignments", "mart_employee_month", "mart_usage_daily"})

# model_stats rows that are counts (stored as DOUBLE, exact below 2**53)
_COUNTS = {("morale", "n_rows"), ("morale", "n_clusters"), ("morale", "n_waves"), ("morale", "n_orgs"),
           ("event_study", "n"), ("cox", "n_rows"), ("cox", "n_events"), ("calibration", "n_responses")}


# ------------------------------------------------------------------------------------------
# Writing (at load)


def build_drivers_tables(con: duckdb.DuckDBPyConnection, *, key: bytes | None = None, temp: bool = False) -> int:
    """The derived step: fit every model on `con` and (re)write the drivers tables; rows written.

    Runs inside the caller's transaction (the load's), on the same connection, so it sees the
    marts just built. `key`: the pseudonym secret; by default the key file beside the database
    (or WORKFORCE_KEY_FILE), checked against the fingerprint the database was loaded with.
    `temp`: write TEMP tables of this connection instead (a database loaded before this step
    existed: the page fits for itself, see `summary.drivers_report`).
    """
    from analytics.summary import fit_company_models

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
            con.execute(f"DROP TABLE IF EXISTS {'temp.' if temp else ''}{table}")
        _write(con, STATUS_TABLE, STATUS_SCHEMA, pd.DataFrame(
            [{"status": "unavailable", "message": message, "fitted_at": _now(), "seconds": time.perf_counter() - started}]
        ), temp)
        return 1
    population = models.layoff_population
    models.layoff_population = None
    lap = time.perf_counter()
    groups, totals = layoffs.group_counts(population, by=("layoff_wave", "org"))
    del population
    rows = _write(con, "mart_drivers_layoff_groups", SCHEMA["mart_drivers_layoff_groups"], groups, temp)
    rows += _write(con, "mart_drivers_layoff_totals", SCHEMA["mart_drivers_layoff_totals"], totals, temp)
    rows += build_team_tables(con, temp)
    models.timings["scoped_counts"] = round(time.perf_counter() - lap, 2)
    models.timings["total"] = round(time.perf_counter() - started, 2)
    for table, frame in model_tables(models).items():
        rows += _write(con, table, SCHEMA[table], frame, temp)
    _write(con, STATUS_TABLE, STATUS_SCHEMA, pd.DataFrame(
        [{"status": "ok", "message": "", "fitted_at": _now(), "seconds": time.perf_counter() - started}]
    ), temp)
    return rows + 1


def model_tables(models) -> dict[str, pd.DataFrame]:
    """The fitted models (`summary.CompanyModels`) as tidy tables, one per SCHEMA entry but the layoff counts."""
    corrected = {attrition.CORRECTED_KEY: models.cox.morale_corrected} if models.cox.morale_corrected else {}
    effects = [
        {"model": model, "position": i, "key": k, "label": e.label, "unit": e.unit, "null_value": e.null,
         "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high, "n": e.n, "reason": e.reason}
        for model, group in (("morale", models.morale.effects), ("attrition", models.cox.hazard_ratios),
                             ("attrition_sensitivity", corrected),
                             ("layoffs", {"selection_odds_ratio_per_sd_tokens": models.layoffs.odds_ratio_per_sd_tokens}))
        for i, (k, e) in enumerate(group.items())
    ]
    m, es, cox = models.morale, models.event_study, models.cox
    cal = cox.calibration
    notes = [("attrition", i, note) for i, note in enumerate(cox.notes)]
    notes.append(("calibration", 0, cal.reason))
    stats = [
        ("morale", "n_rows", m.n_rows), ("morale", "n_clusters", m.n_clusters), ("morale", "n_waves", m.n_waves),
        ("morale", "n_orgs", m.n_orgs), ("event_study", "pretrend_p", es.pretrend_p), ("event_study", "n", es.n),
        ("calibration", "answer_noise_var", cal.answer_noise_var), ("calibration", "reliability", cal.reliability),
        ("calibration", "reliability_low", cal.reliability_low),
        ("calibration", "reliability_high", cal.reliability_high), ("calibration", "n_responses", cal.n_responses),
        ("cox", "concordance", cox.concordance), ("cox", "n_rows", cox.n_rows), ("cox", "n_events", cox.n_events),
        *(("timings_s", stage, seconds) for stage, seconds in models.timings.items()),
    ]
    km = [
        curve.assign(grouping=grouping, position=range(len(curve)))
        for grouping, curve in models.km.items()
    ]
    md = models.mandate
    mandate_rows = pd.DataFrame([] if md is None else [{
        "estimate": md.effect.estimate, "ci_low": md.effect.ci_low, "ci_high": md.effect.ci_high, "n": md.effect.n,
        "label": md.effect.label, "p_value": md.p_value, "pretrend_p": md.pretrend_p, "treated_units": md.treated_units,
        "control_units": md.control_units, "method": md.method, "reason": md.reason, "permutations": md.permutations,
    }])
    by_org = md.by_org.assign(position=range(len(md.by_org))) if md is not None else pd.DataFrame()
    return {
        "mart_drivers_effects": pd.DataFrame(effects),
        "mart_drivers_mandate": mandate_rows,
        "mart_drivers_mandate_by_org": by_org,
        "mart_drivers_notes": pd.DataFrame(notes, columns=["model", "position", "note"]),
        "mart_drivers_model_stats": pd.DataFrame(stats, columns=["model", "stat", "value"]),
        "mart_drivers_event_study": es.table,
        "mart_drivers_ph_test": cox.ph_test.assign(position=range(len(cox.ph_test))),
        "mart_drivers_km": pd.concat(km, ignore_index=True) if km else pd.DataFrame(),
    }


def build_team_tables(con: duckdb.DuckDBPyConnection, temp: bool = False) -> int:
    """The team explorer's tables of every org: per-team metrics and the person-months behind adoption."""
    for table in SQL_TABLES:
        con.execute(f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {table} AS {sql(table.removeprefix('mart_'))}")
    return sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in SQL_TABLES)


def _write(con: duckdb.DuckDBPyConnection, table: str, schema: dict[str, str], frame: pd.DataFrame, temp: bool) -> int:
    """CREATE OR REPLACE `table` with `schema` and insert `frame`'s rows (a rerun replaces them)."""
    cols = ", ".join(f'"{c}" {t}' for c, t in schema.items())
    con.execute(f"CREATE OR REPLACE {'TEMP ' if temp else ''}TABLE {table} ({cols})")
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
    from etl.pseudonym import key_fingerprint
    from workforce.db import default_key_path, table_exists

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


def read_models(con: duckdb.DuckDBPyConnection):
    """The company-wide models as the fit returned them (`summary.CompanyModels`), without the
    layoff population; the layoff audit is left empty (it depends on the minimum group size in
    force: `layoff_audit`). Raises AnalysisInputError when the load could not fit them."""
    from analytics.summary import CompanyModels

    _require_fitted(con)
    effects = con.execute(
        "SELECT model, key, label, unit, null_value, estimate, ci_low, ci_high, n, reason FROM mart_drivers_effects "
        "ORDER BY model, position"
    ).fetchall()
    by_model: dict[str, dict[str, Effect]] = {}
    for model, k, label, unit, null, estimate, low, high, n, reason in effects:
        by_model.setdefault(model, {})[k] = Effect(
            _float(estimate), _float(low), _float(high), int(n), label, unit, _float(null), reason or ""
        )
    notes: dict[str, list[str]] = {}
    for model, note in con.execute("SELECT model, note FROM mart_drivers_notes ORDER BY model, position").fetchall():
        notes.setdefault(model, []).append(note or "")
    stats = {(m, s): v for m, s, v in con.execute("SELECT model, stat, value FROM mart_drivers_model_stats").fetchall()}

    def stat(model: str, name: str):
        value = stats[(model, name)]
        return int(value) if (model, name) in _COUNTS else _float(value)

    event_table = _frame(con, "SELECT event_time, estimate, ci_low, ci_high, n FROM mart_drivers_event_study "
                              "ORDER BY event_time", {"event_time": "int64", "n": "int64"})
    ph = _frame(con, "SELECT covariate, test_statistic, p FROM mart_drivers_ph_test ORDER BY position", {})
    km_rows = _frame(con, 'SELECT grouping, "group", day, survival, ci_low, ci_high, n, events FROM mart_drivers_km '
                          "ORDER BY grouping, position", {"n": "int64", "events": "int64"})
    columns = ["group", "day", "survival", "ci_low", "ci_high", "n", "events"]
    km = {
        grouping: km_rows.loc[km_rows["grouping"] == grouping, columns].reset_index(drop=True)
        for grouping in attrition.KM_GROUPINGS
    }
    morale_result = morale.MoraleResult(
        by_model["morale"], stat("morale", "n_rows"), stat("morale", "n_clusters"), stat("morale", "n_waves"),
        stat("morale", "n_orgs"),
    )
    events = morale.EventStudy(event_table, stat("event_study", "pretrend_p"), stat("event_study", "n"))
    calibration = attrition.Calibration(
        stat("calibration", "answer_noise_var"), stat("calibration", "reliability"),
        stat("calibration", "reliability_low"), stat("calibration", "reliability_high"),
        stat("calibration", "n_responses"), notes.get("calibration", [""])[0],
    )
    cox = attrition.CoxResult(by_model["attrition"], stat("cox", "concordance"), stat("cox", "n_rows"),
                              stat("cox", "n_events"), ph, tuple(notes.get("attrition", [])),
                              by_model.get("attrition_sensitivity", {}).get(attrition.CORRECTED_KEY), calibration)
    layoff_result = layoffs.LayoffResult(
        by_model["layoffs"]["selection_odds_ratio_per_sd_tokens"], pd.DataFrame(columns=layoffs.AUDIT_COLUMNS)
    )
    timings = {s: v for (m, s), v in stats.items() if m == "timings_s"}
    return CompanyModels(morale_result, events, cox, km, layoff_result, None, timings, _stored_mandate(con))


def read_mandate(con: duckdb.DuckDBPyConnection) -> mandate.MandateEffect:
    """The stored mandate estimate (the Executive summary, the Drivers page and the report all read
    this one). Raises AnalysisInputError when the load could not fit the models."""
    _require_fitted(con)
    return _stored_mandate(con)


def _stored_mandate(con: duckdb.DuckDBPyConnection) -> mandate.MandateEffect:
    rows = con.execute(
        "SELECT estimate, ci_low, ci_high, n, label, p_value, pretrend_p, treated_units, control_units, method, "
        "reason, permutations FROM mart_drivers_mandate"
    ).fetchall()
    if not rows:
        return mandate.unavailable("the mandate model was not fitted at the last load")
    est, low, high, n, label, p, pre, treated, control, method, reason, perms = rows[0]
    by_months = _frame(con, "SELECT event_time AS months, estimate, ci_low, ci_high, n FROM mart_drivers_event_study "
                            "ORDER BY event_time", {"months": "int64", "n": "int64"})
    by_org = _frame(con, "SELECT org, estimate, ci_low, ci_high, n FROM mart_drivers_mandate_by_org ORDER BY position",
                    {"n": "int64"})
    effect = Effect(_float(est), _float(low), _float(high), int(n), label, mandate.UNIT)
    return mandate.MandateEffect(effect, _float(p), _float(pre), int(treated), int(control),
                                 by_months.reindex(columns=mandate.COLUMNS), by_org.reindex(columns=mandate.ORG_COLUMNS),
                                 reason or None, method, int(perms))


def layoff_audit(con: duckdb.DuckDBPyConnection, orgs: list[str] | None, min_n: int) -> pd.DataFrame:
    """The layoff audit of the people at risk in `orgs` (None: everyone), exactly as
    `layoffs.adverse_impact` on their rows, from the per-org counts."""
    params = {"everyone": orgs is None, "orgs": list(orgs or [])}
    groups = con.execute(sql("drivers_layoff_groups_in_scope"), params).df()
    totals = con.execute(sql("drivers_layoff_totals_in_scope"), params).df()
    return layoffs.adverse_impact_from_counts(groups, totals, min_n)


def with_company_audit(models, min_n: int, con: duckdb.DuckDBPyConnection):
    """`models` with the company-wide layoff audit under the minimum group size in force."""
    result = replace(models.layoffs, audit=layoff_audit(con, None, min_n))
    return replace(models, layoffs=result)


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


def _frame(con: duckdb.DuckDBPyConnection, query: str, dtypes: dict[str, str]) -> pd.DataFrame:
    frame = con.execute(query).df()
    return frame.astype(dtypes) if not frame.empty else frame


def _float(value) -> float:
    return float("nan") if value is None else float(value)
