"""Every chart builder of the people and survey pages: `to_dict()` works without a browser, the
spec carries a title, a description and tooltips, and oversized input is refused."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from tests import people_data
from workforce import people, survey_results
from workforce.charts import people as people_charts
from workforce.charts import survey as survey_charts
from workforce.charts.theme import MAX_CHART_ROWS
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
H1 = Filters(start=date(2026, 1, 1), end=date(2026, 6, 30))


# The organisation as loaded: staging tables and the marts the loader builds from them.
con = pytest.fixture(scope="module", name="con")(people_data.connection)


def _check(chart) -> dict:
    spec = chart.to_dict()
    text = json.dumps(spec)
    assert spec.get("title") and spec.get("description")
    assert '"tooltip"' in text
    return spec


def test_people_charts(con):
    events = people.events(con, EXEC, H1)
    _check(people_charts.headcount_chart(people.headcount_monthly(con, EXEC, H1), events))
    _check(people_charts.headcount_chart(people.headcount_monthly(con, EXEC, H1)))
    spec = _check(people_charts.movements_chart(people.movements_monthly(con, EXEC, H1)))
    assert any(v.get("people", 0) < 0 for v in next(iter(spec["datasets"].values())))  # exits below zero
    spec = _check(people_charts.flows_chart(people.org_flows(con, EXEC, H1)))
    routes = {row["route"] for row in next(iter(spec["datasets"].values()))}
    assert routes == {"Alpha → Beta", "Beta → Alpha"}
    _check(people_charts.span_trend_chart(people.span_by_org_monthly(con, EXEC, H1, 15), 15))
    _check(people_charts.span_histogram(people.span_values(con, EXEC, H1, date(2026, 6, 30)), 15))
    _check(people_charts.layers_chart(people.layers_monthly(con, EXEC, H1)))
    _check(people_charts.attrition_chart(people.attrition(con, EXEC, H1)))


def test_flows_chart_keeps_the_largest_routes():
    flows = pd.DataFrame({"from_org": [f"O{i}" for i in range(40)], "to_org": "X", "forced": False,
                          "people": range(40)})
    spec = people_charts.flows_chart(flows, limit=5).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert sorted(r["people"] for r in rows) == [35, 36, 37, 38, 39]


def test_survey_charts(con):
    all_ = Filters()
    trend = survey_results.morale_trend(con, EXEC, all_, "org")
    events = survey_results.survey_events(con, EXEC, all_)
    _check(survey_charts.trend_chart(trend, "morale_index", events))
    _check(survey_charts.trend_chart(trend, "enps"))
    with pytest.raises(ValueError, match="measure must be"):
        survey_charts.trend_chart(trend, "respondents")
    _check(survey_charts.response_rate_chart(survey_results.group_response_rates(con, EXEC, all_, "org")))
    heat = survey_results.theme_heatmap(con, EXEC, all_, "W2", "org")
    for value in ("score", "change_vs_previous", "vs_company"):
        _check(survey_charts.theme_heatmap_chart(heat, value))
    _check(survey_charts.likert_chart(survey_results.likert_distribution(con, EXEC, all_, "W2")))
    found = survey_results.comments(con, EXEC, all_, "W1", "all")
    _check(survey_charts.keyword_chart(survey_results.comment_keywords(found)))
    _check(survey_charts.mandate_morale_chart(survey_results.morale_by_mandate(con, EXEC, all_)))


def test_charts_refuse_too_many_rows():
    big = pd.DataFrame({"month": pd.Timestamp("2026-01-01"), "org": "A", "headcount": range(MAX_CHART_ROWS + 1)})
    with pytest.raises(ValueError, match="aggregate to at most"):
        people_charts.headcount_chart(big)


def test_small_groups_have_no_chart_point(con):
    trend = survey_results.morale_trend(con, EXEC, Filters(), "team")
    data = json.dumps(survey_charts.trend_chart(trend, "morale_index").to_dict())
    assert "Beta" not in data and "Gamma / G1" in data
