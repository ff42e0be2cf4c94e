"""The pre-aggregated usage marts give the pages the same numbers as computing from the base marts.

Every load builds mart_usage_org_day, mart_usage_active_week and mart_usage_cohort_person_month;
a query reads them when they answer it (workforce.usage.day_sql / fast_or_base) and otherwise,
e.g. on a database loaded before they existed, computes from mart_usage_team_day and the person
marts. Here both ways run on the loaded sample (1,500 people, a year) for the whole company, one
org over 90 days, a team filter and a vendor filter, and must agree.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from workforce import tokenmaxxing, usage
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
PRE_AGGREGATED = (usage.ORG_DAY, usage.ACTIVE_WEEK, usage.COHORT_PEOPLE)
CALLS = [
    (usage.spend_summary, {}),
    (usage.spend_over_time, {"grain": "week", "by": "vendor"}),
    (usage.spend_over_time, {"grain": "rolling30", "by": "org"}),
    (usage.spend_over_time, {"grain": "month", "by": "team"}),
    (usage.token_mix, {"grain": "day"}),
    (usage.in_house_share, {}),
    (usage.adoption_weekly, {}),
    (usage.adoption_vs_target, {}),
    (usage.adoption_target_status, {}),
    (usage.usage_cohorts, {}),
    (usage.quota_overages, {}),
    (usage.budget_vs_spend, {}),
    (usage.daily_spend, {}),
    (tokenmaxxing.cost_per_change, {"by": "cohort"}),
    (tokenmaxxing.cost_per_change, {"by": "org"}),
]


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


def _without_marts(monkeypatch):
    real = usage.table_exists
    monkeypatch.setattr(usage, "table_exists", lambda con, name: name not in PRE_AGGREGATED and real(con, name))


def test_the_loader_builds_the_pre_aggregated_marts(sample_con):
    for name in PRE_AGGREGATED:
        assert usage.table_exists(sample_con, name), name
    # the org-level day mart adds up to the team-level one
    org_day, team_day = (
        sample_con.execute(f"SELECT sum(cost_usd), sum(total_tokens), count(DISTINCT usage_date) FROM {t}").fetchall()[0]
        for t in (usage.ORG_DAY, "mart_usage_team_day")
    )
    assert org_day[0] == pytest.approx(team_day[0], rel=1e-12) and org_day[1:] == team_day[1:]


@pytest.mark.parametrize(("fn", "kwargs"), CALLS, ids=lambda c: getattr(c, "__name__", str(c)))
def test_pre_aggregated_and_computed_figures_agree(sample_con, monkeypatch, fn, kwargs):
    for name, filters in _views(sample_con).items():
        fast = fn(sample_con, EXEC, filters, **kwargs)
        with monkeypatch.context() as patch:
            _without_marts(patch)
            computed = fn(sample_con, EXEC, filters, **kwargs)
        assert not computed.empty or name != "company", f"{fn.__name__}: nothing to compare"
        pd.testing.assert_frame_equal(fast, computed, check_dtype=False, rtol=1e-9, obj=f"{fn.__name__} {name}")


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
