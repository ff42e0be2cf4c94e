"""The analyses as reported: the command line's JSON and the Drivers page's report.

Models are fit company-wide (they need the power); the page narrows only the descriptive
tables (layoff audit, team explorer) to the viewer's orgs. The command line fits afresh
(`analytics.fit.fit_company_models`); the page reads what the load stored (`analytics.stored`).
Column names for display are the UI's (ui/drivers_tables.py); this module returns data and words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from analytics import attrition, correlations, findings, mandate, stored
from analytics.effects import Effect
from analytics.fit import CompanyModels, fit_company_models
from analytics.frames import read_key
from analytics.privacy_gate import min_group_size
from workforce.viewer import Role, Viewer, all_orgs, allowed_orgs


def company_findings(models: CompanyModels) -> dict[str, str]:
    """One sentence per finding, keyed like the JSON."""
    out = {
        f"morale.{k}": findings.mandate_sentence(models.mandate)
        if k == "mandate_effect" and models.mandate is not None else findings.morale_sentence(k, e)
        for k, e in models.morale.effects.items()
    }
    out.update({f"attrition.{k}": findings.hazard_sentence(k, e) for k, e in models.cox.hazard_ratios.items()})
    cal = models.cox.calibration
    out[f"attrition.{attrition.CORRECTED_KEY}"] = findings.corrected_sentence(
        models.cox.morale_corrected, cal.reliability, cal.reliability_low, cal.reliability_high, cal.reason
    )
    audit = models.layoffs.audit
    shown = audit[~audit["suppressed"].astype(bool)] if not audit.empty else audit
    out["layoffs"] = findings.layoff_sentence(
        models.layoffs.odds_ratio_per_sd_tokens, int(shown["flagged"].astype(bool).sum()) if not audit.empty else 0,
        len(shown), int(audit["suppressed"].sum()) if not audit.empty else 0,
        int(shown["below_four_fifths"].astype(bool).sum()) if not audit.empty else 0,
    )
    return out


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
        "findings": company_findings(models),
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
    return company_findings(stored.with_company_audit(stored.read_models(con), min_group_size(con), con))


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
    fitted_at: datetime | None = None  # when the load fitted the models


def drivers_report(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> DriversReport:
    """Everything the Drivers page shows: company-wide models, and for HR partners and admins
    the layoff audit and team metrics of the orgs they may see.

    The models are read from the tables the load wrote (`analytics.stored`); the audit and the
    team metrics of the viewer's orgs are summed from per-org counts and suppressed under the
    minimum group size in force now. Raises AnalysisInputError, saying why, when the load could
    not fit the models.
    """
    models = stored.read_models(con)
    fitted_at = stored.status(con)["fitted_at"]
    minimum = min_group_size(con)
    models = stored.with_company_audit(models, minimum, con)
    orgs = allowed_orgs(con, viewer)
    if viewer.role == Role.EXECUTIVE:
        return DriversReport(models, company_findings(models), None, None, orgs=orgs, fitted_at=fitted_at)
    # a scope holding every org (admins) has the company's counts: the same audit
    everyone = set(orgs) >= set(all_orgs(con))
    audit = models.layoffs.audit if everyone else stored.layoff_audit(con, orgs, minimum)
    teams, dropped, hidden = correlations.suppress_teams(stored.team_metrics(con, orgs), minimum)
    return DriversReport(models, company_findings(models), audit, teams, dropped, hidden, orgs, fitted_at)


def effects_frame(effects: dict[str, Effect]) -> pd.DataFrame:
    """label, estimate, ci_low, ci_high, n: the forest plot's rows, in the given order."""
    return pd.DataFrame(
        [{"key": k, "label": e.label, "estimate": e.estimate, "ci_low": e.ci_low, "ci_high": e.ci_high, "n": e.n}
         for k, e in effects.items()]
    )


def mandate_units_of(result: mandate.MandateEffect, orgs: list[str]) -> pd.DataFrame:
    """The mandate effect per mandated unit of the viewer's orgs (a unit is an org or "org / team"):
    an HR partner never sees another org's name or figure."""
    unit_org = result.by_org["org"].str.split(" / ", n=1).str[0]
    return result.by_org[unit_org.isin(orgs)]


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
