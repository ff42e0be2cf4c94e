"""The executive story and the HR partner's drill-down in a real browser, at 1,400 px: the summary
reads as ranked findings with a "what to look at" link that opens its page; a click on an org's
bar narrows the Overview to it, a click on a team's bar to the team, each title naming what is
shown and the URL holding it; the breadcrumb goes back. Takes the README's screenshots
(docs/screenshots/exec_summary.png, drill_down.png)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.helpers import CHART, CHART_DRAWN, NAV_LINK, AppPage, password_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
README_SHOTS = ROOT / "docs" / "screenshots"
README_VIEWPORT = {"width": 1400, "height": 900}
BAR = "g.mark-rect path"  # Vega's SVG bars; each carries an aria-label with its values


def _signed_in(browser, app_server, username: str) -> AppPage:
    context = browser.new_context(viewport=README_VIEWPORT)
    context.set_default_timeout(45_000)
    app = AppPage(context.new_page(), app_server.base_url)
    app.goto("/")
    app.sign_in(username, password_for(username))
    return app


def _open(app: AppPage, title: str, key: str) -> None:
    app.page.locator(NAV_LINK).filter(has_text=re.compile(rf"^\s*{re.escape(title)}\s*$")).first.click()
    app.page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/").endswith(key))
    app.wait_idle()


def _chart(app: AppPage):
    chart = app.page.locator(f'[data-testid="stMain"] {CHART}').first
    chart.locator(CHART_DRAWN).first.wait_for()
    return chart


def _chart_title(app: AppPage) -> str:
    """The drill-down chart's title as drawn (Vega's title text; a long title is drawn as lines)."""
    lines = _chart(app).locator("g.mark-group.role-title text").first.locator("tspan")
    if lines.count():
        return " ".join(t.strip() for t in lines.all_text_contents())
    return _chart(app).locator("g.mark-group.role-title text").first.text_content().strip()


def _shot(app: AppPage, name: str) -> Path:
    """The whole page at 1,400 px for the README: the viewport is stretched to the content."""
    height = app.page.evaluate(
        """() => Math.max(...['stMain', 'stAppViewContainer'].map(id => {
            const e = document.querySelector(`[data-testid="${id}"]`);
            return e ? e.scrollHeight : 0;
        }))"""
    )
    app.page.set_viewport_size({"width": README_VIEWPORT["width"], "height": min(max(int(height), 900), 4000)})
    app.page.wait_for_timeout(400)  # Vega re-lays out to the new size
    path = README_SHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    app.page.screenshot(path=str(path), full_page=True, animations="disabled")
    app.page.set_viewport_size(README_VIEWPORT)
    return path


def test_the_summary_reads_as_ranked_findings_with_links(browser, app_server):
    app = _signed_in(browser, app_server, "exec")
    try:
        _open(app, "Executive summary", "")
        main = app.page.locator('[data-testid="stMain"]')
        main.get_by_role("heading", name="What stands out").wait_for()
        _chart(app)
        findings = [t.strip() for t in main.locator('[data-testid="stMarkdownContainer"] p').all_inner_texts()
                    if re.match(r"^\d\. ", t.strip())]
        assert 3 <= len(findings) <= 5, findings
        assert [f.split(".")[0] for f in findings] == [str(i) for i in range(1, len(findings) + 1)]
        assert all("95% interval" in f for f in findings)
        assert findings[0].startswith("1. Morale was 0.") and "lower" in findings[0]
        assert all("No clear" in f for f in findings[1:] if "interval 0." in f and " to 1." in f)
        labels = app.metrics(minimum=5)
        assert "Headcount as of 31 Oct 2026" in labels and "Open cost alerts" not in labels
        assert not main.get_by_text(re.compile(r"80% range \$([\d,]+)–\$\1\b")).count()  # no empty forecast
        app.assert_no_exception()
        _shot(app, "exec_summary")
        links = main.get_by_role("link", name=re.compile("^What to look at: "))
        assert links.count() == len(findings)
        links.first.click()
        app.page.wait_for_url(lambda url: urlsplit(url).path.rstrip("/").endswith("/drivers"))
        app.wait_idle()
        assert app.heading().startswith("Drivers")
        app.assert_no_exception()
    finally:
        app.page.context.close()


def test_hr_partner_drills_from_org_to_team_and_back(browser, app_server):
    app = _signed_in(browser, app_server, "hr")
    try:
        _open(app, "Data overview", "/overview")
        assert _chart_title(app) == "Headcount by org, as of 31 Oct 2026"
        org_bars = _chart(app).locator(BAR)
        org_label = org_bars.first.get_attribute("aria-label")
        org = re.search(r"Org: ([^;]+)", org_label).group(1)
        org_bars.first.click()
        app.page.wait_for_url(lambda url: "org=" in url)
        app.wait_idle()
        assert parse_qs(urlsplit(app.page.url).query)["org"] == [org]
        assert _chart_title(app) == f"Headcount in {org} by team, as of 31 Oct 2026"
        # the biggest team: the top bar (bars are sorted largest first)
        team_bars = _chart(app).locator(BAR)
        labels = [team_bars.nth(i).get_attribute("aria-label") for i in range(team_bars.count())]
        counts = {re.search(r"Team: ([^;]+)", a).group(1): int(re.search(r"People: ([\d,]+)", a).group(1).replace(",", ""))
                  for a in labels}
        team = max(counts, key=counts.get)
        team_bars.nth(labels.index(next(a for a in labels if f"Team: {team};" in a))).click()
        app.page.wait_for_url(lambda url: "team=" in url)
        app.wait_idle()
        assert parse_qs(urlsplit(app.page.url).query)["team"] == [team]
        assert _chart_title(app) == f"Headcount in {org} / {team} by job level, as of 31 Oct 2026"
        assert app.metrics()["Headcount as of 31 Oct 2026"] == f"{counts[team]:,}"
        main = app.page.locator('[data-testid="stMain"]')
        assert main.get_by_role("button", name="Your orgs").is_visible()
        assert main.get_by_role("button", name=org).is_visible()
        app.assert_no_exception()
        _shot(app, "drill_down")

        main.get_by_role("button", name=org).click()  # the breadcrumb back to the org
        app.page.wait_for_function("() => !location.search.includes('team=')")
        app.wait_idle()
        assert _chart_title(app) == f"Headcount in {org} by team, as of 31 Oct 2026"
        main.get_by_role("button", name="Your orgs").click()
        app.page.wait_for_function("() => !location.search.includes('org=')")
        app.wait_idle()
        assert _chart_title(app) == "Headcount by org, as of 31 Oct 2026"
        app.assert_no_exception()
    finally:
        app.page.context.close()
