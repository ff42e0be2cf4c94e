"""The mandate estimator (analytics.mandate): assignment units, the library's Callaway-Sant'Anna
estimates against a hand-coded group-time ATT (2x2 regressions in statsmodels), reasons instead
of blanks, the JSON shape, and the sentence's gating by pre-trends and precision."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analytics import findings, mandate
from analytics.effects import Effect


def _mandates(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["org", "team", "effective_date"]).assign(
        effective_date=lambda d: pd.to_datetime(d["effective_date"]))


def test_units_are_what_mandates_are_assigned_to():
    teams = pd.DataFrame({"org": ["A", "A", "B", "B", "C"], "team": ["a1", "a2", "b1", "b2", "c1"]})
    m = _mandates(("A", None, "2026-03-01"),  # A org-wide
                  ("A", "a2", "2026-06-01"),  # a later pilot changes nothing: a2 is already mandated
                  ("B", "b2", "2026-02-01"))  # a team pilot in an org without an org-wide mandate
    units = mandate.assignment_units(teams, m).set_index(["org", "team"])
    assert units.loc[("A", "a1"), "unit"] == units.loc[("A", "a2"), "unit"] == "A"
    assert units.loc[("A", "a2"), "first_mandate"] == pd.Timestamp("2026-03-01")
    assert units.loc[("B", "b2"), "unit"] == "B / b2" and units.loc[("B", "b1"), "unit"] == "B"
    assert pd.isna(units.loc[("B", "b1"), "first_mandate"]) and pd.isna(units.loc[("C", "c1"), "first_mandate"])
    company = mandate.assignment_units(teams, _mandates(("*", None, "2026-05-01")))
    assert (company["first_mandate"] == pd.Timestamp("2026-05-01")).all()


# ------------------------------------------------------------------------------------------
# A panel of unit x wave cells with staggered cohorts and a growing, unit-specific effect

WAVES = 10
COHORTS = {"u1": 3, "u2": 5, "u3": 5, "u4": 7, "u5": 0, "u6": 0, "u7": 0}


def _cells(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i, (unit, g) in enumerate(COHORTS.items()):
        level = rng.normal(3.3, 0.2)
        for t in range(1, WAVES + 1):
            if unit == "u7" and t < 4:
                continue  # a unit that appears late: an unbalanced panel
            effect = (-0.2 - 0.05 * (t - g) - 0.1 * i) if g and t >= g else 0.0
            rows.append({"unit": unit, "wave_seq": t, "cohort": g, "respondents": 50,
                         "y": level - 0.03 * t + effect + rng.normal(0, 0.05)})
    return pd.DataFrame(rows)


def _hand_att_gt(cells: pd.DataFrame) -> dict[tuple[int, int], float]:
    """Callaway & Sant'Anna's ATT(g, t) with never-treated comparisons and a varying base period:
    each is the treated coefficient of an OLS of the change (t against g-1, or t-1 before g) on a
    treated dummy, over the cohort's units and the never-treated units seen in both periods."""
    wide = cells.pivot(index="unit", columns="wave_seq", values="y")
    cohort = cells.groupby("unit")["cohort"].first()
    out = {}
    for g in sorted(set(cohort) - {0}):
        for t in range(2, WAVES + 1):
            base = g - 1 if t >= g else t - 1
            units = cohort[(cohort == g) | (cohort == 0)].index
            change = (wide.loc[units, t] - wide.loc[units, base]).dropna()
            treated = (cohort[change.index] == g).astype(float)
            fit = sm.OLS(change.to_numpy(), sm.add_constant(treated.to_numpy())).fit()
            out[(g, t)] = float(fit.params[1])
    return out


def test_library_estimates_equal_a_hand_coded_group_time_att():
    cells = _cells()
    fit = mandate._fit(cells, "y", "never_treated")
    att = _hand_att_gt(cells)
    cohort = cells.groupby("unit")["cohort"].first()
    size = cohort[cohort != 0].value_counts()
    post = {(g, t): v for (g, t), v in att.items() if t >= g}
    # overall ATT: post cells weighted by cohort size (each unit x wave counts once)
    overall = sum(size[g] * v for (g, _), v in post.items()) / sum(size[g] for g, _ in post)
    assert fit.overall == pytest.approx(overall, abs=1e-10)
    for k in (-3, -1, 0, 2, 4):
        cell = {(g, t): v for (g, t), v in att.items() if t - g == k}
        expected = sum(size[g] * v for (g, _), v in cell.items()) / sum(size[g] for g, _ in cell)
        assert fit.events[k] == pytest.approx(expected, abs=1e-10)
    for g in size.index:
        mine = [v for (gg, _), v in post.items() if gg == g]
        assert fit.groups[int(g)] == pytest.approx(np.mean(mine), abs=1e-10)


def test_dynamic_effect_is_not_cancelled_by_already_treated_controls():
    cells = _cells()
    fit = mandate._fit(cells, "y", "never_treated")
    truth = cells.loc[(cells["cohort"] > 0) & (cells["wave_seq"] >= cells["cohort"])].assign(
        effect=lambda d: -0.2 - 0.05 * (d["wave_seq"] - d["cohort"])
        - 0.1 * d["unit"].map({u: i for i, u in enumerate(COHORTS)}))
    assert fit.overall == pytest.approx(truth["effect"].mean(), abs=0.03)


# ------------------------------------------------------------------------------------------
# The respondent-level entry point


def _respondents(cells: pd.DataFrame, per_cell: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Respondents whose cell means are the cells' y; each unit is an org with one team."""
    start = pd.Timestamp("2026-01-15")
    rows = []
    for r in cells.itertuples():
        for j in range(per_cell):
            rows.append({"wave_seq": r.wave_seq, "ref_date": start + pd.DateOffset(months=r.wave_seq - 1),
                         "org": r.unit, "team": "t", "morale_index": r.y + (j - (per_cell - 1) / 2) * 0.1,
                         "span_per_10": 0.5 + 0.1 * (j % 3), "forced_180d": float(j == 0)})
    frame = pd.DataFrame(rows)
    cohort = cells.groupby("unit")["cohort"].first()
    m = _mandates(*[(u, None, (start + pd.DateOffset(months=g - 1) - pd.Timedelta(days=14)).date())
                    for u, g in cohort.items() if g])
    return frame, m


def test_fit_reports_att_events_orgs_units_and_method():
    frame, m = _respondents(_cells())
    result = mandate.fit_mandate_effect(frame, m, permutations=99)
    assert result.estimated and result.treated_units == 4 and result.control_units == 3
    assert result.method == "callaway-santanna/never-treated/randomization-inference"
    assert result.effect.ci_low < result.effect.estimate < result.effect.ci_high
    assert result.precision_limited  # 4 mandated units
    out = mandate.json_fields(result)
    assert [r["months"] for r in out["mandate_effect_by_months_since"]] == list(range(-3, 7))
    assert {r["org"] for r in out["mandate_effect_by_org"]} == {"u1", "u2", "u3", "u4"}
    assert set(out["mandate_effect"]) >= {"estimate", "ci_low", "ci_high", "n", "parallel_trends", "treated_units",
                                          "control_units", "method"}
    assert set(out["mandate_effect"]["parallel_trends"]) == {"p_value", "rejected"}
    # the same answers give the same numbers (fixed permutation seed)
    again = mandate.fit_mandate_effect(frame, m, permutations=99)
    assert again.effect == result.effect and again.pretrend_p == result.pretrend_p


@pytest.mark.parametrize("case, mandates, reason", [
    ("no mandate", [], "no AI mandate in the data"),
    ("before the first wave", [("u1", None, "2025-01-01")], "no mandated org or team has survey waves both before"),
    ("everyone at once", [("*", None, "2026-05-01")], "there is no untreated comparison"),
])
def test_a_model_that_cannot_be_fitted_says_why(case, mandates, reason):
    frame, _ = _respondents(_cells())
    result = mandate.fit_mandate_effect(frame, _mandates(*mandates) if mandates else _mandates(), permutations=19)
    assert not result.estimated and reason in result.reason
    payload = result.as_json()
    assert payload["estimate"] is None and reason in payload["reason"]
    assert findings.mandate_sentence(result).startswith("The effect of AI mandates on morale cannot be estimated")


def _effect(**kw) -> mandate.MandateEffect:
    base = {"effect": Effect(-0.31, -0.38, -0.24, 5000, mandate.LABEL, mandate.UNIT), "p_value": 0.01,
            "pretrend_p": 0.6, "treated_units": 6, "control_units": 4}
    return mandate.MandateEffect(**(base | kw))


def test_sentence_plain_language_first_then_statistics():
    text = findings.mandate_sentence(_effect())
    assert text.startswith("Morale was about 0.31 points lower (on 1–5) in orgs after their AI mandate than "
                           "expected from orgs without one.")
    assert "95% interval −0.38 to −0.24" in text and "6 mandated and 4 comparison units" in text


def test_a_rejected_pre_trend_leads_and_the_gap_is_not_called_the_mandates():
    text = findings.mandate_sentence(_effect(pretrend_p=0.01))
    assert text.startswith("Warning: before their mandates")
    assert "does not measure what the mandates did" in text and not text.startswith("Morale was")
    assert _effect(pretrend_p=0.01).as_json()["parallel_trends"] == {"p_value": 0.01, "rejected": True}


def test_few_mandated_units_say_precision_is_limited_not_significant():
    text = findings.mandate_sentence(_effect(treated_units=2))
    assert "precision is limited" in text
    assert "larger than chance" not in text and "p = 0.01" not in text
    assert math.isclose(_effect(treated_units=2).as_json()["treated_units"], 2)
