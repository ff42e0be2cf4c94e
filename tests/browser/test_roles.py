"""Every role in a real browser: each page it may open renders (charts, key figures, no
exception), has no serious or critical axe-core violation, and is screenshotted; each page it may
not open is neither offered nor reachable."""

from __future__ import annotations

import pytest

from tests.browser.helpers import NO_ACCESS, AppPage, password_for
from tests.browser.pages_expected import DEMO_VIEWERS, expect
from ui.navigation import PAGES, pages_for

pytestmark = pytest.mark.browser

ALLOWED = [(user, spec) for user, viewer in DEMO_VIEWERS.items() for spec in pages_for(viewer)]
DENIED = [
    (user, spec) for user, viewer in DEMO_VIEWERS.items() for spec in PAGES if spec not in pages_for(viewer)
]


def _default(user: str):
    return pages_for(DEMO_VIEWERS[user])[0]


def test_demo_accounts_are_what_the_tests_assume(browser_db):
    stored = browser_db[3]
    for user, assumed in DEMO_VIEWERS.items():
        real = stored.get(user)
        assert real is not None, f"demo account {user} missing"
        assert real.role == assumed.role
        assert (real.employee_id is not None) == (assumed.employee_id is not None)
        assert bool(real.orgs) == bool(assumed.orgs)


def test_signed_out_visitor_is_offered_no_page(new_page):
    app: AppPage = new_page()
    for path in ["/", *(f"/{spec.key}" for spec in PAGES)]:
        app.goto(path)
        assert app.page.get_by_role("button", name="Sign in").is_visible(), path
        assert app.nav_titles() == [], f"{path}: pages offered before sign-in: {app.nav_titles()}"
        assert app.heading() == "Workforce impact", f"{path} showed {app.heading()!r} before sign-in"
        app.assert_no_exception()
    problems = app.accessibility_problems()
    assert not problems, "the sign-in screen: axe-core found\n" + "\n".join(problems)


def test_wrong_password_is_refused(new_page):
    app: AppPage = new_page()
    app.goto("/")
    app.page.get_by_role("textbox", name="Username").fill("admin")
    app.page.get_by_role("textbox", name="Password").fill("not-the-password")
    app.page.get_by_role("button", name="Sign in").click()
    app.page.get_by_text("Unknown username or wrong password.").wait_for()
    assert app.nav_titles() == []
    assert app.page.get_by_text("Signed in as").count() == 0


@pytest.mark.parametrize("user", list(DEMO_VIEWERS))
def test_navigation_offers_exactly_the_allowed_pages(signed_in, user):
    app = signed_in(user)
    allowed = [spec.title for spec in pages_for(DEMO_VIEWERS[user])]
    # Streamlit draws no navigation for a single page: that page is simply shown.
    assert app.nav_titles() == (allowed if len(allowed) > 1 else [])


@pytest.mark.parametrize(("user", "spec"), ALLOWED, ids=[f"{u}-{s.key}" for u, s in ALLOWED])
def test_allowed_page_renders(signed_in, user, spec):
    app = signed_in(user)
    app.open(spec, default=spec == _default(user))
    app.assert_no_exception()
    assert app.page.get_by_text(NO_ACCESS).count() == 0, f"{user} refused on {spec.key}"
    wanted = expect(spec.key)
    app.charts(wanted.charts)
    app.metrics(wanted.metrics)
    assert app.heading() == spec.title, f"{spec.key} is titled {app.heading()!r}"
    for text in wanted.texts:
        assert app.page.get_by_text(text).count() > 0, f"{spec.key}: {text!r} not shown"
    app.assert_no_exception()  # charts draw after the script run: check again once they have
    app.screenshot(f"{DEMO_VIEWERS[user].role.value}-{spec.key}")
    problems = app.accessibility_problems()
    assert not problems, f"{user} on {spec.key}: axe-core found\n" + "\n".join(problems)


@pytest.mark.parametrize(("user", "spec"), DENIED, ids=[f"{u}-{s.key}" for u, s in DENIED])
def test_denied_page_is_not_reachable_by_url(new_page, user, spec):
    app: AppPage = new_page()
    app.goto(f"/{spec.key}")
    app.sign_in(user, password_for(user))
    app.assert_no_exception()
    url = app.page.url.split("?")[0].rstrip("/")
    refused = app.page.get_by_text(NO_ACCESS).count() > 0
    # Either the page's own gate refused, or the router served the role's default page instead.
    assert refused or not url.endswith(f"/{spec.key}"), f"{user} reached {spec.key} by URL"
    assert spec.title not in app.nav_titles()
    for text in expect(spec.key).texts:
        assert app.page.get_by_text(text).count() == 0, f"{user} sees {spec.key}'s {text!r}"
