"""The AI-mandate effect on morale: a staggered difference-in-differences with clean comparisons.

Mandates are assigned to an org (or to one team of an org) and take effect at different dates,
and their effect can grow with time or differ by org. So the estimate is Callaway & Sant'Anna's
(2021) group-time ATT from the `diff-diff` library (`CallawaySantAnna`, not-yet-treated and
never-treated units as the only comparisons, outcome regression without covariates), never a
two-way fixed-effects coefficient, which would use already-mandated units as controls.

- **Unit** = what a mandate is assigned to: the org, or a team whose first mandate (a team-scoped
  pilot) comes before its org's. Each unit's first mandate fixes its cohort: the first survey wave
  whose reference date is on or after it. Units mandated before the first wave have no "before"
  and are left out; units never mandated in the waves are never-treated comparisons.
- **Cells**: the estimator runs on unit x wave means of morale (cells under `MIN_CELL`
  respondents are left out), each unit counting once (the ATT is an average over mandated units,
  not over people). Morale is first adjusted for manager span and a recent forced transfer, with
  their effects estimated *within* unit x wave cells (so anything at the unit x wave level, the
  mandate included, cannot leak into them). Token use is not adjusted for: mandates raise it.
- **Inference at the level of assignment**: randomization inference over units. The cohorts
  (first-mandate waves) are permuted among the units `PERMUTATIONS` times (all distinct
  assignments when there are fewer), and every estimate is recomputed on outcomes with the
  estimated ATT removed from the mandated units' cells after their mandate; a 95% interval is
  the estimate +- the 95th percentile of the permuted |estimates| (the constant-effect test
  inverted at the estimate, Imbens & Rubin 2015 ch. 5). It uses the
  untreated units' variation to judge the few treated ones, which a cluster-robust or wild
  bootstrap standard error from five treated clusters cannot do reliably (MacKinnon & Webb).
- **Pre-trends gate**: the placebo leads (waves -3..-1 before the mandate, each against the wave
  before it) are tested jointly against the same permutation distribution; `rejected` means the
  mandated units were already moving differently, and no display may present the ATT as the
  mandate's effect.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import results
from analytics.effects import Effect, nan_effect
from analytics.morale import EventStudy

METHOD_BASE = "callaway-santanna"
INFERENCE = "randomization-inference"
METHOD = f"{METHOD_BASE}/{INFERENCE}"
MIN_NEVER_TREATED = 2  # with fewer never-mandated units, not-yet-mandated units are the comparison
LABEL = "AI mandate in force (staggered DiD, vs orgs without one)"
LABEL_REJECTED = "AI mandate: NOT an effect (mandated orgs already trended differently)"
UNIT = "Likert points"
MIN_CELL = 5  # respondents in a unit x wave cell (the minimum group size of the survey pages)
MIN_TREATED_FOR_PRECISION = 5  # below this many mandated units, precision is limited
PERMUTATIONS = 199
EVENT_TIMES = tuple(range(-3, 7))  # waves (months) relative to the first wave under a mandate
LEADS = (-3, -2, -1)  # the placebo leads reported
TEST_LEADS = (-6, -5, -4, -3, -2, -1)  # the leads the pre-trend test uses (those identified)
ALPHA = 0.05
ADJUST = ("span_per_10", "forced_180d")  # adjusted within cells; token use is not (a mandate outcome)
NEVER = 0  # diff-diff's cohort code of never-treated units

COLUMNS = ["months", "estimate", "ci_low", "ci_high", "n"]
ORG_COLUMNS = ["org", "estimate", "ci_low", "ci_high", "n"]


@dataclass(frozen=True)
class MandateEffect:
    """The mandate estimate with everything a display needs to say how far it can be trusted."""

    effect: Effect  # overall ATT, 95% CI, n = answers in the cells used
    p_value: float  # randomization p of "no effect" (NaN when not estimated)
    pretrend_p: float  # joint randomization test of the leads (NaN when no lead is identified)
    treated_units: int
    control_units: int
    by_months: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=COLUMNS))
    by_org: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ORG_COLUMNS))
    reason: str | None = None  # why there is no estimate
    method: str = METHOD
    permutations: int = 0

    @property
    def estimated(self) -> bool:
        return self.reason is None and not math.isnan(self.effect.estimate)

    @property
    def pretrends_rejected(self) -> bool:
        return not math.isnan(self.pretrend_p) and self.pretrend_p < ALPHA

    @property
    def precision_limited(self) -> bool:
        return self.treated_units < MIN_TREATED_FOR_PRECISION

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The estimate's row and the per-unit rows; by months is the event study's table."""
        row = {"estimate": self.effect.estimate, "ci_low": self.effect.ci_low, "ci_high": self.effect.ci_high,
               "n": self.effect.n, "label": self.effect.label, "p_value": self.p_value, "pretrend_p": self.pretrend_p,
               "treated_units": self.treated_units, "control_units": self.control_units, "method": self.method,
               "reason": self.reason, "permutations": self.permutations}
        return {"mart_drivers_mandate": pd.DataFrame([row]),
                "mart_drivers_mandate_by_org": self.by_org.assign(position=range(len(self.by_org)))}

    @classmethod
    def from_frames(cls, frames: dict[str, pd.DataFrame]) -> MandateEffect:
        rows = frames["mart_drivers_mandate"]
        if rows.empty:
            return unavailable("the mandate model was not fitted at the last load")
        r = rows.iloc[0]
        by_months = results.table(frames, "mart_drivers_event_study", ["event_time", *COLUMNS[1:]],
                                  {"event_time": "int64", "n": "int64"}).rename(columns={"event_time": "months"})
        by_org = results.table(frames, "mart_drivers_mandate_by_org", ORG_COLUMNS, {"n": "int64"})
        effect = Effect(results.number(r["estimate"]), results.number(r["ci_low"]), results.number(r["ci_high"]),
                        int(r["n"]), r["label"], UNIT)
        return cls(effect, results.number(r["p_value"]), results.number(r["pretrend_p"]), int(r["treated_units"]),
                   int(r["control_units"]), by_months.reindex(columns=COLUMNS), by_org.reindex(columns=ORG_COLUMNS),
                   results.text(r["reason"]) or None, r["method"], int(r["permutations"]))

    def parallel_trends(self) -> dict:
        p = None if math.isnan(self.pretrend_p) else float(self.pretrend_p)
        return {"p_value": p, "rejected": self.pretrends_rejected}

    def as_json(self) -> dict:
        out = self.effect.as_json() | {
            "parallel_trends": self.parallel_trends(),
            "treated_units": self.treated_units,
            "control_units": self.control_units,
            "method": self.method,
            "p_value": None if math.isnan(self.p_value) else float(self.p_value),
            "precision_limited": self.precision_limited,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


def unavailable(reason: str, n: int = 0, treated: int = 0, control: int = 0) -> MandateEffect:
    return MandateEffect(nan_effect(n, LABEL, UNIT), math.nan, math.nan, treated, control, reason=reason)


# ------------------------------------------------------------------------------------------
# Units and cells


def assignment_units(teams: pd.DataFrame, mandates: pd.DataFrame) -> pd.DataFrame:
    """org, team -> unit, first_mandate (NaT: never). `mandates`: org ('*' = everyone), team
    (None = whole org), effective_date, as in ai_mandates."""
    m = mandates.assign(effective_date=pd.to_datetime(mandates["effective_date"]))
    whole = m[m["team"].isna()]
    company = whole.loc[whole["org"] == "*", "effective_date"].min()
    org_first = whole[whole["org"] != "*"].groupby("org")["effective_date"].min()
    team_first = m[m["team"].notna()].groupby(["org", "team"])["effective_date"].min()
    rows = []
    for org, team in teams[["org", "team"]].drop_duplicates().itertuples(index=False):
        of = min([d for d in (company, org_first.get(org)) if pd.notna(d)], default=pd.NaT)
        tf = team_first.get((org, team), pd.NaT)
        if pd.notna(tf) and (pd.isna(of) or tf < of):
            rows.append((org, team, f"{org} / {team}", tf))
        else:
            rows.append((org, team, org, of))
    return pd.DataFrame(rows, columns=["org", "team", "unit", "first_mandate"])


def adjusted_morale(frame: pd.DataFrame, cell: pd.Series) -> pd.Series:
    """Morale less the span and forced-transfer effects estimated within cells (OLS on
    cell-demeaned values); rows missing a covariate keep their unadjusted value."""
    x = frame[list(ADJUST)].astype(float)
    ok = x.notna().all(axis=1).to_numpy()
    y = frame["morale_index"].astype(float)
    if ok.sum() < 3 * len(ADJUST):
        return y
    xd = x[ok] - x[ok].groupby(cell[ok]).transform("mean")
    yd = y[ok] - y[ok].groupby(cell[ok]).transform("mean")
    beta = np.linalg.lstsq(xd.to_numpy(), yd.to_numpy(), rcond=None)[0]
    adjust = np.where(ok, np.nan_to_num(x.to_numpy()) @ beta, 0.0)
    return y - adjust


def cell_panel(frame: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """unit, wave_seq, y (adjusted cell mean), respondents, cohort (0 = never), org: the estimator's input."""
    data = frame.merge(units, on=["org", "team"], how="left")
    data["unit"] = data["unit"].fillna(data["org"])
    cell = data["unit"].astype(str) + "\x1f" + data["wave_seq"].astype(str)
    data["y"] = adjusted_morale(data, cell).to_numpy()
    cells = (data.groupby(["unit", "wave_seq"], as_index=False)
             .agg(y=("y", "mean"), respondents=("y", "size"), ref_date=("ref_date", "first"), org=("org", "first"),
                  first_mandate=("first_mandate", "first")))
    cells = cells[cells["respondents"] >= MIN_CELL].copy()
    waves = frame[["wave_seq", "ref_date"]].drop_duplicates().sort_values("wave_seq")
    seqs, dates = waves["wave_seq"].to_numpy(), pd.to_datetime(waves["ref_date"]).to_numpy()
    first = pd.to_datetime(cells["first_mandate"]).to_numpy()
    idx = np.searchsorted(dates, first, side="left")  # first wave on or after the mandate
    cohort = np.where(pd.isna(first) | (idx >= len(seqs)), NEVER, seqs[np.minimum(idx, len(seqs) - 1)])
    cells["cohort"] = cohort.astype(int)
    return cells.drop(columns=["first_mandate", "ref_date"]).reset_index(drop=True)


# ------------------------------------------------------------------------------------------
# The estimator (diff-diff) and its randomization inference


@dataclass(frozen=True)
class _Fit:
    overall: float
    events: dict[int, float]  # event time -> ATT (leads: against the wave before; lags: against wave -1)
    groups: dict[int, float]  # cohort -> ATT


def _fit(cells: pd.DataFrame, outcome: str = "y", control_group: str = "never_treated") -> _Fit:
    from diff_diff import CallawaySantAnna

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unbalanced-panel and small-cohort notices: handled by our own inference
        result = CallawaySantAnna(control_group=control_group, estimation_method="reg",
                                  base_period="varying", rank_deficient_action="silent").fit(
            cells, outcome=outcome, unit="unit", time="wave_seq", first_treat="cohort")
        events = result.aggregate("event_study").to_dataframe()
        groups = result.aggregate("group").to_dataframe()
    return _Fit(
        float(result.overall_att),
        {int(k): float(v) for k, v in zip(events["event_time"], events["att"], strict=True) if not math.isnan(v)},
        {int(k): float(v) for k, v in zip(groups["label"], groups["att"], strict=True) if not math.isnan(v)},
    )


def _assignments(cohorts: np.ndarray, rng: np.random.Generator, limit: int) -> list[np.ndarray]:
    """Distinct permutations of the units' cohorts other than the observed one: `limit` of them,
    or all of them when there are fewer (drawn until every one has been seen)."""
    _, counts = np.unique(cohorts, return_counts=True)
    total = math.factorial(len(cohorts)) // math.prod(math.factorial(int(c)) for c in counts)
    target = min(limit, total - 1)
    out, seen = [], {tuple(cohorts.tolist())}
    while len(out) < target:
        p = rng.permutation(cohorts)
        key = tuple(p.tolist())
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def fit_mandate_effect(frame: pd.DataFrame, mandates: pd.DataFrame, *, permutations: int = PERMUTATIONS,
                       seed: int = 20260101) -> MandateEffect:
    """The mandate effect from the respondent-wave frame (wave_seq, ref_date, org, team,
    morale_index, span_per_10, forced_180d) and the ai_mandates rows (org, team, effective_date).
    Never raises for the data's sake: a fit that fails comes back with the reason, so the other
    models still show."""
    try:
        return _fit_mandate_effect(frame, mandates, permutations, seed)
    except (ValueError, KeyError, IndexError, ZeroDivisionError, np.linalg.LinAlgError) as problem:
        first = next((line for line in str(problem).splitlines() if line.strip()), "")
        return unavailable(f"the mandate model could not be fitted ({type(problem).__name__}: {first})")


def _fit_mandate_effect(frame: pd.DataFrame, mandates: pd.DataFrame, permutations: int, seed: int) -> MandateEffect:
    if mandates.empty:
        return unavailable("no AI mandate in the data")
    data = frame.dropna(subset=["morale_index"])
    if data.empty:
        return unavailable("no survey answers with a morale index")
    units = assignment_units(data[["org", "team"]], mandates)
    cells = cell_panel(data, units)
    # a unit mandated before the first wave has no "before": it cannot be compared
    first_wave = cells.groupby("unit")["wave_seq"].transform("min")
    cells = cells[~((cells["cohort"] != NEVER) & (cells["cohort"] <= first_wave))]
    cohort_of = cells.groupby("unit")["cohort"].first()
    treated = int((cohort_of != NEVER).sum())
    control = int((cohort_of == NEVER).sum())
    n = int(cells["respondents"].sum())
    if treated == 0:
        return unavailable("no mandated org or team has survey waves both before and after its mandate",
                           n, treated, control)
    last_cohort = int(cohort_of.max())
    if control == 0 and (cohort_of == last_cohort).sum() == treated:
        return unavailable("every unit came under a mandate in the same wave: there is no untreated comparison",
                           n, treated, control)
    control_group = "never_treated" if control >= MIN_NEVER_TREATED else "not_yet_treated"
    observed = _fit(cells, "y", control_group)
    if math.isnan(observed.overall):
        return unavailable("no mandated unit has an untreated comparison in the waves after its mandate",
                           n, treated, control)

    # randomization inference: outcomes less the estimated ATT in mandated units' cells from their
    # mandate on (a constant effect, so their own noise and any dynamics stay in), cohorts permuted
    event_time = np.where(cells["cohort"] != NEVER, cells["wave_seq"] - cells["cohort"], -999)
    null_cells = cells.assign(y0=cells["y"].to_numpy() - np.where(event_time >= 0, observed.overall, 0.0))
    unit_names = cohort_of.index.to_numpy()
    rng = np.random.default_rng(seed)
    draws = _assignments(cohort_of.to_numpy(), rng, permutations)
    overall, events, single = [], {k: [] for k in EVENT_TIMES}, []
    lead_draws = []
    for cohorts in draws:
        mapping = dict(zip(unit_names, cohorts, strict=True))
        permuted = null_cells.assign(cohort=null_cells["unit"].map(mapping).astype(int))
        if (permuted.groupby("unit")["cohort"].first() != NEVER).sum() == 0:
            continue
        fit = _fit(permuted, "y0", control_group)
        if math.isnan(fit.overall):
            continue
        overall.append(fit.overall)
        for k, v in fit.events.items():
            if k in events:
                events[k].append(v)
        sizes = pd.Series(cohorts).value_counts()
        single.extend(v for g, v in fit.groups.items() if sizes.get(g, 0) == 1)
        lead_draws.append([fit.events.get(k, math.nan) for k in TEST_LEADS])
    overall_arr = np.abs(np.array(overall))
    half = float(np.quantile(overall_arr, 1 - ALPHA)) if len(overall_arr) else math.nan
    # p of "no effect", consistent with the interval: the share of permutations at least as far out
    p_value = float((1 + (overall_arr >= abs(observed.overall) - 1e-12).sum()) / (1 + len(overall_arr)))
    effect = Effect(observed.overall, observed.overall - half, observed.overall + half, n, LABEL, UNIT)

    rows = []
    cell_event = pd.Series(event_time)
    for k in EVENT_TIMES:
        est = observed.events.get(k, math.nan)
        spread = np.abs(np.array(events[k]))
        h = float(np.quantile(spread, 1 - ALPHA)) if len(spread) >= 19 else math.nan
        answers = int(cells.loc[(cell_event == k).to_numpy(), "respondents"].sum())
        rows.append({"months": k, "estimate": est, "ci_low": est - h, "ci_high": est + h, "n": answers})
    by_months = pd.DataFrame(rows, columns=COLUMNS)

    pretrend_p = _lead_test([observed.events.get(k, math.nan) for k in TEST_LEADS], lead_draws)
    if pretrend_p < ALPHA:  # the display must not present it as the mandate's effect
        effect = Effect(effect.estimate, effect.ci_low, effect.ci_high, n, LABEL_REJECTED, UNIT)
    by_org = _by_unit(cells, cohort_of, observed, single, control_group)
    return MandateEffect(effect, p_value, pretrend_p, treated, control, by_months, by_org,
                         method=f"{METHOD_BASE}/{control_group.replace('_', '-')}/{INFERENCE}", permutations=len(overall))


def _lead_test(leads: list[float], draws: list[list[float]]) -> float:
    """Joint randomization test that the identified leads are zero. The statistic is the larger of
    the mean squared standardised lead (any pattern) and the squared standardised sum of the leads
    (a steady divergence over the months before, the usual shape of a pre-trend, Roth 2022); its
    permutation distribution is that of the same statistic, so the test keeps its size."""
    if not draws:
        return math.nan
    table = np.array(draws, dtype=float)
    # the leads the data identify and at least half the permutations identify too
    keep = [i for i, v in enumerate(leads) if not math.isnan(v) and np.isfinite(table[:, i]).mean() >= 0.5]
    if not keep:
        return math.nan
    table = table[:, keep]
    table = table[~np.isnan(table).any(axis=1)]
    if len(table) < 19:
        return math.nan
    scale = table.std(axis=0, ddof=1)
    scale[scale == 0] = np.inf
    sum_scale = table.sum(axis=1).std(ddof=1) or np.inf

    def statistic(values: np.ndarray) -> np.ndarray:
        values = np.atleast_2d(values)
        return np.maximum(((values / scale) ** 2).mean(axis=1), (values.sum(axis=1) / sum_scale) ** 2)

    observed = float(statistic(np.array(leads)[keep])[0])
    permuted = statistic(table)
    return float((1 + (permuted >= observed - 1e-12).sum()) / (1 + len(permuted)))


def _by_unit(cells: pd.DataFrame, cohort_of: pd.Series, observed: _Fit, single: list[float],
             control_group: str) -> pd.DataFrame:
    """One row per mandated unit: the ATT of its cohort (a cohort shared by several units is fit
    again with each unit alone), with the interval from single-unit effects under permutation."""
    half = float(np.quantile(np.abs(single), 1 - ALPHA)) if len(single) >= 19 else math.nan
    rows = []
    sizes = cohort_of[cohort_of != NEVER].value_counts()
    for unit, cohort in cohort_of[cohort_of != NEVER].sort_values().items():
        if sizes[cohort] == 1:
            est = observed.groups.get(int(cohort), math.nan)
        else:
            others = cohort_of[(cohort_of == cohort) & (cohort_of.index != unit)].index
            est = _fit(cells[~cells["unit"].isin(others)], "y", control_group).groups.get(int(cohort), math.nan)
        post = cells[(cells["unit"] == unit) & (cells["wave_seq"] >= cohort)]
        rows.append({"org": unit, "estimate": est, "ci_low": est - half, "ci_high": est + half,
                     "n": int(post["respondents"].sum())})
    return pd.DataFrame(rows, columns=ORG_COLUMNS)


# ------------------------------------------------------------------------------------------
# Shapes for the displays


def _rows(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else (int(v) if k in ("months", "n") else v))
             for k, v in row.items()} for row in frame.to_dict(orient="records")]


def json_fields(result: MandateEffect) -> dict:
    """The `morale.*` keys of `python -m analytics summary` for the mandate question."""
    return {
        "mandate_effect": result.as_json(),
        "mandate_effect_by_months_since": _rows(result.by_months),
        "mandate_effect_by_org": _rows(result.by_org),
    }


def event_study(result: MandateEffect) -> EventStudy:
    """The effect by months since the mandate in the shape the event-study chart and the stored
    table use (event_time = months)."""
    table = result.by_months.rename(columns={"months": "event_time"})
    table = table.astype({"event_time": "int64", "n": "int64"}) if not table.empty else table
    return EventStudy(table.reset_index(drop=True), result.pretrend_p, result.effect.n)
