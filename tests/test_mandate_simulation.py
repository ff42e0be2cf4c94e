"""Simulation study of the mandate estimator in the suite: rollouts planted with the product's
generator (`etl.generate.simulate_survey`, `etl.planted.MandateScenario`), estimated by
`analytics.mandate`, compared with the planted truth. Seeds are the first ones, not chosen.
Sized for CI (2,000 employees, 49 permutations); `python -m analytics simulate-mandates` runs
more seeds (figures in docs/analytics.md)."""

from __future__ import annotations

import pytest

from analytics.mandate_simulation import run

EMPLOYEES = 2000
PERMUTATIONS = 49


def _runs(scenario: str, seeds) -> list:
    return [run(scenario, seed, EMPLOYEES, permutations=PERMUTATIONS) for seed in seeds]


@pytest.mark.parametrize("scenario", ["dynamic", "heterogeneous"])
def test_att_covers_the_truth_for_dynamic_and_heterogeneous_effects(scenario):
    runs = _runs(scenario, (1, 2, 3))
    table = [(r.seed, r.truth, r.result.effect.estimate, r.result.effect.ci_low, r.result.effect.ci_high) for r in runs]
    assert sum(r.covered for r in runs) >= 0.8 * len(runs), table
    # the truth is far from zero: a method that cancels growing effects (TWFE) would miss it
    assert all(r.truth < -0.3 for r in runs)


def test_null_with_org_shocks_and_two_mandated_orgs_is_rarely_rejected():
    runs = _runs("null_org_shocks", range(1, 11))
    rejected = [r.seed for r in runs if r.rejects_zero]
    assert len(rejected) <= 1, rejected  # at most 10%
    assert all(r.result.treated_units == 2 and r.result.precision_limited for r in runs)


def test_a_pre_trend_null_is_covered_or_marked_rejected_and_the_base_case_is_not():
    pretrend = _runs("null_pretrend", (1, 2, 3))
    assert all(r.covered or r.result.pretrends_rejected for r in pretrend), [
        (r.seed, r.result.effect.estimate, r.result.pretrend_p) for r in pretrend]
    base = _runs("base", (1, 2, 3))
    assert not any(r.result.pretrends_rejected for r in base), [r.result.pretrend_p for r in base]
    assert sum(r.covered for r in base) >= 2
