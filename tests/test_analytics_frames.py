"""The analysis frames on a hand-made company (tests/analytics_data.py), value by value."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics.frames import Analysis, AnalysisInputError, read_key
from analytics.stored import team_metrics_from_marts
from tests import analytics_data as d


@pytest.fixture(scope="module")
def analysis():
    con = d.connect()
    a = Analysis(con, d.KEY)
    yield a
    con.close()


@pytest.fixture(scope="module")
def respondents(analysis) -> pd.DataFrame:
    return analysis.respondent_wave().set_index("response_id")


@pytest.fixture(scope="module")
def person_months(analysis) -> pd.DataFrame:
    return analysis.person_month()


def test_no_frame_carries_an_identity(analysis, respondents, person_months):
    identities = {"employee_id", "respondent_key", "full_name", "email"}
    for frame in (respondents.reset_index(), person_months, analysis.layoff_population()):
        assert identities.isdisjoint(frame.columns)


def test_every_answer_is_linked_to_its_person(respondents):
    assert sorted(respondents.index) == sorted(f"{w}-{p}" for w, p, *_ in d.ANSWERS)
    assert respondents.loc["W2-P4", "morale_index"] == 4.5
    assert respondents.loc["W1-P5", "morale_answer_var"] == pytest.approx(0.5)  # var of (5, 4)
    assert (respondents["morale_k"] == 2).all()


def test_mandate_in_force_and_event_time(respondents):
    # Alpha's mandate is effective 2026-02-01: in force from W2 (opens 02-15); Beta/B1's only from 04-01
    assert not respondents.loc["W1-P1", "mandate_in_force"]
    assert respondents.loc["W2-P1", "mandate_in_force"]
    assert respondents.loc["W3-P5", "mandate_in_force"]
    assert not respondents.loc["W3-P4", "mandate_in_force"]
    assert respondents.loc["W1-P1", "event_time"] == -1
    assert respondents.loc["W2-P1", "event_time"] == 0
    assert respondents.loc["W3-P1", "event_time"] == 1
    assert pd.isna(respondents.loc["W3-P4", "event_time"])  # never under a mandate during the waves


def test_span_is_the_managers_on_the_wave_date(respondents):
    # M1 manages P1, P3, P5 until P3's layoff on 03-01; M2 manages P2 and P4 (hired 01-20) until P2 leaves
    assert respondents.loc["W1-P1", "span"] == 3
    assert respondents.loc["W2-P1", "span"] == 3
    assert respondents.loc["W3-P1", "span"] == 2
    assert respondents.loc["W1-P2", "span"] == 1
    assert respondents.loc["W2-P4", "span"] == 2
    assert respondents.loc["W3-P4", "span"] == 1
    assert respondents.loc["W3-P1", "span_per_10"] == pytest.approx(0.2)


def test_covariates_use_the_assignment_on_the_wave_date(respondents):
    # P1 moved to Alpha/A2 on 02-10: W2 and W3 count under A2, the team clustering uses it too
    assert respondents.loc["W1-P1", "cluster"] == "Alpha / A1"
    assert respondents.loc["W2-P1", "cluster"] == "Alpha / A2"


def test_forced_transfer_in_the_180_days_before(respondents):
    assert not respondents.loc["W1-P1", "forced_180d"]
    assert respondents.loc["W2-P1", "forced_180d"]
    assert respondents.loc["W3-P1", "forced_180d"]
    # P5's forced reorg of 2025-06-01 is 228 days before W1
    assert not respondents.loc["W1-P5", "forced_180d"]
    assert not respondents.loc["W3-P5", "forced_180d"]


def test_token_intensity_is_log1p_of_mean_daily_tokens_over_90_days(respondents):
    # W2-P1: 900 + 1800 tokens in [2025-11-17, 2026-02-15) over 90 days employed
    assert respondents.loc["W2-P1", "mean_daily_tokens"] == pytest.approx(30.0)
    assert respondents.loc["W2-P1", "token_log"] == pytest.approx(math.log(31))
    # P4 was hired 2026-01-20: 26 days employed before W2, 55 before W3
    assert respondents.loc["W2-P4", "mean_daily_tokens"] == pytest.approx(10.0)
    assert respondents.loc["W3-P4", "mean_daily_tokens"] == pytest.approx(260 / 55)
    assert respondents.loc["W1-P2", "token_log"] == 0.0
    z = respondents["token_z"]
    assert z.mean() == pytest.approx(0.0, abs=1e-12)
    assert z.std(ddof=1) == pytest.approx(1.0)


def _row(frame: pd.DataFrame, month: date, **match) -> pd.Series:
    rows = frame[frame["month"].dt.date == month]
    for col, value in match.items():
        rows = rows[rows[col] == value]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_person_month_exits_and_censoring(person_months):
    # P2 (Beta, IC4) leaves voluntarily on 03-15: an event 14 days into March
    p2 = _row(person_months, date(2026, 3, 1), cluster="Beta / B1", level="IC4")
    assert p2["voluntary_exit"] and p2["duration_days"] == 14
    assert p2["start_day"] == 59 and p2["stop_day"] == 73
    # P3 (Alpha IC3) is laid off on 03-01: February is censored at its end, and March is absent
    p3 = _row(person_months, date(2026, 2, 1), cluster="Alpha / A1", level="IC3")
    assert not p3["voluntary_exit"] and p3["duration_days"] == 28
    assert person_months[(person_months["month"].dt.date == date(2026, 3, 1))
                         & (person_months["level"] == "IC3") & (person_months["org"] == "Alpha")].empty
    # April runs to the end of the data (04-30 inclusive)
    assert (person_months.loc[person_months["month"].dt.date == date(2026, 4, 1), "duration_days"] == 30).all()
    assert int(person_months["voluntary_exit"].sum()) == 1


def test_person_month_latest_morale_and_forced_so_far(person_months):
    p1_feb = _row(person_months, date(2026, 2, 1), cluster="Alpha / A1", token_log=math.log(11))
    assert p1_feb["morale_latest"] == 4.0  # W1, answered 01-16
    assert not p1_feb["forced_so_far"]  # forced on 02-10
    p1_mar = _row(person_months, date(2026, 3, 1), cluster="Alpha / A2")
    assert p1_mar["morale_latest"] == 3.0  # W2, answered 02-16
    assert p1_mar["forced_so_far"] and p1_mar["mandate_in_force"]
    assert p1_mar["manager_span"] == 2 and p1_mar["span_per_10"] == pytest.approx(0.2)
    # P5's forced move was before the window: not "forced so far" within it
    p5_apr = _row(person_months, date(2026, 4, 1), cluster="Alpha / A1", level="IC4")
    assert not p5_apr["forced_so_far"]
    # nobody has answered before January
    assert person_months.loc[person_months["month"].dt.date == date(2026, 1, 1), "morale_latest"].isna().all()


def test_carried_forward_morale_has_a_maximum_age(analysis, person_months):
    # P5 (Alpha/A1 IC4 in March) last answered in W1 (01-16): 44 days old on 03-01
    p5_mar = _row(person_months, date(2026, 3, 1), cluster="Alpha / A1", level="IC4")
    assert p5_mar["morale_latest"] == 4.5 and p5_mar["morale_age_days"] == 44
    young = analysis.person_month(max_morale_age=20)
    p5_mar = _row(young, date(2026, 3, 1), cluster="Alpha / A1", level="IC4")
    assert pd.isna(p5_mar["morale_latest"]) and pd.isna(p5_mar["morale_age_days"])
    # P1's W2 answer (02-16) is 13 days old on 03-01: still carried
    assert _row(young, date(2026, 3, 1), cluster="Alpha / A2")["morale_latest"] == 3.0


def test_window_ends_at_the_hr_as_of_date_not_the_last_usage_day():
    con = d.connect()
    try:
        # usage and a survey answer after the HR as-of date (M0's record on 04-30) do not extend follow-up
        con.execute("INSERT INTO mart_usage_daily SELECT * REPLACE (DATE '2026-06-30' AS usage_date) "
                    "FROM mart_usage_daily LIMIT 1")
        con.execute("UPDATE stg_survey_submissions SET submitted_at = TIMESTAMP '2026-07-01' "
                    "WHERE response_id = 'W3-P5'")
        analysis = Analysis(con, d.KEY)
        assert analysis.window.stop == date(2026, 5, 1) and analysis.window.end == date(2026, 4, 30)
        con.execute("DELETE FROM stg_job_history WHERE employee_id = 'M0' AND effective_date = ?", [d.END])
        # without M0's record the latest HR date is P2's exit on 03-15
        assert Analysis(con, d.KEY).window.stop == date(2026, 3, 16)
    finally:
        con.close()


def test_morale_answer_spread_centres_each_question(analysis):
    spread = analysis.morale_answer_spread()
    assert (spread["k"] == 2).all() and len(spread) == len(d.ANSWERS)  # eNPS never counts
    assert {"respondent_key", "employee_id", "response_id"}.isdisjoint(spread.columns)
    w1 = spread[spread["wave_id"] == "W1"].set_index("morale_index")
    # W1 question means: q1 (4+2+3+5)/4 = 3.5, q2 (4+3+3+4)/4 = 3.5; P5 answered (5, 4): centred (1.5, 0.5)
    assert w1.loc[4.5, "centred_ss"] == pytest.approx(0.5)
    # P1 answered (4, 4): centred (0.5, 0.5), no disagreement
    assert w1.loc[4.0, "centred_ss"] == pytest.approx(0.0)


def test_layoff_population(analysis):
    frame = analysis.layoff_population()
    assert set(frame["layoff_wave"]) == {"RIF-1"}
    assert len(frame) == 8  # everyone employed on 2026-02-28
    assert frame["selected"].sum() == 1
    selected = frame[frame["selected"]].iloc[0]
    assert (selected["org"], selected["level"], selected["tenure_band"]) == ("Alpha", "IC3", "5y+")
    assert frame.loc[frame["job_family"] == "Design", "tenure_band"].tolist().count("<1y") == 1  # P4
    # P1 had 2,700 tokens in [2025-12-01, 2026-03-01): the top quartile
    top = frame[frame["token_log"] == frame["token_log"].max()].iloc[0]
    assert top["token_log"] == pytest.approx(math.log(1 + 2700 / 90)) and top["token_quartile"] == "Q4"
    assert sorted(frame["token_quartile"].value_counts().tolist()) == [2, 2, 2, 2]


def test_team_metrics():
    con = d.connect()
    teams = team_metrics_from_marts(con, ["Beta"]).set_index("team")
    assert list(teams.index) == ["B1"]
    b1 = teams.loc["B1"]
    # person-months in B1: M2 Jan–Apr (4), P2 Jan–Mar (3), P4 Feb–Apr (3)
    assert b1["person_months"] == 10 and b1["people"] == 3
    assert b1["spend_per_head"] == pytest.approx(0.26 / 10)
    assert b1["adoption"] == pytest.approx(1 / 10)  # P4 used AI in February
    assert b1["attrition"] == pytest.approx(12 * 1 / 10)  # P2's voluntary exit
    # managers' spans: M2's manager M0 has 2 every month; M2 has 1, 2, 2, 1 in Jan..Apr
    assert b1["span"] == pytest.approx((4 * 2 + (1 + 2 + 2) + (2 + 2 + 1)) / 10)
    # P2 and P4 answered as Beta/B1: two respondents a wave, never released, so no survey figure
    # (workforce.privacy.pooled_team_figures pools released team-waves only)
    assert b1["survey_waves"] == 0 and pd.isna(b1["morale"]) and pd.isna(b1["enps"])
    assert "n_respondents" not in teams.columns
    assert team_metrics_from_marts(con, []).empty
    con.close()


def test_a_wrong_key_is_refused():
    con = d.connect()
    with pytest.raises(AnalysisInputError, match="no survey submission matches"):
        Analysis(con, b"some-other-secret")
    # and the link it built is dropped: the connection may live on (the load's)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0] == 0
    con.close()


def test_a_missing_key_file_is_named(tmp_path):
    with pytest.raises(AnalysisInputError, match="pseudonym key not found"):
        read_key(tmp_path / "nope.key")


def test_missing_tables_are_named():
    import duckdb

    con = duckdb.connect(":memory:")
    with pytest.raises(AnalysisInputError, match="stg_employees"):
        Analysis(con, d.KEY)
    con.close()
