"""Fit every registered model on the whole company: `MODELS` is the one list of them.

A model is a name, the function that fits it from the company's frames (`Inputs`), and the
class of its result, which stores and reads itself (`analytics.results.StoredResult`). The load
fits them in this order (`analytics.stored.build_drivers_tables`), the page reads them back
(`analytics.stored.read_models`), the command line prints them (`analytics.report`).

Adding a statistic: a module with its result class (`to_frames`/`from_frames`, declaring any new
table in `results.SCHEMA`/`results.ORDER`) and a fit function taking `Inputs`, then one line in
`MODELS` (docs/architecture.md, "Adding a statistic").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from analytics import attrition, layoffs, mandate, morale
from analytics.frames import Analysis
from analytics.privacy_gate import min_group_size
from analytics.results import StoredResult

# The frames a model may read, each built by `Analysis` on first use and let go after the last
# model that reads it (they are large at company scale).
FRAMES: dict[str, Callable[[Analysis], pd.DataFrame]] = {
    "respondent_wave": Analysis.respondent_wave,  # one row per respondent and wave
    "mandates": Analysis.mandates,  # every ai_mandates row
    "person_month": Analysis.person_month,  # one row per person employed on the first of a month
    "morale_answer_spread": Analysis.morale_answer_spread,  # per response: spread of its morale answers
    "layoff_population": Analysis.layoff_population,  # one row per person at risk in each layoff wave
}


class Inputs:
    """What a fit function sees: the frames (`frame(name)`), the results of the models fit
    before it (`results`), the connection (for settings such as the minimum group size)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, analysis: Analysis, *, ph_test: bool,
                 timings: dict[str, float]):
        self.con = con
        self.ph_test = ph_test
        self.results: dict[str, Any] = {}
        self._analysis = analysis
        self._frames: dict[str, pd.DataFrame] = {}
        self._timings = timings

    def frame(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            started = time.perf_counter()
            self._frames[name] = FRAMES[name](self._analysis)
            self._timings[f"{name}_frame"] = round(time.perf_counter() - started, 2)
        return self._frames[name]

    def keep_only(self, names: set[str]) -> None:
        for name in set(self._frames) - names:
            del self._frames[name]


@dataclass(frozen=True)
class Model:
    name: str  # the result's name: `models.<name>`
    result: type[StoredResult]  # what the fit returns; reads itself back from the stored tables
    fit: Callable[[Inputs], StoredResult]
    needs: tuple[str, ...] = ()  # frames of FRAMES it reads


def _mandate(inputs: Inputs) -> mandate.MandateEffect:
    return mandate.fit_mandate_effect(inputs.frame("respondent_wave"), inputs.frame("mandates"))


def _morale(inputs: Inputs) -> morale.MoraleResult:
    # the mandate row is the staggered DiD's (analytics.mandate); per-answer values are not kept
    result = morale.fit_morale(inputs.frame("respondent_wave"))
    return replace(result, effects=result.effects | {"mandate_effect": inputs.results["mandate"].effect}, fitted=None)


def _event_study(inputs: Inputs) -> morale.EventStudy:
    return mandate.event_study(inputs.results["mandate"])


def _cox(inputs: Inputs) -> attrition.CoxResult:
    noise = attrition.answer_noise(inputs.frame("morale_answer_spread"))
    return attrition.fit_cox(inputs.frame("person_month"), ph_test=inputs.ph_test, noise=noise)


def _km(inputs: Inputs) -> attrition.KMCurves:
    return attrition.fit_km(inputs.frame("person_month"))


def _layoffs(inputs: Inputs) -> layoffs.LayoffResult:
    return layoffs.audit_company(inputs.frame("layoff_population"), min_group_size(inputs.con))


# Every model, in the order they are fit (a model may read the results of those before it).
MODELS: tuple[Model, ...] = (
    Model("mandate", mandate.MandateEffect, _mandate, ("respondent_wave", "mandates")),
    Model("morale", morale.MoraleResult, _morale, ("respondent_wave",)),
    Model("event_study", morale.EventStudy, _event_study),
    Model("cox", attrition.CoxResult, _cox, ("person_month", "morale_answer_spread")),
    Model("km", attrition.KMCurves, _km, ("person_month",)),
    Model("layoffs", layoffs.LayoffResult, _layoffs, ("layoff_population",)),
)


@dataclass
class CompanyModels:
    """Every model's result by name (`models.morale`, `models.cox`, ...) and the fit's timings.

    `mandate`: the staggered DiD of the mandate question; its ATT is also
    `morale.effects["mandate_effect"]` and its effect by months since the mandate `event_study`.
    `cox`: morale uncorrected (the headline), the corrected sensitivity and its calibration.
    `layoffs.audit`: the company-wide audit (empty as read back: `stored.with_company_audit`).
    """

    results: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        results = self.__dict__.get("results", {})
        if name in results:
            return results[name]
        raise AttributeError(name)

    def with_result(self, name: str, result: Any) -> CompanyModels:
        return CompanyModels(self.results | {name: result}, dict(self.timings))


def fit_company_models(con: duckdb.DuckDBPyConnection, key: bytes | None, *, ph_test: bool = True) -> CompanyModels:
    """Every model of MODELS on the whole company, in order; nothing respondent-level is kept."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    analysis = Analysis(con, key)
    try:
        timings["prepare"] = round(time.perf_counter() - started, 2)
        inputs = Inputs(con, analysis, ph_test=ph_test, timings=timings)
        for i, model in enumerate(MODELS):
            started = time.perf_counter()
            inputs.results[model.name] = model.fit(inputs)
            timings[f"{model.name}_model"] = round(time.perf_counter() - started, 2)
            inputs.keep_only({name for later in MODELS[i + 1:] for name in later.needs})
    finally:
        analysis.close()
    return CompanyModels(inputs.results, timings)
