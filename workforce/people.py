"""The people side of the org: headcount, hires/transfers/reorgs/exits, flows between orgs,
spans of control, management layers and attrition. Definitions are in docs/people.md.

Every query function takes `(con, viewer, filters, ...)`, restricts to the orgs the viewer may
see (`allowed_orgs`, bound as a list) and aggregates in DuckDB. The effective-dated logic lives
in one place, `sql/people/assignments.sql` (+ `active.sql`, `manager_spans.sql`), which every
query composes in as common table expressions, so "employed on d" and "span on d" cannot drift.

At company scale that logic is worked out once per load (`build_tables`, a step of the loader):
the assignments, every manager's span as intervals of days (valid for any day), and per month
start, org, team and manager span the people and their depths in the tree. Queries read them
when they exist and cover the days asked for; otherwise (a database loaded before they existed,
months outside them) they compute the same figures here. tests/test_people_marts.py checks both
give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
from scipy import stats

from workforce.db import meta, sql, table_exists
from workforce.filters import Filters
from workforce.viewer import Role, Viewer, allowed_orgs

DEFAULT_SPAN_THRESHOLD = 15
# Org flows as an HR partner sees them: other orgs unnamed, month cells of at least this many
# moves (the same 5 as the survey's and the usage page's minimum group; docs/people.md).
OTHER_ORGS = "other orgs"
MIN_FLOW_PEOPLE = 5
PARTNER_FLOWS_NOTE = (f"Orgs outside your scope are shown together as “{OTHER_ORGS}”. Flows are counted by whole "
                      f"months, org to org, and a month's flow of fewer than {MIN_FLOW_PEOPLE} people is left out.")
ALL_IN_SCOPE = "All orgs in scope"

# Common table expressions, in dependency order, that the people queries build on.
_ON_MONTH_STARTS = (("assignments", "people/assignments"), ("days", "people/month_starts"),
                    ("active", "people/active"), ("manager_spans", "people/manager_spans"))
_ON_ONE_DAY = (("assignments", "people/assignments"), ("days", "people/single_day"),
               ("active", "people/active"), ("manager_spans", "people/manager_spans"))
_ASSIGNMENTS = (("assignments", "people/assignments"),)
_DEPTHS = (("depths", "people/depths"),)

# What build_tables stores, and the stored variant of each common table expression.
ASSIGNMENTS_TABLE = "mart_people_assignments"  # assignments.sql's rows
SPANS_TABLE = "mart_manager_spans"  # manager_spans.sql as intervals of days
MONTHS_TABLE = "mart_people_months"  # the month starts mart_people_month_team covers
MONTH_TEAM_TABLE = "mart_people_month_team"  # people, depths per month start, org, team, manager span
_STORED = {"people/assignments": "people/assignments_stored", "people/manager_spans": "people/manager_spans_stored"}


def compose(query: str, ctes: Sequence[tuple[str, str]]) -> str:
    """`query`'s SQL file with the named SQL files in front of it as CTEs (`WITH alias AS (...)`)."""
    withs = ",\n".join(f"{alias} AS (\n{sql(path)}\n)" for alias, path in ctes)
    return f"WITH {withs}\nSELECT * FROM (\n{sql(query)}\n)"


def _run(con: duckdb.DuckDBPyConnection, query: str, ctes: Sequence[tuple[str, str]], params: dict) -> pd.DataFrame:
    return con.execute(compose(query, _stored_ctes(con, ctes)), params).df()


def _stored_ctes(con: duckdb.DuckDBPyConnection, ctes: Sequence[tuple[str, str]]) -> Sequence[tuple[str, str]]:
    """`ctes` reading the stored assignments and span intervals when the loader built them."""
    if not (table_exists(con, ASSIGNMENTS_TABLE) and table_exists(con, SPANS_TABLE)):
        return ctes
    return tuple((alias, _STORED.get(path, path)) for alias, path in ctes)


def month_starts(w: Window) -> list[date]:
    """The first days of the months inside the window (month_starts.sql's days)."""
    first = date(w.start.year, w.start.month, 1)
    if first < w.start:
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    days = []
    while first <= w.end:
        days.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return days


def _months_stored(con: duckdb.DuckDBPyConnection, w: Window) -> bool:
    """Whether mart_people_month_team holds every month start of the window."""
    if not (table_exists(con, MONTH_TEAM_TABLE) and table_exists(con, MONTHS_TABLE)):
        return False
    days = month_starts(w)
    stored = con.execute(f"SELECT count(*) FROM {MONTHS_TABLE} WHERE list_contains(?, day)", [days]).fetchall()
    return stored[0][0] == len(days)


def _monthly(con: duckdb.DuckDBPyConnection, query: str, w: Window, params: dict, ctes=_ON_MONTH_STARTS) -> pd.DataFrame:
    """`query` on the window's month starts: its `_fast` variant over the stored months when they
    cover the window, else computed from the assignments."""
    if _months_stored(con, w):
        return _run(con, f"{query}_fast", _ON_MONTH_STARTS, params)
    return _run(con, query, ctes, params)


def _month_range(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """The days the stored months cover: from a year before the latest usage or survey day (or the
    first usage day, if earlier) to the latest day of the people and usage tables, so that the
    sidebar's dates and the default window (the year to the as-of date) fall inside."""
    def day(query: str) -> date | None:
        value = con.execute(query).fetchall()[0][0]
        return value.date() if isinstance(value, datetime) else value

    people = [day("SELECT max(effective_date) FROM stg_job_history"), day("SELECT max(exit_date) FROM stg_exits")]
    first_usage = last_usage = last_answer = None
    if table_exists(con, "stg_token_usage"):
        first_usage = day("SELECT min(usage_date) FROM stg_token_usage")
        last_usage = day("SELECT max(usage_date) FROM stg_token_usage")
    if table_exists(con, "stg_survey_submissions"):
        last_answer = day("SELECT max(submitted_at) FROM stg_survey_submissions")
    activity = [d for d in (last_usage, last_answer) if d]
    latest = [d for d in people + activity if d]
    if not latest:
        return None
    last = max(latest)
    year_before = [d - timedelta(days=364) for d in (max(activity) if activity else None, last) if d]
    return min([d for d in (first_usage, *year_before) if d]), last


def build_tables(con: duckdb.DuckDBPyConnection) -> int:
    """Work out the effective-dated people logic once per load (a step of the loader, see
    etl/loading/derived.py): the assignments, each manager's span as intervals of days, and per
    month start, org, team and manager span the people employed and their depths. Returns rows written.
    """
    con.execute(f"CREATE OR REPLACE TABLE {ASSIGNMENTS_TABLE} AS {sql('people/assignments')}\nORDER BY employee_id")
    con.execute(f"CREATE OR REPLACE TABLE {SPANS_TABLE} AS {sql('people/build_manager_spans')}")
    bounds = _month_range(con)
    params = {"start": bounds[0], "end": bounds[1]} if bounds else {"start": date.today(), "end": date.today() - timedelta(1)}
    con.execute(f"CREATE OR REPLACE TABLE {MONTHS_TABLE} AS {sql('people/month_starts')}", params)
    ctes = (("assignments", "people/assignments_stored"), ("days", "people/stored_months"), ("active", "people/active"),
            ("manager_spans", "people/manager_spans_stored"), ("depths", "people/depths"))
    con.execute(f"CREATE OR REPLACE TABLE {MONTH_TEAM_TABLE} AS {compose('people/build_month_team', ctes)}")
    tables = (ASSIGNMENTS_TABLE, SPANS_TABLE, MONTHS_TABLE, MONTH_TEAM_TABLE)
    return sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables)


def data_as_of(con: duckdb.DuckDBPyConnection) -> date:
    """The data's as-of date: app_meta's when loaded, else the latest date the people tables hold."""
    as_of = meta(con).get("as_of")
    if as_of:
        return date.fromisoformat(as_of[:10])
    candidates = ["SELECT max(effective_date) FROM stg_job_history", "SELECT max(exit_date) FROM stg_exits"]
    if table_exists(con, "stg_token_usage"):
        candidates.append("SELECT max(usage_date) FROM stg_token_usage")
    latest = [con.execute(q).fetchall()[0][0] for q in candidates]
    latest = [d.date() if isinstance(d, datetime) else d for d in latest if d is not None]
    return max(latest) if latest else date.today()


def data_start(con: duckdb.DuckDBPyConnection) -> date:
    """The first day the data covers exits and usage: the earliest usage day when AI usage is
    loaded, else the earliest exit. Job history reaches back to hire dates and says nothing here."""
    first = None
    if table_exists(con, "stg_token_usage"):
        first = con.execute("SELECT min(usage_date) FROM stg_token_usage").fetchall()[0][0]
    if first is None:
        first = con.execute("SELECT min(exit_date) FROM stg_exits").fetchall()[0][0]
    if isinstance(first, datetime):
        first = first.date()
    return first or data_as_of(con)


@dataclass(frozen=True)
class Window:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Window:
        """The window of equal length just before this one."""
        return Window(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def window(con: duckdb.DuckDBPyConnection, filters: Filters) -> Window:
    """The filters' dates, defaulting to the year up to the data's as-of date."""
    end = filters.end or data_as_of(con)
    start = filters.start or end - timedelta(days=364)
    if start > end:
        raise ValueError(f"filter dates: start {start} is after end {end}")
    return Window(start, end)


def _scope(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> dict:
    return {
        "orgs": allowed_orgs(con, viewer, filters.orgs or None),
        "teams": Filters.as_list(filters.teams),
    }


def _params(con, viewer, filters, **extra) -> dict:
    params = _scope(con, viewer, filters)
    params.update(extra)
    return params


# ---------------------------------------------------------------- headcount and movements


def headcount_on(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date) -> pd.DataFrame:
    """Headcount by org on `day`: people with hire_date <= day < exit_date, in the org of their row."""
    frame = _run(con, "people/headcount", _ON_ONE_DAY, _params(con, viewer, filters, day=day))
    return frame.drop(columns="day").sort_values("org", ignore_index=True)


@dataclass(frozen=True)
class HeadcountAsOf:
    """The one headcount the app states: people employed on `day` (hire_date <= day < exit_date)."""

    day: date
    people: int

    def label(self) -> str:
        return f"as of {self.day:%d %b %Y}"


def headcount_as_of(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> HeadcountAsOf:
    """People employed in scope on the window's last day: the data's as-of date unless the filters
    end earlier. Every page that states a headcount (Overview, Executive summary and its report,
    Org changes) states this one, with its date."""
    day = window(con, filters).end
    return HeadcountAsOf(day, int(headcount_on(con, viewer, filters, day)["headcount"].sum()))


def headcount_groups_on(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date) -> pd.DataFrame:
    """People employed on `day` by org, team and level (org, team, level, headcount)."""
    frame = _run(con, "people/headcount_groups", _ON_ONE_DAY, _params(con, viewer, filters, day=day))
    return frame.sort_values(["org", "team", "level"], ignore_index=True)


def headcount_monthly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Headcount by org on the first day of every month in the filters' window (month, org, headcount)."""
    w = window(con, filters)
    frame = _monthly(con, "people/headcount", w, _params(con, viewer, filters, start=w.start, end=w.end))
    return frame.rename(columns={"day": "month"}).sort_values(["month", "org"], ignore_index=True)


def movements_monthly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """People per month, org and kind of movement: hires, transfers and reorgs (forced / chosen), exits by type."""
    w = window(con, filters)
    frame = _run(con, "people/movements_monthly", _ASSIGNMENTS, _params(con, viewer, filters, start=w.start, end=w.end))
    return frame.sort_values(["month", "org", "kind"], ignore_index=True)


def movement_totals(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Movements in the window by kind, all orgs in scope together (kind, people)."""
    monthly = movements_monthly(con, viewer, filters)
    return monthly.groupby("kind", as_index=False)["people"].sum().sort_values("kind", ignore_index=True)


def layoffs_by_wave(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Each layoff wave overlapping the window, per org: people, dates, share of the org the day before."""
    w = window(con, filters)
    frame = _run(con, "people/layoffs_by_wave", _ASSIGNMENTS, _params(con, viewer, filters, start=w.start, end=w.end))
    return frame.sort_values(["wave_start", "org"], ignore_index=True)


def org_flows(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Moves between orgs in the window (from_org, to_org, forced, people), largest first.

    An HR partner sees orgs outside their own only as OTHER_ORGS, over the whole months the
    window touches, org to org (no team narrowing), and only month cells of at least
    MIN_FLOW_PEOPLE moves: one day's window or one team's filter never shows one person's move.
    """
    w = window(con, filters)
    partner = viewer.role == Role.HR_PARTNER
    start = w.start.replace(day=1) if partner else w.start
    end = (pd.Timestamp(w.end) + pd.offsets.MonthEnd(0)).date() if partner else w.end
    params = _params(con, viewer, filters, start=start, end=end, own=sorted(viewer.orgs),
                     other_orgs=OTHER_ORGS if partner else None, min_people=MIN_FLOW_PEOPLE if partner else 0)
    frame = con.execute(sql("people/org_flows"), params).df()
    frame["forced"] = frame["forced"].astype(bool)
    return frame.sort_values(["people", "from_org", "to_org"], ascending=[False, True, True], ignore_index=True)


def events(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """AI-mandate and layoff-wave dates in the window for the orgs in scope (day, kind, label)."""
    w = window(con, filters)
    params = {"orgs": allowed_orgs(con, viewer, filters.orgs or None), "start": w.start, "end": w.end}
    frame = _run(con, "people/events", _ASSIGNMENTS, params)
    return frame.sort_values(["day", "kind"], ignore_index=True)


# ---------------------------------------------------------------- attrition


@dataclass(frozen=True)
class Rate:
    """An annualised rate with an exact Poisson 95% interval on the exit count."""

    exits: int
    average_headcount: float
    days: int
    rate: float | None
    low: float | None
    high: float | None


def annualised_rate(exits: int, person_days: float, days: int) -> Rate:
    """exits / average headcount × 365 / days, which is exits per person-year of exposure.

    The interval treats exits as Poisson (Garwood's exact interval), fine while the rate is small
    and people leave independently; it is an honest order of magnitude, not a forecast.
    """
    average = person_days / days if days else 0.0
    if person_days <= 0:
        return Rate(exits, average, days, None, None, None)
    years = person_days / 365.0
    low = stats.chi2.ppf(0.025, 2 * exits) / 2 / years if exits > 0 else 0.0
    high = stats.chi2.ppf(0.975, 2 * exits + 2) / 2 / years
    return Rate(exits, average, days, exits / years, float(low), float(high))


def attrition(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Exits per org in the window with annualised voluntary attrition and regretted share.

    One extra row, org = ALL_IN_SCOPE, holds everything in scope together.
    """
    w = window(con, filters)
    frame = _run(con, "people/attrition", _ASSIGNMENTS, _params(con, viewer, filters, start=w.start, end=w.end))
    frame["org"] = frame["org"].fillna(ALL_IN_SCOPE)
    frame = frame[frame["person_days"].fillna(0) > 0].copy()
    rates = [annualised_rate(int(r.voluntary_exits), float(r.person_days), int(r.days)) for r in frame.itertuples()]
    frame["average_headcount"] = [r.average_headcount for r in rates]
    frame["voluntary_rate"] = [r.rate for r in rates]
    frame["voluntary_rate_low"] = [r.low for r in rates]
    frame["voluntary_rate_high"] = [r.high for r in rates]
    frame["regretted_share"] = [
        (r.regretted_exits / r.voluntary_exits) if r.voluntary_exits else math.nan for r in frame.itertuples()
    ]
    frame["is_total"] = frame["org"] == ALL_IN_SCOPE
    return frame.sort_values(["is_total", "org"], ignore_index=True).drop(columns="is_total")


def voluntary_attrition(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> Rate:
    """Annualised voluntary attrition of everything in scope over the window."""
    frame = attrition(con, viewer, filters)
    total = frame[frame["org"] == ALL_IN_SCOPE]
    if total.empty:
        w = window(con, filters)
        return Rate(0, 0.0, w.days, None, None, None)
    row = total.iloc[0]
    return annualised_rate(int(row["voluntary_exits"]), float(row["person_days"]), int(row["days"]))


# ---------------------------------------------------------------- spans and layers


def span_by_org_monthly(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, threshold: int = DEFAULT_SPAN_THRESHOLD
) -> pd.DataFrame:
    """Per month start and org: managers, mean/median/p90/max span, managers above the threshold,
    people and people reporting to a manager above it (share_under_wide)."""
    w = window(con, filters)
    frame = _monthly(con, "people/span_by_org", w,
                     _params(con, viewer, filters, start=w.start, end=w.end, threshold=int(threshold)))
    frame["share_under_wide"] = frame["people_under_wide"] / frame["people"]
    return frame.rename(columns={"day": "month"}).sort_values(["month", "org"], ignore_index=True)


def span_on(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date,
    threshold: int = DEFAULT_SPAN_THRESHOLD,
) -> pd.DataFrame:
    """The same span summary on one day, by org."""
    frame = _run(con, "people/span_by_org", _ON_ONE_DAY, _params(con, viewer, filters, day=day, threshold=int(threshold)))
    frame["share_under_wide"] = frame["people_under_wide"] / frame["people"]
    return frame.drop(columns="day").sort_values("org", ignore_index=True)


def share_under_wide_spans(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date,
    threshold: int = DEFAULT_SPAN_THRESHOLD,
) -> tuple[int, int]:
    """(people reporting to a manager above the threshold, people employed) on `day`, all in scope."""
    frame = span_on(con, viewer, filters, day, threshold)
    return int(frame["people_under_wide"].sum()), int(frame["people"].sum())


def span_values(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date) -> pd.DataFrame:
    """How many managers have each span on `day`, by org (org, span, managers)."""
    frame = _run(con, "people/span_values", _ON_ONE_DAY, _params(con, viewer, filters, day=day))
    return frame.drop(columns="day").sort_values(["org", "span"], ignore_index=True)


def wide_span_managers(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date,
    threshold: int = DEFAULT_SPAN_THRESHOLD,
) -> pd.DataFrame:
    """Managers above the threshold on `day`, widest first.

    Names and ids only for viewers who may see individuals; for others those columns are absent.
    """
    with_names = viewer.sees_individuals
    frame = _run(con, "people/wide_span_managers", _ON_ONE_DAY,
                 _params(con, viewer, filters, day=day, threshold=int(threshold), with_names=with_names))
    frame = frame.drop(columns="day").sort_values(["span", "org", "team"], ascending=[False, True, True],
                                                  ignore_index=True)
    if not with_names:
        frame = frame.drop(columns=["manager_id", "manager_name"])
    return frame


def layers_monthly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Management layers per org at each month start (month, org, layers, mean_depth, people)."""
    w = window(con, filters)
    frame = _monthly(con, "people/layers", w, _params(con, viewer, filters, start=w.start, end=w.end),
                     _ON_MONTH_STARTS + _DEPTHS)
    return frame.rename(columns={"day": "month"}).sort_values(["month", "org"], ignore_index=True)


def layers_on(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date) -> pd.DataFrame:
    frame = _run(con, "people/layers", _ON_ONE_DAY + _DEPTHS, _params(con, viewer, filters, day=day))
    return frame.drop(columns="day").sort_values("org", ignore_index=True)


def team_risk_factors(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date,
    threshold: int = DEFAULT_SPAN_THRESHOLD, recent_days: int = 90, attrition_days: int = 365,
) -> pd.DataFrame:
    """Per team on `day`: headcount, share under managers above the span threshold, forced moves
    into the team in the last `recent_days`, and annualised voluntary attrition over the last
    `attrition_days` (exits / person-years)."""
    params = _params(
        con, viewer, filters, day=day, threshold=int(threshold),
        recent_start=day - timedelta(days=recent_days - 1), attrition_start=day - timedelta(days=attrition_days - 1),
    )
    frame = _run(con, "people/team_risk_factors", _ON_ONE_DAY, params)
    frame["share_under_wide"] = frame["people_under_wide"] / frame["headcount"]
    frame["forced_share"] = frame["forced_moves"] / frame["headcount"]
    years = frame["person_days"] / 365.0
    frame["voluntary_rate"] = (frame["voluntary_exits"] / years.where(years > 0)).astype(float)
    return frame.sort_values(["org", "team"], ignore_index=True)
