"""Abnormal AI consumption: detection against each person's and team's own trailing baseline,
the `app_alerts` table, and the admins' review (acknowledge / dismiss with a reason).

Detection runs in SQL (`workforce/sql/alerts/`): a day's usage is compared with the median and
MAD of the same person's (or team's) previous active days in a trailing window; see
`detect_person_days.sql` for the rule. It is idempotent: an alert's id is
`kind:subject:date:metric`, so re-running finds the same ids and adds nothing, and a review
already made is never overwritten. The loader runs it with the default thresholds
(`detect_at_load`, a step of etl/loading/derived.py: at company scale detection reads 20 million
usage rows); `refresh_if_stale` runs it once per data version when the load did not, and the
admins' "Run detection" calls `refresh_alerts(con, thresholds)`.

Names beside usage appear only through `alerts_for_review`, which only admins may call.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import pandas as pd

from workforce import audit
from workforce.db import SQL_DIR, data_version, sql, table_exists
from workforce.filters import Filters
from workforce.usage import minimum_people, run_text, scope_params
from workforce.viewer import Role, Viewer, allowed_orgs, require_role

ALERTS_SQL = SQL_DIR / "alerts"
STATUSES = ("open", "acknowledged", "dismissed")
KINDS = ("person_day", "team_day")
METRICS = ("cost_usd", "total_tokens")
LOAD_RUN = "load"  # run_by of the detection a load runs


@dataclass(frozen=True)
class Thresholds:
    """When a day's usage is abnormal. Values are in the metric's unit (USD or tokens)."""

    metric: str = "cost_usd"
    window_days: int = 28  # trailing calendar days of the baseline (the day itself excluded)
    min_history_days: int = 10  # active days the baseline needs before a day can alert
    z_threshold: float = 6.0  # robust z: (value - median) / (1.4826 * MAD)
    min_ratio: float = 5.0  # and at least this multiple of the baseline median
    min_scale_fraction: float = 0.1  # the scale is never below this fraction of the median
    # Noise floors. People switch between cheap chat and dear agent tools, so a ratio alone
    # alerts on a 2-dollar day after 10-cent days; on the generator's year these defaults give
    # about one person-alert per 30 people, most of them at the start of planted tokenmaxxing.
    person_min_value: float = 100.0  # a person-day below this never alerts
    team_min_value: float = 500.0  # a team-day below this never alerts
    since: date | None = None  # only days from here on (None: the whole history)

    def validate(self) -> Thresholds:
        problems = []
        if self.metric not in METRICS:
            problems.append(f"metric must be one of {', '.join(METRICS)}, got {self.metric!r}")
        if self.window_days < 2:
            problems.append(f"window_days must be at least 2, got {self.window_days}")
        if not 1 <= self.min_history_days <= self.window_days:
            problems.append(f"min_history_days must be between 1 and window_days, got {self.min_history_days}")
        for name in ("z_threshold", "min_ratio", "min_scale_fraction", "person_min_value", "team_min_value"):
            if getattr(self, name) < 0:
                problems.append(f"{name} must not be negative, got {getattr(self, name)}")
        if problems:
            raise ValueError("Alert thresholds: " + "; ".join(problems))
        return self

    def params(self) -> dict:
        return asdict(self)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql("create_app_alerts", ALERTS_SQL))
    con.execute(sql("create_app_alert_runs", ALERTS_SQL))


def detect(con: duckdb.DuckDBPyConnection, thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """Every person-day and team-day the thresholds call abnormal (stored or not)."""
    thresholds.validate()
    return run_text(con, _detected_sql(thresholds), thresholds.params())


def _detected_sql(thresholds: Thresholds) -> str:
    # Above a noise floor only the days at or above it need a baseline; without one, every day does.
    person = "detect_person_days_over_floor" if thresholds.person_min_value > 0 else "detect_person_days"
    team = "detect_team_days_over_floor" if thresholds.team_min_value > 0 else "detect_team_days"
    return f"SELECT * FROM ({sql(person, ALERTS_SQL)})\nUNION ALL\nSELECT * FROM ({sql(team, ALERTS_SQL)})"


def _store_new(con: duckdb.DuckDBPyConnection, thresholds: Thresholds, version: str | None, run_by: str | None) -> int:
    """Store the detected alerts not stored yet and record the run; returns how many were added."""
    thresholds.validate()
    ensure_tables(con)
    insert = sql("insert_new_alerts", ALERTS_SQL).replace(
        "FROM detected", f"FROM ({_detected_sql(thresholds)}) AS detected")
    before = con.execute("SELECT count(*) FROM app_alerts").fetchall()[0][0]
    run_text(con, insert, thresholds.params())
    added = con.execute("SELECT count(*) FROM app_alerts").fetchall()[0][0] - before
    con.execute(
        "INSERT INTO app_alert_runs VALUES (now()::TIMESTAMP, ?, ?, ?, ?)",
        [version, json.dumps(asdict(thresholds), default=str), added, run_by],
    )
    return added


def refresh_alerts(
    con: duckdb.DuckDBPyConnection, thresholds: Thresholds = Thresholds(), run_by: str | None = None
) -> int:
    """Detect abnormal days and store the ones not stored yet; returns how many were added."""
    return _store_new(con, thresholds, data_version(con), run_by)


def detect_at_load(con: duckdb.DuckDBPyConnection) -> int:
    """Detection with the default thresholds as a step of the load (etl/loading/derived.py), so
    that no page view after a load pays for it. The load writes app_meta after its steps, so the
    run is recorded without a data version (run_by 'load'); `refresh_if_stale` then takes it as
    the run of the version it finds. Returns the alerts added."""
    return _store_new(con, Thresholds(), None, LOAD_RUN)


def refresh_if_stale(con: duckdb.DuckDBPyConnection, thresholds: Thresholds = Thresholds()) -> int:
    """Run detection once per data version (e.g. when the alerts page opens after a load), unless
    the latest load already ran it."""
    ensure_tables(con)
    version = data_version(con)
    done = con.execute("SELECT count(*) FROM app_alert_runs WHERE data_version IS NOT DISTINCT FROM ?",
                       [version]).fetchall()[0][0]
    if done:
        return 0
    try:
        if _claim_load_run(con, version):
            return 0
        return refresh_alerts(con, thresholds, run_by="system")
    except duckdb.TransactionException:
        return 0  # another session is storing the same alerts at this moment


def _claim_load_run(con: duckdb.DuckDBPyConnection, version: str) -> bool:
    """Mark the latest run as this data version's when the load that wrote this data made it.

    Every load writes its data and its run in one transaction, and a run of the app always
    carries a version, so a latest run without one is the current data's."""
    claimed = con.execute(
        "UPDATE app_alert_runs SET data_version = ? WHERE run_by = ? AND data_version IS NULL "
        "AND run_at = (SELECT max(run_at) FROM app_alert_runs) RETURNING added",
        [version, LOAD_RUN],
    ).fetchall()
    return bool(claimed)


def last_run(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    ensure_tables(con)
    return con.execute("SELECT * FROM app_alert_runs ORDER BY run_at DESC LIMIT 1").df()


def review_alert(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, alert_id: str, status: str, reason: str
) -> None:
    """An admin acknowledges or dismisses an alert (or reopens it), always with a reason."""
    require_role(viewer, Role.ADMIN)
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A reason is required to review an alert.")
    ensure_tables(con)
    found = con.execute("SELECT count(*) FROM app_alerts WHERE alert_id = ?", [alert_id]).fetchall()[0][0]
    if not found:
        raise KeyError(f"No alert with id {alert_id!r}")
    con.execute(
        "UPDATE app_alerts SET status = ?, reason = ?, reviewed_by = ?, reviewed_at = now()::TIMESTAMP "
        "WHERE alert_id = ?",
        [status, reason, viewer.username, alert_id],
    )
    audit.record(con, viewer.username, "admin_change", "app_alerts",
                 {"alert_id": alert_id, "status": status})


def alert_counts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """week, org, kind, status, alerts: counts only, for the usage page."""
    if not table_exists(con, "app_alerts"):
        return pd.DataFrame(columns=["week", "org", "kind", "status", "alerts"])
    return run_text(con, sql("alert_counts", ALERTS_SQL), scope_params(con, viewer, filters))


def team_alerts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Team-day alerts in scope (teams, never people)."""
    if not table_exists(con, "app_alerts"):
        return pd.DataFrame(columns=["usage_date", "org", "team", "metric", "value", "baseline_median",
                                     "robust_z", "ratio", "status"])
    params = scope_params(con, viewer, filters) | {"min_people": minimum_people(viewer)}
    return run_text(con, sql("team_alerts", ALERTS_SQL), params)


def alerts_for_review(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    statuses: tuple[str, ...] = ("open",),
    kinds: tuple[str, ...] = (),
) -> pd.DataFrame:
    """The admins' review list with names. Raises ScopeError for anyone but an admin."""
    require_role(viewer, Role.ADMIN)
    ensure_tables(con)
    params = {
        "statuses": list(statuses) or None,
        "kinds": list(kinds) or None,
        "orgs": allowed_orgs(con, viewer),
    }
    return run_text(con, sql("alerts_for_review", ALERTS_SQL), params)
