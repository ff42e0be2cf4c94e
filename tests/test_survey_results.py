"""Survey results on the hand-made waves of tests/people_data.py: morale index, eNPS, response
rate, theme heatmap and answer distributions against hand-computed values; small groups
(Beta: 3 respondents a wave) never shown; every figure routed through workforce.privacy;
comment sentiment and keywords."""

from __future__ import annotations

import pandas as pd
import pytest

from tests import people_data
from tests import privacy_attack as attack
from workforce import privacy, sentiment, survey_results
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)
ALL = Filters()


con = pytest.fixture(scope="module", name="con")(people_data.connection)


def test_morale_index_and_enps_by_org(con):
    trend = survey_results.morale_trend(con, EXEC, ALL, "org").set_index(["wave_id", "group"])
    gamma_w1 = trend.loc[("W1", "Gamma")]
    # Six respondents answer 4/4 and six 3/3 on the two morale items: 3.5. eNPS: six 9s, six 5s: 0.
    assert gamma_w1["morale_index"] == pytest.approx(3.5)
    assert gamma_w1["enps"] == pytest.approx(0.0)
    assert gamma_w1["respondents"] == 10 and gamma_w1["respondents_band"] == "10–19"  # 12, banded
    gamma_w2 = trend.loc[("W2", "Gamma")]
    assert gamma_w2["morale_index"] == pytest.approx((5 * 2 + 5 * 2.5) / 10)
    assert gamma_w2["enps"] == pytest.approx(-100.0)  # every answer 3 or 6


def test_company_figures_include_small_groups_in_the_total(con):
    trend = survey_results.morale_trend(con, EXEC, ALL, "all").set_index("wave_id")
    respondents = [m for org in ("Alpha", "Beta", "Gamma") for m in people_data.respondent_means("W1", org)]
    assert trend.loc["W1", "respondents"] == 21
    assert trend.loc["W1", "morale_index"] == round(sum(respondents) / 21, 2)
    # eNPS answers W1: Alpha 10,9,9,6,8,7; Beta 0,2,3; Gamma six 9s, six 5s -> 9 promoters, 10 detractors.
    assert trend.loc["W1", "enps"] == round(100 * (9 - 10) / 21)


def test_small_groups_are_never_returned(con):
    for by in ("org", "team"):
        groups = set(survey_results.morale_trend(con, EXEC, ALL, by)["group"])
        assert not any(g.startswith("Beta") for g in groups)
        for wave in ("W1", "W2"):
            assert not any(g.startswith("Beta") for g in survey_results.theme_heatmap(con, EXEC, ALL, wave, by)["group"])
    hr_beta = Viewer("hr", Role.HR_PARTNER, frozenset({"Beta"}))
    assert survey_results.morale_trend(con, hr_beta, ALL, "all").empty
    assert survey_results.likert_distribution(con, hr_beta, ALL, "W1").empty
    assert survey_results.group_response_rates(con, hr_beta, ALL, "org").empty
    assert survey_results.comments(con, hr_beta, ALL, "W1", "all").empty


def test_every_figure_goes_through_the_privacy_layer(con, monkeypatch):
    """If the layer hides everything, nothing survey-based is left on any view."""
    real = privacy.survey_groups

    def hide_all(*args, **kwargs):
        out = real(*args, **kwargs)
        out["suppressed"] = True
        return out

    monkeypatch.setattr(privacy, "survey_groups", hide_all)
    monkeypatch.setattr(privacy, "visible_comments", lambda *a, **k: pd.DataFrame(columns=["question", "comment"]))
    assert survey_results.morale_trend(con, EXEC, ALL, "org").empty
    assert survey_results.group_response_rates(con, EXEC, ALL, "org").empty
    assert survey_results.theme_heatmap(con, EXEC, ALL, "W2", "org").empty
    assert survey_results.likert_distribution(con, EXEC, ALL, "W2").empty
    assert survey_results.comments(con, EXEC, ALL, "W1", "all").empty
    assert survey_results.morale_by_mandate(con, EXEC, ALL).empty


def test_response_rate_denominator_is_headcount_on_opening_day(con):
    rates = survey_results.group_response_rates(con, EXEC, ALL, "org").set_index(["wave_id", "group"])
    assert rates.loc[("W1", "Gamma"), "eligible"] == 17
    # 12 and 10 respondents, both released as "10–19": the rate is an "at least" rate
    assert rates.loc[("W1", "Gamma"), "response_rate"] == round(10 / 17, 2)
    assert rates.loc[("W2", "Gamma"), "response_rate"] == round(10 / 17, 2)
    everyone = survey_results.group_response_rates(con, EXEC, ALL, "all").set_index("wave_id")
    # Opening day of W1 (2 Mar): Exec 1, Alpha 10, Beta 5, Gamma 17.
    assert everyone.loc["W1", "eligible"] == 33
    assert everyone.loc["W1", "response_rate"] == round(21 / 33, 2)


def test_theme_heatmap_changes(con):
    heat = survey_results.theme_heatmap(con, EXEC, ALL, "W2", "org").set_index(["group", "theme"])
    manager = heat.loc[("Gamma", "manager")]
    assert manager["score"] == pytest.approx(2.0)
    assert manager["change_vs_previous"] == pytest.approx(2.0 - 3.0)
    # Company W2 manager item: Alpha 3,3,2,4,3; Beta 5,5,5; Gamma ten 2s = 50 / 18.
    assert manager["vs_company"] == pytest.approx(2.0 - round(50 / 18, 2))
    first = survey_results.theme_heatmap(con, EXEC, ALL, "W1", "org")
    assert first["change_vs_previous"].isna().all()
    with pytest.raises(ValueError, match="unknown survey wave 'W9'"):
        survey_results.theme_heatmap(con, EXEC, ALL, "W9", "org")


def test_likert_distribution(con):
    dist = survey_results.likert_distribution(con, EXEC, ALL, "W2")
    q1 = dist[dist["question_id"] == "q1"].set_index("answer")
    # q1 in W2: Alpha 3,3,2,4,3; Beta 5,5,4; Gamma five 2s and five 3s.
    assert q1["share"].to_dict() == {2: round(6 / 18, 2), 3: round(8 / 18, 2), 4: 0.11, 5: 0.11}
    assert "answers" not in dist.columns  # exact answer counts stay in the layer
    assert set(dist["question_id"]) == {"q1", "q2", "q4", "q6"}  # likert5 only: no eNPS, no text


def test_comments_need_the_comment_minimum(con):
    # W1 company: 21 respondents >= 10, so its comments show, under the company label only.
    company = survey_results.comments(con, EXEC, ALL, "W1", "all")
    assert len(company) == 15 and set(company["group"]) == {survey_results.ALL_LABEL}
    assert set(company["theme"]) == {"morale"}
    # By org: Gamma has 12 in W1 but Alpha + Beta together are 9 < 10, so Gamma would reveal them.
    by_org = survey_results.comments(con, EXEC, ALL, "W1", "org")
    assert by_org.empty or not by_org["group"].str.startswith("Beta").any()
    assert survey_results.comments(con, EXEC, ALL, "W2", "org").empty
    hr_alpha = Viewer("hr", Role.HR_PARTNER, frozenset({"Alpha"}))
    assert survey_results.comments(con, hr_alpha, ALL, "W1", "all").empty  # 6 respondents


def test_comment_sentiment_and_keywords(con):
    found = survey_results.comments(con, EXEC, ALL, "W1", "all")
    love = found[found["comment"].str.startswith("I love")]
    hate = found[found["comment"].str.startswith("Workload")]
    assert (love["sentiment"] > 0.5).all() and (love["tone"] == "positive").all()
    assert (hate["sentiment"] < -0.3).all() and (hate["tone"] == "negative").all()
    keywords = survey_results.comment_keywords(found).set_index("keyword")
    assert keywords.loc["workload", "comments"] == 6
    assert keywords.loc["workload", "mean_sentiment"] < 0
    assert len(survey_results.comments_with_keyword(found, "tools")) == 6


def test_sentiment_helpers():
    assert sentiment.score("") == 0.0 and sentiment.label(0.0) == "neutral"
    assert sentiment.score("This is great, I love it") > 0.5
    assert sentiment.keywords("The tools, the TOOLS and the mandate!") == ["tools", "mandate"]
    assert sentiment.top_keywords(["tools tools", "tools", "other"], min_comments=2) == [("tools", 2)]


def test_morale_by_mandate_fixes_the_split_at_the_latest_wave(con):
    frame = survey_results.morale_by_mandate(con, EXEC, ALL).set_index(["wave_id", "mandated"])
    # Gamma's mandate takes effect on 15 Apr: Gamma is the mandated side in both waves.
    assert frame.loc[("W1", True), "morale_index"] == pytest.approx(3.5)
    other_w1 = people_data.respondent_means("W1", "Alpha") + people_data.respondent_means("W1", "Beta")
    assert frame.loc[("W1", False), "respondents"] == 5  # 9, released as "5–9"
    assert frame.loc[("W1", False), "morale_index"] == round(sum(other_w1) / 9, 2)
    assert frame.loc[("W2", False), "morale_sd"] == round(pd.Series(
        people_data.respondent_means("W2", "Alpha") + people_data.respondent_means("W2", "Beta")).std(), 2)


def test_bad_grouping_is_named(con):
    with pytest.raises(ValueError, match="group by must be one of all, org, team; got 'site'"):
        survey_results.morale_trend(con, EXEC, ALL, "site")


def test_shown_groups_cannot_be_subtracted_to_reach_a_small_group(con):
    """Every figure of every wave, filter and breakdown, and the pooled team figures, attacked
    together (tests/privacy_attack.py): no group of 1–4 respondents follows from them."""
    assert attack.db_hidden_recovered(con, EXEC, 5) == []


def test_response_rates_from_the_pages_trend_match_the_one_call(con):
    """The Morale page joins its own trend to the eligible headcounts: the same rows as the one call."""
    for by in ("org", "all"):
        trend = survey_results.morale_trend(con, EXEC, ALL, by)
        eligible = survey_results.eligible_counts(con, EXEC, ALL, by, tuple(trend["wave_id"].unique()))
        joined = survey_results.response_rates(trend, eligible)
        pd.testing.assert_frame_equal(joined, survey_results.group_response_rates(con, EXEC, ALL, by))
        assert (joined["eligible"] > 0).all()
    with pytest.raises(ValueError, match="group by must be one of"):
        survey_results.eligible_counts(con, EXEC, ALL, "level", ("W1",))
