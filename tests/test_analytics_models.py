"""The models on frames with known answers: each estimate equals the library called directly,
and the pieces we compute ourselves (calibration, audit, Fisher CIs, KM) match hand results."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from lifelines import CoxPHFitter, CoxTimeVaryingFitter, KaplanMeierFitter

from analytics import attrition, correlations, layoffs, morale
from analytics.effects import Effect


def simulated_respondents(seed: int = 3, n_teams: int = 40, people: int = 12, waves: int = 8) -> pd.DataFrame:
    """A respondent-wave frame with a known mandate effect of -0.3 and staggered mandate waves."""
    rng = np.random.default_rng(seed)
    rows = []
    for t in range(n_teams):
        org = f"O{t % 5}"
        first = rng.choice([3, 4, 5, 6, 99])  # 99: never treated
        for p in range(people):
            person = rng.normal(0, 0.35)
            for w in range(waves):
                span = rng.integers(3, 40)
                forced = rng.random() < 0.1
                token = rng.normal()
                mandate = w >= first
                answers = np.clip(np.round(3.5 + person - 0.02 * w - 0.3 * mandate - 0.01 * span - 0.4 * forced
                                           + rng.normal(0, 0.5, 3)), 1, 5)
                rows.append({
                    "response_id": f"{t}-{p}-{w}", "wave_id": f"W{w:02d}", "org": org, "team": f"T{t}",
                    "cluster": f"{org} / T{t}", "morale_index": answers.mean(), "mandate_in_force": mandate,
                    "event_time": (w - first) if first != 99 else np.nan, "span_per_10": span / 10,
                    "forced_180d": forced, "token_z": token, "morale_k": 3, "morale_answer_var": answers.var(ddof=1),
                })
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def respondents() -> pd.DataFrame:
    return simulated_respondents()


def test_morale_effects_equal_statsmodels_on_the_same_frame(respondents):
    result = morale.fit_morale(respondents)
    data = respondents.assign(
        mandate_in_force=respondents["mandate_in_force"].astype(float),
        forced_180d=respondents["forced_180d"].astype(float),
    )
    direct = smf.ols(
        "morale_index ~ mandate_in_force + span_per_10 + forced_180d + token_z + C(wave_id) + C(org)", data=data
    ).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data["cluster"])[0]})
    ci = direct.conf_int()
    for key, term in [("mandate_effect", "mandate_in_force"), ("span_effect_per_10_reports", "span_per_10"),
                      ("forced_transfer_effect", "forced_180d"), ("token_effect", "token_z")]:
        effect = result.effects[key]
        assert effect.estimate == pytest.approx(direct.params[term], abs=1e-12)
        assert (effect.ci_low, effect.ci_high) == pytest.approx((ci.loc[term, 0], ci.loc[term, 1]), abs=1e-12)
        assert effect.n == len(data)
    assert result.n_clusters == 40
    # and the simulation's planted values are recovered
    assert result.effects["mandate_effect"].covers(-0.3)
    assert result.effects["token_effect"].covers(0.0)


def test_event_study_leads_are_flat_and_lags_carry_the_effect(respondents):
    study = morale.event_study(respondents)
    table = study.table.set_index("event_time")
    assert table.loc[-1, "estimate"] == 0.0  # the reference wave
    assert set(table.index) == set(range(-4, 5))
    leads = table.loc[[-4, -3, -2]]
    assert ((leads["ci_low"] <= 0) & (leads["ci_high"] >= 0)).all()
    assert table.loc[[0, 1, 2], "estimate"].between(-0.5, -0.1).all()
    assert study.pretrend_p > 0.05


def test_event_dummies_bin_the_ends_and_leave_never_treated_at_zero():
    frame = pd.DataFrame({
        "morale_index": [3.0] * 5, "span_per_10": [1.0] * 5, "token_z": [0.0] * 5, "mandate_in_force": [False] * 5,
        "forced_180d": [False] * 5, "event_time": [-7, -1, 0, 6, np.nan],
    })
    data, names = morale.event_dummies(frame, (-4, 4))
    assert "ev_m1" not in names and len(names) == 8
    assert data["ev_m4"].tolist() == [1, 0, 0, 0, 0]
    assert data["ev_p0"].tolist() == [0, 0, 1, 0, 0]
    assert data["ev_p4"].tolist() == [0, 0, 0, 1, 0]
    assert data[names].iloc[4].sum() == 0 and data[names].iloc[1].sum() == 0


def simulated_person_months(seed: int = 11, people: int = 3000, months: int = 6) -> pd.DataFrame:
    """Monthly person-periods with exits drawn from a planted hazard (HR 0.6 per morale point, 1.8 forced)."""
    rng = np.random.default_rng(seed)
    rows = []
    morale_p = rng.normal(3.4, 0.5, people)
    forced_at = np.where(rng.random(people) < 0.2, rng.integers(0, months, people), 99)
    span = rng.integers(3, 50, people)
    token = rng.normal(size=people)
    alive = np.ones(people, bool)
    for m in range(months):
        forced = forced_at <= m
        x = math.log(0.6) * (morale_p - 3.4) + math.log(1.8) * forced + math.log(1.15) * span / 10
        exit_now = alive & (rng.random(people) < 0.03 * np.exp(x))
        day = rng.integers(1, 30, people)
        for p in np.flatnonzero(alive):
            rows.append({"month": pd.Timestamp(2026, m + 1, 1), "start_day": 30 * m,
                         "duration_days": int(day[p]) if exit_now[p] else 30,
                         "voluntary_exit": bool(exit_now[p]), "morale_latest": morale_p[p],
                         "forced_so_far": bool(forced[p]), "span_per_10": span[p] / 10, "manager_span": span[p],
                         "mandate_in_force": m >= 3, "token_z": token[p], "id": p})
        alive &= ~exit_now
    frame = pd.DataFrame(rows)
    frame["stop_day"] = frame["start_day"] + frame["duration_days"]
    return frame


@pytest.fixture(scope="module")
def person_months() -> pd.DataFrame:
    return simulated_person_months()


def test_cox_equals_lifelines_on_the_same_frame(person_months):
    result = attrition.fit_cox(person_months)
    data = person_months.assign(forced_so_far=person_months["forced_so_far"].astype(float),
                                voluntary_exit=person_months["voluntary_exit"].astype(int))
    direct = CoxPHFitter().fit(
        data[["duration_days", "voluntary_exit", "month", "morale_latest", "forced_so_far", "span_per_10", "token_z"]],
        duration_col="duration_days", event_col="voluntary_exit", strata=["month"],
    )
    for key, col in [("morale_per_point", "morale_latest"), ("forced_transfer", "forced_so_far"),
                     ("span_per_10_reports", "span_per_10"), ("token_intensity_per_sd", "token_z")]:
        hr = result.hazard_ratios[key]
        assert hr.estimate == pytest.approx(math.exp(direct.params_[col]), rel=1e-9)
        low, high = np.exp(direct.confidence_intervals_.loc[col])
        assert (hr.ci_low, hr.ci_high) == pytest.approx((low, high), rel=1e-9)
        assert hr.n == len(data)
    assert result.concordance == pytest.approx(direct.concordance_index_, rel=1e-9)
    assert result.n_events == int(data["voluntary_exit"].sum())
    assert set(result.ph_test["covariate"]) == set(attrition.COVARIATES)
    assert result.hazard_ratios["morale_per_point"].covers(0.6)
    assert result.hazard_ratios["forced_transfer"].covers(1.8)


def test_month_stratified_cox_is_the_counting_process_cox_on_calendar_time(person_months):
    """Why the landmark design is exact: intervals start on month boundaries, so each risk set
    holds the rows of one month only, and the two partial likelihoods are the same."""
    small = person_months[person_months["id"] < 600]
    tight = {"precision": 1e-12}
    stratified = CoxPHFitter().fit(
        attrition.cox_frame(small), duration_col="duration_days", event_col="voluntary_exit", strata=["stratum"],
        fit_options=tight,
    )
    counting = CoxTimeVaryingFitter().fit(
        small.assign(forced_so_far=small["forced_so_far"].astype(float))[
            ["id", "start_day", "stop_day", "voluntary_exit", *attrition.COVARIATES]],
        id_col="id", start_col="start_day", stop_col="stop_day", event_col="voluntary_exit", fit_options=tight,
    )
    assert stratified.params_[attrition.COVARIATES].to_numpy() == pytest.approx(
        counting.params_[attrition.COVARIATES].to_numpy(), rel=1e-9
    )
    assert stratified.log_likelihood_ == pytest.approx(counting.log_likelihood_, rel=1e-12)


def test_kaplan_meier_with_delayed_entry_by_hand(monkeypatch):
    # month 1 (0, 30]: 2 people, one leaves on day 10; month 2 (30, 60]: the stayer and a newcomer
    # (entering at 30), one leaves on day 45: S(10) = 1/2, S(45) = 1/2 * 1/2
    monkeypatch.setattr(attrition, "MIN_AT_RISK", 2)
    frame = pd.DataFrame({
        "start_day": [0, 0, 30, 30], "stop_day": [10, 30, 45, 60], "voluntary_exit": [True, False, True, False],
        "forced_so_far": [True] * 4, "manager_span": [5] * 4, "mandate_in_force": [False] * 4,
    })
    curve = attrition.km_curves(frame, "forced").set_index("day")
    assert curve.loc[10, "survival"] == pytest.approx(0.5)
    assert curve.loc[45, "survival"] == pytest.approx(0.25)
    assert (curve["group"] == "Forced transfer").all() and (curve["n"] == 4).all()
    # a group never reaching MIN_AT_RISK people gets no curve rather than a noisy one
    monkeypatch.setattr(attrition, "MIN_AT_RISK", 3)
    assert attrition.km_curves(frame, "forced").empty


def test_km_curves_equal_lifelines(person_months):
    curves = attrition.km_curves(person_months, "forced")
    rows = person_months[person_months["forced_so_far"]]
    direct = KaplanMeierFitter().fit(rows["stop_day"], rows["voluntary_exit"], entry=rows["start_day"])
    forced = curves[curves["group"] == "Forced transfer"].set_index("day")["survival"]
    assert forced.to_numpy() == pytest.approx(direct.survival_function_.loc[forced.index].iloc[:, 0].to_numpy())
    assert set(curves["group"]) == {"Forced transfer", "No forced transfer"}
    bands = attrition.km_curves(person_months, "span_band")
    assert set(bands["group"]) <= {label for *_, label in attrition.SPAN_BANDS}


def layoff_frame() -> pd.DataFrame:
    """Wave R1: Q1 20 of 100 selected, Q2 10 of 100, Q3 15 of 100, Q4 1 of 3 (too small)."""
    rows = []
    for quartile, n, selected in [("Q1", 100, 20), ("Q2", 100, 10), ("Q3", 100, 15), ("Q4", 3, 1)]:
        for i in range(n):
            rows.append({"layoff_wave": "R1", "token_quartile": quartile, "tenure_band": "2-5y", "level": "IC4",
                         "job_family": "Engineering", "location": "HQ", "org": "A", "selected": i < selected})
    return pd.DataFrame(rows)


def test_adverse_impact_ratios_and_suppression():
    audit = layoffs.adverse_impact(layoff_frame(), min_n=5)
    q = audit[audit["dimension"] == "token_quartile"].set_index("group")
    # Q4 (3 people) is hidden, and so is the next smallest (Q1, by label on a tie) so it
    # cannot be recovered from the wave total
    assert q.loc["Q4", "suppressed"] and pd.isna(q.loc["Q4", "n"]) and pd.isna(q.loc["Q4", "selection_rate"])
    assert int(q["suppressed"].sum()) == 2
    visible = q[~q["suppressed"]]
    assert set(visible.index) == {"Q2", "Q3"} or set(visible.index) == {"Q1", "Q2", "Q3"} - {q[q["suppressed"]].index[0]}
    # the least-selected visible group is Q2 (10%): Q3's ratio is 0.10 / 0.15
    assert q.loc["Q2", "impact_ratio"] == pytest.approx(1.0)
    assert q.loc["Q3", "impact_ratio"] == pytest.approx(0.10 / 0.15)
    assert bool(q.loc["Q2", "reference"]) and not bool(q.loc["Q3", "reference"])
    # Q3 is below four-fifths, but 15 of 100 against 31 of 203 is well within chance: not flagged
    assert bool(q.loc["Q3", "below_four_fifths"]) and not bool(q.loc["Q3", "flagged"])
    assert q.loc["Q3", "rest_rate"] == pytest.approx((46 - 15) / (303 - 100))
    # one-group dimensions: the group is its own reference, ratio 1, no rest to compare, nothing flagged
    level = audit[audit["dimension"] == "level"].iloc[0]
    assert level["impact_ratio"] == 1.0 and pd.isna(level["rest_ratio"]) and not level["flagged"]


def _layoff_frame(seed: int, n: int, levels: list[str], selected_share: float) -> pd.DataFrame:
    """n random people with the layoff model's covariates, each selected with `selected_share`."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "layoff_wave": rng.choice(["R1", "R2"], n), "tenure_band": rng.choice(["<1y", "1-2y", "5y+"], n),
        "level": rng.choice(levels, n), "job_family": rng.choice(["Eng", "Sales"], n),
        "location": rng.choice(["HQ", "Remote"], n), "org": rng.choice(["A", "B", "C"], n),
        "token_z": rng.normal(size=n),
    })
    frame["selected"] = rng.random(n) < selected_share
    return frame


def test_layoff_odds_ratio_equals_statsmodels():
    frame = _layoff_frame(2, 4000, ["IC3", "IC4", "M1"], 0.1)
    # an exempt level: nobody selected; those rows are left out of the fit (perfect separation)
    exempt = pd.DataFrame({**{c: frame[c].iloc[:50].to_numpy() for c in frame.columns}})
    exempt = exempt.assign(level="VP", selected=False)
    effect = layoffs.selection_odds_ratio(pd.concat([frame, exempt], ignore_index=True))
    direct = smf.logit(
        "selected ~ token_z + C(tenure_band) + C(level) + C(job_family) + C(location) + C(org) + C(layoff_wave)",
        data=frame.assign(selected=frame["selected"].astype(float)),
    ).fit(disp=0)
    assert effect.estimate == pytest.approx(math.exp(direct.params["token_z"]), rel=1e-8)
    assert effect.ci_low == pytest.approx(math.exp(direct.conf_int().loc["token_z", 0]), rel=1e-8)
    assert effect.n == len(frame) == 4000 and effect.covers(1.0)


def test_fisher_z_interval_by_hand():
    # r = 0.5, n = 28: z = atanh(0.5) = 0.5493, se = 1/5, CI = tanh(0.5493 ± 1.96 * 0.2)
    low, high = correlations.fisher_ci(0.5, 28)
    assert low == pytest.approx(math.tanh(math.atanh(0.5) - 1.959964 * 0.2), abs=1e-6)
    assert high == pytest.approx(math.tanh(math.atanh(0.5) + 1.959964 * 0.2), abs=1e-6)
    assert all(math.isnan(v) for v in correlations.fisher_ci(0.5, 3))


def test_correlate_and_fit_line():
    teams = pd.DataFrame({"span": [5, 10, 15, 20, 25, 30], "morale": [4.0, 3.8, 3.9, 3.5, 3.3, 3.0]})
    c = correlations.correlate(teams, "span", "morale")
    assert c.n == 6 and c.pearson == pytest.approx(np.corrcoef(teams["span"], teams["morale"])[0, 1])
    assert c.spearman == pytest.approx(-(1 - 6 * (1 + 1) / (6 * 35)))  # one swapped pair
    assert c.pearson_low < c.pearson < c.pearson_high < 0
    line = correlations.fit_line(teams, "span", "morale")
    slope, intercept = np.polyfit(teams["span"], teams["morale"], 1)
    assert line["morale"].tolist() == pytest.approx([intercept + slope * 5, intercept + slope * 30])


def test_team_suppression():
    """Survey figures arrive as the confidentiality layer releases them (missing for a team no wave
    releases); suppress_teams only drops teams below the minimum headcount and counts the rest."""
    teams = pd.DataFrame({
        "org": ["A", "A", "A", "B"], "team": ["a1", "a2", "a3", "b1"], "people": [40, 30, 3, 20],
        "morale": [3.5, float("nan"), 2.0, 4.0], "enps": [10.0, float("nan"), 0.0, 30.0],
    })
    kept, dropped, hidden = correlations.suppress_teams(teams, 5)
    assert dropped == 1 and list(kept["team"]) == ["a1", "a2", "b1"]
    assert pd.isna(kept.loc[1, "morale"]) and pd.isna(kept.loc[1, "enps"])
    assert kept.loc[0, "morale"] == 3.5 and kept.loc[2, "enps"] == 30.0
    assert hidden == 1


def test_effect_json_shape():
    e = Effect(-0.3, -0.4, -0.2, 100)
    assert e.as_json() == {"estimate": -0.3, "ci_low": -0.4, "ci_high": -0.2, "n": 100}
    assert e.excludes_null and Effect(1.1, 0.9, 1.3, 5, null=1.0).covers(1.0)
    assert Effect(float("nan"), float("nan"), float("nan"), 0).as_json()["estimate"] is None


def test_a_mandate_absorbed_by_the_wave_effects_is_not_estimable(respondents):
    # every unit under a mandate from the same wave: the indicator is a combination of wave dummies
    frame = respondents.assign(mandate_in_force=respondents["wave_id"] >= "W04")
    result = morale.fit_morale(frame)
    assert math.isnan(result.effects["mandate_effect"].estimate)
    assert not math.isnan(result.effects["span_effect_per_10_reports"].estimate)


def test_the_ph_test_runs_on_a_sample_of_a_large_frame(person_months, monkeypatch):
    monkeypatch.setattr(attrition, "PH_TEST_MAX_ROWS", 5000)
    result = attrition.fit_cox(person_months)
    assert len(person_months) > 5000
    assert set(result.ph_test["covariate"]) == set(attrition.COVARIATES)
    assert result.ph_test["p"].between(0, 1).all()
    # the hazard ratios still come from every row
    assert result.n_rows == len(person_months)


def test_the_batch_cox_fit_is_lifelines_row_by_row_fit(person_months):
    """fit_cox uses lifelines' batch Efron computation (one step per distinct day): the same
    partial likelihood as the row-by-row one lifelines' heuristic picks for large frames."""
    data = attrition.cox_frame(person_months[person_months["id"] < 1000])
    fits = [CoxPHFitter().fit(data, duration_col="duration_days", event_col="voluntary_exit", strata=["stratum"],
                              batch_mode=mode) for mode in (True, False)]
    assert fits[0].params_.to_numpy() == pytest.approx(fits[1].params_.to_numpy(), rel=1e-9)
    assert fits[0].standard_errors_.to_numpy() == pytest.approx(fits[1].standard_errors_.to_numpy(), rel=1e-9)
    assert fits[0].log_likelihood_ == pytest.approx(fits[1].log_likelihood_, rel=1e-12)


def test_the_logit_design_is_the_one_patsy_builds():
    frame = _layoff_frame(4, 500, ["IC10", "IC3", "M1"], 0.2)
    frame["selected"] = frame["selected"].astype(float)
    patsy = smf.logit(layoffs.LOGIT_FORMULA, data=frame)
    design = layoffs.logit_design(frame)
    assert list(design.columns) == patsy.exog_names
    assert np.array_equal(design.to_numpy(), patsy.exog)


def test_concordance_counts_as_lifelines_with_tied_predictions(person_months):
    """Few distinct covariate values: many predictions tie, and exits tie on the same day."""
    data = attrition.cox_frame(person_months[person_months["id"] < 1500])
    data = data.assign(morale_latest=data["morale_latest"].round(), span_per_10=(data["span_per_10"] > 2).astype(float),
                       token_z=0.0 * data["token_z"])[["duration_days", "voluntary_exit", "stratum", "morale_latest",
                                                       "forced_so_far", "span_per_10"]]
    cph = CoxPHFitter().fit(data, duration_col="duration_days", event_col="voluntary_exit", strata=["stratum"])
    assert cph._predicted_partial_hazards_["P"].nunique() < len(data) / 10
    assert attrition.concordance(cph) == pytest.approx(cph.concordance_index_, rel=1e-12)
