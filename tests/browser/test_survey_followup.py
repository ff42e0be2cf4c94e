"""In a real browser: the Comment topics tab draws its chart with example comments, an admin
writes an action plan for the whole company, and an employee reads it as "You said … we are
doing …" on the Pulse survey page."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import CHART, CHART_DRAWN, AppPage
from tests.browser.pages_expected import spec

pytestmark = pytest.mark.browser

HEARD = "Too many meetings since the reorg."
ACTION = "Cut the standing meetings of every team to two a week."


def main_text(app: AppPage) -> str:
    return app.page.locator('[data-testid="stMain"]').inner_text()


def test_comment_topics_and_actions_render_and_reach_employees(new_page):
    admin = new_page()
    admin.goto("/")
    admin.sign_in("admin", "admin-demo")
    admin.open(spec("survey_waves"), default=False)
    main = admin.page.locator('[data-testid="stMain"]')

    main.get_by_role("tab", name="Comment topics").click()
    admin.wait_idle()
    chart = main.locator(CHART).filter(visible=True).first
    chart.locator(CHART_DRAWN).first.wait_for()
    assert chart.get_attribute("aria-label") == ("Bars of how many comments mention each topic, split into "
                                                 "negative, neutral and positive.")
    text = main_text(admin)
    assert "Example comments" in text and re.search(r"\(\d+ comments\)", text), text[-2000:]
    expander = main.locator('[data-testid="stExpander"]').filter(visible=True).first
    expander.locator("summary").click()
    example = expander.locator('[data-testid="stText"]').first
    example.wait_for()
    assert len(example.inner_text().strip()) > 10  # a comment, word for word
    admin.assert_no_exception()
    admin.screenshot("admin-survey_waves-comment_topics")

    main.get_by_role("tab", name="Action plans").click()
    admin.wait_idle()
    form = main.locator('[data-testid="stForm"]').filter(visible=True).first
    form.get_by_label("You said (what the group told us)").fill(HEARD)
    form.get_by_label("What we will do").fill(ACTION)
    form.get_by_role("button", name="Create plan").click()
    admin.page.get_by_text("Plan created.").wait_for()
    admin.assert_no_exception()
    admin.screenshot("admin-survey_waves-action_plans")

    employee = new_page()
    employee.goto("/")
    employee.sign_in("employee", "employee-demo")
    employee.open(spec("pulse_survey"), default=True)
    employee.page.get_by_text("You said, we are doing").wait_for()
    text = main_text(employee)
    assert f"You said: {HEARD}" in text and f"We are doing: {ACTION}" in text, text
    assert "The whole company" in text
    employee.assert_no_exception()
    employee.screenshot("employee-pulse_survey-actions")
