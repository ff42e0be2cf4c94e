"""The executive summary on the hand-made organisation: headline numbers, the headcount as of the
window's last day, tiles by role, findings without stored models, risk teams, AI tiles without the
AI tables, and the self-contained HTML report telling the same story. The findings on a loaded
company: tests/test_mandate_everywhere.py, tests/test_summary_models.py; the ranking:
tests/test_story.py."""

from __future__ import annotations

import re
from datetime import date
from html import escape

import pytest

from tests import people_data
from ui.navigation import pages_for
from workforce import executive, people, report
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
ADMIN = Viewer("admin", Role.ADMIN)
H1 = Filters(start=date(2026, 1, 1), end=date(2026, 6, 30))


def pages(viewer: Viewer) -> set[str]:
    return {p.key for p in pages_for(viewer)}


con = pytest.fixture(scope="module", name="con")(people_data.connection)


@pytest.fixture(scope="module")
def result(con):
    return executive.executive_summary(con, EXEC, H1, pages=pages(EXEC), threshold=15)


def test_headline_numbers(result):
    tiles = {h.key: h for h in result.headlines}
    # W2 company: 18 respondents; morale 2.861 vs 3.238 in W1.
    assert tiles["morale"].value == "2.86" and tiles["morale"].delta == "−0.38 points vs last wave"
    assert tiles["enps"].value == "−44"
    assert tiles["span"].value == "53%"  # 16 of 30 people on 30 Jun
    assert "16 of 30" in tiles["span"].context
    # One voluntary exit over 181 days.
    assert tiles["attrition"].context.startswith("1 voluntary exit in 181 days")
    # Exits start in April in this data: the half-year before H1 has no exits to compare with.
    assert tiles["attrition"].delta is None and "no earlier period" in tiles["attrition"].context
    for key in ("ai_spend", "adoption"):  # no AI tables in this database: shown as unavailable
        assert not tiles[key].available and tiles[key].value == "–"


def test_one_headcount_as_of_the_windows_last_day(result, con):
    assert result.headcount == people.HeadcountAsOf(date(2026, 6, 30), 30)
    tile = next(h for h in result.headlines if h.key == "headcount")
    assert tile.label == "Headcount as of 30 Jun 2026" and tile.value == "30"
    # the span tile counts the same people on the same day
    assert "16 of 30 people employed on 30 Jun 2026" in next(h for h in result.headlines if h.key == "span").context
    # the drill-down's breakdown adds up to it, at every level
    by_org = people.headcount_on(con, EXEC, H1, date(2026, 6, 30))
    assert int(by_org["headcount"].sum()) == 30


def test_tiles_are_those_the_role_can_act_on(con):
    exec_keys = [h.key for h in executive.executive_summary(con, EXEC, H1, pages=pages(EXEC)).headlines]
    admin_keys = [h.key for h in executive.executive_summary(con, ADMIN, H1, pages=pages(ADMIN)).headlines]
    assert "alerts" not in exec_keys  # an executive cannot open the alert review
    assert admin_keys == [*exec_keys, "alerts"]
    assert exec_keys == ["headcount", "ai_spend", "adoption", "morale", "enps", "attrition", "span"]
    only_people = executive.executive_summary(con, EXEC, H1, pages={"org_changes"}).headlines
    assert [h.key for h in only_people] == ["headcount", "attrition", "span"]
    for h in executive.executive_summary(con, ADMIN, H1, pages=pages(ADMIN)).headlines:
        assert h.page in pages(ADMIN)


def test_findings_say_why_when_the_models_are_not_stored(result):
    # the hand-made database was never loaded through the derived step: no stored models, and the
    # half-year before H1 is outside the data (no attrition change to compare)
    keys = [f.key for f in result.findings]
    assert keys == ["mandate", "models"]
    mandate, models = result.findings
    assert mandate.sentence.startswith("The effect of AI mandates on morale is not available")
    assert "not stored in this database" in mandate.sentence and mandate.estimate is None
    assert models.sentence.startswith("The statistical models of attrition and layoffs are not available")
    assert {f.page for f in result.findings} == {"drivers"}


def test_risk_teams(result, con):
    risks = result.risks
    assert len(risks) <= executive.RISK_TEAMS
    assert (risks["headcount"] >= executive.MIN_TEAM_HEADCOUNT).all()  # Alpha/A2 (1 person) is left out
    top = risks.iloc[0]
    assert (top["org"], top["team"]) == ("Gamma", "G1")
    assert "wide spans" in top["reasons"] and "low morale" in top["reasons"]
    # Alpha/A1's morale is not shown by the confidentiality layer in W2, so it does not enter.
    a1 = risks[(risks["org"] == "Alpha") & (risks["team"] == "A1")]
    assert a1.empty or a1["morale_index"].isna().all()


def test_hr_partner_summary_is_scoped(con):
    hr = Viewer("hr", Role.HR_PARTNER, frozenset({"Alpha"}))
    scoped = executive.executive_summary(con, hr, H1, pages=pages(hr))
    assert scoped.scope == "Alpha"
    assert set(scoped.risks["org"]) <= {"Alpha"}
    tiles = {h.key: h for h in scoped.headlines}
    assert not tiles["morale"].available  # Alpha alone is hidden by the confidentiality layer


def test_report_is_self_contained_and_escaped(result):
    hostile = result.risks.copy()
    hostile.loc[0, "team"] = "<img src=x onerror=alert(1)>"
    html = report.summary_html(executive.ExecutiveSummary(**{**result.__dict__, "risks": hostile}))
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 2
    assert "<img" not in html and "&lt;img src=x" in html
    for remote in ("<script", "http://", "https://", "@import", "url("):
        assert remote not in html
    assert not re.search(r"<[^>]*\s(src|href)=", html)  # no tag loads anything
    assert "53%" in html and "30 people employed as of 30 Jun 2026" in html
    # the report tells the page's story: the same findings in the same order, the same tiles
    positions = [html.index(escape(f.sentence)) for f in result.findings]
    assert positions == sorted(positions)
    assert len(re.findall(r'class="tile( na)?"', html)) == len(result.headlines)


def test_svg_chart_draws_points_and_gaps():
    svg = report.svg_lines({"a": [("W1", 3.0), ("W2", float("nan")), ("W3", 4.0)]}, title="t", y_label="y",
                           y_domain=(1, 5))
    assert svg.count("<circle") == 2 and "<polyline" in svg
    assert "No data to show." in report.svg_lines({}, title="t", y_label="y")
