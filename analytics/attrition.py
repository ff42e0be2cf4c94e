"""Attrition: Kaplan–Meier curves by group and a Cox model of voluntary exit.

Design (see docs/analytics.md): the person-month frame splits each person's time into months.
Covariates are fixed at the first of each month (latest morale index, forced transfer so far,
manager span, token intensity over the 90 days before). The Cox model is fit with lifelines'
CoxPHFitter stratified by month, with time measured in days since the first of the month.
Because every interval starts on a month boundary, the risk set at any exit day is exactly
the rows of that month still at risk, so this partial likelihood is the counting-process
(start, stop] Cox model on calendar time with monthly updated covariates — computed with the
fast fitter instead of CoxTimeVaryingFitter, and with the Schoenfeld-residual test of
proportional hazards available. Voluntary exits are events; layoffs, involuntary exits,
retirements and the end of the data censor. Person-months before the person's first survey
answer have no morale index and are left out of the Cox model (complete cases).

Kaplan–Meier curves use the same rows on calendar time with delayed entry (each month enters
at its first day): a person counts in the group they are in that month (Simon–Makuch), so a
group defined by something that happens later (a forced transfer) gets no immortal time.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.effects import Effect, nan_effect

# lifelines (and statsmodels in morale.py and layoffs.py) are imported where a model is fit:
# the Drivers page only reads stored results and needs neither (~1.6 s of a cold start).

COVARIATES = ["morale_latest", "forced_so_far", "span_per_10", "token_z"]
HAZARD_RATIOS = {
    "morale_per_point": ("morale_latest", "+1 point of the latest morale index"),
    "forced_transfer": ("forced_so_far", "forced transfer so far"),
    "span_per_10_reports": ("span_per_10", "+10 direct reports of the manager"),
    "token_intensity_per_sd": ("token_z", "+1 SD token intensity (90 days before)"),
}
MIN_EVENTS = 10
# The Schoenfeld-residual test costs minutes on a million person-months; above this size it
# runs on a fixed-seed random sample of rows (a valid test, with less power), refit there.
PH_TEST_MAX_ROWS = 150_000
# Durations are whole days within a month (at most 31 distinct values), so almost every row
# ties with others: lifelines' batch computation of the Efron sums (one step per distinct time)
# is the same partial likelihood as its row-by-row one, 6x faster on a million person-months
# (its size-based heuristic picks row-by-row there).
BATCH_MODE = True
SPAN_BANDS = [(0, 10, "1–9 reports"), (10, 25, "10–24 reports"), (25, 50, "25–49 reports"), (50, 10**9, "50+ reports")]
KM_GROUPINGS = {
    "forced": "Forced transfer so far",
    "span_band": "Manager span",
    "mandate": "AI mandate in force",
}
MAX_KM_POINTS = 200  # per group; curves are thinned evenly in time beyond this
# A curve starts in the first month its group holds this many people: before that one exit
# among a handful would send the whole product (and the rest of the curve) to zero.
MIN_AT_RISK = 20


@dataclass(frozen=True)
class Calibration:
    answer_noise_var: float  # variance of one answer around the person's latent morale
    residual_var: float  # variance of the morale index around the model's fitted value
    person_var: float  # the part of it that is the person's (residual minus noise)
    mean_reliability: float  # mean shrinkage factor applied to residuals
    table: pd.DataFrame  # response_id, morale_calibrated


def calibrate_morale(fitted: pd.DataFrame | None) -> Calibration:
    """Regression calibration of the morale index for use as a covariate.

    A morale index is the mean of k noisy answers, so as a covariate it understates its own
    effect (regression dilution). Each person's answers to the morale questions of one wave
    share one latent morale, so their spread estimates the answer noise var_e (pooled
    within-response variance). The morale regression's residual variance is person variance
    plus var_e / k, so the reliability of one index is
    lambda = var_person / (var_person + var_e / k), and E[latent | index, covariates] =
    fitted + lambda * residual, the value the Cox model uses.
    """
    empty = pd.DataFrame(columns=["response_id", "morale_calibrated"])
    if fitted is None or fitted.empty:
        return Calibration(float("nan"), float("nan"), float("nan"), float("nan"), empty)
    spread = fitted.dropna(subset=["morale_answer_var", "morale_k"])
    spread = spread[spread["morale_k"] >= 2]
    dof = spread["morale_k"] - 1
    noise = float((dof * spread["morale_answer_var"]).sum() / dof.sum()) if dof.sum() > 0 else 0.0
    residual = float(fitted["resid"].var(ddof=1))
    k = fitted["morale_k"].fillna(1).clip(lower=1)
    person = max(residual - float((noise / k).mean()), 1e-6)
    reliability = person / (person + noise / k)
    table = pd.DataFrame(
        {"response_id": fitted["response_id"], "morale_calibrated": fitted["fitted"] + reliability * fitted["resid"]}
    )
    return Calibration(noise, residual, person, float(reliability.mean()), table)


@dataclass(frozen=True)
class CoxResult:
    hazard_ratios: dict[str, Effect]
    concordance: float
    n_rows: int
    n_events: int
    ph_test: pd.DataFrame  # covariate, test_statistic, p (Schoenfeld residuals, rank time)


def cox_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Complete cases, indicators as 0/1, month as the stratum label."""
    # the columns the model reads first: copying a million rows of every column cost seconds
    data = frame[["duration_days", "voluntary_exit", "month", *COVARIATES]].dropna(subset=COVARIATES + ["duration_days"])
    data["forced_so_far"] = data["forced_so_far"].astype(float)
    data["voluntary_exit"] = data["voluntary_exit"].astype(int)
    data["stratum"] = pd.factorize(data["month"], sort=True)[0]
    data = data[data["duration_days"] > 0]
    return data[["duration_days", "voluntary_exit", "stratum", *COVARIATES]].reset_index(drop=True)


def fit_cox(frame: pd.DataFrame, *, ph_test: bool = True) -> CoxResult:
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    data = cox_frame(frame)
    events = int(data["voluntary_exit"].sum())
    varying = [c for c in COVARIATES if data[c].nunique() > 1]
    if events < MIN_EVENTS or len(varying) < len(COVARIATES):
        hr = {k: nan_effect(len(data), label, "hazard ratio", 1.0) for k, (_, label) in HAZARD_RATIOS.items()}
        return CoxResult(hr, float("nan"), len(data), events, pd.DataFrame(columns=["covariate", "test_statistic", "p"]))
    cph = CoxPHFitter()
    cph.fit(data, duration_col="duration_days", event_col="voluntary_exit", strata=["stratum"], batch_mode=BATCH_MODE)
    ci = np.exp(cph.confidence_intervals_)
    hazard_ratios = {
        key: Effect(
            float(np.exp(cph.params_[col])), float(ci.loc[col].iloc[0]), float(ci.loc[col].iloc[1]), len(data),
            label, "hazard ratio", 1.0,
        )
        for key, (col, label) in HAZARD_RATIOS.items()
    }
    table = pd.DataFrame(columns=["covariate", "test_statistic", "p"])
    if ph_test:
        tested, sample = cph, data
        if len(data) > PH_TEST_MAX_ROWS:
            sample = data.sample(n=PH_TEST_MAX_ROWS, random_state=0)
            tested = CoxPHFitter().fit(sample, duration_col="duration_days", event_col="voluntary_exit",
                                       strata=["stratum"], batch_mode=BATCH_MODE)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            test = proportional_hazard_test(tested, sample, time_transform="rank")
        table = pd.DataFrame(
            {"covariate": test.summary.index, "test_statistic": test.summary["test_statistic"].to_numpy(),
             "p": test.summary["p"].to_numpy()}
        )
    return CoxResult(hazard_ratios, concordance(cph), len(data), events, table)


def concordance(cph) -> float:
    """lifelines' `concordance_index_` of a stratified fit, counted with sorted arrays.

    lifelines walks every row through a binary tree in Python (2-4 s on a million
    person-months). The counts are the same: within a stratum, a person who left at t is
    compared with everyone who left voluntarily before t (a censored row also with those who
    left at t); the pair is concordant when the one who left first had the higher predicted
    hazard, and counts one half when the predictions tie. Left-at-t pools take at most one
    prefix per distinct day, so each pool is sorted once and searched for all its rows.
    """
    from lifelines.utils.concordance import _concordance_ratio

    correct = tied = pairs = 0
    for _, part in cph._predicted_partial_hazards_.groupby(cph.strata):
        if len(part) == 1:
            continue
        times, predicted, left = part["T"].to_numpy(), -part["P"].to_numpy(), part["E"].to_numpy().astype(bool)
        if not left.any():
            continue
        order = np.argsort(times[left], kind="stable")
        left_times, left_predicted = times[left][order], predicted[left][order]
        prefix = np.where(left, np.searchsorted(left_times, times, "left"), np.searchsorted(left_times, times, "right"))
        pairs += int(prefix.sum())
        for length in np.unique(prefix[prefix > 0]):
            pool = np.sort(left_predicted[:length])
            values = predicted[prefix == length]
            below = np.searchsorted(pool, values, "left")
            correct += int(below.sum())
            tied += int((np.searchsorted(pool, values, "right") - below).sum())
    return float(_concordance_ratio(correct, tied, pairs))


def span_band(span: pd.Series) -> pd.Series:
    out = pd.Series(pd.NA, index=span.index, dtype="object")
    for low, high, label in SPAN_BANDS:
        out[(span >= low) & (span < high)] = label
    return out


def km_groups(frame: pd.DataFrame, grouping: str) -> pd.Series:
    if grouping == "forced":
        return frame["forced_so_far"].map({True: "Forced transfer", False: "No forced transfer"})
    if grouping == "span_band":
        return span_band(frame["manager_span"])
    if grouping == "mandate":
        return frame["mandate_in_force"].map({True: "Under a mandate", False: "No mandate"})
    raise ValueError(f"unknown grouping {grouping!r}; expected one of {sorted(KM_GROUPINGS)}")


def km_curves(frame: pd.DataFrame, grouping: str) -> pd.DataFrame:
    """Share not yet voluntarily exited by day of the window, per group, with 95% CIs.

    Rows: group, day, survival, ci_low, ci_high, n (person-months in the group), events.
    A group's curve starts in the first month it holds MIN_AT_RISK people and stops before the
    next month it holds fewer; a group that never holds that many gets no curve.
    """
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError

    columns = ["group", "day", "survival", "ci_low", "ci_high", "n", "events"]
    groups = km_groups(frame, grouping)
    frame = frame[["start_day", "stop_day", "voluntary_exit"]]  # all the curves read
    curves = []
    for label in sorted(groups.dropna().unique()):
        rows = frame[groups == label]
        # the longest run of months from the group's first month with enough people
        all_months = np.sort(frame["start_day"].unique())
        per_month = rows.groupby("start_day").size().reindex(all_months, fill_value=0)
        ok = (per_month >= MIN_AT_RISK).to_numpy()
        if not ok.any():
            continue
        first = int(np.argmax(ok))
        last = first + (int(np.argmin(ok[first:])) if not ok[first:].all() else len(ok) - first)
        months = per_month.index[first:last]
        rows = rows[rows["start_day"].isin(months)]
        kmf = KaplanMeierFitter()
        try:
            kmf.fit(
                rows["stop_day"], event_observed=rows["voluntary_exit"].astype(bool), entry=rows["start_day"],
                label="survival",
            )
        except StatError:
            continue  # everyone at risk left at once: no curve is better than a false drop to zero
        sf = kmf.survival_function_.join(kmf.confidence_interval_)
        sf.columns = ["survival", "ci_low", "ci_high"]
        sf = sf[sf.index >= rows["start_day"].min()]
        if len(sf) > MAX_KM_POINTS:
            keep = np.unique(np.linspace(0, len(sf) - 1, MAX_KM_POINTS).round().astype(int))
            sf = sf.iloc[keep]
        curve = sf.reset_index(names="day")
        curve.insert(0, "group", label)
        curve["n"] = len(rows)
        curve["events"] = int(rows["voluntary_exit"].sum())
        curves.append(curve)
    if not curves:
        return pd.DataFrame(columns=columns)
    return pd.concat(curves, ignore_index=True)[columns]
