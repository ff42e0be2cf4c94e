"""Query functions of the "AI usage & cost" page: spend, tokens, adoption, cohorts, budgets, quotas.

Each function takes `(con, viewer, filters, ...)`, restricts to the viewer's org scope on the
server (`allowed_orgs`, bound as a list), aggregates in DuckDB from the usage marts
(`mart_usage_team_day`, `mart_usage_person_week`, `mart_usage_person_month`,
`mart_headcount_week`) and returns a small DataFrame: never one row per person. SQL lives in
`workforce/sql/usage/`. Definitions are in docs/usage.md.

At company scale those marts hold millions of rows, so the loader also pre-aggregates what the
page reads most (`mart_usage_org_day`, `mart_usage_active_week`,
`mart_usage_cohort_person_month`). A query reads them when they answer it exactly (no team
filter where teams matter) and they exist; otherwise, e.g. on a database loaded before they
existed, it computes the same figure from the base marts (the `*_fast.sql` files are the
pre-aggregated variants; tests/test_usage_marts.py checks both give the same numbers).

Minimum group: for every role but admin, a usage figure is released only when at least
MIN_ACTIVE_PEOPLE people stand behind it (`active_people.sql`: the most people active on one
day of the figure's period, in the figure's org/team group); otherwise its values are blank
(NaN). Head-counted figures (adoption, cohorts, quotas) need that many people in the group.
So no team-day or team-week figure is one person's usage. Definitions in docs/usage.md.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from workforce.db import SQL_DIR, sql, table_exists
from workforce.filters import Filters
from workforce.viewer import Role, Viewer, allowed_orgs

USAGE_SQL = SQL_DIR / "usage"
GRAINS = ("day", "week", "month", "rolling30")
GROUP_BYS = ("org", "team", "vendor", "tool", "model")
ORG_DAY = "mart_usage_org_day"
ACTIVE_WEEK = "mart_usage_active_week"
COHORT_PEOPLE = "mart_usage_cohort_person_month"
# mart_usage_org_day in the shape of mart_usage_team_day; only read when no team filter or
# team split applies, so the NULL team is never compared with anything.
_ORG_DAY_AS_TEAM_DAY = f"(SELECT *, NULL::VARCHAR AS team FROM {ORG_DAY})"
# The fewest active people a usage figure may stand for, for every role but admin (the same 5 as
# the survey's minimum group; docs/usage.md, docs/security.md).
MIN_ACTIVE_PEOPLE = 5
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")
_COMMENT = re.compile(r"--[^\n]*")


def run_sql(con: duckdb.DuckDBPyConnection, folder: Path, name: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run `folder/name.sql` binding only the named parameters it uses (DuckDB rejects extras)."""
    return run_text(con, sql(name, folder), params)


def run_text(con: duckdb.DuckDBPyConnection, text: str, params: dict[str, Any]) -> pd.DataFrame:
    return con.execute(text, bound(text, params)).df()


def bound(text: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters `text` uses, taken from `params` (DuckDB rejects extras); KeyError if one is missing."""
    used = set(_PARAM.findall(_COMMENT.sub("", text)))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL parameters not given: {sorted(missing)}")
    return {k: v for k, v in params.items() if k in used}


def day_sql(con: duckdb.DuckDBPyConnection, name: str, *, needs_teams: bool) -> str:
    """The SQL of `name`, reading the org-level day mart instead of the team-level one when the
    query needs no team (no team filter, no split by team) and the loader built it."""
    text = sql(name, USAGE_SQL)
    if needs_teams or not table_exists(con, ORG_DAY):
        return text
    return re.sub(r"\bmart_usage_team_day\b", _ORG_DAY_AS_TEAM_DAY, text)


def fast_or_base(con: duckdb.DuckDBPyConnection, name: str, mart: str, folder: Path = USAGE_SQL,
                 *, usable: bool = True) -> str:
    """`name_fast.sql` (reads the pre-aggregated `mart`) when usable and built, else `name.sql`."""
    if usable and table_exists(con, mart):
        return sql(f"{name}_fast", folder)
    return sql(name, folder)


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
    text = day_sql(con, "spend_over_time", needs_teams=bool(filters.teams) or by == "team")
    frame = run_text(con, text, params)
    split = by if by in ("org", "team") else "none"
    named = sorted(set(frame["group"]) - {"Other"}) if split != "none" else []
    people = active_people(con, viewer, filters, grain, by=split, named=named)
    return release(viewer, frame, people, on=["period", "group"] if split != "none" else ["period"],
                   values=[c for c in frame.columns if c not in ("period", "group")])


def token_mix(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, grain: str = "week") -> pd.DataFrame:
    """period, token_kind (uncached input / output / cache read / cache write), tokens, share."""
    params = scope_params(con, viewer, filters) | {"grain": _choice(grain, GRAINS[:3], "grain")}
    frame = run_text(con, day_sql(con, "token_mix", needs_teams=bool(filters.teams)), params)
    return release(viewer, frame, active_people(con, viewer, filters, grain), on=["period"], values=["tokens", "share"])


def spend_summary(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """One row: cost_usd, total_tokens, list_price_cost_usd, cache_read_share, last/prior 30 days."""
    text = day_sql(con, "spend_summary", needs_teams=bool(filters.teams))
    frame = run_text(con, text, scope_params(con, viewer, filters))
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
    text = day_sql(con, "in_house_share", needs_teams=bool(filters.teams))
    frame = run_text(con, text, scope_params(con, viewer, filters))
    people = active_people(con, viewer, filters, "week").rename(columns={"period": "week"})
    return release(viewer, frame, people, on=["week"], values=[c for c in frame.columns if c != "week"])


def mandates_in_scope(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, kind: str
) -> pd.DataFrame:
    """Mandates of `kind` whose scope touches the viewer's orgs (e.g. tool_migration for the share chart)."""
    params = scope_params(con, viewer, filters) | {"kind": kind}
    return run_sql(con, USAGE_SQL, "mandates_in_scope", params)


def adoption_weekly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """week, org, active_users, headcount, adoption (= active_users / headcount)."""
    text = fast_or_base(con, "adoption_weekly", ACTIVE_WEEK, usable=not filters.teams)
    return release_headcount(viewer, run_text(con, text, scope_params(con, viewer, filters)),
                             "headcount", ["active_users", "adoption"])


def adoption_vs_target(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per adoption_target mandate, org and week from its effective date: adoption, target, met."""
    params = scope_params(con, viewer, filters) | {"min_people": minimum_people(viewer)}
    return run_text(con, _adoption_vs_target_sql(con, filters), params)


def _adoption_vs_target_sql(con: duckdb.DuckDBPyConnection, filters: Filters) -> str:
    # a team filter over several teams must count people: team rows of the mart overlap
    return fast_or_base(con, "adoption_vs_target", ACTIVE_WEEK, usable=not filters.teams)


def adoption_target_status(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per adoption_target mandate and org: weeks, weeks met, latest adoption and whether it met."""
    text = f"WITH series AS ({_adoption_vs_target_sql(con, filters)})\n{sql('adoption_target_status', USAGE_SQL)}"
    return run_text(con, text, scope_params(con, viewer, filters) | {"min_people": minimum_people(viewer)})


def usage_cohorts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """month, org, cohort (none / light / moderate / heavy), people: a distribution, no names."""
    frame = run_text(con, fast_or_base(con, "usage_cohorts", COHORT_PEOPLE), scope_params(con, viewer, filters))
    frame["group_people"] = frame.groupby(["month", "org"])["people"].transform("sum")
    return release_headcount(viewer, frame, "group_people", ["people"]).drop(columns="group_people")


def cohort_thresholds(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The company-wide monthly token thresholds of the cohorts (two numbers, no one's usage)."""
    return run_sql(con, USAGE_SQL, "cohort_thresholds", {})


def quota_overages(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per usage_quota mandate, org and month: people over the monthly token quota, headcount, share."""
    frame = run_text(con, fast_or_base(con, "quota_overages", COHORT_PEOPLE), scope_params(con, viewer, filters))
    return release_headcount(viewer, frame, "headcount", ["people_over", "share_over"])


def budget_vs_spend(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """org, month, budget_usd, spend_usd, share_of_budget, remaining_usd (org-level: no team filter)."""
    # budgets are per org: no team filter applies, so the org-level day mart always answers
    frame = run_text(con, day_sql(con, "budget_vs_spend", needs_teams=False), scope_params(con, viewer, filters))
    whole_orgs = dataclasses.replace(filters, teams=())
    people = active_people(con, viewer, whole_orgs, "month", by="org", named=sorted(set(frame["org"])))
    return release(viewer, frame, people.rename(columns={"period": "month", "group": "org"}), on=["month", "org"],
                   values=["spend_usd", "share_of_budget", "remaining_usd"])


def budget_burndown(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, month: date
) -> pd.DataFrame:
    """Every day of `month`: spend, cumulative spend, budget, remaining and the ideal straight line."""
    params = scope_params(con, viewer, filters) | {"month": month}
    frame = run_text(con, day_sql(con, "budget_burndown", needs_teams=False), params)
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
    text = day_sql(con, "daily_spend", needs_teams=bool(filters.teams))
    frame = run_text(con, text, scope_params(con, viewer, filters))
    history = dataclasses.replace(filters, start=None)
    if minimum_people(viewer) and _most_people(con, viewer, history) < minimum_people(viewer):
        return frame.iloc[0:0]  # too few people to project their spend
    return frame


def budget_for_period(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, first_month: date, last_month: date
) -> tuple[float, int]:
    """Total budget of the orgs in scope over the months, and how many of those months have one."""
    params = scope_params(con, viewer, filters) | {"first_month": first_month, "last_month": last_month}
    row = run_sql(con, USAGE_SQL, "budget_for_period", params).iloc[0]
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
    return run_sql(con, USAGE_SQL, "active_people", params)


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
