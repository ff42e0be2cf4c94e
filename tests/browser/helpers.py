"""What a browser test does to the running app: sign in, open a page, wait, check, screenshot.

Streamlit keeps the signed-in user in its per-tab session, so a test moves between pages by
clicking the sidebar navigation; loading a URL starts a new, signed-out session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from ui.navigation import PageSpec
from workforce.auth import DEMO_PASSWORDS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}  # a desktop width
TIMEOUT_MS = 45_000  # generous: CI has two cores shared by two workers, servers and browsers

EXCEPTION = '[data-testid="stException"]'
CHART = '[data-testid="stVegaLiteChart"]'
CHART_DRAWN = "svg.marks, canvas.marks"  # Vega's root element once the chart is rendered
METRIC = '[data-testid="stMetric"]'
NAV_LINK = '[data-testid="stSidebarNavLink"]'
NO_ACCESS = "You do not have access to this page."
SERIOUS = ("serious", "critical")
_AXE = Axe()  # axe-core ships inside the package: nothing is fetched at run time


def password_for(username: str) -> str:
    from tests.browser.conftest import RESPONDENT_PASSWORD

    return DEMO_PASSWORDS.get(username, RESPONDENT_PASSWORD)


@dataclass
class AppPage:
    """A Playwright page on the app, with the JavaScript errors it raised."""

    page: Page
    base_url: str
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    # --- moving around -------------------------------------------------------------------
    def goto(self, path: str) -> None:
        """Load a URL: a new Streamlit session (signed out)."""
        self.page.goto(self.base_url + path)
        self.wait_idle()

    def wait_idle(self) -> None:
        """Connected, the script has finished its run, and nothing on screen is stale."""
        self.page.wait_for_function(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                return app !== null
                    && app.getAttribute('data-test-script-state') === 'notRunning'
                    && document.querySelector('[data-stale="true"]') === null;
            }"""
        )

    def sign_in(self, username: str, password: str) -> None:
        page = self.page
        page.get_by_role("textbox", name="Username").fill(username)
        page.get_by_role("textbox", name="Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as").wait_for()
        self.wait_idle()

    def nav_titles(self) -> list[str]:
        return [t.strip() for t in self.page.locator(NAV_LINK).all_inner_texts()]

    def open(self, spec: PageSpec, *, default: bool) -> None:
        """Open a page through the sidebar. `default`: the role's first page, served at "/"."""
        links = self.page.locator(NAV_LINK).filter(has_text=re.compile(rf"^\s*{re.escape(spec.title)}\s*$"))
        if links.count() == 0:
            # Streamlit shows no navigation for a role with a single page: it is already open.
            assert default and not self.nav_titles(), f"no sidebar link to {spec.title!r}: {self.nav_titles()}"
        else:
            links.first.click()
        expected = self.base_url + ("/" if default else f"/{spec.key}")
        self.page.wait_for_url(lambda url: url.split("?")[0].rstrip("/") == expected.rstrip("/"))
        self.wait_idle()

    # --- checks --------------------------------------------------------------------------
    def assert_no_exception(self) -> None:
        boxes = self.page.locator(EXCEPTION)
        assert boxes.count() == 0, "Streamlit exception on the page:\n" + "\n---\n".join(boxes.all_inner_texts())
        assert not self.errors, f"JavaScript errors: {self.errors}"

    def charts(self, minimum: int = 0) -> int:
        """Wait until every Vega chart on the page has drawn, opening each tab in turn.

        Returns how many charts the page holds (all tabs); fails below `minimum`.
        """
        main = self.page.locator('[data-testid="stMain"]')
        tabs = main.get_by_role("tab").all()
        for tab in tabs or [None]:
            if tab is not None:
                tab.click()
                self.wait_idle()
            for chart in main.locator(CHART).all():
                if chart.is_visible():
                    chart.locator(CHART_DRAWN).first.wait_for()
        if tabs:
            tabs[0].click()
            self.wait_idle()
        count = main.locator(CHART).count()
        assert count >= minimum, f"expected at least {minimum} charts, found {count}"
        return count

    def metrics(self, minimum: int = 0) -> dict[str, str]:
        """Key figures (st.metric) as label -> value; each must show a value."""
        if minimum:
            self.page.locator(METRIC).nth(minimum - 1).wait_for(state="attached")  # may sit in a closed tab
        figures: dict[str, str] = {}
        for metric in self.page.locator(METRIC).all():
            label = metric.locator('[data-testid="stMetricLabel"]').text_content().strip()
            value = metric.locator('[data-testid="stMetricValue"]').text_content().strip()
            assert value, f"metric {label!r} shows no value"
            figures[label] = value
        assert len(figures) >= minimum, f"expected at least {minimum} key figures, found {figures}"
        return figures

    def heading(self) -> str:
        """The page's first h1 (its title)."""
        h1 = self.page.locator("h1")
        return h1.first.inner_text().strip() if h1.count() else ""

    def table_rows(self, index: int = 0) -> list[list[str]]:
        """The header and rows of the `index`-th st.dataframe, from its accessible grid."""
        frame = self.page.locator('[data-testid="stDataFrame"]').nth(index)
        frame.locator('[role="gridcell"], td').first.wait_for(state="attached")
        return frame.evaluate(
            """e => Array.from(e.querySelectorAll('[role=row], tr')).map(r =>
                Array.from(r.querySelectorAll('[role=gridcell], [role=columnheader], th, td'))
                    .map(c => c.textContent.trim()))"""
        )

    def accessibility_problems(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is now, one line each."""
        found = _AXE.run(self.page).response["violations"]
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:160]}"
            for v in found if v.get("impact") in SERIOUS
        ]

    def screenshot(self, name: str) -> Path:
        """The whole page at desktop width: the main area scrolls inside the app, so the
        viewport is stretched to its content for the shot, then put back."""
        path = SCREENSHOTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        height = self.page.evaluate(
            """() => Math.max(...['stMain', 'stSidebarContent', 'stAppViewContainer'].map(id => {
                const e = document.querySelector(`[data-testid="${id}"]`);
                return e ? e.scrollHeight : 0;
            }))"""
        )
        tall = min(max(int(height), VIEWPORT["height"]), 8000)
        try:
            if tall > VIEWPORT["height"]:
                self.page.set_viewport_size({"width": VIEWPORT["width"], "height": tall})
                self.page.wait_for_timeout(300)  # let Vega re-lay out charts to the new size
            self.page.screenshot(path=str(path), full_page=True, animations="disabled")
        finally:
            self.page.set_viewport_size(VIEWPORT)
        return path
