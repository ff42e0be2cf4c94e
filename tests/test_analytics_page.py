"""The Drivers page under AppTest: HR partners and admins get the whole page, executives the
findings and forest plots, employees are turned away."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import app_as, assert_no_exception
from tests.conftest import ROOT


def _charts(at) -> int:
    return len(at.get("vega_lite_chart"))


def test_hr_partner_sees_the_whole_page(app_db):
    at = app_as("hr", "drivers", timeout=180)
    assert_no_exception(at)
    assert any("Drivers of morale" in t.value for t in at.title)
    assert _charts(at) == 5  # two forest plots, event study, KM curves, team scatter
    subheaders = [s.value for s in at.subheader]
    assert "Layoff audit" in subheaders and "Team explorer" in subheaders
    assert any("fit on the whole company" in c.value for c in at.caption)
    assert len(at.dataframe) == 4  # mandate effect per org, PH test, layoff audit, correlation table
    at.radio[0].set_value("span_band").run()
    assert_no_exception(at)


def test_executive_sees_findings_and_forest_plots_only(app_db):
    at = app_as("exec", "drivers", timeout=180)
    assert_no_exception(at)
    assert _charts(at) == 2
    assert "Layoff audit" not in [s.value for s in at.subheader]
    assert len(at.markdown) >= 9  # one sentence per finding
    assert any(t.value.startswith("Morale was about") for t in at.markdown)  # the mandate finding leads


def test_admin_sees_the_whole_page(app_db):
    at = app_as("admin", "drivers", timeout=180)
    assert_no_exception(at)
    assert _charts(at) == 5


def test_employee_is_denied(app_db):
    """Not in the employee's navigation, and the page itself refuses them when run directly."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_as("employee", "drivers")
    at = AppTest.from_file(str(ROOT / "pages" / "drivers.py"), default_timeout=60)
    at.session_state["username"] = "employee"
    at.run()
    assert "You do not have access to this page." in [e.value for e in at.error]
    assert _charts(at) == 0 and not at.markdown


def _store_models(db_path) -> None:
    import duckdb

    from analytics.stored import build_drivers_tables

    con = duckdb.connect(str(db_path))
    build_drivers_tables(con)
    con.close()


def test_the_page_reads_the_models_stored_at_load(app_db):
    _store_models(app_db)
    at = app_as("hr", "drivers", timeout=180)
    assert_no_exception(at)
    assert _charts(at) == 5 and len(at.dataframe) == 4
    assert any("Models fitted when the data were loaded" in c.value for c in at.caption)


def test_a_load_that_could_not_fit_shows_why(app_db, monkeypatch):
    (app_db.parent / "pseudonym.key").rename(app_db.parent / "elsewhere.key")
    _store_models(app_db)  # the step finds no key: it stores why instead of failing the load
    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(app_db.parent / "elsewhere.key"))
    at = app_as("exec", "drivers", timeout=180)
    assert_no_exception(at)
    assert any("cannot run on this database" in e.value and "pseudonym key not found" in e.value for e in at.error)
    assert _charts(at) == 0
