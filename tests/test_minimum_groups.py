"""Minimum groups outside the survey (issue 13, finding 10): AI usage figures of fewer than the
minimum active people are not released to non-admin roles, and org flows name no other org to
an HR partner, at month grain, with a minimum count. Checked against the truth of the sample."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workforce import auth, people, usage
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
ADMIN = Viewer("admin", Role.ADMIN)


@pytest.fixture(scope="module")
def truth(sample_db_path):
    import duckdb

    con = duckdb.connect(str(sample_db_path), read_only=True)
    team_days = con.execute(
        "SELECT usage_date AS period, org || ' / ' || team AS \"group\", count(DISTINCT employee_id) AS people "
        "FROM mart_usage_daily GROUP BY ALL").df()
    con.close()
    team_days["period"] = pd.to_datetime(team_days["period"])
    return team_days


def _hr(con) -> Viewer:
    return auth.viewer_for(con, "hr")


def test_no_team_day_figure_from_fewer_than_the_minimum_active_people(sample_con, truth):
    hr = _hr(sample_con)
    for viewer in (hr, EXEC):
        spend = usage.spend_over_time(sample_con, viewer, Filters(), grain="day", by="team")
        spend["period"] = pd.to_datetime(spend["period"])
        named = spend[(spend["group"] != "Other") & spend["cost_usd"].notna() & (spend["cost_usd"] > 0)]
        joined = named.merge(truth, on=["period", "group"], how="left")
        small = joined[joined["people"] < usage.MIN_ACTIVE_PEOPLE]
        assert small.empty, (viewer.role, len(small), small.head())
        assert len(named) > 0  # bigger team-days are still shown
    admin = usage.spend_over_time(sample_con, ADMIN, Filters(), grain="day", by="team")
    admin["period"] = pd.to_datetime(admin["period"])
    joined = admin[admin["group"] != "Other"].merge(truth, on=["period", "group"])
    assert (joined["people"] < usage.MIN_ACTIVE_PEOPLE).any()  # admins see every figure


def test_a_small_team_filter_releases_no_usage_figure(sample_con, truth):
    hr = _hr(sample_con)
    org = sorted(hr.orgs)[0]
    busiest = truth[truth["group"].str.startswith(f"{org} / ")].groupby("group")["people"].max()
    small_team = busiest[busiest < usage.MIN_ACTIVE_PEOPLE].index[0].split(" / ", 1)[1]
    filters = Filters(orgs=(org,), teams=(small_team,))
    summary = usage.spend_summary(sample_con, hr, filters)
    assert summary.empty or summary[["cost_usd", "total_tokens"]].isna().all().all(), summary
    for grain in ("day", "week", "month"):
        mix = usage.token_mix(sample_con, hr, filters, grain=grain)
        assert mix.empty or mix["tokens"].isna().all(), (grain, mix.dropna().head())
        spend = usage.spend_over_time(sample_con, hr, filters, grain=grain, by="vendor")
        assert spend.empty or spend["cost_usd"].fillna(0).eq(0).all(), (grain, spend.dropna().head())
    adoption = usage.adoption_vs_target(sample_con, hr, Filters())
    small = adoption[adoption["headcount"] < usage.MIN_ACTIVE_PEOPLE]
    assert small.empty or small["adoption"].isna().all()
    weekly = usage.adoption_weekly(sample_con, hr, filters)
    assert weekly[weekly["headcount"] < usage.MIN_ACTIVE_PEOPLE]["adoption"].isna().all()
    shares = usage.in_house_share(sample_con, hr, filters)
    assert shares.empty or shares.drop(columns="week").isna().all().all()
    assert not usage.spend_summary(sample_con, ADMIN, filters).empty


def test_hr_partner_flows_name_no_other_org_at_month_grain_with_a_minimum(sample_con):
    hr = _hr(sample_con)
    flows = people.org_flows(sample_con, hr, Filters())
    assert len(flows) > 0
    named = set(flows["from_org"]) | set(flows["to_org"])
    assert named <= set(hr.orgs) | {people.OTHER_ORGS}, named - set(hr.orgs)
    assert (flows["people"] >= people.MIN_FLOW_PEOPLE).all()
    # one day of the window shows what its whole month shows: no single day's move
    moves = sample_con.execute(
        "SELECT effective_date FROM (SELECT effective_date, org, lag(org) OVER (PARTITION BY employee_id "
        "ORDER BY effective_date) AS prev FROM stg_job_history) WHERE prev <> org "
        "AND (list_contains($orgs, org) OR list_contains($orgs, prev)) ORDER BY effective_date DESC LIMIT 1",
        {"orgs": sorted(hr.orgs)}).fetchall()
    day = moves[0][0]
    one_day = people.org_flows(sample_con, hr, Filters(start=day, end=day))
    first = date(day.year, day.month, 1)
    month = people.org_flows(sample_con, hr, Filters(start=first, end=first))
    pd.testing.assert_frame_equal(one_day, month)
    assert one_day.empty or (one_day["people"] >= people.MIN_FLOW_PEOPLE).all()
    # executives and admins keep the org names
    assert set(people.org_flows(sample_con, EXEC, Filters())["from_org"]) - {people.OTHER_ORGS}
