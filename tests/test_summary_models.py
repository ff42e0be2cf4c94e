"""One answer everywhere: the Executive summary, its HTML report, the Drivers page's report and
`analytics summary` give the same attrition and layoff-model figures on the sample database."""

from __future__ import annotations

import duckdb
import pytest

from analytics.report import drivers_report, summary
from workforce import report
from workforce import summary as executive
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)


@pytest.fixture(scope="module")
def con(sample_db_path):
    c = duckdb.connect(str(sample_db_path), read_only=True)
    yield c
    c.close()


def test_the_executive_summary_says_what_the_drivers_page_says(con, sample_db_path):
    page = drivers_report(con, EXEC).findings
    result = executive.executive_summary(con, EXEC, Filters())
    found = {f.title: f.text for f in result.findings}
    attrition = found["Who leaves by choice (company-wide model)"]
    for key in ("attrition.morale_per_point", "attrition.forced_transfer", "attrition.span_per_10_reports",
                "attrition.morale_per_point_corrected"):
        assert page[key] in attrition
    assert attrition.index(page["attrition.morale_per_point"]) < attrition.index(
        page["attrition.morale_per_point_corrected"])  # the headline before its sensitivity
    assert found["Layoff selection and AI use (company-wide model)"] == page["layoffs"]
    html = report.summary_html(result)
    assert "Who leaves by choice" in html and "Sensitivity to answer noise" in html


def test_the_command_line_gives_the_figures_the_sentences_quote(con, sample_db_path):
    page = drivers_report(con, EXEC)
    fresh = summary(sample_db_path, sample_db_path.parent / "pseudonym.key", ph_test=False)
    morale = fresh["attrition"]["hazard_ratio"]["morale_per_point"]
    stored = page.models.cox.hazard_ratios["morale_per_point"]
    assert morale["estimate"] == pytest.approx(stored.estimate, rel=1e-9)
    assert (morale["ci_low"], morale["ci_high"]) == pytest.approx((stored.ci_low, stored.ci_high), rel=1e-9)
    sentence = page.findings["attrition.morale_per_point"]
    assert f"hazard ratio {morale['estimate']:.2f} (95% CI {morale['ci_low']:.2f} to {morale['ci_high']:.2f}" in sentence
