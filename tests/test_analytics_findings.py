"""The plain sentences say what the numbers show, and what they do not."""

from __future__ import annotations

from analytics import findings
from analytics.effects import Effect, nan_effect


def test_a_clear_morale_effect_names_size_ci_n_and_the_design():
    text = findings.morale_sentence("mandate_effect", Effect(-0.31, -0.4, -0.22, 8123), pretrend_p=0.43)
    assert "0.31 points lower" in text and "−0.40 to −0.22" in text and "8,123 answers" in text
    assert "parallel" in text and "no sign against that" in text and "p = 0.43" in text


def test_a_failed_pretrend_is_a_warning():
    text = findings.morale_sentence("mandate_effect", Effect(-0.31, -0.4, -0.22, 100), pretrend_p=0.01)
    assert "a warning against that" in text


def test_an_interval_covering_zero_is_no_clear_difference():
    text = findings.morale_sentence("token_effect", Effect(0.01, -0.02, 0.03, 500))
    assert "no clear difference" in text and "consistent with no association" in text
    assert "lower" not in text.split(":")[0]


def test_hazard_ratios_are_read_as_percent_changes_plain_sentence_first():
    text = findings.hazard_sentence("forced_transfer", Effect(1.8, 1.3, 2.5, 20000, null=1.0))
    assert text.startswith("People who had been force-transferred left more often")
    assert "80% higher monthly rate of voluntary exit" in text and "not proof of cause" in text
    assert "hazard ratio 1.80 (95% CI 1.30 to 2.50; n = 20,000 person-months)" in text
    text = findings.hazard_sentence("morale_per_point", Effect(0.611, 0.55, 0.68, 35000, null=1.0))
    assert text.startswith("People with higher morale left less often") and "39% lower" in text
    assert "as answered" in text and "regression calibration" not in text
    assert "no clear difference" in findings.hazard_sentence("token_intensity_per_sd", Effect(1.0, 0.8, 1.2, 9, null=1.0))


def test_an_unestimable_hazard_ratio_gives_its_reason_not_a_sample_size_riddle():
    text = findings.hazard_sentence("token_intensity_per_sd", nan_effect(39515, null=1.0, reason="no AI usage data"))
    assert "no estimate — no AI usage data" in text and "not enough data" not in text


def test_the_corrected_ratio_is_said_as_a_sensitivity():
    text = findings.corrected_sentence(Effect(0.48, 0.4, 0.57, 35000, null=1.0), 0.63, 0.61, 0.65, "")
    assert text.startswith("Sensitivity to answer noise") and "0.48" in text and "stays the uncorrected one" in text
    none = findings.corrected_sentence(None, float("nan"), float("nan"), float("nan"), "an exact index")
    assert "no correction made — an exact index" in none


def test_unestimable_effects_say_so():
    assert "not enough data" in findings.morale_sentence("span_effect_per_10_reports", nan_effect(12))


def test_layoff_sentence_leads_with_the_model_then_counts_flags_and_hidden_groups():
    text = findings.layoff_sentence(Effect(1.02, 0.85, 1.22, 2900, null=1.0), 1, 20, 2, 3)
    assert text.index("no clear relation") < text.index("groups shown")
    assert "Of 20 groups shown, 1 were laid off" in text and "Holm" in text and "3 fall below" in text
    assert "2 groups are hidden" in text
    missing = findings.layoff_sentence(nan_effect(0, null=1.0, reason="no AI usage data"), 0, 20, 0, 0)
    assert "no estimate — no AI usage data" in missing


def test_correlation_sentence():
    text = findings.correlation_sentence("Span", "Morale", -0.5, -0.8, -0.1, 20)
    assert "a negative correlation" in text and "20 teams" in text and "nothing about cause" in text
    assert "no clear" in findings.correlation_sentence("Span", "Morale", 0.2, -0.2, 0.5, 20)
