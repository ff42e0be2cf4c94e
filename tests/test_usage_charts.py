"""Every usage chart builder renders to a Vega-Lite spec with a title, a description and tooltips."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import pytest

from tests.usage_data import small_company
from workforce import alerts, forecast, tokenmaxxing, usage
from workforce.charts import usage as charts
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

ADMIN = Viewer("admin", Role.ADMIN)
ALL = Filters()


@pytest.fixture(scope="module")
def con():
    con = small_company()
    alerts.refresh_alerts(con)
    yield con
    con.close()


def _specs(chart: alt.TopLevelMixin) -> dict:
    spec = chart.to_dict()
    assert spec["title"] and spec["description"]
    return spec


def _tooltips(spec: dict) -> list:
    layers = spec.get("layer", [spec])
    return [layer.get("encoding", {}).get("tooltip") for layer in layers]


def _data_rows(spec: dict) -> int:
    return sum(len(v) for v in spec.get("datasets", {}).values())


@pytest.mark.parametrize("grain", usage.GRAINS)
@pytest.mark.parametrize("measure", list(charts.MEASURES))
def test_spend_over_time(con, grain, measure):
    frame = usage.spend_over_time(con, ADMIN, ALL, grain=grain, by="org")
    spec = _specs(charts.spend_over_time(frame, measure=measure, grain=grain, by="org"))
    assert spec["encoding"]["y"]["field"] == measure
    assert all(_tooltips(spec))
    assert _data_rows(spec) == len(frame)


def test_token_mix(con):
    spec = _specs(charts.token_mix(usage.token_mix(con, ADMIN, ALL)))
    assert spec["encoding"]["color"]["scale"]["domain"] == charts.TOKEN_KINDS


def test_in_house_share_marks_migration_mandates(con):
    mandates = usage.mandates_in_scope(con, ADMIN, ALL, "tool_migration")
    spec = _specs(charts.in_house_share(usage.in_house_share(con, ADMIN, ALL), mandates))
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule", "text"]
    rule_data = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert [row["mandate_id"] for row in rule_data] == ["M2"]
    assert all(_tooltips(spec)[:2])
    # with no mandate in scope the chart still renders
    _specs(charts.in_house_share(usage.in_house_share(con, ADMIN, ALL), mandates.iloc[:0]))


def test_adoption_with_targets(con):
    spec = _specs(charts.adoption(usage.adoption_weekly(con, ADMIN, ALL), usage.adoption_vs_target(con, ADMIN, ALL)))
    assert spec["layer"][1]["mark"]["strokeDash"] == [6, 4]
    assert all(_tooltips(spec))
    _specs(charts.adoption(usage.adoption_weekly(con, ADMIN, ALL), pd.DataFrame()))


def test_cohorts_quota_budget_burndown(con):
    spec = _specs(charts.cohorts(usage.usage_cohorts(con, ADMIN, ALL)))
    assert spec["encoding"]["y"]["stack"] == "normalize"
    _specs(charts.quota_overages(usage.quota_overages(con, ADMIN, ALL)))
    spec = _specs(charts.budget_vs_spend(usage.budget_vs_spend(con, ADMIN, ALL)))
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "tick"]
    _specs(charts.burndown(usage.budget_burndown(con, ADMIN, ALL, date(2026, 2, 1))))


def test_forecast_alerts_and_value(con):
    projection = forecast.spend_projection(con, ADMIN, ALL)
    spec = _specs(charts.forecast(projection.daily))
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "line"]
    _specs(charts.alert_counts(alerts.alert_counts(con, ADMIN, ALL)))
    for by in ("cohort", "org"):
        frame = tokenmaxxing.cost_per_change(con, ADMIN, ALL, by=by)
        spec = _specs(charts.cost_per_change(frame, by=by))
        assert all(_tooltips(spec))


def test_builders_refuse_unaggregated_data():
    too_many = pd.DataFrame({"period": pd.date_range("2000-01-01", periods=5001), "group": "x", "cost_usd": 1.0,
                             "list_price_cost_usd": 0.0})
    with pytest.raises(ValueError, match="aggregate"):
        charts.spend_over_time(too_many)
