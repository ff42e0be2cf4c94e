"""Real data: McNulty's job_retention (the `peopleanalyticsdata` package, offline) mapped into the
data contract (tests/job_retention.py), loaded with the product's loader and analysed with
`analytics summary`. The headline morale hazard ratio must equal a lifelines Cox fit built here
straight from the package's rows, to 1e-6 on the log scale, and the parts the data cannot
support (no AI usage, nobody force-transferred, an exact index) must say why instead of blanking
the rest."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from lifelines import CoxPHFitter

from analytics.report import summary
from etl.load import load_folder
from tests.job_retention import write_contract_folder


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("job_retention")
    data = write_contract_folder(folder / "src")
    load_folder(folder / "src", folder / "workforce.duckdb", key_path=folder / "pseudonym.key")
    return data, summary(folder / "workforce.duckdb", folder / "pseudonym.key")


def direct_fit(data: pd.DataFrame) -> CoxPHFitter:
    """The same model from the raw rows: one row per person and month at risk (a month-stratified
    Cox model; everyone who leaves in a month leaves on its last day, so every month has one exit
    time), morale (s + 6) / 4, span = the field's people still there on the first of the month
    (they all report to the field's manager), level and field as categories."""
    rows = []
    for m in range(1, 13):
        at_risk = data[data["month"] >= m]
        span = at_risk.groupby("field")["field"].transform("size")
        rows.append(pd.DataFrame({
            "month": m, "duration": 1, "left": ((at_risk["left"] == 1) & (at_risk["month"] == m)).astype(int),
            "morale": (at_risk["sentiment"] + 6) / 4, "span_per_10": span / 10,
            "level": at_risk["level"], "field": at_risk["field"],
        }))
    frame = pd.concat(rows, ignore_index=True)
    dummies = pd.get_dummies(frame[["level", "field"]], drop_first=True, dtype=float)
    design = pd.concat([frame[["month", "duration", "left", "morale", "span_per_10"]], dummies], axis=1)
    return CoxPHFitter().fit(design, duration_col="duration", event_col="left", strata=["month"])


def test_the_uncorrected_morale_ratio_equals_lifelines_on_the_real_data(loaded):
    data, result = loaded
    assert (data.groupby("field")["left"].sum() >= 5).all()  # no field pooled: the direct fit needs none
    direct = direct_fit(data)
    ratios = result["attrition"]["hazard_ratio"]
    morale = ratios["morale_per_point"]
    assert math.log(morale["estimate"]) == pytest.approx(direct.params_["morale"], abs=1e-6)
    low, high = direct.confidence_intervals_.loc["morale"]  # of the coefficient: the log scale
    assert (math.log(morale["ci_low"]), math.log(morale["ci_high"])) == pytest.approx((low, high), abs=1e-6)
    assert math.log(ratios["span_per_10_reports"]["estimate"]) == pytest.approx(direct.params_["span_per_10"],
                                                                                abs=1e-6)
    assert morale["n"] == len(direct.durations) and result["attrition"]["events"] == int(data["left"].sum())
    # higher sentiment, fewer exits: each morale point (4 sentiment points) cuts the monthly exit rate by about 40%
    assert 0.5 < morale["estimate"] < 0.7


def test_what_the_real_data_cannot_support_says_why(loaded):
    _, result = loaded
    ratios = result["attrition"]["hazard_ratio"]
    assert ratios["forced_transfer"]["estimate"] is None
    assert "nobody was force-transferred" in ratios["forced_transfer"]["reason"]
    assert ratios["token_intensity_per_sd"]["estimate"] is None
    assert "no AI usage data" in ratios["token_intensity_per_sd"]["reason"]
    # the four items differ, but the index is a function of the sentiment: no correction
    corrected = ratios["morale_per_point_corrected"]
    assert corrected["estimate"] is None and "exact index" in corrected["reason"]
    assert result["attrition"]["hazard_ratio_morale_per_point_uncorrected"] == ratios["morale_per_point"]
    assert any("same tenure band" in note for note in result["attrition"]["notes"])
    assert result["layoffs"]["selection_odds_ratio_per_sd_tokens"]["reason"] == "no layoff wave in the data"
