"""Accessibility basics in a real browser: every chart has a title and a text alternative and
draws in the colour-blind-safe palette; the survey form works with the keyboard alone."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import KEYBOARD_USER, RESPONDENT_PASSWORD
from tests.browser.helpers import CHART, AppPage
from tests.browser.pages_expected import DEMO_VIEWERS
from tests.browser.test_survey_e2e import ACCEPTED, survey_form
from ui.navigation import pages_for
from workforce.charts.theme import MARKER_COLOUR, PALETTE

pytestmark = pytest.mark.browser

ADMIN_PAGES = pages_for(DEMO_VIEWERS["admin"])
ALLOWED_COLOURS = {c.lower() for c in (*PALETTE, MARKER_COLOUR)}

# Colours of the data marks (not axes, grid, titles or legends' text) as Vega drew them.
MARK_COLOURS_JS = """svg => {
    const out = [];
    for (const el of svg.querySelectorAll('g[class*="role-mark"] > path, g[class*="role-mark"] > line,'
                                          + ' g[class*="role-mark"] > rect, g[class*="role-mark"] > circle')) {
        for (const attr of ['fill', 'stroke']) {
            const v = el.getAttribute(attr);
            if (v && v !== 'none' && v !== 'transparent' && !v.startsWith('url(')) out.push(v);
        }
    }
    return out;
}"""


def _is_neutral(colour: str) -> bool:
    """Greys, black and white: text, rules and outlines, not a data colour."""
    match = re.fullmatch(r"#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", colour)
    if not match:
        return False
    r, g, b = (int(x, 16) for x in match.groups())
    return max(r, g, b) - min(r, g, b) <= 12


def _hex(colour: str) -> str:
    colour = colour.strip().lower()
    rgb = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*[\d.]+)?\)", colour)
    if rgb:
        return "#" + "".join(f"{int(x):02x}" for x in rgb.groups())
    if re.fullmatch(r"#[0-9a-f]{3}", colour):
        return "#" + "".join(ch * 2 for ch in colour[1:])
    return colour


@pytest.mark.parametrize("spec", ADMIN_PAGES, ids=[s.key for s in ADMIN_PAGES])
def test_charts_have_title_text_alternative_and_safe_palette(signed_in, spec):
    app = signed_in("admin")
    app.open(spec, default=spec == ADMIN_PAGES[0])
    app.charts()
    problems = []
    for i, chart in enumerate(app.page.locator(f'[data-testid="stMain"] {CHART}').all()):
        svg = chart.locator("svg.marks")
        if svg.count() == 0:  # canvas (very many points): the spec is not in the DOM to inspect
            continue
        label = (chart.get_attribute("aria-label") or svg.first.get_attribute("aria-label") or "").strip()
        title = " ".join(t.strip() for t in svg.first.locator('g[class*="role-title"] text').all_text_contents())
        if not label:
            problems.append(f"chart {i}: no text alternative (description)")
        if not title.strip():
            problems.append(f"chart {i} ({label[:60]}): no title")
        if svg.first.locator("linearGradient").count():
            continue  # a continuous scheme (diverging blue–orange, sequential blues), not the palette
        off = sorted({_hex(c) for c in svg.first.evaluate(MARK_COLOURS_JS)} - ALLOWED_COLOURS)
        off = [c for c in off if not _is_neutral(c)]
        if off:
            problems.append(f"chart {i} ({title or label[:60]}): colours outside the palette {off}")
    assert not problems, f"{spec.key}:\n" + "\n".join(problems)


def test_survey_form_works_with_the_keyboard_alone(new_page, app_server):
    app: AppPage = new_page()
    app.goto("/")
    app.sign_in(KEYBOARD_USER, RESPONDENT_PASSWORD)
    form = survey_form(app)
    groups = form.get_by_role("radiogroup").all()
    keyboard = app.page.keyboard
    focused = "() => document.activeElement && document.activeElement.closest('[data-testid=\"stForm\"]') !== null"

    # Tab from the top of the page into the form.
    for _ in range(60):
        keyboard.press("Tab")
        if app.page.evaluate(focused):
            break
    assert app.page.evaluate(focused), "Tab never reached the survey form"

    # Each question: Space picks the first option, arrows move the choice, Tab to the next.
    for group in groups:
        assert group.evaluate("g => g.contains(document.activeElement)"), "focus skipped a question"
        keyboard.press("Space")
        for _ in range(3):
            keyboard.press("ArrowRight")
        keyboard.press("Tab")
    for group in groups:
        assert group.locator("input:checked").count() == 1, "a question was left unanswered"
        assert group.locator("input").nth(3).is_checked(), "arrow keys did not move the choice"

    # The comment box is reached by Tab and typed into; Tab on to the submit button, Enter.
    for _ in range(10):
        if app.page.evaluate("() => document.activeElement.tagName") == "TEXTAREA":
            keyboard.type("Typed with the keyboard only.")
            keyboard.press("Tab")
        tag_text = app.page.evaluate("() => [document.activeElement.tagName, document.activeElement.innerText]")
        if tag_text[0] == "BUTTON" and "Submit answers" in tag_text[1]:
            break
        keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the Submit answers button")
    keyboard.press("Enter")
    app.page.get_by_text(ACCEPTED).wait_for()
    app_server.hr_org_respondents += 1  # the keyboard user works in the HR partner's org
    app.assert_no_exception()
