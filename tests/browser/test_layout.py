"""How every page reads at a desktop width (1,400 px) and a phone width (390 px), per role.

Each page a role may open is visited once (through the sidebar, in the role's one session);
every tab is opened and measured in the browser at both widths: chart text cut with "…", drawn
outside its chart, axis labels Vega hid to avoid overlap, legends cut or outside the chart,
charts taller than a screen or wider than the page; tables with raw column names or raw JSON,
and (at 1,400 px) tables that scroll sideways. The 1,400 px view of each page is saved to
docs/screenshots/<role>/ (JPEG), the 390 px one to artifacts/screenshots/narrow/; axe-core runs
at 390 px (tests/browser/test_roles.py runs it at desktop width).
"""

from __future__ import annotations

import pytest

from tests.browser import layout_checks
from tests.browser.helpers import CHART, CHART_DRAWN, ROOT, SCREENSHOTS, AppPage
from tests.browser.pages_expected import DEMO_VIEWERS
from ui.navigation import pages_for

pytestmark = pytest.mark.browser

WIDE = {"width": 1400, "height": 900}
NARROW = {"width": 390, "height": 844}
DOCS = ROOT / "docs" / "screenshots"
VISITS = [(user, spec) for user, viewer in DEMO_VIEWERS.items() for spec in pages_for(viewer)]


def _measure(app: AppPage, *, wide: bool) -> list[str]:
    """Open each tab of the page in turn and measure its charts and tables."""
    main = app.page.locator('[data-testid="stMain"]')
    problems: list[str] = []
    tabs = main.get_by_role("tab").all()
    for tab in tabs or [None]:
        where = ""
        if tab is not None:
            tab.click()
            app.wait_idle()
            where = f"[tab {tab.inner_text().strip()}] "
        for chart in main.locator(CHART).all():
            if chart.is_visible():
                chart.locator(CHART_DRAWN).first.wait_for()
        app.page.wait_for_timeout(250)  # Vega re-lays out to the container's width
        found = main.evaluate(layout_checks.CHART_PROBLEMS_JS)
        found += layout_checks.table_problems(main.evaluate(layout_checks.TABLES_JS), wide=wide)
        problems += [where + p for p in found]
    if tabs:
        tabs[0].click()
        app.wait_idle()
    return problems


def _shoot(app: AppPage, path) -> None:
    """The top of the page as a reader first sees it (a JPEG of the viewport keeps the file small)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    app.page.evaluate("""() => ['stMain', 'stAppViewContainer'].forEach(id => {
        const e = document.querySelector(`[data-testid="${id}"]`); if (e) e.scrollTo(0, 0); })""")
    app.page.screenshot(path=str(path), type="jpeg", quality=60, animations="disabled")


@pytest.mark.parametrize(("user", "spec"), VISITS, ids=[f"{u}-{s.key}" for u, s in VISITS])
def test_page_reads_at_desktop_and_phone_width(signed_in, user, spec):
    app = signed_in(user)
    role = DEMO_VIEWERS[user].role.value
    try:
        app.page.set_viewport_size(WIDE)
        app.open(spec, default=spec == pages_for(DEMO_VIEWERS[user])[0])
        app.assert_no_exception()
        problems = [f"1,400 px: {p}" for p in _measure(app, wide=True)]
        _shoot(app, DOCS / role / f"{spec.key}.jpg")

        app.page.set_viewport_size(NARROW)
        app.wait_idle()
        problems += [f"390 px: {p}" for p in _measure(app, wide=False)]
        _shoot(app, SCREENSHOTS / "narrow" / f"{role}-{spec.key}.jpg")
        problems += [f"390 px axe: {p}" for p in app.accessibility_problems()]
    finally:
        app.page.set_viewport_size(WIDE)
    assert not problems, f"{user} on {spec.key}:\n" + "\n".join(sorted(set(problems)))
