"""The executive story's ranking and wording (workforce.story, workforce.executive): on planted
data a big, certain effect ranks above a small, uncertain one, and a finding whose interval spans
"no difference" is worded "no clear ...", never as an effect."""

from __future__ import annotations

import math

import numpy as np
import pytest
import statsmodels.api as sm

from analytics.effects import Effect
from analytics.mandate import MandateEffect
from workforce import executive, people, story
from workforce.story import Estimate, Finding


def _finding(key: str, e: Estimate | None, caveat: bool = False) -> Finding:
    return Finding(key, key, e, "drivers", "look", caveat=caveat)


def _planted_fit(seed: int) -> dict[str, Estimate]:
    """Morale on two binary factors: `big` (half the people, −0.5 points) and `small` (3% of
    them, −0.05 points), fitted by OLS; each coefficient with its 95% interval."""
    rng = np.random.default_rng(seed)
    n = 2_000
    big = rng.random(n) < 0.5
    small = rng.random(n) < 0.03
    y = 3.5 - 0.5 * big - 0.05 * small + rng.normal(0, 0.8, n)
    fit = sm.OLS(y, sm.add_constant(np.column_stack([big, small]).astype(float))).fit()
    low, high = fit.conf_int(0.05).T
    return {name: Estimate(fit.params[i], low[i], high[i]) for i, name in ((1, "big"), (2, "small"))}


@pytest.mark.parametrize("seed", range(8))
def test_a_big_certain_effect_ranks_above_a_small_uncertain_one(seed):
    fitted = _planted_fit(seed)
    assert fitted["big"].low < -0.5 < fitted["big"].high  # the fit recovers the planted effect
    # the small one first in the input: the order comes from the ranking, not from the list
    ranked = story.rank([_finding("small", fitted["small"]), _finding("big", fitted["big"])])
    assert [f.key for f in ranked] == ["big", "small"]
    assert ranked[0].clear
    assert ranked[1].clear == (not fitted["small"].spans_null)


def test_certainty_comes_before_size():
    big_but_unclear = _finding("big_unclear", Estimate(-0.6, -1.4, 0.2))
    small_but_clear = _finding("small_clear", Estimate(-0.1, -0.15, -0.05))
    big_but_undercut = _finding("undercut", Estimate(-0.9, -1.2, -0.6), caveat=True)  # e.g. pre-trends rejected
    missing = _finding("missing", None)
    ranked = story.rank([missing, big_but_unclear, big_but_undercut, small_but_clear])
    assert [f.key for f in ranked] == ["small_clear", "undercut", "big_unclear", "missing"]


def test_ratios_and_differences_share_one_size_scale():
    hazard = Estimate(1.5, 1.3, 1.7, ratio=True)  # log(1.5) = 0.405
    inverse = Estimate(1 / 1.5, 1 / 1.7, 1 / 1.3, ratio=True)
    morale = Estimate(-0.3, -0.4, -0.2, scale=executive.MORALE_SCALE)  # 0.3 points
    attrition = Estimate(0.05, 0.02, 0.08, scale=executive.ATTRITION_SCALE)  # 5 percentage points -> 0.5
    assert hazard.size == pytest.approx(math.log(1.5)) == pytest.approx(inverse.size)
    order = [f.key for f in story.rank([_finding("m", morale), _finding("h", hazard), _finding("a", attrition)])]
    assert order == ["a", "h", "m"]
    assert story.rank([_finding(str(i), morale) for i in range(9)], limit=5) == \
        [_finding(str(i), morale) for i in range(5)]


def test_an_interval_spanning_zero_is_worded_no_clear():
    unclear = executive.hazard_story("forced_transfer", Effect(1.46, 0.77, 2.77, 900, null=1.0))
    assert unclear.sentence.startswith("No clear link between a forced transfer and leaving by choice")
    assert "1.46" in unclear.sentence and "95% interval 0.77 to 2.77" in unclear.sentence
    assert "more often" not in unclear.sentence and not unclear.clear
    clear = executive.hazard_story("forced_transfer", Effect(1.5, 1.2, 1.9, 900, null=1.0))
    assert clear.sentence.startswith("People who had been force-transferred left by choice 50% more often")
    layoff = executive.layoff_story(Effect(1.10, 0.82, 1.48, 1425, null=1.0))
    assert layoff.sentence.startswith("No clear link between AI use and being laid off")


def _mandate(estimate: float, low: float, high: float, pretrend_p: float = 0.4, treated: int = 6) -> MandateEffect:
    return MandateEffect(Effect(estimate, low, high, 5_000, unit="Likert points"), 0.01, pretrend_p, treated, 4)


def test_the_mandate_finding_takes_the_drivers_page_verdict():
    clear = executive.mandate_story(_mandate(-0.29, -0.37, -0.21))
    assert clear.clear and clear.sentence.startswith("Morale was 0.29 points lower (on the 1–5 scale)")
    assert "95% interval −0.37 to −0.21" in clear.sentence
    none = executive.mandate_story(_mandate(-0.05, -0.2, 0.1))
    assert not none.clear and none.sentence.startswith("No clear effect of AI mandates on morale")
    assert "lower" not in none.sentence
    trend = executive.mandate_story(_mandate(-0.29, -0.37, -0.21, pretrend_p=0.01))
    assert not trend.clear and trend.sentence.startswith("No clear effect of AI mandates on morale can be read")
    rough = executive.mandate_story(_mandate(-0.29, -0.37, -0.21, treated=3))
    assert not rough.clear and "rough indication" in rough.sentence
    for finding in (clear, none, trend, rough):  # the Drivers page's sentence, word for word
        assert finding.detail.startswith(("Morale was about", "Warning:"))


def _rate(exits: int, people_n: int, days: int) -> people.Rate:
    return people.annualised_rate(exits, people_n * days, days)


def test_attrition_change_in_percentage_points():
    rng = np.random.default_rng(7)
    # 5,000 people: 20% a year against 10% before: clear, worded in points
    up = executive.attrition_change_finding(_rate(int(rng.poisson(0.20 * 5000 / 4)), 5000, 91),
                                            _rate(int(rng.poisson(0.10 * 5000 / 4)), 5000, 91), 91)
    assert up.clear and up.sentence.startswith("Voluntary attrition rose")
    assert up.estimate.low < 0.10 < up.estimate.high and " pts" in up.sentence
    # 200 people, 11% against 10%: the interval spans zero
    flat = executive.attrition_change_finding(_rate(6, 200, 91), _rate(5, 200, 91), 91)
    assert not flat.clear and flat.sentence.startswith("No clear change in voluntary attrition")
    assert story.rank([flat, up])[0] is up
    assert executive.attrition_change_finding(_rate(6, 200, 91), None, 91) is None


def test_signed_numbers_use_a_real_minus():
    assert story.signed(-0.291) == "−0.29" and story.signed(0.2) == "+0.20" and story.signed(-0.001) == "0.00"
    assert story.percent_change(0.8) == "20% less" and story.percent_change(1.35) == "35% more"
