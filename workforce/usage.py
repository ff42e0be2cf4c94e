"""Query functions of the "AI usage & cost" page: spend, tokens, adoption, cohorts, budgets, quotas.

Each function takes `(con, viewer, filters, ...)`, restricts to the viewer's org scope on the
server (`allowed_orgs`, bound as a list), aggregates in DuckDB from the usage marts
(`mart_usage_team_day`, `mart_usage_person_week`, `mart_usage_person_month`,
`mart_headcount_week`) and returns a small DataFrame: never one row per person. SQL lives in
`workforce/sql/usage/`. Definitions are in docs/usage.md.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from workforce.db import SQL_DIR, sql
from workforce.filters import Filters
from workforce.viewer import Viewer, allowed_orgs

USAGE_SQL = SQL_DIR / "usage"
GRAINS = ("day", "week", "month", "rolling30")
GROUP_BYS = ("org", "team", "vendor", "tool", "model")
_PARAM = re.compile(r"\$([A-Za-z_]\w*)")
_COMMENT = re.compile(r"--[^\n]*")


def run_sql(con: duckdb.DuckDBPyConnection, folder: Path, name: str, params: dict[str, Any]) -> pd.DataFrame:
    """Run `folder/name.sql` binding only the named parameters it uses (DuckDB rejects extras)."""
    return run_text(con, sql(name, folder), params)


def run_text(con: duckdb.DuckDBPyConnection, text: str, params: dict[str, Any]) -> pd.DataFrame:
    used = set(_PARAM.findall(_COMMENT.sub("", text)))
    missing = used - params.keys()
    if missing:
        raise KeyError(f"SQL parameters not given: {sorted(missing)}")
    return con.execute(text, {k: v for k, v in params.items() if k in used}).df()


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
    return run_sql(con, USAGE_SQL, "spend_over_time", params)


def token_mix(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, grain: str = "week") -> pd.DataFrame:
    """period, token_kind (uncached input / output / cache read / cache write), tokens, share."""
    params = scope_params(con, viewer, filters) | {"grain": _choice(grain, GRAINS[:3], "grain")}
    return run_sql(con, USAGE_SQL, "token_mix", params)


def spend_summary(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """One row: cost_usd, total_tokens, list_price_cost_usd, cache_read_share, last/prior 30 days."""
    return run_sql(con, USAGE_SQL, "spend_summary", scope_params(con, viewer, filters))


def in_house_share(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """week, in-house and total tokens and spend, and the in-house shares of each."""
    return run_sql(con, USAGE_SQL, "in_house_share", scope_params(con, viewer, filters))


def mandates_in_scope(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, kind: str
) -> pd.DataFrame:
    """Mandates of `kind` whose scope touches the viewer's orgs (e.g. tool_migration for the share chart)."""
    params = scope_params(con, viewer, filters) | {"kind": kind}
    return run_sql(con, USAGE_SQL, "mandates_in_scope", params)


def adoption_weekly(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """week, org, active_users, headcount, adoption (= active_users / headcount)."""
    return run_sql(con, USAGE_SQL, "adoption_weekly", scope_params(con, viewer, filters))


def adoption_vs_target(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per adoption_target mandate, org and week from its effective date: adoption, target, met."""
    return run_sql(con, USAGE_SQL, "adoption_vs_target", scope_params(con, viewer, filters))


def adoption_target_status(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per adoption_target mandate and org: weeks, weeks met, latest adoption and whether it met."""
    text = f"WITH series AS ({sql('adoption_vs_target', USAGE_SQL)})\n{sql('adoption_target_status', USAGE_SQL)}"
    return run_text(con, text, scope_params(con, viewer, filters))


def usage_cohorts(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """month, org, cohort (none / light / moderate / heavy), people: a distribution, no names."""
    return run_sql(con, USAGE_SQL, "usage_cohorts", scope_params(con, viewer, filters))


def cohort_thresholds(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The company-wide monthly token thresholds of the cohorts (two numbers, no one's usage)."""
    return run_sql(con, USAGE_SQL, "cohort_thresholds", {})


def quota_overages(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per usage_quota mandate, org and month: people over the monthly token quota, headcount, share."""
    return run_sql(con, USAGE_SQL, "quota_overages", scope_params(con, viewer, filters))


def budget_vs_spend(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """org, month, budget_usd, spend_usd, share_of_budget, remaining_usd (org-level: no team filter)."""
    return run_sql(con, USAGE_SQL, "budget_vs_spend", scope_params(con, viewer, filters))


def budget_burndown(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, month: date
) -> pd.DataFrame:
    """Every day of `month`: spend, cumulative spend, budget, remaining and the ideal straight line."""
    params = scope_params(con, viewer, filters) | {"month": month}
    return run_sql(con, USAGE_SQL, "budget_burndown", params)


def budget_months(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> list[date]:
    """Months with usage in the date range, newest first: the choices of the burn-down."""
    frame = budget_vs_spend(con, viewer, filters)
    months = frame.loc[frame["spend_usd"] > 0, "month"].drop_duplicates().sort_values(ascending=False)
    return [pd.Timestamp(m).date() for m in months]


def daily_spend(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """day, cost_usd for every calendar day of the history up to the end filter: the forecast's input."""
    return run_sql(con, USAGE_SQL, "daily_spend", scope_params(con, viewer, filters))


def budget_for_period(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters, first_month: date, last_month: date
) -> tuple[float, int]:
    """Total budget of the orgs in scope over the months, and how many of those months have one."""
    params = scope_params(con, viewer, filters) | {"first_month": first_month, "last_month": last_month}
    row = run_sql(con, USAGE_SQL, "budget_for_period", params).iloc[0]
    return float(row["budget_usd"]), int(row["months_with_budget"])
