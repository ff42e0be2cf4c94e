"""The admins' cost-alert review in a real browser: one case at a time, opened with a reason,
decided with a reason, and no table of named people anywhere on the page."""

from __future__ import annotations

import pytest

from tests.browser.pages_expected import spec

pytestmark = pytest.mark.browser


def test_a_case_is_opened_with_a_reason_and_decided(signed_in):
    app = signed_in("admin")
    app.open(spec("cost_alerts"), default=False)
    page = app.page
    header, *rows = app.table_rows(0)
    assert header[-4:] == ["Org", "Kind", "Status", "Cases"], header  # counts per org, not people
    assert page.locator('[data-testid="stDownloadButton"]').count() == 0

    # No reason, no case.
    page.get_by_role("button", name="Open the next case").click()
    page.get_by_text("Reason for opening").wait_for()
    app.wait_idle()
    assert page.get_by_text("Context:").count() == 0

    page.get_by_label("Why are you opening a case now? (written to the audit log)").fill("weekly review")
    page.get_by_role("button", name="Open the next case").click()
    page.get_by_text("Context:").wait_for()
    app.wait_idle()
    assert page.locator('[data-testid="stMetric"]').count() >= 4  # the case's figures and its team's spread
    assert page.locator('[data-testid="stDataFrame"]').count() == 1  # still only the counts
    app.screenshot("admin-cost_alerts-case")

    page.get_by_role("button", name="Save decision").click()
    page.get_by_text("A reason is required").wait_for()
    app.wait_idle()
    page.get_by_label("Reason for the decision (required)").fill("owner told; agent left running")
    page.get_by_role("button", name="Save decision").click()
    page.get_by_text("Decision saved").wait_for()
    app.wait_idle()
    assert page.get_by_text("Context:").count() == 0
    app.assert_no_exception()

    # The audit log shows the opening with its reason.
    app.open(spec("audit_log"), default=False)
    page.get_by_text("case_opened").first.wait_for(state="attached")  # grid cells are drawn on a canvas
    assert page.get_by_text("weekly review", exact=False).count() >= 1
    app.assert_no_exception()
