"""Usage queries on a hand-made company whose right answers are worked out by hand, to the cent."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests.usage_data import (
    SMALL_PEOPLE,
    Person,
    Use,
    add_people,
    add_usage,
    build_core_usage_mart,
    build_usage_marts,
    empty_db,
    small_company,
)
from workforce import usage
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

D = date
ADMIN = Viewer("admin", Role.ADMIN)
HR_BETA = Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"Beta"}))
EMPLOYEE = Viewer("emp", Role.EMPLOYEE, employee_id="e1")
ALL = Filters()

@pytest.fixture(scope="module")
def con():
    con = small_company()
    yield con
    con.close()


def _cell(frame: pd.DataFrame, column: str, **where) -> object:
    mask = pd.Series(True, index=frame.index)
    for key, value in where.items():
        mask &= frame[key] == (pd.Timestamp(value) if isinstance(value, date) else value)
    rows = frame.loc[mask, column]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return rows.iloc[0]


def test_monthly_spend_by_org_counts_against_the_org_of_the_day(con):
    frame = usage.spend_over_time(con, ADMIN, ALL, grain="month", by="org")
    assert _cell(frame, "cost_usd", period=D(2026, 1, 1), group="Alpha") == pytest.approx(22.85, abs=0.005)
    assert _cell(frame, "cost_usd", period=D(2026, 1, 1), group="Beta") == pytest.approx(5.40, abs=0.005)
    assert _cell(frame, "cost_usd", period=D(2026, 2, 1), group="Alpha") == pytest.approx(20.00, abs=0.005)
    assert _cell(frame, "cost_usd", period=D(2026, 2, 1), group="Beta") == pytest.approx(5.55, abs=0.005)
    assert frame["cost_usd"].sum() == pytest.approx(53.80, abs=0.005)
    assert _cell(frame, "list_price_cost_usd", period=D(2026, 1, 1), group="Alpha") == pytest.approx(7.10)


def test_weekly_spend_by_vendor_and_tokens(con):
    frame = usage.spend_over_time(con, ADMIN, ALL, grain="week", by="vendor")
    week = D(2026, 1, 5)
    assert _cell(frame, "cost_usd", period=week, group="anthropic") == pytest.approx(11.15)
    assert _cell(frame, "cost_usd", period=week, group="in-house") == pytest.approx(0.50)
    assert _cell(frame, "cost_usd", period=week, group="openai") == pytest.approx(3.25)
    assert _cell(frame, "cache_read_tokens", period=week, group="anthropic") == 500_000
    # a week with no openai usage is a row of zeros, so lines do not interpolate across it
    assert _cell(frame, "cost_usd", period=D(2026, 2, 2), group="openai") == 0


def test_rolling_30_day_window(con):
    frame = usage.spend_over_time(con, ADMIN, ALL, grain="rolling30", by="org")
    # 2026-02-02 covers 2026-01-04 .. 2026-02-02
    assert _cell(frame, "cost_usd", period=D(2026, 2, 2), group="Alpha") == pytest.approx(42.85)
    assert _cell(frame, "cost_usd", period=D(2026, 2, 2), group="Beta") == pytest.approx(5.40)
    # 2026-02-04 covers 2026-01-06 .. 2026-02-04: the 5 January rows have left the window
    assert _cell(frame, "cost_usd", period=D(2026, 2, 4), group="Alpha") == pytest.approx(29.60)


def test_rolling_window_reaches_back_before_the_start_filter(con):
    frame = usage.spend_over_time(con, ADMIN, Filters(start=D(2026, 2, 1)), grain="rolling30", by="org")
    assert frame["period"].min() == pd.Timestamp(2026, 2, 1)
    assert _cell(frame, "cost_usd", period=D(2026, 2, 1), group="Alpha") == pytest.approx(22.85)


def test_only_seven_groups_keep_their_name(con):
    many = [Use(D(2026, 1, 7), "e2", float(i + 1), model=f"m{i}") for i in range(10)]
    local = empty_db()
    add_people(local, SMALL_PEOPLE, D(2026, 1, 1), D(2026, 2, 1))
    add_usage(local, many)
    build_usage_marts(local)
    frame = usage.spend_over_time(local, ADMIN, ALL, grain="month", by="model")
    assert len(frame["group"].unique()) == 8
    # m0, m1, m2 cost 1 + 2 + 3 and are the smallest
    assert _cell(frame, "cost_usd", period=D(2026, 1, 1), group="Other") == pytest.approx(6.0)


def test_token_mix(con):
    frame = usage.token_mix(con, ADMIN, ALL, grain="week")
    week = D(2026, 1, 5)
    assert _cell(frame, "tokens", period=week, token_kind="uncached input") == 3_400_000
    assert _cell(frame, "tokens", period=week, token_kind="output") == 100_000
    assert _cell(frame, "tokens", period=week, token_kind="cache read") == 500_000
    assert _cell(frame, "tokens", period=D(2026, 1, 12), token_kind="cache write") == 100_000


def test_filters_narrow_vendor_tool_team_and_dates(con):
    frame = usage.spend_over_time(con, ADMIN, Filters(vendors=("in-house",)), grain="month", by="org")
    assert frame["cost_usd"].sum() == pytest.approx(0.75)
    frame = usage.spend_over_time(con, ADMIN, Filters(teams=("A2",)), grain="month", by="team")
    assert frame["cost_usd"].sum() == pytest.approx(9.10)
    frame = usage.spend_over_time(con, ADMIN, Filters(start=D(2026, 1, 12), end=D(2026, 1, 15)), grain="day", by="org")
    assert frame["cost_usd"].sum() == pytest.approx(13.10)
    assert len(frame) == 4 * 2  # every day of the range for both orgs


def test_scope_hr_partner_sees_only_their_orgs(con):
    frame = usage.spend_over_time(con, HR_BETA, ALL, grain="month", by="org")
    assert set(frame["group"]) == {"Beta"}
    # asking for an org outside the scope narrows to nothing rather than widening
    assert usage.spend_over_time(con, HR_BETA, Filters(orgs=("Alpha",)), grain="month", by="org").empty
    assert usage.spend_over_time(con, EMPLOYEE, ALL, grain="month", by="org").empty
    assert set(usage.budget_vs_spend(con, HR_BETA, ALL)["org"]) == {"Beta"}
    assert set(usage.adoption_weekly(con, HR_BETA, ALL)["org"]) == {"Beta"}


def test_summary(con):
    row = usage.spend_summary(con, ADMIN, ALL).iloc[0]
    assert row["cost_usd"] == pytest.approx(53.80)
    assert row["list_price_cost_usd"] == pytest.approx(7.10)
    # last day 2026-02-10: last 30 days are 01-12 .. 02-10, the 30 before are 12-13 .. 01-11
    assert row["last_30d_cost_usd"] == pytest.approx(7.10 + 2 + 4 + 0.25 + 20 + 5.55)
    assert row["prior_30d_cost_usd"] == pytest.approx(10 + 0.5 + 3.25 + 1.15)


def test_in_house_share_and_migration_mandates(con):
    frame = usage.in_house_share(con, ADMIN, ALL)
    assert _cell(frame, "in_house_token_share", week=D(2026, 1, 5)) == pytest.approx(2_000_000 / 4_000_000)
    assert _cell(frame, "in_house_cost_share", week=D(2026, 1, 5)) == pytest.approx(0.50 / 14.90)
    mandates = usage.mandates_in_scope(con, ADMIN, ALL, "tool_migration")
    assert list(mandates["mandate_id"]) == ["M2"]
    assert usage.mandates_in_scope(con, HR_BETA, ALL, "tool_migration").empty


def test_weekly_active_users_over_headcount(con):
    frame = usage.adoption_weekly(con, ADMIN, ALL)
    # Monday 01-05: Alpha employs e1 e2 e3 e6 e7 (e7 leaves on 01-10); e1 and e2 used AI
    assert _cell(frame, "headcount", week=D(2026, 1, 5), org="Alpha") == 5
    assert _cell(frame, "adoption", week=D(2026, 1, 5), org="Alpha") == pytest.approx(2 / 5)
    assert _cell(frame, "adoption", week=D(2026, 1, 12), org="Alpha") == pytest.approx(2 / 4)
    # Monday 01-19: e6 has moved to Beta, e5 joins on the Tuesday and is not yet counted
    assert _cell(frame, "headcount", week=D(2026, 1, 19), org="Beta") == 2
    assert _cell(frame, "active_users", week=D(2026, 1, 19), org="Beta") == 1
    assert _cell(frame, "adoption", week=D(2026, 1, 19), org="Alpha") == 0


def test_adoption_against_target_from_its_effective_date(con):
    frame = usage.adoption_vs_target(con, ADMIN, ALL)
    alpha = frame[frame["org"] == "Alpha"]
    # effective Wednesday 01-07: the first whole week under it starts 01-12
    assert alpha["week"].min() == pd.Timestamp(2026, 1, 12)
    assert bool(_cell(alpha, "met", week=D(2026, 1, 12))) is True
    assert bool(_cell(alpha, "met", week=D(2026, 1, 19))) is False
    status = usage.adoption_target_status(con, ADMIN, ALL)
    assert set(status["org"]) == {"Alpha", "Beta"}
    assert _cell(status, "weeks_met", org="Alpha") == 1


def test_usage_cohorts(con):
    thresholds = usage.cohort_thresholds(con).iloc[0]
    assert thresholds["light_below_tokens"] == pytest.approx(700_000)
    assert thresholds["heavy_from_tokens"] == pytest.approx(2_480_000)
    frame = usage.usage_cohorts(con, ADMIN, ALL)
    jan_alpha = frame[(frame["month"] == pd.Timestamp(2026, 1, 1)) & (frame["org"] == "Alpha")]
    assert dict(zip(jan_alpha["cohort"], jan_alpha["people"], strict=True)) == {
        "heavy": 1, "light": 2, "moderate": 1, "none": 1}
    feb_beta = frame[(frame["month"] == pd.Timestamp(2026, 2, 1)) & (frame["org"] == "Beta")]
    assert dict(zip(feb_beta["cohort"], feb_beta["people"], strict=True)) == {"light": 1, "none": 2}
    assert "employee_id" not in frame.columns


def test_quota_overages(con):
    frame = usage.quota_overages(con, ADMIN, ALL)
    # Beta in January: e4 (100k) and e5 (joined mid-month, 1M); e6 began the month in Alpha
    assert _cell(frame, "people_over", org="Beta", month=D(2026, 1, 1)) == 1
    assert _cell(frame, "headcount", org="Beta", month=D(2026, 1, 1)) == 2
    assert _cell(frame, "people_over", org="Beta", month=D(2026, 2, 1)) == 0
    assert set(frame["org"]) == {"Beta"}


def test_budget_vs_spend(con):
    frame = usage.budget_vs_spend(con, ADMIN, ALL)
    assert _cell(frame, "spend_usd", org="Alpha", month=D(2026, 1, 1)) == pytest.approx(22.85)
    assert _cell(frame, "remaining_usd", org="Alpha", month=D(2026, 1, 1)) == pytest.approx(7.15)
    assert _cell(frame, "remaining_usd", org="Beta", month=D(2026, 1, 1)) == pytest.approx(-0.40)
    assert _cell(frame, "share_of_budget", org="Beta", month=D(2026, 2, 1)) == pytest.approx(0.555)
    assert usage.budget_months(con, ADMIN, ALL) == [D(2026, 2, 1), D(2026, 1, 1)]


def test_budget_burndown(con):
    frame = usage.budget_burndown(con, ADMIN, ALL, D(2026, 2, 1))
    assert len(frame) == 28
    assert (frame["budget_usd"] == 35).all()
    assert _cell(frame, "cumulative_spend_usd", day=D(2026, 2, 2)) == pytest.approx(20.00)
    assert _cell(frame, "remaining_usd", day=D(2026, 2, 10)) == pytest.approx(9.45)
    # the data stop on 02-10: later days carry no spend
    assert pd.isna(_cell(frame, "remaining_usd", day=D(2026, 2, 11)))
    assert _cell(frame, "ideal_remaining_usd", day=D(2026, 2, 14)) == pytest.approx(17.5)
    assert _cell(frame, "ideal_remaining_usd", day=D(2026, 2, 28)) == pytest.approx(0)


def test_daily_spend_is_dense(con):
    frame = usage.daily_spend(con, ADMIN, ALL)
    assert len(frame) == (D(2026, 2, 10) - D(2026, 1, 5)).days + 1
    assert frame["cost_usd"].sum() == pytest.approx(53.80)
    assert usage.budget_for_period(con, ADMIN, ALL, D(2026, 1, 1), D(2026, 3, 31)) == (pytest.approx(70), 2)


def test_bad_choice_names_the_argument(con):
    with pytest.raises(ValueError, match="grain must be one of"):
        usage.spend_over_time(con, ADMIN, ALL, grain="year")


def test_pricing_with_effective_dates_and_cache_tokens():
    """The loader's mart_usage_daily.sql prices rows without a cost; the usage marts and queries carry it."""
    con = empty_db()
    add_people(con, [Person("e1", D(2025, 6, 1), [(D(2025, 6, 1), "Alpha", "A1")])], D(2026, 1, 1), D(2026, 1, 1))
    con.execute("""INSERT INTO stg_model_prices VALUES
        ('claude-x', 'anthropic', '2025-01-01', 3, 15, 0.30, 3.75),
        ('claude-x', 'anthropic', '2026-01-10', 2, 10, 0.20, NULL)""")
    tokens = "1000000, 200000, 5000000, 400000, 1, 0"
    con.execute(f"""INSERT INTO stg_token_usage VALUES
        ('2026-01-09', 'e1', 'chat', 'anthropic', 'claude-x', {tokens}, NULL),
        ('2026-01-10', 'e1', 'chat', 'anthropic', 'claude-x', {tokens}, NULL),
        ('2026-01-11', 'e1', 'chat', 'anthropic', 'claude-x', {tokens}, 7.77)""")
    build_core_usage_mart(con)
    build_usage_marts(con)
    frame = usage.spend_over_time(con, ADMIN, ALL, grain="day", by="model")
    # old price: 1M x 3 + 0.2M x 15 + 5M x 0.30 + 0.4M x 3.75 = 3 + 3 + 1.5 + 1.5
    assert _cell(frame, "cost_usd", period=D(2026, 1, 9), group="claude-x") == pytest.approx(9.00, abs=0.005)
    # new price from its effective date; no cache-write price means 0: 2 + 2 + 1 + 0
    assert _cell(frame, "cost_usd", period=D(2026, 1, 10), group="claude-x") == pytest.approx(5.00, abs=0.005)
    # a reported cost is kept as reported
    assert _cell(frame, "cost_usd", period=D(2026, 1, 11), group="claude-x") == pytest.approx(7.77, abs=0.005)
    assert frame["list_price_cost_usd"].sum() == pytest.approx(14.00, abs=0.005)
    assert _cell(frame, "total_tokens", period=D(2026, 1, 9), group="claude-x") == 6_600_000
