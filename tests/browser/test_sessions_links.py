"""Sessions and links in a real browser: sign-in survives a reload and ends with sign-out; a
filtered view's URL reopens the same view for someone allowed to see it and is kept to their own
scope (with a message) or refused for anyone else; a page a role may not open says so; the Deploy
button is not offered."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.browser.helpers import NO_ACCESS, AppPage, password_for
from tests.browser.pages_expected import DEMO_VIEWERS, spec
from ui.navigation import pages_for
from workforce.sessions import COOKIE_NAME

pytestmark = pytest.mark.browser

ORG_PICKER = '[data-testid="stSidebar"] [data-testid="stMultiSelect"]'


def _sign_in_at(new_page, path: str, user: str) -> AppPage:
    app: AppPage = new_page()
    app.goto(path)
    app.sign_in(user, password_for(user))
    return app


def _chosen_orgs(app: AppPage) -> str:
    """The text of the sidebar's Org picker (its chosen values, or the placeholder)."""
    return app.page.locator(ORG_PICKER).first.inner_text()


def test_sign_in_survives_a_reload_and_sign_out_ends_it(new_page):
    app = _sign_in_at(new_page, "/org_changes", "exec")
    cookie = next(c for c in app.page.context.cookies() if c["name"] == COOKIE_NAME)
    assert cookie["sameSite"] == "Strict" and cookie["expires"] > 0
    assert cookie["value"] not in app.page.url  # the token never travels in the URL
    app.page.reload()
    app.wait_idle()
    app.page.get_by_text("Signed in as").wait_for()
    assert app.heading() == spec("org_changes").title, "the reload lost the page"
    app.assert_no_exception()

    app.page.get_by_role("button", name="Sign out").click()
    app.page.get_by_role("button", name="Sign in").wait_for()
    app.wait_idle()
    assert not [c for c in app.page.context.cookies() if c["name"] == COOKIE_NAME and c["value"]]
    app.page.reload()
    app.wait_idle()
    assert app.page.get_by_role("button", name="Sign in").is_visible()
    assert app.page.get_by_text("Signed in as").count() == 0


def test_a_copied_token_is_dead_after_sign_out(new_page, browser, app_server):
    """Sign-out revokes the session on the server: a copy of the cookie made before is refused."""
    app = _sign_in_at(new_page, "/", "exec")
    stolen = [c for c in app.page.context.cookies() if c["name"] == COOKIE_NAME]
    app.page.get_by_role("button", name="Sign out").click()
    app.page.get_by_role("button", name="Sign in").wait_for()
    other = new_page()
    other.page.context.add_cookies(stolen)
    other.goto("/")
    assert other.page.get_by_role("button", name="Sign in").is_visible()
    assert other.page.get_by_text("Signed in as").count() == 0


def test_a_shared_filtered_url_reopens_the_view_within_scope(new_page, browser_db, company_orgs):
    hr_org = sorted(browser_db[3]["hr"].orgs)[0]
    other_org = next(o for o in company_orgs if o != hr_org)

    # The admin narrows a page to the HR partner's org: the URL says so.
    admin = _sign_in_at(new_page, "/org_changes", "admin")
    admin.page.locator(ORG_PICKER).first.click()
    admin.page.keyboard.type(hr_org)
    admin.page.keyboard.press("Enter")
    admin.page.keyboard.press("Escape")
    admin.page.wait_for_url(re.compile(r"[?&]org="))
    admin.wait_idle()
    shared = admin.page.url
    assert parse_qs(urlsplit(shared).query)["org"] == [hr_org]

    # The HR partner of that org opens it: the same view.
    hr = _sign_in_at(new_page, shared.removeprefix(admin.base_url), "hr")
    assert hr.heading() == spec("org_changes").title
    assert hr_org in _chosen_orgs(hr)
    assert hr.page.locator('[data-testid="stAlert"]').filter(has_text="outside your scope").count() == 0
    hr.assert_no_exception()

    # A link naming another org: the HR partner's own scope, and a message saying why.
    elsewhere = _sign_in_at(new_page, "/org_changes?" + urlencode({"org": other_org}), "hr")
    elsewhere.page.get_by_text("outside your scope").first.wait_for()
    assert other_org not in _chosen_orgs(elsewhere)
    assert other_org not in elsewhere.page.locator('[data-testid="stMain"]').inner_text()
    elsewhere.assert_no_exception()

    # Someone whose role may not open the page at all is refused, and told so.
    employee = _sign_in_at(new_page, shared.removeprefix(admin.base_url), "employee")
    employee.page.get_by_text(NO_ACCESS).wait_for()
    assert not employee.page.locator('[data-testid="stVegaLiteChart"]').count()


@pytest.mark.parametrize("user", ["exec", "hr", "employee"])
def test_a_denied_page_says_so_at_its_own_address(new_page, user):
    denied = next(s for s in (spec("cost_alerts"), spec("audit_log")) if s not in pages_for(DEMO_VIEWERS[user]))
    app = _sign_in_at(new_page, f"/{denied.key}", user)
    assert urlsplit(app.page.url).path.rstrip("/").endswith(denied.key), "moved silently to another page"
    app.page.get_by_text(NO_ACCESS).wait_for()
    assert denied.title not in app.nav_titles()
    app.assert_no_exception()
    assert not app.accessibility_problems()


def test_no_deploy_button_or_developer_menu(signed_in):
    app = signed_in("admin")
    assert app.page.get_by_role("button", name=re.compile("Deploy", re.IGNORECASE)).count() == 0
    assert app.page.locator('[data-testid="stAppDeployButton"]').count() == 0
