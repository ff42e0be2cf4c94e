"""Morale at respondent level: two-way fixed effects with team-clustered standard errors.

One OLS on the respondent-wave frame (`frames.Analysis.respondent_wave`):

    morale_index ~ mandate_in_force + span_per_10 + forced_180d + token_z + C(wave_id) + C(org)

Wave fixed effects absorb company-wide shifts (including a company-wide mandate, which has no
contrast within a wave); org fixed effects absorb stable differences between orgs. The mandate
coefficient is the difference-in-differences of staggered org/team mandates: units already
under a mandate against units not (yet) under one in the same wave. Standard errors are
clustered by team (org / team at submission), the level at which mandates and managers act.

The event study replaces the mandate indicator with leads and lags of the unit's first mandate
(in waves, binned at the ends, wave -1 omitted as the reference): flat leads support the
parallel-trends assumption the difference-in-differences rests on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import results
from analytics.effects import Effect, nan_effect

# The model in formula terms (docs, tests); it is fit from a design matrix built directly
# (`design`), the same treatment coding patsy would build, without patsy's cost on ~1M rows.
FORMULA = "morale_index ~ mandate_in_force + span_per_10 + forced_180d + token_z + C(wave_id) + C(org)"
CONTROLS = ["span_per_10", "forced_180d", "token_z"]
TERMS = {
    "mandate_effect": ("mandate_in_force", "AI mandate in force"),
    "span_effect_per_10_reports": ("span_per_10", "+10 direct reports of the manager"),
    "forced_transfer_effect": ("forced_180d", "forced transfer in the 180 days before"),
    "token_effect": ("token_z", "+1 SD token intensity (90 days before)"),
}
MIN_ROWS = 30
EVENT_WINDOW = (-4, 4)  # leads below -4 and lags above 4 are binned into the end points


@dataclass(frozen=True)
class MoraleResult:
    effects: dict[str, Effect]
    n_rows: int
    n_clusters: int
    n_waves: int
    n_orgs: int
    fitted: pd.DataFrame | None = None  # response_id, fitted, resid, morale_k, morale_answer_var

    STATS = ("n_rows", "n_clusters", "n_waves", "n_orgs")

    def to_frames(self) -> dict[str, pd.DataFrame]:
        return {"mart_drivers_effects": results.effect_rows("morale", self.effects),
                "mart_drivers_model_stats": results.stat_rows("morale", {s: getattr(self, s) for s in self.STATS})}

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> MoraleResult:
        stats = results.stats_of(frames, "morale")
        return cls(results.effects_of(frames, "morale"), *(int(stats[s]) for s in cls.STATS))


# what the models and the calibration read of the respondent-wave frame
MODEL_COLUMNS = ["response_id", "wave_id", "org", "cluster", "morale_index", "mandate_in_force", "event_time",
                 "span_per_10", "forced_180d", "token_z", "morale_k", "morale_answer_var"]


def model_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The model columns (those present), indicators as 0/1 floats so each coefficient is one
    named term. The other columns are not copied: ~650k rows at company scale."""
    out = frame[[c for c in MODEL_COLUMNS if c in frame.columns]].copy()
    for col in ("mandate_in_force", "forced_180d"):
        out[col] = out[col].astype(float)
    return out.dropna(subset=["morale_index", "span_per_10", "token_z"])


def design(data: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    """Intercept, `terms`, then wave and org indicators with the first level (sorted) dropped."""
    parts = [pd.DataFrame({"Intercept": np.ones(len(data))}, index=data.index), data[terms].astype(float)]
    for col in ("wave_id", "org"):
        dummies = pd.get_dummies(data[col].astype(str), prefix=f"C({col})", prefix_sep="[T.", dtype=float)
        dummies.columns = [f"{c}]" for c in dummies.columns]
        parts.append(dummies.iloc[:, 1:])
    return pd.concat(parts, axis=1)


def _ols(data: pd.DataFrame, terms: list[str]):
    """OLS with team-clustered standard errors: statsmodels' results, computed without its SVD.

    `OLS.fit` takes the pseudo-inverse of the design (an SVD of ~650k x 25 at company scale, and
    a QR on top with method="qr"), which only the heteroskedasticity-robust estimators use; the
    cluster estimator needs the inverse of X'X alone. So this follows `OLS.fit(method="qr")`
    with the triangular factor R of X'X = R'R (Cholesky, from the 25 x 25 cross-product): the
    coefficients solve R'R b = X'y and are refined once with the residuals (the corrected
    semi-normal equations), and the results object is statsmodels' own, which computes the
    cluster covariance, CIs and Wald tests. A design that is, or is close to, rank-deficient goes
    through the default fit, whose minimum-norm solution `_aliased_terms` inspects.
    """
    import statsmodels.api as sm
    from scipy.linalg import cholesky, solve_triangular
    from statsmodels.regression.linear_model import OLSResults, RegressionResultsWrapper

    groups = _clusters(data)
    model = sm.OLS(data["morale_index"].astype(float), design(data, terms))
    exog, endog = model.wexog, model.wendog
    cross = exog.T @ exog
    # the rank of X'X at its own (squared) scale: an aliased column, or a nearly aliased one
    # whose Cholesky factor would be inaccurate, shows as a vanishing eigenvalue
    if np.linalg.matrix_rank(cross, hermitian=True) < exog.shape[1]:
        return model.fit(cov_type="cluster", cov_kwds={"groups": groups})
    r = cholesky(cross)

    def solve(rhs: np.ndarray) -> np.ndarray:  # (R'R)^-1 rhs by two triangular solves
        return solve_triangular(r, solve_triangular(r, rhs, trans="T"))

    beta = solve(exog.T @ endog)
    beta = beta + solve(exog.T @ (endog - exog @ beta))
    model.normalized_cov_params = np.linalg.inv(np.dot(r.T, r))
    model.wexog_singular_values = np.linalg.svd(r, 0, 0)
    model.rank = exog.shape[1]
    model.df_model = float(model.rank - model.k_constant)
    model.df_resid = model.nobs - model.rank
    results = OLSResults(model, beta, normalized_cov_params=model.normalized_cov_params, cov_type="cluster",
                         cov_kwds={"groups": groups})
    return RegressionResultsWrapper(results)


def _clusters(frame: pd.DataFrame) -> np.ndarray:
    return pd.factorize(frame["cluster"])[0]


def _aliased_terms(fit, terms: list[str]) -> set[str]:
    """Terms that are a linear combination of the other columns (absorbed by the fixed effects).

    With a rank-deficient design statsmodels returns a minimum-norm solution whose value for
    such a term means nothing; each focal term is regressed on the other columns and flagged
    when they explain it entirely.
    """
    exog = fit.model.exog
    if fit.model.rank >= exog.shape[1]:
        return set()
    names = fit.model.exog_names
    aliased = set()
    for term in terms:
        j = names.index(term)
        others = np.delete(exog, j, axis=1)
        coef, *_ = np.linalg.lstsq(others, exog[:, j], rcond=None)
        residual = exog[:, j] - others @ coef
        if residual.var() < 1e-10 * max(exog[:, j].var(), 1e-12):
            aliased.add(term)
    return aliased


def fit_morale(frame: pd.DataFrame) -> MoraleResult:
    data = model_frame(frame)
    n = len(data)
    if n < MIN_ROWS or data["cluster"].nunique() < 2:
        return MoraleResult(
            {k: nan_effect(n, label, "Likert points") for k, (_, label) in TERMS.items()}, n, 0, 0, 0
        )
    fit = _ols(data, [term for term, _ in TERMS.values()])
    ci = fit.conf_int(0.05)
    aliased = _aliased_terms(fit, [term for term, _ in TERMS.values()])
    effects = {}
    for key, (term, label) in TERMS.items():
        low, high = (float(ci.loc[term, 0]), float(ci.loc[term, 1])) if term in ci.index else (np.nan, np.nan)
        # a term the fixed effects absorb (e.g. every unit mandated in the same wave) has no
        # finite interval: it is reported as not estimable, never as a number
        if (term in fit.params.index and term not in aliased and data[term].nunique() > 1
                and np.isfinite([low, high]).all()):
            effects[key] = Effect(
                float(fit.params[term]), low, high, int(fit.nobs),
                label, "Likert points",
            )
        else:
            effects[key] = nan_effect(n, label, "Likert points")
    fitted = pd.DataFrame(
        {"response_id": data["response_id"].to_numpy(), "fitted": fit.fittedvalues.to_numpy(),
         "resid": fit.resid.to_numpy(), "morale_k": data["morale_k"].to_numpy(),
         "morale_answer_var": data["morale_answer_var"].to_numpy()}
    )
    return MoraleResult(
        effects, int(fit.nobs), int(data["cluster"].nunique()), int(data["wave_id"].nunique()),
        int(data["org"].nunique()), fitted,
    )


def event_dummies(frame: pd.DataFrame, window: tuple[int, int] = EVENT_WINDOW) -> tuple[pd.DataFrame, list[str]]:
    """Lead/lag indicators of the unit's first mandate; never-treated rows are all zero."""
    low, high = window
    data = model_frame(frame)
    # nullable integers would make never-treated rows NA (and patsy drop them): use float NaN
    binned = data["event_time"].astype(float).clip(lower=low, upper=high)
    names = []
    for k in range(low, high + 1):
        if k == -1:
            continue  # the reference wave
        name = f"ev_m{-k}" if k < 0 else f"ev_p{k}"
        data[name] = (binned == k).astype(float)  # NaN (never treated) compares False: all zero
        names.append(name)
    return data, names


@dataclass(frozen=True)
class EventStudy:
    table: pd.DataFrame  # event_time, estimate, ci_low, ci_high, n (wave -1 fixed at 0)
    pretrend_p: float  # joint Wald test that every lead is zero; NaN when no lead is identified
    n: int

    COLUMNS = ["event_time", "estimate", "ci_low", "ci_high", "n"]

    def to_frames(self) -> dict[str, pd.DataFrame]:
        return {"mart_drivers_event_study": self.table,
                "mart_drivers_model_stats": results.stat_rows("event_study", {"pretrend_p": self.pretrend_p, "n": self.n})}

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> EventStudy:
        stats = results.stats_of(frames, "event_study")
        table = results.table(frames, "mart_drivers_event_study", cls.COLUMNS, {"event_time": "int64", "n": "int64"})
        return cls(table, stats["pretrend_p"], int(stats["n"]))


def event_study(frame: pd.DataFrame, window: tuple[int, int] = EVENT_WINDOW) -> EventStudy:
    """Coefficient per wave relative to the unit's first mandate, with 95% CIs."""
    data, names = event_dummies(frame, window)
    columns = ["event_time", "estimate", "ci_low", "ci_high", "n"]
    identified = [c for c in names if data[c].sum() > 0]
    if len(data) < MIN_ROWS or not identified or data["cluster"].nunique() < 2:
        return EventStudy(pd.DataFrame(columns=columns), float("nan"), len(data))
    fit = _ols(data, identified + CONTROLS)
    ci = fit.conf_int(0.05)
    rows = [{"event_time": -1, "estimate": 0.0, "ci_low": 0.0, "ci_high": 0.0,
             "n": int((data["event_time"].astype(float) == -1).sum())}]
    for name in identified:
        k = -int(name[4:]) if name.startswith("ev_m") else int(name[4:])
        rows.append(
            {"event_time": k, "estimate": float(fit.params[name]), "ci_low": float(ci.loc[name, 0]),
             "ci_high": float(ci.loc[name, 1]), "n": int(data[name].sum())}
        )
    leads = [c for c in identified if c.startswith("ev_m")]
    pretrend_p = (
        float(fit.wald_test(", ".join(f"{c} = 0" for c in leads), scalar=True).pvalue) if leads else float("nan")
    )
    table = pd.DataFrame(rows, columns=columns).sort_values("event_time").reset_index(drop=True)
    return EventStudy(table, pretrend_p, int(fit.nobs))
