"""People queries on the hand-made organisation of tests/people_data.py, whose answers are worked
out by hand in the comments: headcount on a date, span on a date from effective-dated rows,
flows, movements, layoffs, layers and annualised attrition, and the viewer's org scope."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from tests import people_data
from workforce import people
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
ADMIN = Viewer("admin", Role.ADMIN)
H1 = Filters(start=date(2026, 1, 1), end=date(2026, 6, 30))


# The organisation as loaded: staging tables and the marts the loader builds from them.
con = pytest.fixture(scope="module", name="con")(people_data.connection)


def test_monthly_series_and_one_day_views_agree_on_every_month_start(con):
    """The monthly figures read the stored month grid, the "on a date" ones the assignments:
    on a month start both give the same headcount and spans (layers are monthly only)."""
    monthly = people.headcount_monthly(con, EXEC, H1)
    assert sorted(monthly["month"].unique()) == [pd.Timestamp(2026, m, 1) for m in range(1, 7)]
    spans = people.span_by_org_monthly(con, EXEC, H1)
    for month in monthly["month"].unique():
        day = pd.Timestamp(month).date()
        assert _headcount(con, day) == dict(zip(*monthly[monthly["month"] == month][["org", "headcount"]].T.values,
                                                strict=True))
        on_day = people.span_on(con, EXEC, H1, day).drop(columns="share_under_wide")
        in_month = spans[spans["month"] == month].drop(columns=["month", "share_under_wide"])
        assert on_day.reset_index(drop=True).equals(in_month.reset_index(drop=True)), day


def test_the_month_grid_reaches_a_year_back_from_the_last_day(con):
    """No usage here: the grid runs from a year before the last HR date (E6 leaves 2026-06-10),
    so the default window is covered; months before it are not in the series."""
    grid = [d for (d,) in con.execute("SELECT DISTINCT month FROM mart_employee_month ORDER BY 1").fetchall()]
    assert grid[0] == date(2025, 6, 1) and grid[-1] == date(2026, 6, 1)
    old = Filters(start=date(2023, 1, 1), end=date(2023, 3, 31))
    assert people.headcount_monthly(con, EXEC, old).empty
    assert sum(_headcount(con, date(2023, 2, 1), filters=old).values()) == 32  # a day's view reaches any day: all but E4


def _headcount(con, day, viewer=EXEC, filters=H1) -> dict[str, int]:
    frame = people.headcount_on(con, viewer, filters, day)
    return dict(zip(frame["org"], frame["headcount"], strict=True))


def test_headcount_on_a_date_counts_hire_day_and_not_exit_day(con):
    # 1 Feb: Alpha = M1, E1, E2, E3, A01..A06; Beta = M2, E5, E6, E7.
    assert _headcount(con, date(2026, 2, 1)) == {"Alpha": 10, "Beta": 4, "Exec": 1, "Gamma": 17}
    # E4 is hired on 15 Feb: employed that very day.
    assert _headcount(con, date(2026, 2, 14))["Alpha"] == 10
    assert _headcount(con, date(2026, 2, 15))["Alpha"] == 11
    # E3 moved to Beta on 1 Mar; E2 leaves on 1 Apr (the exit date is the first day not employed).
    assert _headcount(con, date(2026, 3, 31)) == {"Alpha": 10, "Beta": 5, "Exec": 1, "Gamma": 17}
    assert _headcount(con, date(2026, 4, 1))["Alpha"] == 9


def test_headcount_monthly_uses_first_days_inside_the_window(con):
    frame = people.headcount_monthly(con, EXEC, Filters(start=date(2026, 1, 15), end=date(2026, 4, 1)))
    assert sorted({d.date() for d in frame["month"]}) == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    alpha = frame[frame["org"] == "Alpha"].set_index("month")["headcount"]
    assert list(alpha) == [10, 10, 9]


def _spans(con, day) -> dict[str, int]:
    frame = people.wide_span_managers(con, ADMIN, H1, day, threshold=0)
    return dict(zip(frame["manager_id"], frame["span"], strict=True))


def test_span_on_a_date_follows_effective_dated_rows(con):
    assert _spans(con, date(2026, 2, 1)) == {"M0": 3, "M1": 9, "M2": 3, "M3": 16}
    # 1 Mar: E3 now reports to M2 (forced transfer); E4 (hired 15 Feb) reports to M1.
    assert _spans(con, date(2026, 3, 1)) == {"M0": 3, "M1": 9, "M2": 4, "M3": 16}
    # 1 Apr: E2 has left M1. 1 May: E5 laid off from M2.
    assert _spans(con, date(2026, 4, 1))["M1"] == 8
    assert _spans(con, date(2026, 5, 1))["M2"] == 3
    # 1 Jun: E7 moves from M2 to M1. 10 Jun: E6 leaves M2.
    assert _spans(con, date(2026, 6, 1))["M1"] == 9
    assert _spans(con, date(2026, 6, 10))["M2"] == 1


def test_wide_spans_are_strictly_above_the_threshold_and_names_need_the_right_role(con):
    day = date(2026, 6, 30)
    admin = people.wide_span_managers(con, ADMIN, H1, day, threshold=15)
    assert list(admin["manager_name"]) == ["Carol Widespan"] and list(admin["span"]) == [16]
    assert people.wide_span_managers(con, ADMIN, H1, day, threshold=16).empty
    executive = people.wide_span_managers(con, EXEC, H1, day, threshold=15)
    assert "manager_name" not in executive.columns and "manager_id" not in executive.columns
    assert list(executive["team"]) == ["G1"]
    hr = Viewer("hr", Role.HR_PARTNER, frozenset({"Alpha"}))
    assert people.wide_span_managers(con, hr, H1, day, threshold=15).empty


def test_share_under_wide_spans(con):
    # 30 Jun: 30 people employed; Gamma's 16 ICs report to M3 (span 16 > 15).
    assert people.share_under_wide_spans(con, EXEC, H1, date(2026, 6, 30), 15) == (16, 30)
    spans = people.span_on(con, EXEC, H1, date(2026, 6, 30), 15).set_index("org")
    assert spans.loc["Gamma", "managers_above"] == 1
    assert spans.loc["Gamma", "share_under_wide"] == pytest.approx(16 / 17)
    assert spans.loc["Alpha", "median_span"] == 9


def test_span_trend_by_org(con):
    frame = people.span_by_org_monthly(con, EXEC, H1, threshold=15)
    beta = frame[frame["org"] == "Beta"].set_index("month")["max_span"]
    assert list(beta) == [3, 3, 4, 4, 3, 2]


def test_layers(con):
    layers = people.layers_monthly(con, EXEC, H1)
    layers = layers[layers["month"] == pd.Timestamp(2026, 3, 1)].set_index("org")
    assert layers.loc["Exec", "layers"] == 0  # the top of the tree
    assert layers.loc["Alpha", "layers"] == 2  # IC -> M1 -> M0
    assert layers.loc["Alpha", "mean_depth"] == pytest.approx((1 + 2 * 9) / 10)


def test_movements_and_layoffs(con):
    moves = people.movements_monthly(con, EXEC, H1)
    got = {(m.date(), o, k): n for m, o, k, n in moves.itertuples(index=False)}
    assert got == {
        (date(2026, 2, 1), "Alpha", "hire"): 1,
        (date(2026, 3, 1), "Beta", "transfer (forced)"): 1,
        (date(2026, 4, 1), "Alpha", "exit: voluntary"): 1,
        (date(2026, 5, 1), "Alpha", "transfer (chosen)"): 1,
        (date(2026, 5, 1), "Beta", "exit: layoff"): 1,
        (date(2026, 6, 1), "Alpha", "transfer (chosen)"): 1,
        (date(2026, 6, 1), "Beta", "exit: involuntary"): 1,
    }
    layoffs = people.layoffs_by_wave(con, EXEC, H1)
    assert len(layoffs) == 1
    row = layoffs.iloc[0]
    # Beta on 30 Apr: M2, E3, E5, E6, E7.
    assert (row["layoff_wave"], row["org"], row["people"], row["headcount_before"]) == ("RIF-1", "Beta", 1, 5)
    assert row["share_of_org"] == pytest.approx(0.2)


def test_org_flows_and_scope(con):
    flows = people.org_flows(con, EXEC, H1)
    assert {(f, t, bool(x), n) for f, t, x, n in flows.itertuples(index=False)} == {
        ("Alpha", "Beta", True, 1), ("Beta", "Alpha", False, 1)
    }
    # Team moves inside an org (E1: A1 -> A2) are not flows between orgs.
    assert "Alpha" not in set(flows.loc[flows["from_org"] == "Alpha", "to_org"])
    hr_gamma = Viewer("hr", Role.HR_PARTNER, frozenset({"Gamma"}))
    assert people.org_flows(con, hr_gamma, H1).empty
    hr_beta = Viewer("hr", Role.HR_PARTNER, frozenset({"Beta"}))
    # either end in scope, but each is one person's move: below an HR partner's minimum of 5
    assert people.org_flows(con, hr_beta, H1).empty


def test_annualised_voluntary_attrition(con):
    window = Filters(start=date(2026, 3, 1), end=date(2026, 4, 30))  # 61 days
    frame = people.attrition(con, EXEC, window).set_index("org")
    # Alpha person-days: M1, E1, E4, A01..A06 all 61 days, E2 31 days (leaves 1 Apr) = 580.
    assert frame.loc["Alpha", "person_days"] == 580
    assert frame.loc["Alpha", "voluntary_exits"] == 1
    average = 580 / 61
    assert frame.loc["Alpha", "average_headcount"] == pytest.approx(average)
    assert frame.loc["Alpha", "voluntary_rate"] == pytest.approx(1 / average * 365 / 61)
    assert frame.loc["Alpha", "regretted_share"] == 1.0
    total = frame.loc[people.ALL_IN_SCOPE]
    assert total["voluntary_exits"] == 1 and total["person_days"] == 580 + 305 + 61 + 17 * 61
    low, high = frame.loc["Alpha", ["voluntary_rate_low", "voluntary_rate_high"]]
    assert low < frame.loc["Alpha", "voluntary_rate"] < high
    assert frame.loc["Gamma", "voluntary_rate"] == 0 and frame.loc["Gamma", "voluntary_rate_high"] > 0


def test_annualised_rate_formula():
    rate = people.annualised_rate(exits=12, person_days=100 * 365, days=365)
    assert rate.rate == pytest.approx(0.12) and rate.average_headcount == pytest.approx(100)
    assert rate.low == pytest.approx(0.0620, abs=5e-4) and rate.high == pytest.approx(0.2096, abs=5e-4)
    assert people.annualised_rate(0, 0, 30).rate is None


def test_hr_partner_sees_only_their_orgs(con):
    hr = Viewer("hr", Role.HR_PARTNER, frozenset({"Alpha"}))
    assert set(_headcount(con, date(2026, 2, 1), hr)) == {"Alpha"}
    # Asking for another org through the filter does not widen the scope.
    assert _headcount(con, date(2026, 2, 1), hr, H1.with_(orgs=("Gamma",))) == {}
    assert set(people.attrition(con, hr, H1)["org"]) == {"Alpha", people.ALL_IN_SCOPE}
    assert people.events(con, hr, H1).empty  # the mandate is Gamma's, the layoff Beta's
    kinds = list(people.events(con, EXEC, H1)["kind"])
    assert kinds == ["AI mandate", "Layoff"]


def test_team_filter(con):
    frame = people.headcount_on(con, EXEC, H1.with_(teams=("A2",)), date(2026, 5, 1))
    assert frame.to_dict("records") == [{"org": "Alpha", "headcount": 1}]


def test_bad_window_is_named():
    with pytest.raises(ValueError, match="start 2026-05-01 is after end 2026-04-01"):
        people.window(None, Filters(start=date(2026, 5, 1), end=date(2026, 4, 1)))
