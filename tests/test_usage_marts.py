"""The usage marts the page reads give the figures of the usage rows themselves.

`mart_usage_day` holds each day at two grains (the org rows a query reads without a team filter,
the team rows it reads with one); adoption reads the active users the loader counted unless a team
filter makes it count people. On the loaded sample (1,500 people, a year) each grain adds up to
mart_usage_daily, and the page's figures for the whole company, one org over 90 days, a team and a
vendor are the sums of mart_usage_daily's rows under the same filter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from workforce import usage
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
ADMIN = Viewer("admin", Role.ADMIN)


def _views(con) -> dict[str, Filters]:
    first, last = con.execute("SELECT min(usage_date), max(usage_date) FROM stg_token_usage").fetchall()[0]
    org, team = con.execute(
        "SELECT org, team FROM mart_usage_person_week GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()[0]
    vendor = con.execute("SELECT vendor FROM stg_token_usage GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchall()[0][0]
    return {
        "company": Filters(start=first, end=last),
        "one org, 90 days": Filters(start=last - timedelta(days=90), end=last, orgs=(org,)),
        "team": Filters(teams=(team,)),
        "vendor": Filters(vendors=(vendor,)),
    }


def _daily(con, filters: Filters, what: str, extra: str = "") -> float:
    """`what` over mart_usage_daily's rows under the filters (orgs: every org unless named)."""
    return con.execute(
        f"SELECT {what} FROM mart_usage_daily WHERE org IS NOT NULL "
        "AND ($orgs::VARCHAR[] IS NULL OR list_contains($orgs, org)) "
        "AND ($teams::VARCHAR[] IS NULL OR list_contains($teams, team)) "
        "AND ($vendors::VARCHAR[] IS NULL OR list_contains($vendors, vendor)) "
        "AND ($start::DATE IS NULL OR usage_date >= $start) AND ($end::DATE IS NULL OR usage_date <= $end)" + extra,
        {"orgs": list(filters.orgs) or None, "teams": list(filters.teams) or None,
         "vendors": list(filters.vendors) or None, "start": filters.start, "end": filters.end},
    ).fetchall()[0][0] or 0


def test_each_grain_of_the_day_mart_adds_up_to_the_usage_rows(sample_con):
    daily = sample_con.execute("SELECT sum(cost_usd), sum(total_tokens), count(DISTINCT usage_date) "
                               "FROM mart_usage_daily WHERE org IS NOT NULL").fetchall()[0]
    for whole_org in (True, False):
        grain = sample_con.execute("SELECT sum(cost_usd), sum(total_tokens), count(DISTINCT usage_date) "
                                   "FROM mart_usage_day WHERE whole_org = ? AND org IS NOT NULL", [whole_org]).fetchall()[0]
        assert grain[0] == pytest.approx(daily[0], rel=1e-9) and grain[1:] == daily[1:], whole_org


def test_the_page_figures_are_sums_of_the_usage_rows(sample_con):
    # an admin's view: no figure is held back for the minimum group
    for name, filters in _views(sample_con).items():
        summary = usage.spend_summary(sample_con, ADMIN, filters).iloc[0]
        assert summary["cost_usd"] == pytest.approx(_daily(sample_con, filters, "sum(cost_usd)"), rel=1e-9), name
        assert summary["total_tokens"] == _daily(sample_con, filters, "sum(total_tokens)"), name
        by_vendor = usage.spend_over_time(sample_con, ADMIN, filters, grain="month", by="vendor")
        assert by_vendor["cost_usd"].sum() == pytest.approx(summary["cost_usd"], rel=1e-9), name
        daily = usage.daily_spend(sample_con, ADMIN, filters)
        assert daily["cost_usd"].sum() == pytest.approx(
            _daily(sample_con, replace(filters, start=None), "sum(cost_usd)"), rel=1e-9), name
        tokens = usage.token_mix(sample_con, ADMIN, filters, grain="week")
        assert tokens["tokens"].sum() == summary["total_tokens"], name


def test_whole_org_adoption_is_the_people_counted(sample_con):
    frame = usage.adoption_weekly(sample_con, EXEC, Filters())
    expected = dict(((w, o), n) for w, o, n in sample_con.execute(
        "SELECT week, org, count(DISTINCT employee_id) FROM mart_usage_person_week GROUP BY ALL").fetchall())
    got = {(w.date(), o): n for w, o, n in frame[["week", "org", "active_users"]].itertuples(index=False) if n > 0}
    assert len(got) >= 40 and got == {k: expected[k] for k in got}


def test_several_teams_are_counted_from_people(sample_con):
    # a person who moved team mid-week is active in both teams but once in the org: the mart's
    # team rows do not add up, so a team filter counts people instead
    teams = [t for (t,) in sample_con.execute(
        "SELECT team FROM mart_usage_person_week GROUP BY team ORDER BY count(*) DESC LIMIT 3").fetchall()]
    frame = usage.adoption_weekly(sample_con, EXEC, Filters(teams=tuple(teams)))
    expected = sample_con.execute(
        "SELECT week, org, count(DISTINCT employee_id) FROM mart_usage_person_week "
        "WHERE list_contains(?, team) GROUP BY ALL", [teams]).fetchall()
    got = {(w.date(), o): n for w, o, n in frame[["week", "org", "active_users"]].itertuples(index=False) if n}
    assert got == {(w, o): n for w, o, n in expected if (w, o) in got} and len(got) >= 40
