"""The executive summary on the hand-made organisation: headline numbers, the mandate finding's
difference in differences and its interval, risk teams, AI tiles without the AI tables, and the
self-contained HTML report."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests import people_data
from workforce import report, summary
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
H1 = Filters(start=date(2026, 1, 1), end=date(2026, 6, 30))


@pytest.fixture(scope="module")
def con():
    c = people_data.connect()
    yield c
    c.close()


@pytest.fixture(scope="module")
def result(con):
    return summary.executive_summary(con, EXEC, H1, threshold=15)


def test_headline_numbers(result):
    tiles = {h.key: h for h in result.headlines}
    assert 6 <= len(tiles) <= 8
    # W2 company: 18 respondents; morale 2.861 vs 3.238 in W1.
    assert tiles["morale"].value == "2.86" and tiles["morale"].delta == "-0.38 vs last wave"
    assert tiles["enps"].value == "-44"
    assert tiles["span"].value == "53%"  # 16 of 30 people on 30 Jun
    assert "16 of 30" in tiles["span"].context
    # One voluntary exit over 181 days.
    assert tiles["attrition"].context.startswith("1 voluntary exit over")
    # Exits start in April in this data: the half-year before H1 has no exits to compare with.
    assert tiles["attrition"].delta is None and "no earlier period" in tiles["attrition"].context
    for key in ("ai_spend", "adoption", "alerts"):  # no AI tables in this database: shown as unavailable
        assert not tiles[key].available and tiles[key].value == "–"


def test_welch_sum_matches_scipy_for_two_groups():
    rng = np.random.default_rng(3)
    a, b = rng.normal(3.2, 0.8, 40), rng.normal(2.9, 1.1, 25)
    diff = summary.welch_sum([(a.mean(), a.std(ddof=1), 40), (b.mean(), b.std(ddof=1), 25)], [1, -1])
    ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert diff.estimate == pytest.approx(a.mean() - b.mean())
    assert (diff.low, diff.high) == pytest.approx((ci.low, ci.high))


def test_mandate_finding_reports_difference_interval_and_n(result):
    text = result.findings[0].text
    # Mandated (Gamma): 3.5 -> 2.25 (12 then 10). Others (Alpha + Beta): 26/9 -> 29/8 (9 then 8).
    # Means as released (2 decimals), counts under 20 as bands.
    others = round(29 / 8, 2) - round(26 / 9, 2)
    assert "-1.25 points (10–19 then 10–19 respondents)" in text
    assert f"{others:+.2f} points (5–9 then 5–9 respondents)" in text
    assert f"difference is {-1.25 - others:+.2f} points" in text
    low, high = map(float, re.search(r"interval ([+-][\d.]+) to ([+-][\d.]+)", text).groups())
    assert low < -1.25 - others < high < 0
    assert "excludes zero" in text and "does not show that the mandate caused" in text


def test_mandate_finding_without_two_comparable_waves():
    one_wave = pd.DataFrame({"wave_id": ["W1", "W1"], "title": ["a", "a"], "mandated": [True, False],
                             "respondents": [10, 10], "morale_index": [3.0, 3.5], "morale_sd": [1.0, 1.0]})
    assert "no comparison is made" in summary.mandate_finding(one_wave).text


def test_other_findings(result):
    titles = [f.title for f in result.findings]
    assert titles == ["Morale in orgs under an AI mandate", "Voluntary attrition", "Spans of control",
                      "Reorganisations and layoffs"]
    assert "1 person left by choice over 181 days" in result.findings[1].text
    assert "1 of 4 managers had more than 15 direct reports" in result.findings[2].text
    assert "1 forced move" in result.findings[3].text and "2 chosen moves" in result.findings[3].text


def test_risk_teams(result, con):
    risks = result.risks
    assert len(risks) <= summary.RISK_TEAMS
    assert (risks["headcount"] >= summary.MIN_TEAM_HEADCOUNT).all()  # Alpha/A2 (1 person) is left out
    top = risks.iloc[0]
    assert (top["org"], top["team"]) == ("Gamma", "G1")
    assert "wide spans" in top["reasons"] and "low morale" in top["reasons"]
    # Alpha/A1's morale is not shown by the confidentiality layer in W2, so it does not enter.
    a1 = risks[(risks["org"] == "Alpha") & (risks["team"] == "A1")]
    assert a1.empty or a1["morale_index"].isna().all()


def test_hr_partner_summary_is_scoped(con):
    hr = Viewer("hr", Role.HR_PARTNER, frozenset({"Alpha"}))
    scoped = summary.executive_summary(con, hr, H1)
    assert scoped.scope == "Alpha"
    assert set(scoped.risks["org"]) <= {"Alpha"}
    tiles = {h.key: h for h in scoped.headlines}
    assert not tiles["morale"].available  # Alpha alone is hidden by the confidentiality layer


def test_report_is_self_contained_and_escaped(result):
    hostile = result.risks.copy()
    hostile.loc[0, "team"] = "<img src=x onerror=alert(1)>"
    html = report.summary_html(summary.ExecutiveSummary(**{**result.__dict__, "risks": hostile}))
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 2
    assert "<img" not in html and "&lt;img src=x" in html
    for remote in ("<script", "http://", "https://", "@import", "url("):
        assert remote not in html
    assert not re.search(r"<[^>]*\s(src|href)=", html)  # no tag loads anything
    assert "Morale in orgs under an AI mandate" in html and "53%" in html


def test_svg_chart_draws_points_and_gaps():
    svg = report.svg_lines({"a": [("W1", 3.0), ("W2", float("nan")), ("W3", 4.0)]}, title="t", y_label="y",
                           y_domain=(1, 5))
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert "No data to show." in report.svg_lines({}, title="t", y_label="y")
