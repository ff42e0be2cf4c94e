"""The three people pages under AppTest: every allowed role renders them without exceptions, the
employee is turned away, names of wide-span managers only reach roles that may see individuals,
and no survey figure, comment or chart point of a group under the minimum appears anywhere.

Runs on the hand-made organisation of tests/people_data.py (known small groups), and on the
sample database when the loader and sample data are there.
"""

from __future__ import annotations

import json

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.pseudonym import key_fingerprint, load_or_create_key
from etl.schema import SCHEMA_VERSION
from tests import people_data
from tests.apptest import app_as, assert_no_exception, copy_db, point_app
from tests.conftest import ROOT
from workforce import auth
from workforce.viewer import Role

PAGES = ["org_changes", "morale", "executive_summary"]
ALLOWED = ["admin", "exec", "hr"]


@pytest.fixture(scope="session")
def _people_app_template(tmp_path_factory):
    """Built once: the hand-made organisation with the demo accounts (HR partner of Alpha and Beta)."""
    path = tmp_path_factory.mktemp("people_app") / "workforce.duckdb"
    con = duckdb.connect(str(path))
    people_data.build(con)
    # a database of this code's schema, its answers under the key beside it (as a load leaves it)
    key = load_or_create_key(path.parent / "pseudonym.key")
    con.executemany("INSERT INTO app_meta VALUES (?, ?)",
                    [("data_version", "test-1"), ("as_of", "2026-06-30"), ("source", "people_data"),
                     ("schema_version", SCHEMA_VERSION), ("pseudonym_key_id", key_fingerprint(key))])
    auth.create_user(con, "admin", role=Role.ADMIN, password="x", display_name="Admin")
    auth.create_user(con, "exec", role=Role.EXECUTIVE, password="x", display_name="Exec")
    auth.create_user(con, "hr", role=Role.HR_PARTNER, password="x", display_name="HR", orgs=["Alpha", "Beta"])
    auth.create_user(con, "employee", role=Role.EMPLOYEE, password="x", display_name="E One", employee_id="E1")
    con.close()
    return path


@pytest.fixture
def people_app(monkeypatch, tmp_path, _people_app_template):
    """A private copy of that database, with the app pointed at it."""
    return point_app(copy_db(_people_app_template, tmp_path), monkeypatch)


def _everything_shown(at) -> str:
    """All text, tables and chart data the page sent, as one string to search."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "error", "metric"):
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")))
            parts.append(str(getattr(element, "label", "")))
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for chart in at.get("vega_lite_chart"):
        parts.append(json.dumps(chart.proto.spec if hasattr(chart.proto, "spec") else str(chart.proto)))
        parts.append(str(chart.proto))
    return "\n".join(parts)


# Beta has 3 respondents in each wave: its comments and its morale index (1.333 in W1, 4.75 in W2)
# must never appear on a survey view.
BETA_LEAKS = ("Beta secret", "1.333", "4.75")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("user", ALLOWED)
def test_page_renders_for_allowed_roles_without_small_groups(people_app, page, user):
    at = app_as(user, page)
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value != page  # not the placeholder
    shown = _everything_shown(at)
    for leak in BETA_LEAKS:
        assert leak not in shown
    if page == "morale":
        assert "Beta" not in "\n".join(str(c.proto) for c in at.get("vega_lite_chart"))


@pytest.mark.parametrize("page", PAGES)
def test_employee_is_denied(people_app, page):
    """Not in the employee's navigation, and the page itself refuses them when run directly."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_as("employee", page)
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state["username"] = "employee"
    at.run()
    shown = _everything_shown(at)
    assert "You do not have access to this page." in shown
    assert "Alpha" not in shown and "Gamma" not in shown
    assert not at.get("vega_lite_chart") and not at.dataframe


def test_org_changes_shows_known_numbers_and_names_by_role(people_app):
    admin = _everything_shown(app_as("admin", "org_changes"))
    # Carol Widespan manages 16 people in Gamma: above the default threshold of 15.
    assert "Carol Widespan" in admin
    executive = _everything_shown(app_as("exec", "org_changes"))
    assert "Carol Widespan" not in executive
    hr = _everything_shown(app_as("hr", "org_changes"))
    assert "Gamma" not in hr  # the HR partner supports Alpha and Beta only


@pytest.mark.parametrize("user", ["exec", "hr"])
def test_morale_groupings_never_show_a_small_group(people_app, user):
    """Every grouping of the figures and of the comments the morale page offers."""
    at = app_as(user, "morale")
    for by in ("team", "all"):
        at.sidebar.radio(key="morale_by").set_value(by).run()
        assert_no_exception(at)
        shown = _everything_shown(at)
        for leak in BETA_LEAKS:
            assert leak not in shown
        assert "Beta" not in "\n".join(str(c.proto) for c in at.get("vega_lite_chart"))
    for comment_by in ("org", "team"):
        at.radio(key="comment_by").set_value(comment_by).run()
        assert_no_exception(at)
        assert "Beta secret" not in _everything_shown(at)


def test_summary_download_is_self_contained(people_app):
    at = app_as("exec", "executive_summary")
    assert_no_exception(at)
    buttons = at.get("download_button")
    assert buttons, "the summary offers a download"


@pytest.mark.parametrize(("page", "user"), [("org_changes", "hr"), ("morale", "hr"), ("morale", "exec"),
                                            ("executive_summary", "exec")])
def test_pages_render_on_the_sample(app_db, page, user):
    at = app_as(user, page, timeout=120)
    assert_no_exception(at)
    assert not at.error, [e.value for e in at.error]
    assert at.get("vega_lite_chart"), "the page draws its charts on real data"


def test_summary_caches_each_part_on_its_own(people_app, monkeypatch):
    """Each part of the executive summary is its own cached query (timed and reused on its own)."""
    import ui.session as session

    seen: list[str] = []
    original = session.cached

    def recording(fn, *args, **kwargs):
        seen.append(f"{fn.__module__}.{fn.__name__}")
        return original(fn, *args, **kwargs)

    monkeypatch.setattr(session, "cached", recording)
    at = app_as("exec", "executive_summary")
    assert_no_exception(at)
    assert "workforce.executive.executive_summary" not in seen
    for part in ("workforce.executive.ai_spend_headline", "workforce.executive.morale_headlines",
                 "workforce.survey_results.morale_by_mandate", "workforce.people.team_risk_factors",
                 "workforce.survey_results.morale_trend", "workforce.people.headcount_monthly",
                 "workforce.people.headcount_as_of"):
        assert part in seen
