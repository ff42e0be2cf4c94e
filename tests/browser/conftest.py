"""Real-browser fixtures: one `streamlit run app.py` and one Chromium per test process.

Each xdist worker that runs browser tests starts its own server on a free loopback port,
against its own copy of the sample database (with extra survey respondents added before
the server opens it), and stops it after the session. Chromium is Debian's
(`/usr/bin/chromium`, installed by `make browser-deps`); Playwright's own browser download is
never used. A missing Chromium fails the tests with a clear message: they never skip.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pytest

from bench.server import ServerError, streamlit_server
from tests.browser import helpers
from workforce import auth, surveys
from workforce.viewer import Role, Viewer

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("WORKFORCE_CHROMIUM", "/usr/bin/chromium"))
# The network is closed here: without these Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 90

# Extra accounts created in the test database before the server starts: employees of the HR
# partner's org who each submit the pulse survey once (the minimum group size is 5), and one
# who fills the form with the keyboard alone.
RESPONDENT_PASSWORD = "respondent-demo"
RESPONDENTS = tuple(f"respondent{i}" for i in range(1, 4))
KEYBOARD_USER = "keyboard"
# Submitted through workforce.surveys before the server starts, so the browser needs only two
# more to reach the minimum group size of 5 in the HR partner's org.
SEEDED_RESPONDENTS = 3


@dataclass
class TestServer:
    base_url: str
    db_path: Path
    accounts: dict[str, str] = field(default_factory=dict)  # extra username -> employee_id
    wave_id: str = ""  # the open whole-company demo wave
    # Respondents to the demo wave in the HR partner's org: seeded before start, plus each
    # browser submission a test confirmed (tests of one process share this server).
    hr_org_respondents: int = 0


def _add_survey_accounts(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], list[str]]:
    """Employees of the HR partner's org, employed on the data's last day, as sign-in accounts;
    and further such employees (no account) whose answers are seeded."""
    hr_orgs = [o for (o,) in con.execute("SELECT org FROM app_user_scopes WHERE username = 'hr'").fetchall()]
    assert hr_orgs, "the demo HR partner has no org in the test database"
    taken = {e for (e,) in con.execute("SELECT employee_id FROM app_users WHERE employee_id IS NOT NULL").fetchall()}
    people = con.execute(
        "SELECT employee_id FROM mart_employee_month "
        "WHERE month = (SELECT max(month) FROM mart_employee_month) AND exit_date IS NULL "
        "AND list_contains(?, org) ORDER BY employee_id",
        [hr_orgs],
    ).fetchall()
    free = [e for (e,) in people if e not in taken]
    names = (*RESPONDENTS, KEYBOARD_USER)
    needed = len(names) + SEEDED_RESPONDENTS
    assert len(free) >= needed, f"only {len(free)} employees free in {hr_orgs} for survey accounts"
    accounts = dict(zip(names, free, strict=False))
    for username, employee_id in accounts.items():
        auth.create_user(
            con, username, role=Role.EMPLOYEE, password=RESPONDENT_PASSWORD,
            display_name=f"Test {username}", employee_id=employee_id,
        )
    return accounts, free[len(names):needed]


def _open_demo_wave(con: duckdb.DuckDBPyConnection, key_path: Path, seeded: list[str]) -> str:
    """The open whole-company wave the app offers, with `seeded` people's answers already in."""
    today = date.today()
    surveys.ensure_demo_wave(con, today)
    wave_id = con.execute(
        "SELECT wave_id FROM stg_survey_waves WHERE opens_on <= ? AND ? <= closes_on AND audience_orgs IS NULL "
        "ORDER BY opens_on DESC LIMIT 1",
        [today, today],
    ).fetchall()[0][0]
    answers = {
        q.question_id: (8 if q.kind == "enps" else 4 if q.kind == "likert5" else "")
        for q in surveys.wave_questions(con, wave_id)
    }
    for employee_id in seeded:
        person = Viewer(f"seed-{employee_id}", Role.EMPLOYEE, employee_id=employee_id)
        result = surveys.submit_response(con, person, wave_id, answers, today=today, key_path=key_path)
        assert result.status == "accepted", (employee_id, result)
    return wave_id


@pytest.fixture(scope="session")
def browser_db(sample_db_path, tmp_path_factory) -> tuple[Path, dict[str, str], str, dict[str, Viewer | None]]:
    """A private copy of the sample database with the extra survey accounts and an open wave,
    and the demo accounts as stored (read here: once the server runs it holds the file)."""
    folder = tmp_path_factory.mktemp("browser_db")
    db_path = folder / "workforce.duckdb"
    shutil.copy(sample_db_path, db_path)
    shutil.copy(sample_db_path.parent / "pseudonym.key", folder / "pseudonym.key")
    con = duckdb.connect(str(db_path))
    try:
        accounts, seeded = _add_survey_accounts(con)
        wave_id = _open_demo_wave(con, folder / "pseudonym.key", seeded)
        demo = {name: auth.viewer_for(con, name) for name in auth.DEMO_PASSWORDS}
    finally:
        con.close()
    return db_path, accounts, wave_id, demo


@pytest.fixture(scope="session")
def company_orgs(sample_db_path) -> list[str]:
    """Every org of the sample company (read from the pristine sample, which no server holds)."""
    con = duckdb.connect(str(sample_db_path), read_only=True)
    try:
        return [o for (o,) in con.execute("SELECT DISTINCT org FROM mart_employee_month ORDER BY org").fetchall()]
    finally:
        con.close()


@pytest.fixture(scope="session")
def server(browser_db, tmp_path_factory) -> Iterator[TestServer]:
    """`streamlit run app.py` on a free loopback port against the test database (bench.server)."""
    db_path, accounts, wave_id, _ = browser_db
    log_path = tmp_path_factory.mktemp("server") / "streamlit.log"
    try:
        with streamlit_server(db_path, db_path.parent / "pseudonym.key", log_path, SERVER_START_TIMEOUT_S) as running:
            yield TestServer(running.base_url, db_path, accounts, wave_id=wave_id,
                             hr_org_respondents=SEEDED_RESPONDENTS)
    except ServerError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Missing Chromium is a failure, never a skip."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. The browser tests need it: run `make browser-deps` "
            "(apt-get install chromium). Never `playwright install`."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def app_server(server, browser) -> TestServer:
    """The server after one visit to "/".

    Until app.py has called st.navigation once in a process, Streamlit treats pages/ as an
    old-style multipage folder: the very first session after start, if it opens /<page>
    directly, runs that file alone (its require_page refuses a signed-out visitor) and lists
    the files of pages/ in the sidebar. Tests must not depend on which test comes first, so
    the server is warmed once; see the report of issue 8 for the fix (a folder not named pages/).
    """
    context = browser.new_context(viewport=helpers.VIEWPORT)
    try:
        app = helpers.AppPage(context.new_page(), server.base_url)
        app.goto("/")
        app.page.get_by_role("button", name="Sign in").wait_for()
    finally:
        context.close()
    return server


@pytest.fixture
def new_page(browser, app_server) -> Iterator[Callable[[], helpers.AppPage]]:
    """A factory of fresh pages (each its own browser context: own Streamlit session), closed after."""
    contexts = []

    def make() -> helpers.AppPage:
        context = browser.new_context(viewport=helpers.VIEWPORT)
        context.set_default_timeout(helpers.TIMEOUT_MS)
        contexts.append(context)
        app = helpers.AppPage(context.new_page(), app_server.base_url)
        _touched.append(app)
        return app

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def signed_in(browser, app_server) -> Iterator[Callable[[str], helpers.AppPage]]:
    """A signed-in page per demo user, kept for the whole session so page tests reuse it.

    Tests navigate with the sidebar (a URL change reloads the page, which is a new, signed-out
    Streamlit session).
    """
    pages: dict[str, helpers.AppPage] = {}

    def get(username: str) -> helpers.AppPage:
        app = pages.get(username)
        if app is None or app.page.is_closed():
            context = browser.new_context(viewport=helpers.VIEWPORT)
            context.set_default_timeout(helpers.TIMEOUT_MS)
            app = helpers.AppPage(context.new_page(), app_server.base_url)
            app.goto("/")
            app.sign_in(username, helpers.password_for(username))
            pages[username] = app
        app.errors.clear()
        _touched.append(app)
        return app

    yield get
    for app in pages.values():
        app.page.context.close()


# Pages a test used, screenshotted when it fails (artifacts/screenshots/failed/) to see why.
_touched: list[helpers.AppPage] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed and _touched:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
        for i, app in enumerate(_touched):
            try:
                if not app.page.is_closed():
                    app.screenshot(f"failed/{name}-{i}")
            except Exception:  # noqa: BLE001 - a failed screenshot must not hide the real failure
                pass


@pytest.fixture(autouse=True)
def _forget_touched_pages():
    _touched.clear()
    yield
