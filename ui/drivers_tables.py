"""The Drivers page's tables as shown: readable column names over the data `analytics.report` returns.

Display names belong here, not in `analytics/`, which returns data and words only.
"""

from __future__ import annotations

import pandas as pd

from analytics import attrition, correlations, layoffs, mandate
from analytics.report import mandate_units_of


def mandate_org_table(result: mandate.MandateEffect, orgs: list[str]) -> pd.DataFrame:
    """The mandate effect per mandated unit of the viewer's orgs, as shown."""
    return mandate_units_of(result, orgs).rename(columns={
        "org": "Mandated org or team", "estimate": "Effect (Likert points)", "ci_low": "95% interval low",
        "ci_high": "95% interval high", "n": "Answers after the mandate"})


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


def correlation_matrix_view(teams: pd.DataFrame) -> pd.DataFrame:
    """Every pair of team metrics with Pearson and Spearman coefficients, as shown."""
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
