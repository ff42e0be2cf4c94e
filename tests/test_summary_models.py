"""One answer everywhere: the Executive summary, its HTML report, the Drivers page's report and
`analytics summary` give the same attrition and layoff-model figures on the sample database."""

from __future__ import annotations

from html import escape

import pytest

from analytics.report import drivers_report, summary
from ui.navigation import pages_for
from workforce import executive, report
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)


def test_the_executive_summary_says_what_the_drivers_page_says(sample_con, sample_db_path):
    report_ = drivers_report(sample_con, EXEC)
    page = report_.findings
    candidates = {f.key: f for f in executive.model_findings(sample_con)}
    for key, effect in report_.models.cox.hazard_ratios.items():
        finding = candidates[f"attrition.{key}"]
        assert finding.detail == page[f"attrition.{key}"]  # the page's sentence, word for word
        assert finding.estimate.value == effect.estimate  # the same stored estimate
        assert (finding.estimate.low, finding.estimate.high) == (effect.ci_low, effect.ci_high)
        # the page says "no clear difference" exactly when the summary says "no clear link"
        assert ("showed no clear difference" in page[f"attrition.{key}"]) == finding.sentence.startswith("No clear")
    layoffs = candidates["layoffs"]
    assert layoffs.detail == page["layoffs"]
    assert ("showed no clear relation" in page["layoffs"]) == layoffs.sentence.startswith("No clear")
    result = executive.executive_summary(sample_con, EXEC, Filters(), pages={p.key for p in pages_for(EXEC)})
    assert 3 <= len(result.findings) <= 5
    html = report.summary_html(result)
    for finding in result.findings:
        assert escape(finding.sentence) in html and escape(finding.detail) in html


def test_the_command_line_gives_the_figures_the_sentences_quote(sample_con, sample_db_path):
    page = drivers_report(sample_con, EXEC)
    fresh = summary(sample_db_path, sample_db_path.parent / "pseudonym.key", ph_test=False)
    morale = fresh["attrition"]["hazard_ratio"]["morale_per_point"]
    stored = page.models.cox.hazard_ratios["morale_per_point"]
    assert morale["estimate"] == pytest.approx(stored.estimate, rel=1e-9)
    assert (morale["ci_low"], morale["ci_high"]) == pytest.approx((stored.ci_low, stored.ci_high), rel=1e-9)
    sentence = page.findings["attrition.morale_per_point"]
    assert f"hazard ratio {morale['estimate']:.2f} (95% CI {morale['ci_low']:.2f} to {morale['ci_high']:.2f}" in sentence
