"""Layoff audit: was AI usage (or tenure, level, job family, location) used against people?

For each layoff wave the population at risk is everyone employed the day before the wave's
first layoff date (`frames.Analysis.layoff_population`). Two views, the model first:

- A logistic regression of selection on token intensity (per SD) with tenure band, level,
  job family, location, org and wave as controls: the odds ratio answers "at the same
  tenure, level, family, place and org, did heavier AI users have different odds?". It leads,
  because raw group rates mix in differences between orgs.
- Selection rates per group, compared two ways. The four-fifths rule (EEOC Uniform Guidelines):
  being selected for a layoff is the adverse outcome, so a group's impact ratio is the
  selection rate of the least-selected *reference-eligible* group divided by the group's own
  rate. A reference group must be shown (not suppressed), have a selection rate above zero, at
  least 5 people selected and at least 20 at risk: an exempt level nobody was selected from, or
  a handful of people, would otherwise make every other group look adversely treated. And the
  group against the rest of its wave (rest rate / group rate), with a two-sided Fisher exact test.
  A group is flagged only when it was selected more often than the rest of its wave, one of the
  two ratios is below 0.8, *and* its Fisher p-value, Holm-adjusted over every group the audit
  shows, is below 0.05: the ratio alone flags most groups of a random selection by chance.

Groups below the minimum size are suppressed through `workforce.privacy` (`analytics.privacy_gate`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact

from analytics import results
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
ALPHA = 0.05
# what a reference group needs: a rate above zero from enough selections among enough people
MIN_REFERENCE_SELECTED = 5
MIN_REFERENCE_N = 20
LOGIT_FORMULA = (
    "selected ~ token_z + C(tenure_band) + C(level) + C(job_family) + C(location) + C(org) + C(layoff_wave)"
)


@dataclass(frozen=True)
class LayoffResult:
    odds_ratio_per_sd_tokens: Effect
    audit: pd.DataFrame
    # the counts the audit of any set of orgs is summed from (`group_counts` by wave and org):
    # stored at load, None when read back (a view sums the stored rows of its orgs)
    groups: pd.DataFrame | None = None
    totals: pd.DataFrame | None = None

    def to_frames(self) -> dict[str, pd.DataFrame]:
        out = {"mart_drivers_effects": results.effect_rows(
            "layoffs", {"selection_odds_ratio_per_sd_tokens": self.odds_ratio_per_sd_tokens})}
        if self.groups is not None:
            out |= {"mart_drivers_layoff_groups": self.groups, "mart_drivers_layoff_totals": self.totals}
        return out

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> LayoffResult:
        return cls(results.effects_of(frames, "layoffs")["selection_odds_ratio_per_sd_tokens"],
                   pd.DataFrame(columns=AUDIT_COLUMNS))


AUDIT_COLUMNS = ["layoff_wave", "dimension", "group", "n", "selected", "selection_rate", "rest_rate",
                 "impact_ratio", "rest_ratio", "below_four_fifths", "p_value", "p_holm", "flagged", "reference",
                 "suppressed"]


def group_counts(frame: pd.DataFrame, by: tuple[str, ...] = ("layoff_wave",)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counts the audit is computed from: aggregates, never people.

    Returns (groups, totals). groups: one row per `by` values, dimension and group with
    `group_order` (the group's rank among the dimension's values, as `groupby` sorts them),
    `n` (people at risk) and `selected`. totals: one row per `by` values with n and selected
    of everyone (people with no value in a dimension count in the total, in no group). Summing
    the rows of several orgs (`by` holding "org") gives the counts of their union.
    """
    by = list(by)
    parts = []
    for dim in DIMENSIONS:
        values = sorted(frame[dim].dropna().unique())
        order = pd.Series(range(len(values)), index=pd.Index(values, dtype=object), dtype="int64")
        counts = (
            frame.groupby([*by, dim], sort=True)["selected"].agg(n="size", selected="sum").reset_index()
            .rename(columns={dim: "group"})
        )
        counts.insert(len(by), "dimension", dim)
        counts["group_order"] = order.reindex(counts["group"].astype(object)).to_numpy(dtype="int64")
        counts["group"] = counts["group"].astype(str)
        parts.append(counts)
    groups = pd.concat(parts, ignore_index=True)[[*by, "dimension", "group", "group_order", "n", "selected"]]
    groups = groups.astype({"n": "int64", "selected": "int64"})
    totals = frame.groupby(by, sort=True)["selected"].agg(n="size", selected="sum").reset_index()
    return groups, totals.astype({"n": "int64", "selected": "int64"})


@lru_cache(maxsize=8192)
def fisher_p(group_n: int, group_selected: int, total_n: int, total_selected: int) -> float:
    """Two-sided Fisher exact p of a group against the rest of its wave (a pure function of
    four counts, remembered: the same counts come back on every view)."""
    s, k = group_selected, group_n
    return float(fisher_exact([[s, k - s], [total_selected - s, (total_n - k) - (total_selected - s)]])[1])


def adverse_impact(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """One row per wave, dimension and group: n, selected, rates, ratios, Fisher and Holm p, flag.

    Suppressed groups (below `min_n`, or hidden so they cannot be recovered from the wave
    total) keep their name and a `suppressed` flag with every figure blank, take no part in
    choosing the reference group and are not tested.
    """
    return adverse_impact_from_counts(*group_counts(frame), min_n)


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment (Holm 1979): the k-th smallest of m p-values is multiplied by
    m - k + 1, and the adjusted values are made non-decreasing in that order (capped at 1)."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted


def adverse_impact_from_counts(groups: pd.DataFrame, totals: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """`adverse_impact` from the counts of `group_counts` (by layoff_wave): what the Drivers
    page computes for a viewer's orgs from the counts stored at load."""
    rows = []
    by_wave = {wave: part for wave, part in groups.groupby("layoff_wave", sort=False)}
    for wave, total_n, total_sel in totals.sort_values("layoff_wave")[["layoff_wave", "n", "selected"]].itertuples(
        index=False
    ):
        in_wave = by_wave.get(wave, groups.iloc[0:0])
        total_n, total_sel = int(total_n), int(total_sel)
        for dim in DIMENSIONS:
            counts = (
                in_wave[in_wave["dimension"] == dim].sort_values("group_order")[["group", "n", "selected"]]
                .reset_index(drop=True).astype({"group": str, "n": "int64", "selected": "int64"})
            )
            n = counts["n"].to_numpy(dtype=float)
            sel = counts["selected"].to_numpy(dtype=float)
            rest_n = total_n - n
            counts["selection_rate"] = sel / n
            counts["rest_rate"] = np.where(rest_n > 0, (total_sel - sel) / np.where(rest_n > 0, rest_n, 1), np.nan)
            counts["p_value"] = [
                fisher_p(k, s, total_n, total_sel) for k, s in zip(n.astype(int), sel.astype(int), strict=True)
            ]
            counts = suppress_groups(counts, ["group"], "n", min_n)
            counts["selected"] = counts["selected"].astype("Int64")
            shown = ~counts["suppressed"]
            rate = counts["selection_rate"].astype(float)
            eligible = (shown & (rate > 0) & (counts["selected"].fillna(0) >= MIN_REFERENCE_SELECTED)
                        & (counts["n"].fillna(0) >= MIN_REFERENCE_N))
            reference_rate = rate[eligible].min() if eligible.any() else np.nan
            positive = rate.where(rate > 0)
            counts["impact_ratio"] = reference_rate / positive
            counts["rest_ratio"] = counts["rest_rate"].astype(float) / positive
            counts["reference"] = eligible & (rate == reference_rate)
            counts.insert(0, "dimension", dim)
            counts.insert(0, "layoff_wave", wave)
            rows.append(counts)
    if not rows:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    out = pd.concat(rows, ignore_index=True)
    for col in ("selection_rate", "rest_rate", "impact_ratio", "rest_ratio", "p_value"):
        out[col] = out[col].astype(float)
    shown = ~out["suppressed"].astype(bool)
    # Holm over every group the audit shows (all waves and breakdowns): one family of tests
    tested = shown & out["p_value"].notna()
    out["p_holm"] = np.nan
    out.loc[tested, "p_holm"] = holm(out.loc[tested, "p_value"].to_numpy())
    out["below_four_fifths"] = shown & (out["impact_ratio"] < FOUR_FIFTHS)
    # the test compares the group with the rest of its wave, so a flag needs the group selected
    # more often than the rest (a group selected significantly *less* than the rest is not adverse)
    adverse = (out["impact_ratio"] < FOUR_FIFTHS) | (out["rest_ratio"] < FOUR_FIFTHS)
    out["flagged"] = shown & adverse & (out["selection_rate"] > out["rest_rate"]) & (out["p_holm"] < ALPHA)
    out["reference"] = out["reference"].astype(bool)
    return out[AUDIT_COLUMNS]


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


def logit_design(data: pd.DataFrame) -> pd.DataFrame:
    """The design patsy builds for LOGIT_FORMULA, built directly (patsy's per-value missing-data
    checks took ~2-5 s on a company's layoff population): intercept, each control's treatment
    dummies (levels sorted, the first dropped), then token_z. Rows with a missing control were
    already left out by `informative_rows`."""
    parts = [pd.DataFrame({"Intercept": np.ones(len(data))}, index=data.index)]
    for col in CONTROLS:
        levels = sorted(data[col].unique())
        values = data[col].to_numpy()
        parts.append(pd.DataFrame(
            {f"C({col})[T.{level}]": (values == level).astype(float) for level in levels[1:]}, index=data.index
        ))
    parts.append(data[["token_z"]].astype(float))
    return pd.concat(parts, axis=1)


def selection_odds_ratio(frame: pd.DataFrame) -> Effect:
    label = "+1 SD token intensity, odds of being selected"
    if frame.empty:
        return nan_effect(0, label, "odds ratio", 1.0, "no layoff wave in the data")
    if frame["token_z"].isna().all():
        return nan_effect(0, label, "odds ratio", 1.0,
                          "no AI usage data: token intensity is unknown for everyone at risk")
    data = frame.dropna(subset=["token_z"]).copy()
    data["selected"] = data["selected"].astype(float)
    data = informative_rows(data)
    n = len(data)
    if n < 30 or data["selected"].sum() < 5 or data["selected"].nunique() < 2:
        return nan_effect(n, label, "odds ratio", 1.0,
                          f"too few people to compare: {int(data['selected'].sum())} selected among {n} at risk in "
                          "groups where selection varies (at least 5 and 30 are needed)")
    if data["token_z"].nunique() < 2:
        return nan_effect(n, label, "odds ratio", 1.0, "token intensity is the same for everyone at risk")
    import statsmodels.api as sm

    design = logit_design(data)
    # a C-ordered array: the Newton steps' Hessian X'WX is ~3x faster than on the frame's own layout
    try:
        fit = sm.Logit(data["selected"].to_numpy(), np.ascontiguousarray(design.to_numpy())).fit(disp=0, maxiter=200)
    except (np.linalg.LinAlgError, ValueError) as problem:
        return nan_effect(n, label, "odds ratio", 1.0, f"the model could not be fitted ({problem})")
    j = design.columns.get_loc("token_z")
    low, high = np.exp(fit.conf_int(0.05)[j])
    return Effect(float(np.exp(fit.params[j])), float(low), float(high), int(fit.nobs), label, "odds ratio", 1.0)


def audit_layoffs(frame: pd.DataFrame, min_n: int) -> LayoffResult:
    return LayoffResult(selection_odds_ratio(frame), adverse_impact(frame, min_n))


def audit_company(frame: pd.DataFrame, min_n: int) -> LayoffResult:
    """`audit_layoffs` with the counts per wave and org that the stored tables keep."""
    groups, totals = group_counts(frame, by=("layoff_wave", "org"))
    return replace(audit_layoffs(frame, min_n), groups=groups, totals=totals)
