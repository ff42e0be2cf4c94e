"""Every Drivers chart builder renders to a Vega-Lite dict with title, description and tooltips."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from workforce.charts import drivers


def _spec(chart) -> dict:
    spec = chart.to_dict()
    json.dumps(spec)  # serialisable, as the browser receives it
    return spec


def _tooltips(spec: dict) -> list:
    return [layer["encoding"]["tooltip"] for layer in spec["layer"] if "tooltip" in layer.get("encoding", {})]


def test_forest_plot():
    effects = pd.DataFrame({"label": ["Mandate", "Span", "Not estimable"], "estimate": [-0.3, -0.1, float("nan")],
                            "ci_low": [-0.4, -0.15, float("nan")], "ci_high": [-0.2, -0.05, float("nan")],
                            "n": [1000, 1000, 3]})
    spec = _spec(drivers.forest_plot(effects, title="Morale (Likert points)", unit="Likert points", null=0.0))
    assert spec["title"] == "Morale (Likert points)"
    assert "Mandate: -0.30 (-0.40 to -0.20)" in spec["description"] and "Not estimable" not in spec["description"]
    assert _tooltips(spec)
    effect_rows = [v for v in spec["datasets"].values() if v and "label" in v[0]]
    assert len(effect_rows) == 1 and len(effect_rows[0]) == 2  # the row that could not be estimated is left out, not drawn at zero
    log = _spec(drivers.forest_plot(effects.iloc[:2].assign(estimate=[0.6, 1.8], ci_low=[0.5, 1.4], ci_high=[0.7, 2.2]),
                                    title="HR", unit="Hazard ratio", null=1.0, log_scale=True))
    assert any(layer.get("encoding", {}).get("x", {}).get("scale", {}).get("type") == "log" for layer in log["layer"])


def test_km_curves():
    curves = pd.DataFrame({"group": ["A", "A", "B", "B"], "day": [0, 30, 0, 30], "survival": [1.0, 0.9, 1.0, 0.8],
                           "ci_low": [1.0, 0.85, 1.0, 0.7], "ci_high": [1.0, 0.95, 1.0, 0.9], "n": [10, 10, 8, 8],
                           "events": [1, 1, 2, 2]})
    spec = _spec(drivers.km_curves(curves, title="Staying (%)", window_start="2026-01-01"))
    assert spec["title"] == "Staying (%)" and "A: 90.0% at day 30" in spec["description"]
    assert len(_tooltips(spec)) == 2


def test_event_study():
    table = pd.DataFrame({"event_time": [-2, -1, 0, 1], "estimate": [0.01, 0.0, -0.3, -0.28],
                          "ci_low": [-0.1, 0.0, -0.4, -0.4], "ci_high": [0.1, 0.0, -0.2, -0.16], "n": [50, 60, 70, 40]})
    spec = _spec(drivers.event_study(table, title="Event study (Likert points)"))
    assert "wave 0: -0.30" in spec["description"]
    assert _tooltips(spec)


def test_scatter_with_fit():
    points = pd.DataFrame({"org": ["A", "A", "B"], "team": ["a1", "a2", "b1"], "people": [10, 12, 9],
                           "span": [5.0, 20.0, 40.0], "morale": [4.0, 3.6, 3.1]})
    line = pd.DataFrame({"span": [5.0, 40.0], "morale": [4.0, 3.1]})
    spec = _spec(drivers.scatter_with_fit(points, line, x="span", y="morale", x_title="Span", y_title="Morale",
                                          title="Morale by span"))
    assert "3 teams" in spec["description"] and len(_tooltips(spec)) == 2


def test_too_many_rows_are_refused():
    big = pd.DataFrame({"label": ["x"] * 6000, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0, "n": 1})
    with pytest.raises(ValueError, match="aggregate"):
        drivers.forest_plot(big, title="t", unit="u", null=0.0)
