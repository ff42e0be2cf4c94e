"""The attrition model's own choices, tested by planting effects and against lifelines:
the uncorrected morale ratio is the headline; the corrected one is a sensitivity whose
reliability comes from item-centred answers and is never applied to an exact index; the model
adjusts for tenure band, level and org with a baseline per month; a covariate that cannot be
estimated is dropped with its reason while the others are still fit."""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter

from analytics import attrition
from analytics.frames import sql

TRUE_HR = 0.6


def survey_answers(rng: np.random.Generator, latent: np.ndarray, difficulty: tuple[float, ...], noise_sd: float):
    """Continuous answers: latent morale + the question's difficulty + answer noise (one row per answer)."""
    n, k = len(latent), len(difficulty)
    values = latent[:, None] + np.asarray(difficulty)[None, :] + rng.normal(0, noise_sd, (n, k))
    return values


def spread_of(values: np.ndarray) -> pd.DataFrame:
    """What morale_answer_spread.sql returns for one wave of answers (centred per question)."""
    centred = values - values.mean(axis=0)
    k = values.shape[1]
    index = values.mean(axis=1)
    return pd.DataFrame({"wave_id": "W1", "k": k, "morale_index": index,
                         "centred_ss": centred.var(axis=1, ddof=1) * (k - 1), "same_index": 1,
                         "same_index_values": 1})


def test_answer_spread_sql_centres_items_so_difficulty_is_not_noise():
    """Through the product's SQL: three questions of very different difficulty, noise sd 0.5."""
    rng = np.random.default_rng(1)
    n = 3000
    values = np.clip(np.round(survey_answers(rng, rng.normal(3.2, 0.5, n), (-1.0, 0.0, 0.8), 0.5)), 1, 5)
    con = duckdb.connect()
    con.execute("CREATE TABLE stg_survey_questions AS SELECT * FROM (VALUES ('W1', 'q1', 'likert5', 'morale'), "
                "('W1', 'q2', 'likert5', 'morale'), ('W1', 'q3', 'likert5', 'morale'), ('W1', 'e', 'enps', 'morale')) "
                "t(wave_id, question_id, kind, theme)")
    con.execute("CREATE TABLE stg_survey_submissions AS SELECT 'r' || i AS response_id, 'W1' AS wave_id "
                "FROM range(?) t(i)", [n])
    answers = pd.DataFrame({"response_id": np.repeat([f"r{i}" for i in range(n)], 4),
                            "question_id": np.tile(["q1", "q2", "q3", "e"], n),
                            "value": np.column_stack([values, np.full(n, 7.0)]).ravel()})
    con.register("answers_df", answers)
    con.execute("CREATE TABLE stg_survey_answers AS SELECT * FROM answers_df")
    spread = con.execute(sql("morale_answer_spread")).df()
    noise = attrition.answer_noise(spread)
    assert len(spread) == n and (spread["k"] == 3).all()
    assert (spread["same_index_values"] > 1).any()  # noisy answers: the index does not fix them
    centred = values - values.mean(axis=0)
    assert noise.variance == pytest.approx(centred.var(axis=1, ddof=1).mean(), rel=1e-9)
    # rounding adds about 1/12 to the 0.25 of the noise; the uncentred spread would add the
    # difficulties' own variance (about 0.8) on top and more than triple it
    assert 0.25 < noise.variance < 0.40
    assert values.var(axis=1, ddof=1).mean() > 2 * noise.variance
    low, high = np.percentile(noise.draws, [2.5, 97.5])
    assert low < noise.variance < high and high - low < 0.05


def person_months_from(rng: np.random.Generator, latent: np.ndarray, index: np.ndarray, months: int = 6,
                       base: float = 0.03) -> pd.DataFrame:
    """Monthly rows with exits drawn from the latent morale (HR 0.6 per point); the model sees `index`."""
    people = len(latent)
    forced = rng.random(people) < 0.2
    span = rng.integers(3, 50, people)
    alive = np.ones(people, bool)
    parts = []
    for m in range(months):
        rate = base * np.exp(math.log(TRUE_HR) * (latent - 3.4) + math.log(1.8) * forced)
        leave = alive & (rng.random(people) < rate)
        idx = np.flatnonzero(alive)
        parts.append(pd.DataFrame({
            "month": pd.Timestamp(2026, m + 1, 1), "org": np.where(idx % 3 == 0, "A", "B"),
            "duration_days": np.where(leave[idx], rng.integers(1, 30, len(idx)), 30),
            "voluntary_exit": leave[idx], "morale_latest": index[idx], "forced_so_far": forced[idx],
            "span_per_10": span[idx] / 10, "token_z": rng.normal(size=len(idx)),
        }))
        alive &= ~leave
    return pd.concat(parts, ignore_index=True)


def test_corrected_ratio_recovers_the_planted_ratio_when_items_differ_in_difficulty():
    """The defect: the old correction read item difficulty as noise and gave 0.35 for a true 0.60.
    Here the headline (uncorrected) ratio is pulled toward 1 by the noise, as expected, and the
    corrected sensitivity covers 0.6 in every seed."""
    covered, uncorrected = 0, []
    for seed in (1, 2, 3):
        rng = np.random.default_rng(seed)
        latent = rng.normal(3.4, 0.45, 6000)
        values = survey_answers(rng, latent, (-1.0, 0.0, 0.8), 0.6)
        frame = person_months_from(rng, latent, values.mean(axis=1))
        result = attrition.fit_cox(frame, ph_test=False, noise=attrition.answer_noise(spread_of(values)))
        corrected = result.morale_corrected
        assert corrected is not None and corrected.label == attrition.CORRECTED_LABEL
        covered += corrected.covers(TRUE_HR)
        uncorrected.append(result.hazard_ratios["morale_per_point"].estimate)
        # reliability ~ 0.45² / (0.45² + 0.36/3) = 0.63, with a bootstrap interval around it
        cal = result.calibration
        assert 0.5 < cal.reliability < 0.75 and cal.reliability_low < cal.reliability < cal.reliability_high
        assert corrected.estimate == pytest.approx(
            math.exp(math.log(result.hazard_ratios["morale_per_point"].estimate) / cal.reliability), rel=1e-9)
    assert covered == 3
    assert all(TRUE_HR + 0.05 < u < 1 for u in uncorrected)  # attenuated toward 1


def test_an_exact_index_gets_no_correction():
    """Sentiment 1-10 spread over four items by a fixed rule (as the real-data test maps it): the
    items differ, but the index is a function of the sentiment and carries no answer noise."""
    sentiment = np.random.default_rng(4).integers(1, 11, 2000)
    total = sentiment + 6
    items = np.stack([(total + 3 - j) // 4 for j in range(4)], axis=1)
    assert (items.sum(axis=1) == total).all() and items.min() >= 1 and items.max() <= 5
    index = items.mean(axis=1)
    spread = spread_of(items.astype(float)).assign(morale_index=index)
    counts = spread.groupby("morale_index")["morale_index"].transform("size")
    spread = spread.assign(same_index=counts, same_index_values=1)
    noise = attrition.answer_noise(spread)
    assert noise.variance == 0.0 and "exact" in noise.reason
    rng = np.random.default_rng(4)
    result = attrition.fit_cox(person_months_from(rng, index, index), ph_test=False, noise=noise)
    assert result.morale_corrected is None and "exact" in result.calibration.reason
    assert result.hazard_ratios["morale_per_point"].estimated


@pytest.fixture(scope="module")
def adjusted_frame() -> pd.DataFrame:
    """Person-months where level drives both morale and exits, plus a VP level nobody leaves."""
    rng = np.random.default_rng(7)
    people = 5000
    level = rng.choice(["IC3", "IC4", "IC5"], people, p=[0.4, 0.4, 0.2])
    level[:40] = "VP"
    shift = pd.Series(level).map({"IC3": -0.4, "IC4": 0.0, "IC5": 0.4, "VP": 0.5}).to_numpy()
    latent = rng.normal(3.4, 0.4, people) + shift
    tenure = rng.choice(["<1y", "1-2y", "2-5y", "5y+"], people)
    frame = person_months_from(rng, latent, latent)
    # level raises the exit rate on its own: more exits among IC3 (refit the exits with that)
    ids = frame.groupby("month").cumcount()
    frame["level"] = level[ids]
    frame["tenure_band"] = tenure[ids]
    vp = frame["level"] == "VP"
    frame.loc[vp, "voluntary_exit"] = False
    frame.loc[vp, "duration_days"] = 30
    return frame


def test_model_adjusts_for_tenure_level_and_org_with_a_baseline_per_month(adjusted_frame):
    result = attrition.fit_cox(adjusted_frame)
    data = adjusted_frame.copy()
    data["stratum"] = data["month"].astype(str)
    data["forced_so_far"] = data["forced_so_far"].astype(float)
    data["voluntary_exit"] = data["voluntary_exit"].astype(int)
    # the VP level has no exits: pooled with the most common level (as the product does)
    data["level"] = data["level"].replace({"VP": data["level"].mode()[0]})
    dummies = pd.get_dummies(data[["level", "tenure_band", "org"]], drop_first=True, dtype=float)
    direct = CoxPHFitter().fit(
        pd.concat([data[["duration_days", "voluntary_exit", "stratum", *attrition.COVARIATES]], dummies], axis=1),
        duration_col="duration_days", event_col="voluntary_exit", strata=["stratum"],
    )
    for key, (col, _) in attrition.HAZARD_RATIOS.items():
        assert math.log(result.hazard_ratios[key].estimate) == pytest.approx(direct.params_[col], abs=1e-6)
    assert any("VP" in note and "pooled" in note for note in result.notes)
    assert set(result.ph_test["covariate"]) == set(attrition.COVARIATES)  # the factors, not the adjustments


def test_a_covariate_without_variation_is_dropped_with_its_reason_and_the_rest_still_fit(adjusted_frame):
    frame = adjusted_frame.assign(forced_so_far=False, token_z=np.nan)
    result = attrition.fit_cox(frame, ph_test=True)
    hr = result.hazard_ratios
    assert not hr["forced_transfer"].estimated and "nobody was force-transferred" in hr["forced_transfer"].reason
    assert not hr["token_intensity_per_sd"].estimated and "no AI usage data" in hr["token_intensity_per_sd"].reason
    assert hr["morale_per_point"].estimated and hr["span_per_10_reports"].estimated
    assert hr["morale_per_point"].n == len(frame)  # the missing token column leaves no row out
    assert hr["forced_transfer"].as_json()["reason"] == hr["forced_transfer"].reason
    assert hr["forced_transfer"].as_json()["estimate"] is None
    assert any("Forced transfer so far: dropped" in note for note in result.notes)
    assert set(result.ph_test["covariate"]) == {"morale_latest", "span_per_10"}


def test_no_exits_in_the_window_says_so_for_every_ratio(adjusted_frame):
    frame = adjusted_frame.assign(voluntary_exit=False)
    result = attrition.fit_cox(frame)
    for effect in result.hazard_ratios.values():
        assert not effect.estimated and "no voluntary exits in the window" in effect.reason


def test_a_factor_that_only_varies_between_orgs_is_dropped_not_confounded_with_them(adjusted_frame):
    """One manager per org: the span is a property of the org, and the org adjustment absorbs it."""
    frame = adjusted_frame.assign(span_per_10=adjusted_frame["org"].map({"A": 1.2, "B": 3.4}))
    result = attrition.fit_cox(frame, ph_test=False)
    span = result.hazard_ratios["span_per_10_reports"]
    assert not span.estimated and "cannot separate it" in span.reason
    assert result.hazard_ratios["morale_per_point"].estimated and result.hazard_ratios["forced_transfer"].estimated
