"""One answer to the mandate question everywhere: on the loaded sample, the Executive summary, the
HTML report, the Drivers page's report and the JSON of `python -m analytics summary` carry the
estimate, interval and sentence of the model stored at load (`analytics.stored.read_mandate`)."""

from __future__ import annotations

import re
from html import escape

import pytest

from analytics import findings, stored
from analytics.report import drivers_report, summary_json
from ui.navigation import pages_for
from workforce import executive, report
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

EXEC = Viewer("exec", Role.EXECUTIVE)


@pytest.fixture
def model(sample_con):
    return stored.read_mandate(sample_con)


def test_the_sample_has_a_gated_staggered_estimate(model):
    # the sample plants -0.30 at every mandated org: covered, trends not rejected, 5 mandated units
    assert model.estimated and model.effect.covers(-0.30)
    assert not model.pretrends_rejected and model.treated_units == 5 and model.control_units >= 2
    assert list(model.by_months["months"]) == list(range(-3, 7))


def test_executive_summary_finding_equals_the_model(sample_con, model):
    result = executive.executive_summary(sample_con, EXEC, Filters(), pages={p.key for p in pages_for(EXEC)})
    finding = next(f for f in result.findings if f.key == "mandate")
    assert finding is result.findings[0]  # the one clear, large finding of the sample ranks first
    assert finding.clear == (model.effect.excludes_null and not model.pretrends_rejected
                             and not model.precision_limited)
    assert finding.detail == findings.mandate_sentence(model)  # the Drivers page's sentence, word for word
    size = float(re.search(r"Morale was ([\d.]+) points", finding.sentence).group(1))
    low, high = (float(x.replace("−", "-")) for x in
                 re.search(r"95% interval ([−+\d.]+) to ([−+\d.]+)", finding.sentence).groups())
    assert size == round(abs(model.effect.estimate), 2)
    assert (low, high) == (round(model.effect.ci_low, 2), round(model.effect.ci_high, 2))
    assert finding.glossary == findings.GLOSSARY and finding.page == "drivers"
    html = report.summary_html(result)
    assert escape(finding.sentence) in html and escape(findings.mandate_sentence(model)) in html
    assert "Terms used" in html


def test_drivers_page_and_json_show_the_same_numbers(sample_con, model, sample_db_path):
    page = drivers_report(sample_con, EXEC)
    assert page.findings["morale.mandate_effect"] == findings.mandate_sentence(model)
    assert page.models.morale.effects["mandate_effect"] == model.effect
    payload = summary_json(stored.with_company_audit(stored.read_models(sample_con), 5, sample_con))
    shown = payload["morale"]["mandate_effect"]
    assert (shown["estimate"], shown["ci_low"], shown["ci_high"], shown["n"]) == (
        model.effect.estimate, model.effect.ci_low, model.effect.ci_high, model.effect.n)
    assert shown["parallel_trends"] == model.parallel_trends()
    assert payload["findings"]["morale.mandate_effect"] == findings.mandate_sentence(model)
    assert [r["months"] for r in payload["morale"]["mandate_effect_by_months_since"]] == list(range(-3, 7))
    assert {r["org"] for r in payload["morale"]["mandate_effect_by_org"]} == set(model.by_org["org"])
