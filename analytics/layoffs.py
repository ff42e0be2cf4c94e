"""Layoff audit: was AI usage (or tenure, level, job family, location) used against people?

For each layoff wave the population at risk is everyone employed the day before the wave's
first layoff date (`frames.Analysis.layoff_population`). Two views:

- Selection rates per group and the adverse impact ratio of the four-fifths rule. Being
  selected for a layoff is the adverse outcome, so a group's impact ratio is the selection
  rate of the least-selected group divided by the group's own rate: below 0.8 means the
  group was laid off at more than 1.25 times the least-affected group's rate, and is flagged.
  A Fisher exact test of the group against everyone else in the wave says whether a gap is
  larger than chance would make it; small groups can fail the ratio by chance alone.
- A logistic regression of selection on token intensity (per SD) with tenure band, level,
  job family, location, org and wave as controls: the odds ratio answers "at the same
  tenure, level, family, place and org, did heavier AI users have different odds?".

Groups below the minimum size are suppressed through `workforce.privacy` (`analytics.privacy_gate`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from scipy.stats import fisher_exact

from analytics.effects import Effect, nan_effect
from analytics.privacy_gate import suppress_groups

DIMENSIONS = {
    "token_quartile": "Token-usage quartile (90 days before)",
    "tenure_band": "Tenure band",
    "level": "Level",
    "job_family": "Job family",
    "location": "Location",
}
FOUR_FIFTHS = 0.8
LOGIT_FORMULA = (
    "selected ~ token_z + C(tenure_band) + C(level) + C(job_family) + C(location) + C(org) + C(layoff_wave)"
)


@dataclass(frozen=True)
class LayoffResult:
    odds_ratio_per_sd_tokens: Effect
    audit: pd.DataFrame


def adverse_impact(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """One row per wave, dimension and group: n, selected, rate, impact ratio, flag, p-value.

    Suppressed groups (below `min_n`, or hidden so they cannot be recovered from the wave
    total) keep their name and a `suppressed` flag with every figure blank, and take no part
    in choosing the reference group.
    """
    columns = ["layoff_wave", "dimension", "group", "n", "selected", "selection_rate",
               "impact_ratio", "flagged", "p_value", "suppressed"]
    rows = []
    for wave, in_wave in frame.groupby("layoff_wave", sort=True):
        total_n, total_sel = len(in_wave), int(in_wave["selected"].sum())
        for dim in DIMENSIONS:
            counts = (
                in_wave.groupby(dim, sort=True)["selected"].agg(n="size", selected="sum").reset_index()
                .rename(columns={dim: "group"})
            )
            counts["group"] = counts["group"].astype(str)
            counts["selected"] = counts["selected"].astype(int)
            n = counts["n"].to_numpy(dtype=float)
            sel = counts["selected"].to_numpy(dtype=float)
            counts["selection_rate"] = sel / n
            counts["p_value"] = [
                float(fisher_exact([[s, k - s], [total_sel - s, (total_n - k) - (total_sel - s)]])[1])
                for k, s in zip(n.astype(int), sel.astype(int), strict=True)
            ]
            counts = suppress_groups(counts, ["group"], "n", min_n)
            counts["selected"] = counts["selected"].astype("Int64")
            shown = ~counts["suppressed"]
            rate = counts["selection_rate"].astype(float)
            reference = rate[shown].min() if shown.any() else np.nan
            counts["impact_ratio"] = np.where(rate > 0, reference / rate.where(rate > 0), np.where(rate == 0, 1.0, np.nan))
            counts["flagged"] = shown & (counts["impact_ratio"] < FOUR_FIFTHS)
            counts.insert(0, "dimension", dim)
            counts.insert(0, "layoff_wave", wave)
            rows.append(counts)
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.concat(rows, ignore_index=True)[columns]
    for col in ("selection_rate", "impact_ratio", "p_value"):
        out[col] = out[col].astype(float)
    return out


CONTROLS = ("tenure_band", "level", "job_family", "location", "org", "layoff_wave")


def informative_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of control categories where selection varies.

    A category in which nobody (or everybody) was selected, e.g. an exempt level, separates
    perfectly: its coefficient runs off to infinity and the fit never converges. Its rows say
    nothing about token usage at the same controls, so they are left out, repeatedly until
    every remaining category has both outcomes.
    """
    data = frame
    while True:
        keep = pd.Series(True, index=data.index)
        for col in CONTROLS:
            share = data.groupby(col, observed=True)["selected"].transform("mean")
            keep &= (share > 0) & (share < 1)
        if keep.all():
            return data
        data = data[keep]


def selection_odds_ratio(frame: pd.DataFrame) -> Effect:
    label = "+1 SD token intensity, odds of being selected"
    data = frame.dropna(subset=["token_z"]).copy()
    data["selected"] = data["selected"].astype(float)
    data = informative_rows(data)
    n = len(data)
    if n < 30 or data["selected"].sum() < 5 or data["selected"].nunique() < 2:
        return nan_effect(n, label, "odds ratio", 1.0)
    fit = smf.logit(LOGIT_FORMULA, data=data).fit(disp=0, maxiter=200)
    low, high = np.exp(fit.conf_int(0.05).loc["token_z"])
    return Effect(float(np.exp(fit.params["token_z"])), float(low), float(high), int(fit.nobs), label, "odds ratio", 1.0)


def audit_layoffs(frame: pd.DataFrame, min_n: int) -> LayoffResult:
    return LayoffResult(selection_odds_ratio(frame), adverse_impact(frame, min_n))
