"""Chart specs that read at 1,400 px and on a phone: checked on `to_dict()` without a browser."""

from __future__ import annotations

from datetime import date

import pandas as pd

from workforce.charts import people as people_charts
from workforce.charts import survey as survey_charts
from workforce.charts import theme
from workforce.charts import usage as usage_charts

ORGS = [f"Org {c}" for c in "ABCDEFGHI"]  # nine orgs: one more than the palette has colours


def _months(n: int = 6) -> list[pd.Timestamp]:
    return list(pd.date_range("2026-01-01", periods=n, freq="MS"))


def _colour(spec: dict) -> dict:
    layers = spec.get("layer", [spec])
    return next(layer["encoding"]["color"] for layer in layers if "color" in layer.get("encoding", {}))


def test_theme_puts_legends_below_unclipped_and_labels_long_enough():
    spec = people_charts.layers_chart(pd.DataFrame({"month": _months(2), "org": "Ads", "layers": [3, 4],
                                                    "mean_depth": [2.0, 2.1]})).to_dict()
    legend, axis = spec["config"]["legend"], spec["config"]["axis"]
    assert legend["orient"] == "bottom" and legend["symbolLimit"] == 0
    assert axis["labelLimit"] >= 250
    assert "tickCount" in spec["config"]["axisXTemporal"]  # as many time labels as fit, none skipped


def test_more_orgs_than_colours_become_top_seven_and_other_with_a_complete_legend():
    frame = pd.DataFrame([(m, org, 100 + 10 * i) for m in _months() for i, org in enumerate(ORGS)],
                         columns=["month", "org", "headcount"])
    spec = people_charts.headcount_chart(frame).to_dict()
    colour = _colour(spec)
    domain = colour["scale"]["domain"]
    assert len(domain) == 8 and domain[-1] == theme.OTHER
    assert set(domain[:-1]) == set(ORGS[-7:])  # the largest seven by headcount are named
    assert len(set(colour["scale"]["range"])) == 8  # one colour per legend entry: none repeated
    data = next(iter(spec["datasets"].values()))
    assert {row["shown"] for row in data} == set(domain)  # every colour drawn is in the legend
    line = spec.get("layer", [spec])[0]
    assert line["encoding"]["detail"]["field"] == "org"  # one line per org, Other included


def test_headcount_axis_starts_at_zero():
    frame = pd.DataFrame({"month": _months(3), "org": "Ads", "headcount": [181, 190, 200]})
    spec = people_charts.headcount_chart(frame).to_dict()
    layers = spec.get("layer", [spec])
    assert layers[0]["encoding"]["y"]["scale"]["zero"] is True


def test_few_orgs_keep_their_own_names_without_other():
    frame = pd.DataFrame({"month": _months(2) * 2, "org": ["Ads", "Ads", "Devices", "Devices"],
                          "headcount": [1, 2, 3, 4]})
    domain = _colour(people_charts.headcount_chart(frame).to_dict())["scale"]["domain"]
    assert domain == ["Ads", "Devices"]


def test_likert_and_theme_heatmap_diverge_red_low_blue_high_around_neutral():
    heat = pd.DataFrame({"group": ["Ads", "Ads"], "theme": ["pay", "growth"], "score": [2.1, 4.2],
                         "change_vs_previous": [0.1, -0.2], "vs_company": [0.0, 0.3], "respondents_band": "10–19"})
    scale = survey_charts.theme_heatmap_chart(heat, "score").to_dict()["layer"][0]["encoding"]["color"]["scale"]
    assert scale["scheme"] == "redblue" and scale["domainMid"] == 3 and scale["domain"] == [1, 5]
    low, *_, high = survey_charts.LIKERT_COLOURS
    assert low == "#D55E00" and high == "#0072B2"  # vermillion for disagree, blue for agree (Okabe–Ito)


def test_response_rates_are_one_row_per_group_not_a_facet_per_wave():
    waves = pd.date_range("2025-01-06", periods=13, freq="4W-MON")
    frame = pd.DataFrame([(f"Pulse {d:%B %Y}", d, org, 0.5, "10–19", 40) for d in waves for org in ORGS],
                         columns=["title", "opens_on", "group", "response_rate", "respondents_band", "eligible"])
    spec = survey_charts.response_rate_chart(frame).to_dict()
    assert "facet" not in spec and "row" not in spec["layer"][0]["encoding"]
    assert spec["height"] == {"step": 22}  # 9 groups × 22 px: bounded, whatever the number of waves
    assert spec["layer"][0]["encoding"]["x"]["axis"]["labelAngle"] == -90


def test_last_partial_week_is_left_out():
    weeks = pd.date_range("2026-10-05", periods=4, freq="W-MON")  # the last runs 26 Oct – 1 Nov
    frame = pd.DataFrame({"week": weeks, "kind": "person-day", "alerts": [3, 4, 5, 1]})
    spec = usage_charts.alert_counts(frame, through=date(2026, 10, 31)).to_dict()
    drawn = [pd.Timestamp(r["week"]) for r in next(iter(spec["datasets"].values()))]
    assert drawn == list(weeks[:3])
    full = usage_charts.alert_counts(frame, through=date(2026, 11, 1)).to_dict()
    assert len(next(iter(full["datasets"].values()))) == 4


def test_long_titles_wrap_instead_of_being_cut():
    title = theme.wrap_title("x " * 60)
    assert isinstance(title, list) and all(len(line) <= theme.TITLE_LINE_CHARS for line in title)
    assert theme.wrap_title("Short title") == "Short title"


def test_band_charts_grow_with_their_rows():
    frame = pd.DataFrame({"group": ORGS, "cost_per_change_usd": range(9), "tokens_per_change": 1.0,
                          "changes_landed": 1, "cost_usd": 1.0, "people": 1})
    assert usage_charts.cost_per_change(frame, by="org").to_dict()["height"] == {"step": 22}
