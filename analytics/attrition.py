"""Attrition: Kaplan–Meier curves by group and a Cox model of voluntary exit.

Design (see docs/analytics.md): the person-month frame splits each person's time into months.
Covariates are fixed at the first of each month (latest morale index, at most a year old; forced
transfer so far; manager span; token intensity over the 90 days before), with tenure band and
level and org as adjustments. The Cox model is fit with lifelines' CoxPHFitter stratified by
month, with time measured in days since the first of the month. Because every interval starts on
a month boundary, the risk set at any exit day is exactly the rows of that month still at risk,
so this partial likelihood is the counting-process (start, stop] Cox model on calendar time with
monthly updated covariates — computed with the fast
fitter instead of CoxTimeVaryingFitter, and with the Schoenfeld-residual test of proportional
hazards available. Voluntary exits are events; layoffs, involuntary exits, retirements and the
end of the data (the HR as-of date) censor. Months without a recent enough survey answer have no
morale index and are left out of the Cox model (complete cases).

The morale hazard ratio is reported as fitted, on the observed index. Beside it, as a
sensitivity, the same ratio corrected for answer noise in the index (regression calibration):
the noise is estimated from each response's item-centred answers, so questions that differ in
difficulty do not count as noise, and no correction is made for an index that is exact.

A covariate that cannot be estimated (missing for everyone, no variation once month, org,
level and tenure band are accounted for) is dropped with a note and its ratio says why; the
others are still fit.

Kaplan–Meier curves use the same rows on calendar time with delayed entry (each month enters
at its first day): a person counts in the group they are in that month (Simon–Makuch), so a
group defined by something that happens later (a forced transfer) gets no immortal time.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import results
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
CORRECTED_KEY = "morale_per_point_corrected"
CORRECTED_LABEL = "+1 point of latest morale, corrected for answer noise (sensitivity)"
# adjusted for as categories (treatment dummies, the most common category the reference)
# Org is adjusted for with dummies rather than strata: a baseline per org and month would be
# exact too, but lifelines summarises its training data stratum by stratum (pandas `describe`),
# which took 8 of 10 seconds with 91 strata on the 1,600-person sample.
ADJUSTMENTS = {"tenure_band": "tenure band", "level": "level", "org": "org"}
ADJUSTED_FOR = "tenure band, level and org, with a separate baseline for each month"
# A column whose variance left after the columns before it (and the month) is below this share
# of its own variance is a combination of them: the model cannot separate it.
COLLINEAR = 1e-8
MIN_EVENTS = 10
# A category of an adjustment with fewer voluntary exits than this is pooled with the reference
# category: with no exits its coefficient runs off to minus infinity and the fit does not settle.
MIN_CATEGORY_EVENTS = 5
# Below this reliability the corrected ratio would be mostly the correction: not reported.
MIN_RELIABILITY = 0.3
BOOTSTRAP_DRAWS = 200
# The Schoenfeld-residual test costs minutes on a million person-months; above this size it
# runs on a fixed-seed random sample of rows (a valid test, with less power), refit there. With
# the adjustment columns the refit and lifelines' row-by-row residuals grow with the columns too:
# 100,000 rows (about 1,500 exits at company scale) keep it near 10 s of CPU.
PH_TEST_MAX_ROWS = 100_000
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

MISSING_REASONS = {
    "morale_latest": "no survey answer to morale questions within a year before any month of the window",
    "forced_so_far": "no forced-transfer information",
    "span_per_10": "no manager spans (nobody has a manager in the data)",
    "token_z": "no AI usage data: token intensity is unknown for everyone",
}


# ------------------------------------------------------------------------------------------
# Answer noise of the morale index


@dataclass(frozen=True)
class AnswerNoise:
    """The variance of one morale answer around the person's own level, from item-centred answers."""

    variance: float  # pooled within-response variance of item-centred answers (nan: not estimable)
    draws: np.ndarray  # bootstrap draws of it (responses resampled)
    mean_inverse_k: float  # mean of 1/k over responses: the index's noise is variance * E[1/k]
    n_responses: int
    reason: str = ""  # why there is no estimate (or why no correction applies)


def answer_noise(spread: pd.DataFrame, *, draws: int = BOOTSTRAP_DRAWS, seed: int = 0) -> AnswerNoise:
    """Answer noise from `frames.Analysis.morale_answer_spread`: sum of squares / degrees of freedom
    pooled over responses with two or more morale answers, with a bootstrap over responses.

    Answers are centred on their question's wave mean first: a hard question answered one point
    lower by everyone is a fixed difference between items, not noise (uncentred, it inflates the
    noise and the correction over-corrects). When every response's answers are fixed by its index
    (all responses with the same index gave the same answers), the index is exact: no correction.
    """
    empty = np.array([], dtype=float)
    n = len(spread)
    multi = spread[spread["k"] >= 2] if n else spread
    if multi.empty:
        return AnswerNoise(math.nan, empty, math.nan, n, "each wave asks at most one morale question, so the answer "
                                                        "noise cannot be estimated")
    shared = multi[multi["same_index"] >= 2]
    if len(shared) >= 20 and (shared["same_index_values"] == 1).all():
        return AnswerNoise(0.0, empty, math.nan, n, "the morale answers are a function of the index (an exact "
                                                    "index), so there is no answer noise to correct")
    ss = multi["centred_ss"].to_numpy(dtype=float)
    dof = multi["k"].to_numpy(dtype=float) - 1
    variance = float(ss.sum() / dof.sum())
    if variance <= 1e-12:
        return AnswerNoise(0.0, empty, math.nan, n, "the item-centred morale answers never disagree: there is no "
                                                    "answer noise to correct")
    rng = np.random.default_rng(seed)
    boot = np.empty(draws)
    for b in range(draws):
        pick = rng.integers(0, len(ss), len(ss))
        boot[b] = ss[pick].sum() / dof[pick].sum()
    inverse_k = float((1.0 / spread["k"].to_numpy(dtype=float)).mean())
    return AnswerNoise(variance, boot, inverse_k, n)


@dataclass(frozen=True)
class Calibration:
    """Reliability of the morale index as a covariate of the Cox model, and what it implies."""

    answer_noise_var: float  # variance of one item-centred answer around the person's level
    reliability: float  # share of the adjusted morale variance that is not answer noise
    reliability_low: float  # bootstrap 95% interval
    reliability_high: float
    n_responses: int
    reason: str = ""  # why no correction is reported ("" when one is)

    @property
    def mean_reliability(self) -> float:  # the JSON's long-standing name
        return self.reliability


def no_calibration(reason: str, noise: float = math.nan, n: int = 0) -> Calibration:
    return Calibration(noise, math.nan, math.nan, math.nan, n, reason)


# ------------------------------------------------------------------------------------------
# The Cox model


@dataclass(frozen=True)
class CoxResult:
    hazard_ratios: dict[str, Effect]  # the four factors, morale uncorrected (the headline)
    concordance: float
    n_rows: int
    n_events: int
    ph_test: pd.DataFrame  # covariate, test_statistic, p (Schoenfeld residuals, rank time)
    notes: tuple[str, ...] = ()  # what was dropped, pooled or left out, in words
    morale_corrected: Effect | None = None  # the sensitivity beside the headline
    calibration: Calibration = field(default_factory=lambda: no_calibration("not computed"))

    COX_STATS = ("concordance", "n_rows", "n_events")
    CALIBRATION_STATS = ("answer_noise_var", "reliability", "reliability_low", "reliability_high", "n_responses")

    def to_frames(self) -> dict[str, pd.DataFrame]:
        corrected = {CORRECTED_KEY: self.morale_corrected} if self.morale_corrected else {}
        cal = self.calibration
        return {
            "mart_drivers_effects": results.concat(results.effect_rows("attrition", self.hazard_ratios),
                                                   results.effect_rows("attrition_sensitivity", corrected)),
            "mart_drivers_notes": results.concat(results.note_rows("attrition", self.notes),
                                                 results.note_rows("calibration", [cal.reason])),
            "mart_drivers_model_stats": results.concat(
                results.stat_rows("calibration", {s: getattr(cal, s) for s in self.CALIBRATION_STATS}),
                results.stat_rows("cox", {s: getattr(self, s) for s in self.COX_STATS}),
            ),
            "mart_drivers_ph_test": self.ph_test.assign(position=range(len(self.ph_test))),
        }

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> CoxResult:
        cal, cox = results.stats_of(frames, "calibration"), results.stats_of(frames, "cox")
        calibration = Calibration(cal["answer_noise_var"], cal["reliability"], cal["reliability_low"],
                                  cal["reliability_high"], int(cal["n_responses"]),
                                  (results.notes_of(frames, "calibration") or [""])[0])
        ph = results.table(frames, "mart_drivers_ph_test", ["covariate", "test_statistic", "p"], {})
        return cls(results.effects_of(frames, "attrition"), cox["concordance"], int(cox["n_rows"]),
                   int(cox["n_events"]), ph, tuple(results.notes_of(frames, "attrition")),
                   results.effects_of(frames, "attrition_sensitivity").get(CORRECTED_KEY), calibration)


@dataclass(frozen=True)
class CoxDesign:
    data: pd.DataFrame  # duration_days, voluntary_exit, stratum, then the model's columns
    columns: list[str]  # the model's columns: covariates kept, then adjustment dummies
    dropped: dict[str, str]  # covariate -> why it is not in the model
    notes: list[str]
    gram: pd.DataFrame  # cross-products of the columns centred within their month (see within_gram)


def _label(col: str) -> str:
    label = next(label for c, label in HAZARD_RATIOS.values() if c == col)
    return label[:1].upper() + label[1:]


def cox_design(frame: pd.DataFrame) -> CoxDesign:
    """Complete cases of the covariates that can be estimated, adjustment dummies, and the
    stratum (month). Covariates missing for everyone, or left without variation by the month and
    the adjustments, are dropped with the reason; sparse adjustment categories are pooled."""
    dropped: dict[str, str] = {}
    notes: list[str] = []
    present = [c for c in COVARIATES if c in frame.columns and frame[c].notna().any()]
    for col in COVARIATES:
        if col not in present:
            dropped[col] = MISSING_REASONS[col]
    adjust = [c for c in ADJUSTMENTS if c in frame.columns]
    keep = ["duration_days", "voluntary_exit", "month", *[c for c in adjust if c != "month"], *present]
    data = frame[list(dict.fromkeys(keep))].dropna(subset=[*present, "duration_days"])
    data = data[data["duration_days"] > 0]
    out = pd.DataFrame({
        "duration_days": data["duration_days"].to_numpy(),
        "voluntary_exit": data["voluntary_exit"].astype(int).to_numpy(),
        "stratum": pd.factorize(data["month"], sort=True)[0],
    })
    for col in present:
        out[col] = data[col].astype(float).to_numpy()
    events = out["voluntary_exit"].to_numpy()
    dummies: list[str] = []
    for col in adjust:
        values = data[col].astype("string").fillna("(unknown)").to_numpy(dtype=object)
        if len(values) == 0:
            continue
        counts = pd.Series(values).value_counts()
        reference = counts.index[0]
        exits = pd.Series(events).groupby(values).sum()
        sparse = sorted(c for c in counts.index if c != reference and exits.get(c, 0) < MIN_CATEGORY_EVENTS)
        if sparse:
            notes.append(f"{ADJUSTMENTS[col].capitalize()} {', '.join(sparse)} had fewer than {MIN_CATEGORY_EVENTS} "
                         f"voluntary exits and {'is' if len(sparse) == 1 else 'are'} pooled with {reference} "
                         f"for the adjustment.")
        for category in counts.index:
            if category == reference or category in sparse:
                continue
            name = f"{col}[{category}]"
            out[name] = (values == category).astype(float)
            dummies.append(name)
        if len(counts) - len(sparse) <= 1:
            notes.append(f"Every person-month has the same {ADJUSTMENTS[col]} (after pooling): no adjustment for it.")
    # A column the month and the columns before it determine says nothing a stratified model can
    # use. Adjustments come first, so a factor that only varies between orgs (one manager per
    # org: a span per org) is dropped rather than standing in for the org.
    columns = [*dummies, *present]
    gram = within_gram(out, columns)
    kept = independent_columns(gram)
    for col in columns:
        if col in kept:
            continue
        if col in present:
            if col == "forced_so_far" and out[col].max() == 0:
                dropped[col] = "nobody was force-transferred in the window"
            else:
                dropped[col] = ("no variation left once month, org, level and tenure band are accounted for, so the "
                                "model cannot separate it from them")
        else:
            notes.append(f"{col} is determined by the month and the other adjustments: left out.")
    columns = [c for c in columns if c in kept]
    for col in COVARIATES:
        if col in dropped:
            notes.append(f"{_label(col)}: dropped ({dropped[col]}).")
    main = [c for c in COVARIATES if c in columns]
    ordered = [*main, *[c for c in columns if c not in main]]
    return CoxDesign(out[["duration_days", "voluntary_exit", "stratum", *ordered]], ordered, dropped, notes,
                     gram.loc[ordered, ordered])


def within_gram(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """X'X of `columns` centred within their stratum, without building the centred matrix:
    X'X minus, per stratum, the outer product of the column sums over its row count."""
    if not len(data) or not columns:
        return pd.DataFrame(index=columns, columns=columns, dtype=float)
    x = np.ascontiguousarray(data[columns].to_numpy(dtype=float))  # row-major: BLAS's X'X is ~5x faster
    sums = data[columns].groupby(data["stratum"].to_numpy()).sum().to_numpy()
    counts = np.bincount(data["stratum"].to_numpy())
    counts = counts[counts > 0].astype(float)
    gram = x.T @ x - (sums / counts[:, None]).T @ sums
    return pd.DataFrame(gram, index=columns, columns=columns)


def independent_columns(gram: pd.DataFrame) -> list[str]:
    """The gram's columns in order, without those the stratum and the kept columns before them
    determine: a column's variance left after regressing it on the kept ones (a Schur
    complement of the within-stratum cross-products) is compared with its own."""
    g_all = gram.to_numpy(dtype=float)
    kept: list[int] = []
    for j in range(len(gram)):
        own = g_all[j, j]
        if own <= 1e-12:
            continue
        left = own
        if kept:
            g = g_all[np.ix_(kept, kept)]
            v = g_all[kept, j]
            left = own - v @ np.linalg.solve(g, v)
        if left > COLLINEAR * own:
            kept.append(j)
    return [gram.index[j] for j in kept]


def cox_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows and columns the Cox model is fit on (see `cox_design`)."""
    return cox_design(frame).data


def fit_cox(frame: pd.DataFrame, *, ph_test: bool = True, noise: AnswerNoise | None = None) -> CoxResult:
    """The Cox model of voluntary exit; `noise` (from `answer_noise`) adds the corrected morale
    ratio as a sensitivity."""
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError

    design = cox_design(frame)
    data, notes = design.data, list(design.notes)
    events = int(data["voluntary_exit"].sum())
    empty_ph = pd.DataFrame(columns=["covariate", "test_statistic", "p"])

    def blank(reason: str) -> CoxResult:
        hr = {k: nan_effect(len(data), label, "hazard ratio", 1.0, design.dropped.get(col, reason))
              for k, (col, label) in HAZARD_RATIOS.items()}
        return CoxResult(hr, math.nan, len(data), events, empty_ph, tuple(notes), None,
                         no_calibration(f"no morale hazard ratio to correct ({reason})"))

    kept = [c for c in COVARIATES if c in design.columns]
    if events < MIN_EVENTS:
        return blank("no voluntary exits in the window" if events == 0 else
                     f"only {events} voluntary exits in the window (at least {MIN_EVENTS} are needed)")
    if not kept:
        return blank("none of the four factors can be estimated")
    cph = CoxPHFitter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cph.fit(data, duration_col="duration_days", event_col="voluntary_exit", strata=["stratum"],
                    batch_mode=BATCH_MODE)
    except (ConvergenceError, np.linalg.LinAlgError) as problem:
        first = next((line for line in str(problem).splitlines() if line.strip()), type(problem).__name__)
        return blank(f"the model could not be fitted: {first}")
    ci = np.exp(cph.confidence_intervals_)
    hazard_ratios = {}
    for key, (col, label) in HAZARD_RATIOS.items():
        if col in kept:
            hazard_ratios[key] = Effect(
                float(np.exp(cph.params_[col])), float(ci.loc[col].iloc[0]), float(ci.loc[col].iloc[1]), len(data),
                label, "hazard ratio", 1.0,
            )
        else:
            hazard_ratios[key] = nan_effect(len(data), label, "hazard ratio", 1.0, design.dropped[col])
    corrected, calibration = corrected_morale(cph, design, noise)
    table = empty_ph
    if ph_test:
        try:
            table = ph_table(cph, data, kept)
        except (ConvergenceError, np.linalg.LinAlgError) as problem:
            notes.append(f"The proportional-hazards test could not run ({type(problem).__name__}).")
    return CoxResult(hazard_ratios, concordance(cph), len(data), events, table, tuple(notes), corrected, calibration)


def ph_table(cph, data: pd.DataFrame, kept: list[str]) -> pd.DataFrame:
    """The scaled-Schoenfeld test of the factors (not the adjustments), on a sample above PH_TEST_MAX_ROWS."""
    from lifelines import CoxPHFitter
    from lifelines.statistics import proportional_hazard_test

    tested, sample = cph, data
    if len(data) > PH_TEST_MAX_ROWS:
        sample = data.sample(n=PH_TEST_MAX_ROWS, random_state=0)
        tested = CoxPHFitter().fit(sample, duration_col="duration_days", event_col="voluntary_exit",
                                   strata=["stratum"], batch_mode=BATCH_MODE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        test = proportional_hazard_test(tested, sample, time_transform="rank")
    summary = test.summary.loc[[c for c in kept if c in test.summary.index]]
    return pd.DataFrame(
        {"covariate": summary.index, "test_statistic": summary["test_statistic"].to_numpy(),
         "p": summary["p"].to_numpy()}
    )


def corrected_morale(cph, design: CoxDesign, noise: AnswerNoise | None) -> tuple[Effect | None, Calibration]:
    """Regression calibration of the morale ratio (Carroll et al. 2006, ch. 4; Prentice 1982).

    With classical error, the fitted log hazard ratio is attenuated by the reliability of the
    index given the model's other columns and strata: lambda = 1 - noise / var(morale | rest),
    where noise = answer variance * E[1/k] and var(morale | rest) is the residual variance of
    morale after the other columns, within strata. The corrected log ratio is beta / lambda; its
    standard error adds lambda's bootstrap spread (delta method). A sensitivity: it rests on the
    answers of one wave being independent given the person's level, and on rare exits.
    """
    col = "morale_latest"
    if col not in design.columns:
        return None, no_calibration("the morale hazard ratio could not be estimated")
    if noise is None:
        return None, no_calibration("answer noise not computed")
    if not math.isfinite(noise.variance) or noise.variance <= 0 or noise.reason:
        return None, no_calibration(noise.reason or "answer noise not estimable", noise.variance, noise.n_responses)
    data = design.data
    # the residual variance of morale after the other columns, within months: a Schur complement
    g = design.gram.to_numpy(dtype=float)
    j = design.columns.index(col)
    others = [i for i in range(len(design.columns)) if i != j]
    left = g[j, j]
    if others:
        left -= g[others, j] @ np.linalg.solve(g[np.ix_(others, others)], g[others, j])
    residual_var = float(left / len(data))
    index_noise = noise.variance * noise.mean_inverse_k

    def reliability(noise_var: np.ndarray | float):
        return 1 - noise_var * noise.mean_inverse_k / residual_var

    lam = float(reliability(noise.variance))
    draws = reliability(noise.draws)
    low, high = (float(np.percentile(draws, 2.5)), float(np.percentile(draws, 97.5))) if len(draws) else (math.nan,) * 2
    if residual_var <= 0 or lam < MIN_RELIABILITY:
        return None, Calibration(noise.variance, lam, low, high, noise.n_responses,
                                 f"the answer noise ({index_noise:.3f}) is most of the morale variance left after the "
                                 f"adjustments: a correction would be mostly guesswork")
    beta, se = float(cph.params_[col]), float(cph.standard_errors_[col])
    sd_lam = float(np.std(draws, ddof=1)) if len(draws) > 1 else 0.0
    beta_c = beta / lam
    se_c = math.sqrt(se**2 / lam**2 + beta**2 * sd_lam**2 / lam**4)
    effect = Effect(math.exp(beta_c), math.exp(beta_c - 1.959964 * se_c), math.exp(beta_c + 1.959964 * se_c),
                    len(data), CORRECTED_LABEL, "hazard ratio", 1.0)
    return effect, Calibration(noise.variance, lam, low, high, noise.n_responses)


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


class KMCurves(dict):
    """Kaplan–Meier curves by grouping (each of KM_GROUPINGS → the rows of `km_curves`)."""

    COLUMNS = ["group", "day", "survival", "ci_low", "ci_high", "n", "events"]

    def to_frames(self) -> dict[str, pd.DataFrame]:
        km = [curve.assign(grouping=grouping, position=range(len(curve))) for grouping, curve in self.items()]
        return {"mart_drivers_km": pd.concat(km, ignore_index=True) if km else pd.DataFrame()}

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> KMCurves:
        rows = results.table(frames, "mart_drivers_km", ["grouping", *cls.COLUMNS], {"n": "int64", "events": "int64"})
        return cls({g: rows.loc[rows["grouping"] == g, cls.COLUMNS].reset_index(drop=True) for g in KM_GROUPINGS})


def fit_km(frame: pd.DataFrame) -> KMCurves:
    """The curves of every grouping."""
    return KMCurves({grouping: km_curves(frame, grouping) for grouping in KM_GROUPINGS})


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
