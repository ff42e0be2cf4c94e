"""The people side of the org: headcount, hires/transfers/reorgs/exits, flows between orgs,
spans of control, management layers and attrition. Definitions are in docs/people.md.

Every query function takes `(con, viewer, filters, ...)`, restricts to the orgs the viewer may
see (`allowed_orgs`, bound as a list) and aggregates in DuckDB, running one SQL file through
`workforce.db.query`. An assignment is a row of `int_assignments` (the load's one definition:
valid_to exclusive, stopping at the exit, NULL while the row holds). Figures of people employed
on snapshot days read a relation `active` of one grain, fixed per function: `people/month_grid`
(the month starts of the stored month grid, `mart_employee_month`) for the monthly series,
`people/on_day` (one day, from `int_assignments`) for the "on a date" views; spans
(`people/manager_spans`) are worked out from it the same way for both. Management layers are a
monthly figure only: the month grid stores each person's depth in the tree (the walk up the
managers runs once, at load).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import pandas as pd
from scipy import stats

from workforce.db import query
from workforce.filters import Filters, Window
from workforce.viewer import Role, Viewer, allowed_orgs

DEFAULT_SPAN_THRESHOLD = 15
# Org flows as an HR partner sees them: other orgs unnamed, month cells of at least this many
# moves (the same 5 as the survey's and the usage page's minimum group; docs/people.md).
OTHER_ORGS = "other orgs"
MIN_FLOW_PEOPLE = 5
PARTNER_FLOWS_NOTE = (f"Orgs outside your scope are shown together as “{OTHER_ORGS}”. Flows are counted by whole "
                      f"months, org to org, and a month's flow of fewer than {MIN_FLOW_PEOPLE} people is left out.")
ALL_IN_SCOPE = "All orgs in scope"

# The relations the snapshot figures read, per grain (see the module docstring).
MONTHLY = {"active": "people/month_grid", "manager_spans": "people/manager_spans"}
ONE_DAY = {"active": "people/on_day", "manager_spans": "people/manager_spans"}


def _df(con: duckdb.DuckDBPyConnection, name: str, params: dict, relations: dict | None = None) -> pd.DataFrame:
    return query(con, name, params, relations=relations).df()


def data_as_of(con: duckdb.DuckDBPyConnection) -> date:
    """The data's as-of date: the load's (latest usage day or submission), else the latest HR date."""
    return pd.Timestamp(query(con, "people/data_as_of").fetchall()[0][0]).date()


def data_start(con: duckdb.DuckDBPyConnection) -> date:
    """The first day the data covers exits and usage: the earliest usage day when AI usage is
    loaded, else the earliest exit. Job history reaches back to hire dates and says nothing here."""
    first = query(con, "people/data_start").fetchall()[0][0]
    return pd.Timestamp(first).date() if first is not None else data_as_of(con)


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
    frame = _df(con, "people/headcount", _params(con, viewer, filters, day=day), ONE_DAY)
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
    frame = _df(con, "people/headcount_groups", _params(con, viewer, filters, day=day), ONE_DAY)
    return frame.sort_values(["org", "team", "level"], ignore_index=True)


def headcount_monthly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Headcount by org on the first day of every month in the filters' window (month, org, headcount)."""
    w = window(con, filters)
    frame = _df(con, "people/headcount", _params(con, viewer, filters, start=w.start, end=w.end), MONTHLY)
    return frame.rename(columns={"day": "month"}).sort_values(["month", "org"], ignore_index=True)


def movements_monthly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """People per month, org and kind of movement: hires, transfers and reorgs (forced / chosen), exits by type."""
    w = window(con, filters)
    frame = _df(con, "people/movements_monthly", _params(con, viewer, filters, start=w.start, end=w.end))
    return frame.sort_values(["month", "org", "kind"], ignore_index=True)


def movement_totals(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Movements in the window by kind, all orgs in scope together (kind, people)."""
    monthly = movements_monthly(con, viewer, filters)
    return monthly.groupby("kind", as_index=False)["people"].sum().sort_values("kind", ignore_index=True)


def layoffs_by_wave(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Each layoff wave overlapping the window, per org: people, dates, share of the org the day before."""
    w = window(con, filters)
    frame = _df(con, "people/layoffs_by_wave", _params(con, viewer, filters, start=w.start, end=w.end))
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
    frame = _df(con, "people/org_flows", params)
    frame["forced"] = frame["forced"].astype(bool)
    return frame.sort_values(["people", "from_org", "to_org"], ascending=[False, True, True], ignore_index=True)


def events(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """AI-mandate and layoff-wave dates in the window for the orgs in scope (day, kind, label)."""
    w = window(con, filters)
    params = {"orgs": allowed_orgs(con, viewer, filters.orgs or None), "start": w.start, "end": w.end}
    frame = _df(con, "people/events", params)
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
    frame = _df(con, "people/attrition", _params(con, viewer, filters, start=w.start, end=w.end))
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
    frame = _df(con, "people/span_by_org",
                _params(con, viewer, filters, start=w.start, end=w.end, threshold=int(threshold)), MONTHLY)
    frame["share_under_wide"] = frame["people_under_wide"] / frame["people"]
    return frame.rename(columns={"day": "month"}).sort_values(["month", "org"], ignore_index=True)


def span_on(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date,
    threshold: int = DEFAULT_SPAN_THRESHOLD,
) -> pd.DataFrame:
    """The same span summary on one day, by org."""
    frame = _df(con, "people/span_by_org", _params(con, viewer, filters, day=day, threshold=int(threshold)), ONE_DAY)
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
    frame = _df(con, "people/span_values", _params(con, viewer, filters, day=day), ONE_DAY)
    return frame.drop(columns="day").sort_values(["org", "span"], ignore_index=True)


def wide_span_managers(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, day: date,
    threshold: int = DEFAULT_SPAN_THRESHOLD,
) -> pd.DataFrame:
    """Managers above the threshold on `day`, widest first.

    Names and ids only for viewers who may see individuals; for others those columns are absent.
    """
    with_names = viewer.sees_individuals
    frame = _df(con, "people/wide_span_managers",
                _params(con, viewer, filters, day=day, threshold=int(threshold), with_names=with_names), ONE_DAY)
    frame = frame.drop(columns="day").sort_values(["span", "org", "team"], ascending=[False, True, True],
                                                  ignore_index=True)
    if not with_names:
        frame = frame.drop(columns=["manager_id", "manager_name"])
    return frame


def layers_monthly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Management layers per org at each month start (month, org, layers, mean_depth, people)."""
    w = window(con, filters)
    frame = _df(con, "people/layers", _params(con, viewer, filters, start=w.start, end=w.end), MONTHLY)
    return frame.rename(columns={"day": "month"}).sort_values(["month", "org"], ignore_index=True)


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
    frame = _df(con, "people/team_risk_factors", params, ONE_DAY)
    frame["share_under_wide"] = frame["people_under_wide"] / frame["headcount"]
    frame["forced_share"] = frame["forced_moves"] / frame["headcount"]
    years = frame["person_days"] / 365.0
    frame["voluntary_rate"] = (frame["voluntary_exits"] / years.where(years > 0)).astype(float)
    return frame.sort_values(["org", "team"], ignore_index=True)
