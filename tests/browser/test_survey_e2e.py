"""End to end in a real browser: employees answer the pulse survey, a second submission is
refused, and the HR partner's live participation does not move with the day's submissions (it is
a band, counted to the end of the previous day, for groups of at least 5)."""

from __future__ import annotations

import pytest

from tests.browser import layout_checks
from tests.browser.conftest import RESPONDENT_PASSWORD, RESPONDENTS
from tests.browser.helpers import AppPage
from tests.browser.pages_expected import spec
from workforce import surveys
from workforce.privacy import DEFAULT_MIN_SCORES

pytestmark = pytest.mark.browser

ACCEPTED = surveys.SubmitResult("accepted").message
ALREADY = surveys.SubmitResult("already_received").message


def survey_form(app: AppPage):
    form = app.page.locator('[data-testid="stForm"]')
    form.wait_for()
    return form


def answer_with_mouse(app: AppPage) -> None:
    """Pick the fourth option of every question (Agree; 3 on the 0–10 scale) and submit."""
    form = survey_form(app)
    groups = form.get_by_role("radiogroup").all()
    assert len(groups) >= 2, f"the survey form shows {len(groups)} questions"
    for group in groups:
        group.locator("label").nth(3).click()
    form.get_by_role("button", name="Submit answers").click()


def assert_receipt(app: AppPage, *, today: bool = True) -> None:
    """The form is replaced by a receipt: the wave, the day (in the session that sent it), what
    happens next; no Submit button is left; company results follow."""
    app.wait_idle()
    app.page.get_by_role("heading", name="Receipt").wait_for()
    text = app.page.locator('[data-testid="stMain"]').inner_text()
    assert "Survey:" in text and "What happens next" in text and "closes on" in text, text
    assert ("Received on " in text) == today, text
    assert app.page.locator('[data-testid="stForm"]').count() == 0, "the filled form is still on screen"
    assert app.page.get_by_role("button", name="Submit answers").count() == 0
    assert app.page.get_by_text("Company results of closed surveys").count() == 1


def hr_org_response_row(app: AppPage) -> dict[str, str]:
    """The HR partner's own org row of the live response rates of the demo wave."""
    app.open(spec("survey_waves"), default=False)
    header, *rows = app.table_rows(1)
    assert len(rows) == 1, f"the HR partner should see exactly their org: {rows}"
    org = dict(zip(header, rows[0], strict=True))
    # below it, the org's teams: bands only, none shown while fewer than 5 of the org answered
    header, *teams = app.table_rows(2)
    assert teams and "Team" in header and "Respondents" not in header, header
    for team in (dict(zip(header, row, strict=True)) for row in teams):
        assert team["Org"] == org["Org"], team
        if org["Enough answers to show"] == "false":
            assert team["Enough answers to show"] == "false", team
    return org | {f"team {i}": "|".join(row) for i, row in enumerate(teams)}


def test_submit_once_refuse_second_and_hr_sees_no_live_count(new_page, app_server):
    hr = new_page()
    hr.goto("/")
    hr.sign_in("hr", "hr-demo")
    before = hr_org_response_row(hr)
    assert app_server.hr_org_respondents < DEFAULT_MIN_SCORES
    assert before["Enough answers to show"] == "false", f"{app_server.hr_org_respondents} respondents: {before}"
    assert "Respondents" not in before, before  # no count of an open wave is shown

    # Two tabs of the same person, both showing the form.
    first, second = new_page(), new_page()
    for tab in (first, second):
        tab.goto("/")
        tab.sign_in(RESPONDENTS[0], RESPONDENT_PASSWORD)
        survey_form(tab)
    answer_with_mouse(first)
    first.page.get_by_text(ACCEPTED).wait_for()
    app_server.hr_org_respondents += 1
    first.assert_no_exception()
    assert_receipt(first)

    # The second tab's submission is refused, by the database, not by a stale form.
    answer_with_mouse(second)
    second.page.get_by_text(ALREADY).wait_for()
    second.assert_no_exception()

    # Signing in again offers no form, only the receipt.
    again = new_page()
    again.goto("/")
    again.sign_in(RESPONDENTS[0], RESPONDENT_PASSWORD)
    again.page.get_by_text(ALREADY).wait_for()
    assert again.page.locator('[data-testid="stForm"]').count() == 0
    assert_receipt(again, today=False)

    # Further colleagues answer until the org reaches the minimum group size.
    for username in RESPONDENTS[1:]:
        if app_server.hr_org_respondents >= DEFAULT_MIN_SCORES:
            break
        colleague = new_page()
        colleague.goto("/")
        colleague.sign_in(username, RESPONDENT_PASSWORD)
        answer_with_mouse(colleague)
        colleague.page.get_by_text(ACCEPTED).wait_for()
        app_server.hr_org_respondents += 1
    assert app_server.hr_org_respondents >= DEFAULT_MIN_SCORES

    hr = new_page()  # a new session reads the live figures afresh
    hr.goto("/")
    hr.sign_in("hr", "hr-demo")
    after = hr_org_response_row(hr)
    # today's answers count from tomorrow: nothing on the page moved with them
    assert after == before, (before, after)
    hr.screenshot("hr_partner-survey_waves-after-submissions")


def test_hr_partner_reads_favourability_and_the_focus_grid(new_page, app_server):
    """The Favourability and Focus areas tabs draw their charts, with the grid's four plain labels."""
    hr = new_page()
    hr.goto("/")
    hr.sign_in("hr", "hr-demo")
    hr.open(spec("survey_waves"), default=False)
    main = hr.page.locator('[data-testid="stMain"]')
    for tab, words in (("Favourability", ["Favourable = answers of 4–5", "95% interval"]),
                       ("Focus areas", ["Lines split the items at the median relation"])):
        main.get_by_role("tab", name=tab).click()
        hr.wait_idle()
        panel = main.get_by_role("tabpanel", name=tab)
        panel.locator('[data-testid="stVegaLiteChart"]').first.locator("svg.marks, canvas.marks").first.wait_for()
        text = panel.inner_text()
        for word in words:
            assert word in text, (tab, word, text[:400])
    grid = main.get_by_role("tabpanel", name="Focus areas").locator('[data-testid="stVegaLiteChart"]').first
    assert "focus here" in grid.inner_text() or grid.locator("text", has_text="focus here").count() >= 1
    # every favourability figure has its column, and the table fits the page without scrolling sideways
    main.get_by_role("tab", name="Favourability").click()
    hr.wait_idle()
    panel = main.get_by_role("tabpanel", name="Favourability")
    panel.locator('[data-testid="stDataFrame"] [role="gridcell"]').first.wait_for(state="attached")
    table = next(t for t in panel.evaluate(layout_checks.TABLES_JS) if "Gap (points)" in t["header"])
    for column in ("Item", "Answers", "Fav / neutral / unfav %", "Mean (1–5)", "Change (points, 95% interval)"):
        assert column in table["header"], table["header"]
    assert table["overflow"] <= 1, table
    main.get_by_role("tab", name="Focus areas").click()
    hr.wait_idle()
    hr.assert_no_exception()
    hr.screenshot("hr_partner-survey_waves-focus_areas")
