"""Abnormal-consumption alerts: planted spikes are found, ordinary wobble is not, detection is
idempotent, reviews survive re-runs, and names are for admins only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import pytest

from tests.usage_data import Person, Use, add_people, add_usage, build_usage_marts, empty_db
from workforce import alerts
from workforce.alerts import Thresholds
from workforce.db import data_version
from workforce.filters import Filters
from workforce.viewer import Role, ScopeError, Viewer

START = date(2026, 1, 1)
DAYS = 60
ADMIN = Viewer("admin", Role.ADMIN)
HR_BETA = Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"Beta"}))
HR_ALPHA = Viewer("hr2", Role.HR_PARTNER, orgs=frozenset({"Alpha"}))
# person floor above the 35 USD a day that team A2's members reach on their busy day
RULES = Thresholds(min_ratio=3, person_min_value=40, team_min_value=50)


def day(i: int) -> date:
    return START + timedelta(days=i)


def _uses() -> list[Use]:
    uses = []
    for i in range(DAYS):
        for k, person in enumerate(("p1", "p3")):
            uses.append(Use(day(i), person, 10.0 + ((i * 7 + k * 3) % 5) - 2))  # 8..12 a day
        uses.append(Use(day(i), "p2", 10.0))  # perfectly regular: MAD 0
        for q in ("q1", "q2", "q3", "q4"):
            uses.append(Use(day(i), q, 35.0 if i == 50 else 10.0 + (i % 3) - 1))
    spikes = {("p1", 40): 100.0, ("p2", 45): 45.0, ("p3", 3): 500.0}  # p3's comes before any baseline
    return [
        Use(u.usage_date, u.employee_id, spikes.get((u.employee_id, (u.usage_date - START).days), u.cost_usd))
        for u in uses
    ]


@pytest.fixture
def con():
    con = empty_db()
    hire = date(2025, 1, 1)
    people = [Person(p, hire, [(hire, "Alpha", "A1")], name=f"Name {p}") for p in ("p1", "p2", "p3")]
    people += [Person(q, hire, [(hire, "Alpha", "A2")], name=f"Name {q}") for q in ("q1", "q2", "q3", "q4")]
    people += [Person("b1", hire, [(hire, "Beta", "B1")])]
    add_people(con, people, date(2026, 1, 1), date(2026, 2, 1))
    add_usage(con, _uses())
    build_usage_marts(con)
    yield con
    con.close()


def _found(frame) -> set[tuple]:
    return {
        (row.kind, row.employee_id if row.kind == "person_day" else row.team, row.usage_date.date())
        for row in frame.itertuples()
    }


def test_planted_spikes_are_found_and_nothing_else(con):
    found = _found(alerts.detect(con, RULES))
    assert found == {
        ("person_day", "p1", day(40)),
        ("person_day", "p2", day(45)),  # MAD 0: the scale floor (10 % of the median) decides
        ("team_day", "A1", day(40)),  # p1's spike lifts the team's day too
        ("team_day", "A2", day(50)),  # every member 3.5x, none above the person floor
    }


def test_baseline_statistics(con):
    frame = alerts.detect(con, RULES)
    p2 = frame[frame["employee_id"] == "p2"].iloc[0]
    assert p2["baseline_median"] == pytest.approx(10.0)
    assert p2["baseline_mad"] == pytest.approx(0.0)
    assert p2["baseline_days"] == 28
    assert p2["robust_z"] == pytest.approx((45 - 10) / 1.0)
    assert p2["ratio"] == pytest.approx(4.5)


def test_thresholds_are_configurable(con):
    assert alerts.detect(con, Thresholds(z_threshold=1000)).empty
    # without the history rule p3's first-days spike is compared with a 3-day baseline and alerts
    loose = _found(alerts.detect(con, replace(RULES, min_history_days=3)))
    assert ("person_day", "p3", day(3)) in loose
    later = _found(alerts.detect(con, replace(RULES, since=day(44))))
    assert later == {("person_day", "p2", day(45)), ("team_day", "A2", day(50))}
    tokens = alerts.detect(con, Thresholds(metric="total_tokens", person_min_value=0, team_min_value=0))
    assert tokens.empty  # every row has 1,000 tokens: nothing is abnormal in tokens


def test_bad_thresholds_name_the_problem():
    with pytest.raises(ValueError, match="metric must be one of"):
        Thresholds(metric="requests").validate()
    with pytest.raises(ValueError, match="min_history_days"):
        Thresholds(window_days=7, min_history_days=10).validate()


def test_refresh_is_idempotent_and_keeps_reviews(con):
    assert alerts.refresh_alerts(con, RULES) == 4
    assert alerts.refresh_alerts(con, RULES) == 0
    assert con.execute("SELECT count(*) FROM app_alerts").fetchall()[0][0] == 4
    alert_id = f"person_day:p1:{day(40)}:cost_usd"
    alerts.review_alert(con, ADMIN, alert_id, "acknowledged", "Agent left running; owner told")
    # a looser run adds what it newly finds and leaves the reviewed alert as it was
    added = alerts.refresh_alerts(con, replace(RULES, min_history_days=3))
    assert added >= 1
    row = con.execute("SELECT status, reason, reviewed_by FROM app_alerts WHERE alert_id = ?", [alert_id]).fetchall()
    assert row == [("acknowledged", "Agent left running; owner told", "admin")]
    runs = con.execute("SELECT added FROM app_alert_runs ORDER BY run_at").fetchall()
    assert [r[0] for r in runs][:2] == [4, 0]


def test_refresh_if_stale_runs_once_per_data_version(con):
    con.execute("CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO app_meta VALUES ('data_version', 'v1')")
    assert alerts.refresh_if_stale(con, RULES) == 4
    con.execute("DELETE FROM app_alerts")
    assert alerts.refresh_if_stale(con, RULES) == 0  # v1 was already checked
    con.execute("UPDATE app_meta SET value = 'v2'")
    assert alerts.refresh_if_stale(con, RULES) == 4


def test_review_rules(con):
    alerts.refresh_alerts(con, RULES)
    alert_id = f"team_day:Alpha/A2:{day(50)}:cost_usd"
    with pytest.raises(ValueError, match="reason is required"):
        alerts.review_alert(con, ADMIN, alert_id, "dismissed", "   ")
    with pytest.raises(ValueError, match="status must be one of"):
        alerts.review_alert(con, ADMIN, alert_id, "closed", "x")
    with pytest.raises(KeyError, match="No alert"):
        alerts.review_alert(con, ADMIN, "nope", "dismissed", "x")
    with pytest.raises(ScopeError):
        alerts.review_alert(con, HR_ALPHA, alert_id, "dismissed", "x")
    alerts.review_alert(con, ADMIN, alert_id, "dismissed", "Team hackathon")
    assert alerts.alerts_for_review(con, ADMIN, ("dismissed",))["alert_id"].tolist() == [alert_id]
    logged = con.execute("SELECT action, detail FROM app_audit_log").fetchall()
    assert logged[-1][0] == "admin_change" and alert_id in logged[-1][1]


def test_names_only_on_the_admin_review(con):
    alerts.refresh_alerts(con, RULES)
    review = alerts.alerts_for_review(con, ADMIN)
    assert set(review.loc[review["kind"] == "person_day", "person"]) == {"Name p1", "Name p2"}
    with pytest.raises(ScopeError):
        alerts.alerts_for_review(con, HR_ALPHA)
    counts = alerts.alert_counts(con, HR_ALPHA, Filters())
    assert "employee_id" not in counts.columns and "person" not in counts.columns
    assert counts["alerts"].sum() == 4
    assert alerts.alert_counts(con, HR_BETA, Filters()).empty
    # the teams' alerts are days of fewer than 5 active people: an admin's to see, not an HR partner's
    assert alerts.team_alerts(con, HR_ALPHA, Filters()).empty
    assert set(alerts.team_alerts(con, ADMIN, Filters())["team"]) == {"A1", "A2"}


def _by_hand(con, rules: Thresholds) -> set[tuple]:
    """The rule worked out day by day in plain Python over the usage rows (no SQL of the module):
    a day alerts when it reaches its floor, has min_history_days earlier active days within
    window_days, and is far above their median (robust z from the MAD, and min_ratio)."""
    rows = con.execute("SELECT employee_id, org, team, usage_date, cost_usd FROM mart_usage_daily").df()
    rows["usage_date"] = pd.to_datetime(rows["usage_date"]).dt.date
    series = {("person_day", e): g.groupby("usage_date")["cost_usd"].sum() for e, g in rows.groupby("employee_id")}
    series |= {("team_day", f"{o}/{t}"): g.groupby("usage_date")["cost_usd"].sum()
               for (o, t), g in rows.groupby(["org", "team"])}
    found = set()
    for (kind, subject), values in series.items():
        floor = rules.person_min_value if kind == "person_day" else rules.team_min_value
        for d, value in values.items():
            base = values[[d - timedelta(days=rules.window_days) <= x < d for x in values.index]]
            if value < floor or len(base) < rules.min_history_days:
                continue
            median = base.median()
            mad = (base - median).abs().median()
            z = (value - median) / max(1.4826 * mad, rules.min_scale_fraction * median, 1e-9)
            if z >= rules.z_threshold and value >= rules.min_ratio * median:
                found.add((kind, subject, d))
    return found


@pytest.mark.parametrize("rules", [RULES, replace(RULES, min_history_days=3, z_threshold=2),
                                   replace(RULES, person_min_value=0, team_min_value=0),
                                   replace(RULES, person_min_value=1, team_min_value=1, min_ratio=1.2, z_threshold=1)])
def test_detection_is_the_rule_worked_out_by_hand(con, rules):
    detected = alerts.detect(con, rules)
    got = {(r.kind, r.employee_id if r.kind == "person_day" else f"{r.org}/{r.team}", r.usage_date.date())
           for r in detected.itertuples()}
    expected = _by_hand(con, rules)
    assert expected and got == expected
    assert {a[1] for a in _found(detected)} >= {"p1", "p2"}


def test_detection_at_load_counts_as_the_run_of_the_data_it_loaded(con):
    con.execute("CREATE TABLE app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO app_meta VALUES ('data_version', 'v1')")
    added = alerts.detect_at_load(con)  # default thresholds: p1's 100 USD day
    assert added == len(alerts.detect(con)) >= 1
    # the first view after the load finds the load's run and does not detect again
    con.execute("DELETE FROM app_alerts")
    assert alerts.refresh_if_stale(con, RULES) == 0
    assert con.execute("SELECT count(*) FROM app_alerts").fetchall()[0][0] == 0
    runs = con.execute("SELECT data_version, run_by FROM app_alert_runs").fetchall()
    assert runs == [(data_version(con), alerts.LOAD_RUN)]
    # a later load that did not detect (v2, no run of its own): the first view detects
    con.execute("UPDATE app_meta SET value = 'v2'")
    assert alerts.refresh_if_stale(con, RULES) == 4


def test_the_sample_has_abnormal_days(sample_con):
    assert len(alerts.detect(sample_con)) > 0


def test_a_negative_value_does_not_hide_a_day_over_the_floor(con):
    # Detection reads only people with a week above the floor: sound while usage is never
    # negative. b1's week nets out below the floor (a 45 USD day, a -40 USD correction), yet the
    # 45 USD day is 45 times b1's usual 1 USD and must alert either way.
    uses = [Use(day(i), "b1", 1.0) for i in range(DAYS) if i not in (29, 30)]
    add_usage(con, uses + [Use(day(29), "b1", 45.0), Use(day(30), "b1", -40.0)])
    build_usage_marts(con)
    week = con.execute("SELECT max(cost_usd) FROM mart_usage_person_week WHERE employee_id = 'b1'").fetchall()[0][0]
    assert week < RULES.person_min_value
    assert ("person_day", "b1", day(29)) in _found(alerts.detect(con, RULES))
