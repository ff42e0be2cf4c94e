"""What the filters can offer a viewer: orgs and teams in scope, vendors, tools, date range."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from workforce.viewer import Viewer, allowed_orgs


@dataclass(frozen=True)
class FilterOptions:
    orgs: list[str]
    teams: list[tuple[str, str]]  # (org, team)
    vendors: list[str]
    tools: list[str]
    first_day: date | None
    last_day: date | None


def filter_options(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> FilterOptions:
    orgs = allowed_orgs(con, viewer)
    teams = con.execute(
        "SELECT DISTINCT org, team FROM stg_job_history WHERE list_contains(?, org) ORDER BY org, team",
        [orgs],
    ).fetchall()
    vendors = [v for (v,) in con.execute("SELECT DISTINCT vendor FROM stg_token_usage ORDER BY 1").fetchall()]
    tools = [t for (t,) in con.execute("SELECT DISTINCT tool FROM stg_token_usage ORDER BY 1").fetchall()]
    first_day, last_day = con.execute(
        "SELECT min(usage_date), max(usage_date) FROM stg_token_usage"
    ).fetchall()[0]
    return FilterOptions(orgs, [(o, t) for o, t in teams], vendors, tools, first_day, last_day)
