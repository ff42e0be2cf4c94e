"""AppTest: the AI usage page for every analyst role, the cost-alerts review for admins, and
both refused to the roles that may not open them."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import app_as, assert_no_exception
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("app_db")


def _charts(at) -> int:
    return len(at.get("vega_lite_chart")) + len(at.get("arrow_vega_lite_chart"))


def _errors(at) -> str:
    return " ".join(e.value for e in at.error)


def _direct(page: str, username: str) -> AppTest:
    """Run the page file itself, as a URL typed by hand would, past the navigation."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    at.session_state["username"] = username
    at.run()
    return at


def test_usage_page_for_hr_is_scoped_and_names_nobody(app_db):
    at = app_as("hr", "ai_usage")
    assert_no_exception(at)
    assert at.title[0].value == "AI usage & cost"
    assert _charts(at) >= 10
    assert not at.error
    con = duckdb.connect(str(app_db))  # same configuration as the app's connection
    hr_orgs = {o for (o,) in con.execute("SELECT org FROM app_user_scopes WHERE username = 'hr'").fetchall()}
    names = {n for (n,) in con.execute("SELECT full_name FROM stg_employees").fetchall()}
    downloads = con.execute("SELECT count(*) FROM app_audit_log WHERE action = 'download'").fetchall()[0][0]
    con.close()
    assert len(at.dataframe) >= 2
    for frame in at.dataframe:
        value = frame.value
        if "org" in value.columns:
            assert set(value["org"].dropna()) <= hr_orgs
        assert "employee_id" not in value.columns
        assert not names & set(value.astype(str).to_numpy().ravel())
    assert downloads == 0  # nothing is logged until a button is pressed


@pytest.mark.parametrize("username", ["exec", "admin"])
def test_usage_page_for_whole_company_roles(username):
    at = app_as(username, "ai_usage")
    assert_no_exception(at)
    assert _charts(at) >= 10
    at.radio(key="ai_usage_grain").set_value("rolling30").run()
    at.radio(key="ai_usage_by").set_value("model").run()
    assert_no_exception(at)
    assert not at.error


def test_employee_is_refused_the_usage_page():
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_as("employee", "ai_usage")
    at = _direct("ai_usage", "employee")
    assert "do not have access" in _errors(at)
    assert _charts(at) == 0 and not at.dataframe


def test_cost_alerts_review_by_admin(app_db):
    at = app_as("admin", "cost_alerts")
    assert_no_exception(at)
    con = duckdb.connect(str(app_db))
    open_alerts = con.execute("SELECT count(*) FROM app_alerts WHERE status = 'open'").fetchall()[0][0]
    con.close()
    assert open_alerts > 0  # detection ran when the page first opened
    # a case is opened (with a reason), then decided; a decision without a reason is refused
    at.text_input(key="cost_alerts_why").input("weekly review")
    at.button(key="FormSubmitter:open_case-Open the next case").click().run()
    at.button(key="FormSubmitter:decide_case-Save decision").click().run()
    assert "reason is required" in _errors(at)
    at.radio(key="cost_alerts_decision").set_value("dismissed")
    at.text_input(key="cost_alerts_reason").set_value("Known migration test")
    at.button(key="FormSubmitter:decide_case-Save decision").click().run()
    assert_no_exception(at)
    con = duckdb.connect(str(app_db))
    reviewed = con.execute("SELECT status, reason, reviewed_by FROM app_alerts WHERE status <> 'open'").fetchall()
    audited = con.execute("SELECT count(*) FROM app_audit_log WHERE action = 'admin_change' "
                          "AND target = 'app_alerts'").fetchall()[0][0]
    con.close()
    assert reviewed == [("dismissed", "Known migration test", "admin")]
    assert audited == 1


@pytest.mark.parametrize("username", ["hr", "exec", "employee"])
def test_cost_alerts_refused_to_non_admins(username):
    at = _direct("cost_alerts", username)
    assert "do not have access" in _errors(at)
    assert not at.dataframe
