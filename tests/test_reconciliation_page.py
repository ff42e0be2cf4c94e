"""AppTest: the Spend reconciliation page for admins and executives, refused to other roles."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from etl.ingest import ingest_files
from tests.apptest import app_as, assert_no_exception
from tests.conftest import ROOT
from tests.ingest_helpers import FIXTURES
from workforce.tables import label_for  # pages show columns by their labels


@pytest.fixture
def reconciled_db(app_db):
    con = duckdb.connect(str(app_db))
    try:
        report = ingest_files([FIXTURES / "anthropic_usage_report.json", FIXTURES / "anthropic_cost_report.json"],
                              con, user="admin")
        assert report.status == "loaded", report.problems
    finally:
        con.close()
    return app_db


def test_admins_and_executives_see_reported_beside_priced_with_explanations(reconciled_db):
    for username in ("admin", "exec"):
        _check_page(app_as(username, "spend_reconciliation"))


def _check_page(at) -> None:
    assert_no_exception(at)
    assert at.title[0].value == "Spend reconciliation"
    assert len(at.get("arrow_vega_lite_chart")) + len(at.get("vega_lite_chart")) == 1
    lines = at.dataframe[0].value
    col = {name: label_for(name) for name in
           ["vendor_reported_usd", "priced_usd", "difference_usd", "explanation", "vendor", "model_family"]}
    assert set(col.values()) <= set(lines.columns)
    sonnet = lines[(lines[col["vendor"]] == "anthropic") & (lines[col["model_family"]] == "claude-sonnet-4-5")]
    assert sonnet[col["vendor_reported_usd"]].iloc[0] == pytest.approx(1.234567 + 25.0)
    assert lines[col["explanation"]].str.len().min() > 0  # every line says what it is


@pytest.mark.parametrize("username", ["hr", "employee"])
def test_other_roles_cannot_open_it(app_db, username):
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in their menu
        app_as(username, "spend_reconciliation")
    direct = AppTest.from_file(str(ROOT / "pages" / "spend_reconciliation.py"), default_timeout=60)
    direct.session_state["username"] = username
    direct.run()  # typed by hand as a URL: refused on the server
    assert not direct.dataframe
    assert any("do not have access" in e.value for e in direct.error)
