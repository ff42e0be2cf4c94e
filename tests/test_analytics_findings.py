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


def test_hazard_ratios_are_read_as_percent_changes():
    text = findings.hazard_sentence("forced_transfer", Effect(1.8, 1.3, 2.5, 20000, null=1.0))
    assert "80% higher monthly rate of voluntary exit" in text and "not proof of cause" in text
    text = findings.hazard_sentence("morale_per_point", Effect(0.6, 0.45, 0.8, 20000, null=1.0))
    assert "40% lower" in text and "regression calibration" in text
    assert "no clear difference" in findings.hazard_sentence("token_intensity_per_sd", Effect(1.0, 0.8, 1.2, 9, null=1.0))


def test_unestimable_effects_say_so():
    assert "not enough data" in findings.morale_sentence("span_effect_per_10_reports", nan_effect(12))


def test_layoff_sentence_counts_flags_and_hidden_groups():
    text = findings.layoff_sentence(Effect(1.02, 0.85, 1.22, 2900, null=1.0), 3, 20, 2, 1)
    assert "no clear relation" in text and "3 of 20 groups" in text and "1 of them" in text and "2 groups are hidden" in text


def test_correlation_sentence():
    text = findings.correlation_sentence("Span", "Morale", -0.5, -0.8, -0.1, 20)
    assert "a negative correlation" in text and "20 teams" in text and "nothing about cause" in text
    assert "no clear" in findings.correlation_sentence("Span", "Morale", 0.2, -0.2, 0.5, 20)
