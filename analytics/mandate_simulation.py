"""Simulation study of the mandate estimator: plant a rollout with the product's generator, estimate,
compare with the planted truth, over seeds.

    python -m analytics simulate-mandates --seeds 15 --employees 3000

Each scenario is an `etl.planted.MandateScenario`; the company comes from
`etl.generate.simulate_survey` (the generator's org, simulation and survey answers, without usage
or files). The suite runs a few seeds of each (`tests/test_mandate_simulation.py`); the command
runs more and prints coverage, rejections and pre-trend alarms per scenario.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import mandate
from etl.generate import simulate_survey
from etl.planted import MandateScenario

# The four rollouts of issue 14, and the sample's own.
FOUR_ORGS = (("Ads", 0.17), ("Core Platform", 0.33), ("Commerce", 0.42), ("Devices", 0.5))
SCENARIOS: dict[str, MandateScenario] = {
    "base": MandateScenario(),
    "dynamic": MandateScenario(schedule=FOUR_ORGS, effect=-0.2, growth_per_month=-0.06),
    "heterogeneous": MandateScenario(schedule=FOUR_ORGS, org_effects=(("Ads", -0.8), ("Core Platform", -0.6),
                                                                      ("Commerce", 0.0), ("Devices", 0.3))),
    "null_org_shocks": MandateScenario(schedule=(("Ads", 0.33), ("Commerce", 0.5)), effect=0.0, org_wave_shock_sd=0.1),
    "null_pretrend": MandateScenario(schedule=FOUR_ORGS, effect=0.0, pretrend_per_month=-0.04),
}


def estimator_frame(design: pd.DataFrame) -> pd.DataFrame:
    """The generator's per-respondent design in the shape of `frames.Analysis.respondent_wave`."""
    return pd.DataFrame({
        "wave_seq": design["wave_seq"], "ref_date": design["ref_date"], "org": design["org"],
        "team": design["team"], "morale_index": design["morale_index"],
        "span_per_10": design["manager_span"] / 10.0, "forced_180d": design["forced_recent"].astype(float),
    })


def planted_att(design: pd.DataFrame, mandates: pd.DataFrame, scenario: MandateScenario) -> float:
    """The ATT the estimator targets: the mean over mandated units' cells after their mandate
    (each unit x wave counted once) of the planted mandate effect. Pre-trends and org shocks are
    not mandate effects: a scenario without an effect has truth 0."""
    no_effect = scenario.effect == 0 and scenario.growth_per_month == 0 and not any(e for _, e in scenario.org_effects)
    if no_effect:
        return 0.0
    frame = estimator_frame(design).assign(morale_index=design["mandate_term"], span_per_10=0.0, forced_180d=0.0)
    cells = mandate.cell_panel(frame, mandate.assignment_units(frame[["org", "team"]], mandates))
    first_wave = cells.groupby("unit")["wave_seq"].transform("min")
    post = cells[(cells["cohort"] != mandate.NEVER) & (cells["wave_seq"] >= cells["cohort"]) & (cells["cohort"] > first_wave)]
    return float(post["y"].mean())


@dataclass(frozen=True)
class Run:
    scenario: str
    seed: int
    truth: float
    result: mandate.MandateEffect

    @property
    def covered(self) -> bool:
        return self.result.effect.covers(self.truth)

    @property
    def rejects_zero(self) -> bool:
        return self.result.effect.excludes_null


def run(scenario: str, seed: int, employees: int = 2000, months: int = 12,
        permutations: int = mandate.PERMUTATIONS) -> Run:
    planted = SCENARIOS[scenario]
    company = simulate_survey(employees, months, seed, mandates=planted)
    result = mandate.fit_mandate_effect(estimator_frame(company.design), company.mandates, permutations=permutations)
    return Run(scenario, seed, planted_att(company.design, company.mandates, planted), result)


def study(scenarios: list[str], seeds: list[int], employees: int, permutations: int) -> pd.DataFrame:
    rows = []
    for name in scenarios:
        for seed in seeds:
            started = time.perf_counter()
            r = run(name, seed, employees, permutations=permutations)
            e = r.result.effect
            rows.append({"scenario": name, "seed": seed, "truth": r.truth, "estimate": e.estimate, "ci_low": e.ci_low,
                         "ci_high": e.ci_high, "covered": r.covered, "rejects_zero": r.rejects_zero,
                         "pretrend_p": r.result.pretrend_p, "pretrend_rejected": r.result.pretrends_rejected,
                         "treated_units": r.result.treated_units, "seconds": time.perf_counter() - started})
    return pd.DataFrame(rows)


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.groupby("scenario", sort=False).agg(
        seeds=("seed", "size"), truth=("truth", "mean"), mean_estimate=("estimate", "mean"),
        coverage=("covered", "mean"), rejects_zero=("rejects_zero", "mean"),
        pretrend_alarm=("pretrend_rejected", "mean"),
        covered_or_alarm=("covered", lambda s: float(np.mean(s | runs.loc[s.index, "pretrend_rejected"]))),
        seconds=("seconds", "mean"),
    ).reset_index()


def main(scenarios: list[str] | None, seeds: int, employees: int, permutations: int) -> str:
    runs = study(scenarios or list(SCENARIOS), list(range(1, seeds + 1)), employees, permutations)
    table = summarise(runs)
    return table.to_string(index=False, float_format=lambda x: f"{x:.3f}" if not math.isnan(x) else "nan")
