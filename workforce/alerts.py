"""Abnormal AI consumption: detection against each person's and team's own trailing baseline,
the `app_alerts` table, and the admins' review (acknowledge / dismiss with a reason).

Detection runs in SQL (`workforce/sql/alerts/`): a day's usage is compared with the median and
MAD of the same person's (or team's) previous active days in a trailing window; the rule is
written once, in `detect.sql`, over the person-days and team-days of `alert_days.sql`. It is idempotent: an alert's id is
`kind:subject:date:metric`, so re-running finds the same ids and adds nothing, and a review
already made is never overwritten. The loader runs it with the default thresholds
(`detect_at_load`, a step of etl/loading/derived.py: at company scale detection reads 20 million
usage rows); `refresh_if_stale` runs it once per data version when the load did not, and the
admins' "Run detection" calls `refresh_alerts(con, thresholds)`.

Names beside usage appear only to admins, one case at a time (`open_case`, audited with the
reason the admin gives): the review queue (`case_queue`) holds ids, places and statuses, never
names or figures, in the order the cases arose, so nothing here can be sorted into a ranking of
people. Sustained usage far above peers (workforce.tokenmaxxing) is reviewed the same way; its
decisions are kept in `app_case_reviews`, the alerts' in `app_alerts`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

import duckdb
import pandas as pd

from workforce import audit, tokenmaxxing
from workforce.db import SQL_DIR, data_version, query
from workforce.filters import Filters
from workforce.usage import minimum_people, run, scope_params
from workforce.viewer import Role, Viewer, allowed_orgs, require_role

ALERTS_SQL = SQL_DIR / "alerts"
STATUSES = ("open", "acknowledged", "dismissed")
KINDS = ("person_day", "team_day")
METRICS = ("cost_usd", "total_tokens")
LOAD_RUN = "load"  # run_by of the detection a load runs
DETECTED = {"days": "alert_days"}  # detect.sql's input


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
    query(con, "create_app_alerts", folder=ALERTS_SQL)
    query(con, "create_app_alert_runs", folder=ALERTS_SQL)
    query(con, "create_app_case_reviews", folder=ALERTS_SQL)


def detect(con: duckdb.DuckDBPyConnection, thresholds: Thresholds = Thresholds()) -> pd.DataFrame:
    """Every person-day and team-day the thresholds call abnormal (stored or not)."""
    thresholds.validate()
    return _run(con, "detect", thresholds.params(), relations=DETECTED)


def _run(con: duckdb.DuckDBPyConnection, name: str, params: dict, relations: dict[str, str] | None = None):
    return run(con, name, params, folder=ALERTS_SQL, relations=relations)


def _store_new(con: duckdb.DuckDBPyConnection, thresholds: Thresholds, version: str | None, run_by: str | None) -> int:
    """Store the detected alerts not stored yet and record the run; returns how many were added."""
    thresholds.validate()
    ensure_tables(con)
    added = len(_run(con, "insert_new_alerts", thresholds.params(), relations=DETECTED | {"detected": "detect"}))
    query(con, "record_alert_run", {"data_version": version, "thresholds": json.dumps(asdict(thresholds), default=str),
                                    "added": added, "run_by": run_by}, folder=ALERTS_SQL)
    return added


def refresh_alerts(
    con: duckdb.DuckDBPyConnection, thresholds: Thresholds = Thresholds(), run_by: str | None = None
) -> int:
    """Detect abnormal days and store the ones not stored yet; returns how many were added."""
    return _store_new(con, thresholds, data_version(con), run_by)


def detect_at_load(con: duckdb.DuckDBPyConnection, since: date | None = None) -> int:
    """Detection with the default thresholds as a step of the load (etl/loading/derived.py), so
    that no page view after a load pays for it; after an append (`since`: its first new day) on
    the new days only. The loader writes app_meta after its steps, so the run is recorded without
    a data version (run_by 'load'); `refresh_if_stale` then takes it as the run of the version it
    finds. Returns the alerts added."""
    return _store_new(con, Thresholds(since=since) if since is not None else Thresholds(), None, LOAD_RUN)


def refresh_if_stale(con: duckdb.DuckDBPyConnection, thresholds: Thresholds = Thresholds()) -> int:
    """Run detection once per data version (e.g. when the alerts page opens after a load), unless
    the latest load already ran it."""
    ensure_tables(con)
    version = data_version(con)
    if query(con, "runs_of_version", {"data_version": version}, folder=ALERTS_SQL).fetchall()[0][0]:
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
    return bool(query(con, "claim_load_run", {"data_version": version, "load_run": LOAD_RUN},
                      folder=ALERTS_SQL).fetchall())


def last_run(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    ensure_tables(con)
    return query(con, "last_run", folder=ALERTS_SQL).df()


def _decision(con: duckdb.DuckDBPyConnection, viewer: Viewer, status: str, reason: str, what: str) -> str:
    """Check an admin's review decision (a known status, a reason given); the reason, stripped."""
    require_role(viewer, Role.ADMIN)
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
    reason = (reason or "").strip()
    if not reason:
        raise ValueError(f"A reason is required to review {what}.")
    ensure_tables(con)
    return reason


def review_alert(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, alert_id: str, status: str, reason: str
) -> None:
    """An admin acknowledges or dismisses an alert (or reopens it), always with a reason."""
    reason = _decision(con, viewer, status, reason, "an alert")
    reviewed = query(con, "review_alert", {"status": status, "reason": reason, "reviewed_by": viewer.username,
                                           "alert_id": alert_id}, folder=ALERTS_SQL).fetchall()
    if not reviewed:
        raise KeyError(f"No alert with id {alert_id!r}")
    audit.record(con, viewer.username, "admin_change", "app_alerts",
                 {"alert_id": alert_id, "status": status})


def alert_counts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """week, org, kind, status, alerts: counts only, for the usage page."""
    return _run(con, "alert_counts", scope_params(con, viewer, filters))


def team_alerts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Team-day alerts in scope (teams, never people)."""
    params = scope_params(con, viewer, filters) | {"min_people": minimum_people(viewer)}
    return _run(con, "team_alerts", params)


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
    return _run(con, "alerts_for_review", params)


# ---------------------------------------------------------------------------------------------
# Review one case at a time. A case is a stored alert (person-day or team-day) or a person whose
# usage is sustained far above their peers without more delivered work.

SUSTAINED = "sustained_usage"
CASE_KINDS = (*KINDS, SUSTAINED)
CASE_KIND_LABELS = {
    "person_day": "A person's day far above their own usual use",
    "team_day": "A team's day far above its usual use",
    SUSTAINED: "Usage far above peers for weeks, without more delivered work",
}
METRIC_LABELS = {"cost_usd": "cost (USD)", "total_tokens": "tokens"}
# Below this many people (or teams) a spread would show single colleagues' figures: only the count.
MIN_CONTEXT_GROUP = 5


@dataclass(frozen=True)
class CaseRef:
    """A case in the review queue: where it sits and its status, never who or how much."""

    case_id: str
    kind: str
    org: str
    team: str
    status: str


@dataclass(frozen=True)
class Case:
    """An opened case: who or which team, why it was raised, and the team-level context."""

    case_id: str
    kind: str
    subject: str  # the person's name, or the team for a team-day
    org: str
    team: str
    status: str
    why: str  # why it was raised, in a sentence
    figures: dict[str, str]  # the case's own figures, formatted
    context_title: str
    context: dict[str, str]  # the spread among the team (or the org's teams), formatted; no names
    review: str | None  # the last decision, in a sentence


def _sustained_id(employee_id: str) -> str:
    return f"{SUSTAINED}:{employee_id}"


def _case_kind(case_id: str) -> str:
    kind = case_id.split(":", 1)[0]
    if kind not in CASE_KINDS:
        raise KeyError(f"No case with id {case_id!r}")
    return kind


def _reviews(con: duckdb.DuckDBPyConnection, case_ids: list[str]) -> pd.DataFrame:
    return _run(con, "case_reviews", {"case_ids": case_ids})


def case_queue(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    filters: Filters,
    statuses: tuple[str, ...] = ("open",),
    kinds: tuple[str, ...] = (),
) -> list[CaseRef]:
    """The cases to review, in the order they arose (never by size). Admins only."""
    require_role(viewer, Role.ADMIN)
    ensure_tables(con)
    unknown = sorted(set(kinds) - set(CASE_KINDS)) + sorted(set(statuses) - set(STATUSES))
    if unknown:
        raise ValueError(f"Case filters: unknown kind or status {', '.join(unknown)}")
    params = scope_params(con, viewer, filters) | {
        "statuses": list(statuses) or None,
        "kinds": [k for k in kinds if k in KINDS] or None,
    }
    cases: list[CaseRef] = []
    if not kinds or set(kinds) & set(KINDS):
        found = _run(con, "alert_cases", params)
        cases += map(CaseRef, found["case_id"], found["kind"], found["org"], found["team"], found["status"])
    if not kinds or SUSTAINED in kinds:
        flagged = tokenmaxxing.flagged(con, viewer, filters).sort_values("employee_id")
        ids = [_sustained_id(e) for e in flagged["employee_id"]]
        decided = dict(_reviews(con, ids)[["case_id", "status"]].itertuples(index=False)) if ids else {}
        for case_id, org, team in zip(ids, flagged["org"], flagged["team"], strict=True):
            status = decided.get(case_id, "open")
            if not statuses or status in statuses:
                cases.append(CaseRef(case_id, SUSTAINED, org, team, status))
    return cases


def next_case_id(cases: list[CaseRef], current: str | None = None) -> str:
    """The case after `current` in the queue (the first when there is none), wrapping round,
    so a case left open is not shown again at once. ValueError on an empty queue."""
    if not cases:
        raise ValueError("No case to review with these filters.")
    ids = [c.case_id for c in cases]
    start = ids.index(current) + 1 if current in ids else 0
    return ids[start % len(ids)]


def case_counts(cases: list[CaseRef]) -> pd.DataFrame:
    """org, kind, status, cases: how many cases of each kind sit in each org (counts only)."""
    frame = pd.DataFrame([(c.org, CASE_KIND_LABELS[c.kind], c.status) for c in cases],
                         columns=["org", "kind", "status"])
    return frame.groupby(["org", "kind", "status"], as_index=False).size().rename(columns={"size": "cases"})


def _number(value: float, metric: str) -> str:
    return f"${value:,.2f}" if metric == "cost_usd" else f"{value:,.0f}"


def _spread(row: dict, unit: str, below_label: str, metric: str | None = None) -> dict[str, str]:
    """The team-level context of a case: quartiles and top tenth of the group (no names), and how
    many in the group are below the case (`below_label`); only the count for a group under the minimum."""

    def fmt(v: float | None) -> str:
        if v is None or pd.isna(v):
            return "–"
        return _number(v, metric) if metric else f"{v:,.1f}×"

    count = int(row["members"])
    if count < MIN_CONTEXT_GROUP:
        return {unit.capitalize(): f"{count:,}", "Spread": f"not shown for fewer than {MIN_CONTEXT_GROUP}"}
    return {
        unit.capitalize(): f"{count:,}",
        "Lowest quarter up to": fmt(row["p25"]),
        "Median": fmt(row["median"]),
        "Highest quarter from": fmt(row["p75"]),
        "Highest tenth from": fmt(row["p90"]),
        below_label: f"{int(row['below']):,} of {count:,}",
    }


def _context(con: duckdb.DuckDBPyConnection, members: str, params: dict) -> dict:
    """The spread of a case's group (context_spread.sql over the `members` file's rows)."""
    return _run(con, "context_spread", params, relations={"members": members}).iloc[0].to_dict()


def open_case(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, case_id: str, why: str, filters: Filters | None = None
) -> Case:
    """Open one case, with its name, for review. Admins only, with a reason that is written to
    the audit log with the case (every opening, each time). KeyError for an unknown case or one
    outside the viewer's scope."""
    require_role(viewer, Role.ADMIN)
    why = (why or "").strip()
    if not why:
        raise ValueError("Reason for opening: say why you are opening this case (it is written to the audit log).")
    ensure_tables(con)
    filters = filters or Filters()
    kind = _case_kind(case_id)
    case = _sustained_case(con, viewer, case_id, filters) if kind == SUSTAINED else _alert_case(con, viewer, case_id)
    audit.record(con, viewer.username, "case_opened", case_id, {"reason": why, "kind": kind})
    return case


def _alert_case(con: duckdb.DuckDBPyConnection, viewer: Viewer, case_id: str) -> Case:
    rows = _run(con, "alert_case", {"case_id": case_id, "orgs": allowed_orgs(con, viewer)})
    if rows.empty:
        raise KeyError(f"No case with id {case_id!r}")
    a = rows.iloc[0]
    metric = METRIC_LABELS.get(a.metric, a.metric)
    params = {"metric": a.metric, "day": a.usage_date, "org": a.org, "team": a.team, "value": float(a.value)}
    if a.kind == "person_day":
        subject = a.person or a.employee_id
        who = "their"
        context = _context(con, "person_day_context", params)
        context_title = f"The people of team {a.team} that day, by {metric}"
        spread = _spread(context, "people", "Below this day", a.metric)
    else:
        subject = f"Team {a.team}"
        who = "the team's"
        context = _context(con, "team_day_context", params)
        context_title = f"The teams of {a.org} that day, by {metric}"
        spread = _spread(context, "teams", "Below this team", a.metric)
    why = (f"On {a.usage_date:%d %b %Y} {who} {metric} was {_number(a.value, a.metric)}, "
           f"{a.ratio:,.1f}× {who} usual day (median {_number(a.baseline_median, a.metric)} over "
           f"{int(a.baseline_days)} earlier active days; robust z {a.robust_z:,.1f}).")
    figures = {
        "Day": f"{a.usage_date:%d %b %Y}",
        f"That day's {metric}": _number(a.value, a.metric),
        "Usual day (median)": _number(a.baseline_median, a.metric),
        "Times the usual": f"{a.ratio:,.1f}×",
    }
    review = None
    if a.reviewed_by is not None and not pd.isna(a.reviewed_by):
        review = f"{a.status.capitalize()} by {a.reviewed_by} on {a.reviewed_at:%d %b %Y}: {a.reason}"
    return Case(case_id, a.kind, subject, a.org, a.team, a.status, why, figures, context_title, spread, review)


def _sustained_case(con: duckdb.DuckDBPyConnection, viewer: Viewer, case_id: str, filters: Filters) -> Case:
    employee_id = case_id.split(":", 1)[1]
    flagged = tokenmaxxing.flagged_people(con, viewer, filters)
    rows = flagged[flagged["employee_id"] == employee_id]
    if rows.empty:
        raise KeyError(f"No case with id {case_id!r}")
    p = rows.iloc[0]
    params = {"org": p.org, "team": p.team, "start": filters.start, "end": filters.end,
              "value": float(p.median_token_ratio)}
    context = _context(con, "sustained_context", params)
    spread = _spread(context, "people", "Below this person's ratio")
    why = (f"In {int(p.far_above_weeks)} of {int(p.active_weeks)} active weeks, tokens and agent time were at least "
           f"{tokenmaxxing.Rules().ratio:g}× the median of the {p.job_family} job family, while changes landed "
           f"stayed at {p.changes_per_week:,.1f} a week (peers {p.peer_changes_per_week:,.1f}).")
    figures = {
        "Weeks far above peers": f"{int(p.far_above_weeks)} of {int(p.active_weeks)}",
        "Tokens, times the peers' median": f"{p.median_token_ratio:,.1f}×",
        "Agent time, times the peers' median": f"{p.median_agent_ratio:,.1f}×",
        "Cost in those weeks": f"${p.cost_usd_in_those_weeks:,.0f}",
    }
    decided = _reviews(con, [case_id])
    status, review = "open", None
    if not decided.empty:
        d = decided.iloc[0]
        status = d.status
        review = f"{d.status.capitalize()} by {d.reviewed_by} on {d.reviewed_at:%d %b %Y}: {d.reason}"
    return Case(case_id, SUSTAINED, p.person, p.org, p.team, status, why, figures,
                f"The people of team {p.team}, tokens as a multiple of their job family's weekly median",
                spread, review)


def decide_case(con: duckdb.DuckDBPyConnection, viewer: Viewer, case_id: str, status: str, reason: str) -> None:
    """Record an admin's decision on a case (acknowledged, dismissed, or reopened), with a reason."""
    kind = _case_kind(case_id)
    if kind != SUSTAINED:
        review_alert(con, viewer, case_id, status, reason)
        return
    reason = _decision(con, viewer, status, reason, "a case")
    query(con, "upsert_case_review", {"case_id": case_id, "status": status, "reason": reason,
                                       "reviewed_by": viewer.username}, folder=ALERTS_SQL)
    audit.record(con, viewer.username, "admin_change", "app_case_reviews", {"case_id": case_id, "status": status})
