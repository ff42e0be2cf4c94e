"""Run every analysis on one database: the command line's JSON and the Drivers page's report.

Models are fit company-wide (they need the power); the page narrows only the descriptive
tables (layoff audit, team explorer) to the viewer's orgs. The command line fits afresh
(`fit_company_models`); the page reads what the load stored (`analytics.stored`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from analytics import attrition, correlations, findings, layoffs, mandate, morale, stored
from analytics.effects import Effect
from analytics.frames import Analysis, read_key
from analytics.privacy_gate import min_group_size
from workforce.viewer import Viewer, all_orgs, allowed_orgs


@dataclass
class CompanyModels:
    morale: morale.MoraleResult
    event_study: morale.EventStudy
    cox: attrition.CoxResult  # morale uncorrected (the headline), the corrected sensitivity and its calibration
    km: dict[str, pd.DataFrame]
    layoffs: layoffs.LayoffResult
    # people at risk in each layoff wave (attributes only, no identifiers): the page narrows
    # the audit to the viewer's orgs from it, then drops it (`drivers_report`)
    layoff_population: pd.DataFrame | None
    timings: dict[str, float] = field(default_factory=dict)
    # the staggered DiD of the mandate question (analytics.mandate); its ATT is also
    # morale.effects["mandate_effect"] and its effect by months since the mandate is event_study
    mandate: mandate.MandateEffect | None = None

    def findings(self) -> dict[str, str]:
        """One sentence per finding, keyed like the JSON."""
        out = {
            f"morale.{k}": findings.mandate_sentence(self.mandate)
            if k == "mandate_effect" and self.mandate is not None else findings.morale_sentence(k, e)
            for k, e in self.morale.effects.items()
        }
        out.update({f"attrition.{k}": findings.hazard_sentence(k, e) for k, e in self.cox.hazard_ratios.items()})
        cal = self.cox.calibration
        out[f"attrition.{attrition.CORRECTED_KEY}"] = findings.corrected_sentence(
            self.cox.morale_corrected, cal.reliability, cal.reliability_low, cal.reliability_high, cal.reason
        )
        audit = self.layoffs.audit
        shown = audit[~audit["suppressed"].astype(bool)] if not audit.empty else audit
        out["layoffs"] = findings.layoff_sentence(
            self.layoffs.odds_ratio_per_sd_tokens, int(shown["flagged"].astype(bool).sum()) if not audit.empty else 0,
            len(shown), int(audit["suppressed"].sum()) if not audit.empty else 0,
            int(shown["below_four_fifths"].astype(bool).sum()) if not audit.empty else 0,
        )
        return out


def fit_company_models(con: duckdb.DuckDBPyConnection, key: bytes | None, *, ph_test: bool = True) -> CompanyModels:
    """Every model on the whole company."""
    timings: dict[str, float] = {}

    def lap(name: str, started: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - started, 2)
        return now

    t = time.perf_counter()
    analysis = Analysis(con, key)
    try:
        t = lap("prepare", t)
        respondents = analysis.respondent_wave()
        t = lap("respondent_frame", t)
        morale_result = morale.fit_morale(respondents)
        t = lap("morale_models", t)
        mandate_result = mandate.fit_mandate_effect(respondents, analysis.mandates())
        morale_result = replace(morale_result, effects=morale_result.effects | {"mandate_effect": mandate_result.effect})
        events = mandate.event_study(mandate_result)
        del respondents  # the frames are large at company scale: each is let go once fit
        t = lap("mandate_model", t)
        # per-answer values have served their purpose: nothing respondent-level is kept
        morale_result = replace(morale_result, fitted=None)
        person_months = analysis.person_month()
        noise = attrition.answer_noise(analysis.morale_answer_spread())
        t = lap("person_month_frame", t)
        cox = attrition.fit_cox(person_months, ph_test=ph_test, noise=noise)
        km = {g: attrition.km_curves(person_months, g) for g in attrition.KM_GROUPINGS}
        del person_months
        t = lap("attrition_models", t)
        population = analysis.layoff_population()
        layoff_result = layoffs.audit_layoffs(population, min_group_size(con))
        lap("layoff_audit", t)
    finally:
        analysis.close()
    return CompanyModels(
        morale_result, events, cox, km, layoff_result, population, timings, mandate_result
    )


def summary_json(models: CompanyModels) -> dict:
    """The command line's output: every effect as {"estimate", "ci_low", "ci_high", "n"}."""
    audit = models.layoffs.audit.astype(object).where(models.layoffs.audit.notna(), None)
    morale_json = {k: e.as_json() for k, e in models.morale.effects.items()}
    if models.mandate is not None:
        morale_json |= mandate.json_fields(models.mandate)
    return {
        "morale": morale_json,
        "attrition": attrition_json(models.cox),
        "layoffs": {
            "selection_odds_ratio_per_sd_tokens": models.layoffs.odds_ratio_per_sd_tokens.as_json(),
            "adverse_impact": audit.to_dict(orient="records"),
        },
        "event_study": {
            "pretrend_p": models.event_study.pretrend_p,
            "coefficients": models.event_study.table.to_dict(orient="records"),
        },
        "findings": models.findings(),
        "glossary": dict(findings.GLOSSARY),
        "timings_s": models.timings,
    }


def attrition_json(cox: attrition.CoxResult) -> dict:
    """The Cox model's part of the JSON: the four ratios (morale on the observed index: the
    headline), the corrected morale ratio beside them (a sensitivity; null with a reason when
    no correction applies), the reliability behind it, and notes on what was dropped or pooled."""
    cal = cox.calibration
    ratios = {k: e.as_json() for k, e in cox.hazard_ratios.items()}
    corrected = cox.morale_corrected
    ratios[attrition.CORRECTED_KEY] = corrected.as_json() if corrected is not None else {
        "estimate": None, "ci_low": None, "ci_high": None, "n": cox.n_rows, "reason": cal.reason,
    }
    return {
        "hazard_ratio": ratios,
        "concordance": cox.concordance,
        "events": cox.n_events,
        "proportional_hazards_p": dict(zip(cox.ph_test["covariate"], cox.ph_test["p"].astype(float), strict=True)),
        "morale_reliability": cal.reliability,
        "morale_reliability_interval": {"ci_low": cal.reliability_low, "ci_high": cal.reliability_high,
                                        "answer_noise_var": cal.answer_noise_var, "reason": cal.reason or None},
        # the headline itself, under the key that used to hold the uncorrected fit
        "hazard_ratio_morale_per_point_uncorrected": cox.hazard_ratios["morale_per_point"].as_json(),
        "adjusted_for": attrition.ADJUSTED_FOR,
        "notes": list(cox.notes),
    }


def summary(db_path: Path | str, key_path: Path | str, *, ph_test: bool = True) -> dict:
    key = read_key(key_path)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return summary_json(fit_company_models(con, key, ph_test=ph_test))
    finally:
        con.close()


def stored_findings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The findings of the models the load stored, with the company-wide layoff audit under the
    minimum group size in force: the same sentences the Drivers page shows (the Executive summary
    reads them here). Raises AnalysisInputError when the load could not fit the models."""
    return stored.with_company_audit(stored.read_models(con), min_group_size(con), con).findings()


# ------------------------------------------------------------------------------------------
# The Drivers page


@dataclass
class DriversReport:
    models: CompanyModels
    findings: dict[str, str]
    audit: pd.DataFrame | None  # layoff audit of the viewer's orgs (None for executives)
    teams: pd.DataFrame | None  # team metrics of the viewer's orgs, suppressed
    teams_dropped: int = 0
    teams_survey_hidden: int = 0
    orgs: list[str] = field(default_factory=list)
    fitted_at: datetime | None = None  # when the models were fit (at load); None: fit for this view


def drivers_report(con: duckdb.DuckDBPyConnection, viewer: Viewer, key_path: str) -> DriversReport:
    """Everything the Drivers page shows: company-wide models, and for HR partners and admins
    the layoff audit and team metrics of the orgs they may see.

    The models are read from the tables the load wrote (`analytics.stored`); the audit and the
    team metrics of the viewer's orgs are summed from per-org counts and suppressed under the
    minimum group size in force now. A database loaded before those tables existed gets the
    same tables fit for this call only (TEMP tables; slow at company scale), with the key at
    `key_path`.
    """
    from workforce.viewer import Role

    cursor = con.cursor()  # TEMP tables (the fallback's) stay on a private cursor
    try:
        state = stored.status(cursor)
        if state is None:
            stored.build_drivers_tables(cursor, key=read_key(key_path), temp=True)
        minimum = min_group_size(con)
        models = stored.with_company_audit(stored.read_models(cursor), minimum, cursor)
        fitted_at = state["fitted_at"] if state else None
        orgs = allowed_orgs(con, viewer)
        if viewer.role == Role.EXECUTIVE:
            return DriversReport(models, models.findings(), None, None, orgs=orgs, fitted_at=fitted_at)
        # a scope holding every org (admins) has the company's counts: the same audit
        everyone = set(orgs) >= set(all_orgs(con))
        audit = models.layoffs.audit if everyone else stored.layoff_audit(cursor, orgs, minimum)
        teams, dropped, hidden = correlations.suppress_teams(stored.team_metrics(cursor, orgs), minimum)
    finally:
        cursor.close()
    return DriversReport(models, models.findings(), audit, teams, dropped, hidden, orgs, fitted_at)


def effects_frame(effects: dict[str, Effect]) -> pd.DataFrame:
    """label, estimate, ci_low, ci_high, n: the forest plot's rows, in the given order."""
    return pd.DataFrame(
        [{"key": k, "label": e.label, "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high, "n": e.n}
         for k, e in effects.items()]
    )


def mandate_org_table(result: mandate.MandateEffect, orgs: list[str]) -> pd.DataFrame:
    """The mandate effect per mandated unit of the viewer's orgs (a unit is an org or "org / team"),
    as shown: an HR partner never sees another org's name or figure."""
    unit_org = result.by_org["org"].str.split(" / ", n=1).str[0]
    return result.by_org[unit_org.isin(orgs)].rename(columns={"org": "Mandated org or team", "estimate": "Effect (Likert points)",
                                         "ci_low": "95% interval low", "ci_high": "95% interval high",
                                         "n": "Answers after the mandate"})


def audit_table(audit: pd.DataFrame, dimension: str | None = None) -> pd.DataFrame:
    """The layoff audit as shown: readable names, one dimension or all."""
    rows = audit if dimension is None else audit[audit["dimension"] == dimension]
    return rows.assign(dimension=rows["dimension"].map(layoffs.DIMENSIONS)).rename(
        columns={"layoff_wave": "Layoff wave", "dimension": "Breakdown", "group": "Group", "n": "People at risk",
                 "selected": "Laid off", "selection_rate": "Selection rate", "rest_rate": "Rest of wave rate",
                 "impact_ratio": "Impact ratio (vs reference)", "rest_ratio": "Ratio (vs rest of wave)",
                 "below_four_fifths": "Below four-fifths", "p_value": "p (Fisher, vs rest)",
                 "p_holm": "p (Holm-adjusted)", "flagged": "Flagged", "reference": "Reference group",
                 "suppressed": "Hidden (small group)"}
    ).reset_index(drop=True)


def attrition_caption(cox: attrition.CoxResult) -> str:
    """What the Cox model compared and what it left out, under its forest plot."""
    parts = [f"{cox.n_rows:,} person-months, {cox.n_events:,} voluntary exits; adjusted for {attrition.ADJUSTED_FOR}."]
    if cox.concordance == cox.concordance:  # not NaN
        parts.append(f"Concordance {cox.concordance:.2f}.")
    parts.extend(cox.notes)
    return " ".join(parts)


def correlation_view(teams: pd.DataFrame, x: str, y: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Scatter points, fitted line and the sentence for one pair of team metrics."""
    c = correlations.correlate(teams, x, y)
    sentence = findings.correlation_sentence(
        correlations.METRICS[x], correlations.METRICS[y], c.pearson, c.pearson_low, c.pearson_high, c.n
    )
    points = teams[["org", "team", "people", x, y]].dropna()
    return points, correlations.fit_line(teams, x, y), sentence


def correlation_matrix_view(teams: pd.DataFrame) -> pd.DataFrame:
    table = correlations.correlation_table(teams)
    names = correlations.METRICS
    return table.assign(x=table["x"].map(names), y=table["y"].map(names)).rename(
        columns={"x": "Metric A", "y": "Metric B", "pearson": "Pearson r", "pearson_low": "r 95% CI low",
                 "pearson_high": "r 95% CI high", "spearman": "Spearman rho", "spearman_low": "rho 95% CI low",
                 "spearman_high": "rho 95% CI high"}
    )


def ph_table(cox: attrition.CoxResult) -> pd.DataFrame:
    """The proportional-hazards test as shown: one row per factor."""
    labels = {col: label for col, label in attrition.HAZARD_RATIOS.values()}
    return cox.ph_test.assign(covariate=cox.ph_test["covariate"].map(labels)).rename(
        columns={"covariate": "Factor", "test_statistic": "Test statistic", "p": "p (proportional hazards)"}
    )
