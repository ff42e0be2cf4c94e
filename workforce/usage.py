"""Query functions of the "AI usage & cost" page: spend, tokens, adoption, cohorts, budgets, quotas.

Each function takes `(con, viewer, filters, ...)`, restricts to the viewer's org scope on the
server (`allowed_orgs`, bound as a list), aggregates in DuckDB from the usage marts
(`mart_usage_day`, `mart_usage_person_week`, `mart_usage_person_month`,
`mart_headcount_week`) and returns a small DataFrame: never one row per person. SQL lives in
`workforce/sql/usage/`, one file per function, run through `workforce.db.query` (`python -m
workforce render usage/NAME` prints it). Definitions are in docs/usage.md.

The marts are always built (a database of an older schema is rebuilt, etl/schema.py), so every
query reads them directly: `mart_usage_day` holds each day at two grains, and a query picks the
org rows or the team rows with a bound value (`whole_org = ($teams IS NULL ...)`), never by
swapping table names; adoption reads the active users the loader counted per week
(`mart_usage_active_week`) and counts people itself only under a team filter; cohorts, quotas
and cost per change read `mart_usage_cohort_person_month`, where the cohort rule is written.

Minimum group: for every role but admin, a usage figure is released only when at least
MIN_ACTIVE_PEOPLE people stand behind it (`active_people.sql`: the most people active on one
day of the figure's period, in the figure's org/team group); otherwise its values are blank
(NaN). Head-counted figures (adoption, cohorts, quotas) need that many people in the group.
So no team-day or team-week figure is one person's usage. Definitions in docs/usage.md.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from workforce.db import SQL_DIR, Relation, query, render
from workforce.filters import Filters
from workforce.viewer import Role, Viewer, allowed_orgs

USAGE_SQL = SQL_DIR / "usage"
GRAINS = ("day", "week", "month", "rolling30")
GROUP_BYS = ("org", "team", "vendor", "tool", "model")
MANDATES = {"mandates": "mandate_orgs"}  # the mandates of a kind ($kind) per org in scope they cover
IN_SCOPE = {"usage_in_scope": "usage_in_scope"}  # the rows of mart_usage_day every filter selects
HEADCOUNT = {"headcount_in_scope": "headcount_in_scope"}  # the weekly headcount rows the filters select
# The fewest active people a usage figure may stand for, for every role but admin (the same 5 as
# the survey's minimum group; docs/usage.md, docs/security.md).
MIN_ACTIVE_PEOPLE = 5
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")
_COMMENT = re.compile(r"--[^\n]*")


def run(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any], *, folder: Path = USAGE_SQL,
        relations: Mapping[str, Relation] | None = None, not_materialized: Collection[str] = ()) -> pd.DataFrame:
    """`workforce.db.query` of `folder/name.sql` (with its declared `relations`) as a DataFrame,
    binding only the parameters the rendered SQL uses, so callers can pass shared ones."""
    text = render(name, relations=relations, folder=folder, not_materialized=not_materialized)
    return query(con, name, bound(text, params), relations=relations, folder=folder,
                 not_materialized=not_materialized).df()


def bound(text: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters `text` uses, taken from `params` (DuckDB rejects extras); KeyError if one is missing."""
    used = set(_PARAM.findall(_COMMENT.sub("", text)))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL parameters not given: {sorted(missing)}")
    return {k: v for k, v in params.items() if k in used}


def scope_params(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> dict[str, Any]:
    """The bound parameters every usage query shares; orgs are always the viewer's scope."""
    return {
        "orgs": allowed_orgs(con, viewer, filters.orgs or None),
        "teams": Filters.as_list(filters.teams),
        "vendors": Filters.as_list(filters.vendors),
        "tools": Filters.as_list(filters.tools),
        "start": filters.start,
        "end": filters.end,
    }


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def spend_over_time(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, grain: str = "week", by: str = "vendor"
) -> pd.DataFrame:
    """period, group, cost_usd, list_price_cost_usd and the four token kinds plus total_tokens.

    The 7 groups with most spend keep their name, the rest are 'Other'. `rolling30` gives each
    day's trailing 30 calendar days.
    """
    params = scope_params(con, viewer, filters) | {
        "grain": _choice(grain, GRAINS, "grain"),
        "by": _choice(by, GROUP_BYS, "group by"),
    }
    frame = run(con, "spend_over_time", params)
    split = by if by in ("org", "team") else "none"
    named = sorted(set(frame["group"]) - {"Other"}) if split != "none" else []
    people = active_people(con, viewer, filters, grain, by=split, named=named)
    return release(viewer, frame, people, on=["period", "group"] if split != "none" else ["period"],
                   values=[c for c in frame.columns if c not in ("period", "group")])


def token_mix(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, grain: str = "week") -> pd.DataFrame:
    """period, token_kind (uncached input / output / cache read / cache write), tokens, share."""
    params = scope_params(con, viewer, filters) | {"grain": _choice(grain, GRAINS[:3], "grain")}
    frame = run(con, "token_mix", params, relations=IN_SCOPE)
    return release(viewer, frame, active_people(con, viewer, filters, grain), on=["period"], values=["tokens", "share"])


def spend_summary(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """One row: cost_usd, total_tokens, list_price_cost_usd, cache_read_share, last/prior 30 days."""
    frame = run(con, "spend_summary", scope_params(con, viewer, filters), relations=IN_SCOPE)
    if frame.empty or minimum_people(viewer) == 0:
        return frame
    row = frame.iloc[0]
    last = pd.Timestamp(row["last_day"]).date()
    checks = {  # each figure and the days it covers
        ("cost_usd", "total_tokens", "list_price_cost_usd", "cache_read_share"): filters,
        ("last_30d_cost_usd",): dataclasses.replace(filters, start=last - timedelta(days=29), end=last),
        ("prior_30d_cost_usd",): dataclasses.replace(filters, start=last - timedelta(days=59),
                                                     end=last - timedelta(days=30)),
    }
    out = frame.astype({c: float for columns in checks for c in columns})
    for columns, days in checks.items():
        if _most_people(con, viewer, days) < minimum_people(viewer):
            out.loc[:, list(columns)] = np.nan
    return out


def in_house_share(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """week, in-house and total tokens and spend, and the in-house shares of each."""
    frame = run(con, "in_house_share", scope_params(con, viewer, filters))
    people = active_people(con, viewer, filters, "week").rename(columns={"period": "week"})
    return release(viewer, frame, people, on=["week"], values=[c for c in frame.columns if c != "week"])


def mandates_in_scope(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, kind: str
) -> pd.DataFrame:
    """Mandates of `kind` whose scope touches the viewer's orgs (e.g. tool_migration for the share chart)."""
    params = scope_params(con, viewer, filters) | {"kind": kind}
    return run(con, "mandates_in_scope", params)


def adoption_weekly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """week, org, active_users, headcount, adoption (= active_users / headcount)."""
    return release_headcount(viewer, run(con, "adoption_weekly", scope_params(con, viewer, filters), relations=HEADCOUNT),
                             "headcount", ["active_users", "adoption"])


def adoption_vs_target(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per adoption_target mandate, org and week from its effective date: adoption, target, met."""
    params = scope_params(con, viewer, filters) | {"min_people": minimum_people(viewer), "kind": "adoption_target"}
    return run(con, "adoption_vs_target", params, relations=MANDATES | HEADCOUNT)


def adoption_target_status(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per adoption_target mandate and org: weeks, weeks met, latest adoption and whether it met."""
    params = scope_params(con, viewer, filters) | {"min_people": minimum_people(viewer), "kind": "adoption_target"}
    return run(con, "adoption_target_status", params, relations=MANDATES | HEADCOUNT | {"series": "adoption_vs_target"})


def usage_cohorts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """month, org, cohort (none / light / moderate / heavy), people: a distribution, no names."""
    frame = run(con, "usage_cohorts", scope_params(con, viewer, filters))
    frame["group_people"] = frame.groupby(["month", "org"])["people"].transform("sum")
    return release_headcount(viewer, frame, "group_people", ["people"]).drop(columns="group_people")


def cohort_thresholds(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The company-wide monthly token thresholds of the cohorts (two numbers, no one's usage)."""
    return run(con, "cohort_thresholds", {})


def quota_overages(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per usage_quota mandate, org and month: people over the monthly token quota, headcount, share."""
    frame = run(con, "quota_overages", scope_params(con, viewer, filters) | {"kind": "usage_quota"}, relations=MANDATES)
    return release_headcount(viewer, frame, "headcount", ["people_over", "share_over"])


def budget_vs_spend(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """org, month, budget_usd, spend_usd, share_of_budget, remaining_usd (org-level: no team filter)."""
    # budgets are per org: no team filter applies, so the org rows of the day mart answer
    frame = run(con, "budget_vs_spend", scope_params(con, viewer, filters))
    whole_orgs = dataclasses.replace(filters, teams=())
    people = active_people(con, viewer, whole_orgs, "month", by="org", named=sorted(set(frame["org"])))
    return release(viewer, frame, people.rename(columns={"period": "month", "group": "org"}), on=["month", "org"],
                   values=["spend_usd", "share_of_budget", "remaining_usd"])


def budget_burndown(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, month: date
) -> pd.DataFrame:
    """Every day of `month`: spend, cumulative spend, budget, remaining and the ideal straight line."""
    params = scope_params(con, viewer, filters) | {"month": month}
    frame = run(con, "budget_burndown", params)
    # the cumulative line gives every day's spend: the month as a whole must pass the minimum
    first = month.replace(day=1)
    whole_month = dataclasses.replace(filters, teams=(), start=first,
                                      end=(pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date())
    if minimum_people(viewer) and _most_people(con, viewer, whole_month) < minimum_people(viewer):
        frame = frame.astype({c: float for c in ("spend_usd", "cumulative_spend_usd", "remaining_usd")})
        frame.loc[:, ["spend_usd", "cumulative_spend_usd", "remaining_usd"]] = np.nan
    return frame


def budget_months(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> list[date]:
    """Months with usage in the date range, newest first: the choices of the burn-down."""
    frame = budget_vs_spend(con, viewer, filters)
    months = frame.loc[frame["spend_usd"] > 0, "month"].drop_duplicates().sort_values(ascending=False)
    return [pd.Timestamp(m).date() for m in months]


def daily_spend(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """day, cost_usd for every calendar day of the history up to the end filter: the forecast's input."""
    history = dataclasses.replace(filters, start=None)  # the model needs the whole history
    frame = run(con, "daily_spend", scope_params(con, viewer, history), relations=IN_SCOPE)
    if minimum_people(viewer) and _most_people(con, viewer, history) < minimum_people(viewer):
        return frame.iloc[0:0]  # too few people to project their spend
    return frame


def budget_for_period(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, first_month: date, last_month: date
) -> tuple[float, int]:
    """Total budget of the orgs in scope over the months, and how many of those months have one."""
    params = scope_params(con, viewer, filters) | {"first_month": first_month, "last_month": last_month}
    row = run(con, "budget_for_period", params).iloc[0]
    return float(row["budget_usd"]), int(row["months_with_budget"])


# ------------------------------------------------------------------------------------ minimum group


def minimum_people(viewer: Viewer) -> int:
    """The fewest active people a usage figure may stand for when shown to `viewer` (0: no minimum)."""
    return 0 if viewer.role == Role.ADMIN else MIN_ACTIVE_PEOPLE


def active_people(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    filters: Filters,
    grain: str,
    *,
    by: str = "none",
    named: list[str] | None = None,
) -> pd.DataFrame:
    """period, group, people: the people behind each figure of the filters (active_people.sql)."""
    params = scope_params(con, viewer, filters) | {"grain": grain, "by": by, "named": list(named or [])}
    return run(con, "active_people", params)


def _most_people(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> int:
    frame = active_people(con, viewer, filters, "all")
    return int(frame["people"].max()) if not frame.empty else 0


def release(
    viewer: Viewer, frame: pd.DataFrame, people: pd.DataFrame, *, on: list[str], values: list[str]
) -> pd.DataFrame:
    """`frame` with its `values` blank where fewer than the viewer's minimum people stand behind a
    row (`people` keyed by `on`; a row without people has none)."""
    minimum = minimum_people(viewer)
    if minimum == 0 or frame.empty:
        return frame
    counts = people.groupby(on, as_index=False, dropna=False)["people"].max() if not people.empty else None
    behind = (frame[on].merge(counts, on=on, how="left")["people"].fillna(0).to_numpy()
              if counts is not None else np.zeros(len(frame)))
    out = frame.astype({c: float for c in values})
    out.loc[behind < minimum, values] = np.nan
    return out


def release_headcount(viewer: Viewer, frame: pd.DataFrame, headcount: str, values: list[str]) -> pd.DataFrame:
    """`frame` with its `values` blank on rows whose group has fewer people than the minimum."""
    minimum = minimum_people(viewer)
    if minimum == 0 or frame.empty:
        return frame
    out = frame.astype({c: float for c in values})
    out.loc[out[headcount].fillna(0).to_numpy() < minimum, values] = np.nan
    return out
