"""The Comment topics and Action plans tabs of Survey waves, and "You said, we are doing" on the
Pulse survey page, run under AppTest on the sample database for each role that sees them."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import assert_no_exception
from tests.conftest import ROOT
from workforce import action_plans, auth

pytestmark = pytest.mark.usefixtures("app_db")


def page_as(username: str, page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=90)
    at.session_state["username"] = username
    return at.run()


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text] + [c.value for c in at.caption] + [m.value for m in at.markdown]


def test_hr_partner_sees_topics_of_their_org_only(app_db):
    at = page_as("hr", "survey_waves")
    assert_no_exception(at)
    con = duckdb.connect(str(app_db))
    hr_orgs = set(auth.viewer_for(con, "hr").orgs)
    con.close()
    assert at.get("vega_lite_chart"), "the topic chart is drawn"
    topics = [d.value for d in at.dataframe if "Topic" in d.value.columns]  # columns by their page labels
    assert topics and topics[0]["Comments mentioning it"].min() >= 1
    at.radio(key="topics_by").set_value("team").run()
    assert_no_exception(at)
    groups = at.selectbox(key="topics_group").options if any(s.key == "topics_group" for s in at.selectbox) else []
    assert all(g.split(" / ")[0] in hr_orgs for g in groups)
    assert at.multiselect(key="topics_orgs").options == sorted(hr_orgs)


def test_admin_creates_a_plan_bad_input_keeps_what_was_typed_and_employee_reads_it(app_db):
    at = page_as("admin", "survey_waves")
    assert_no_exception(at)
    wave = at.selectbox(key="plan_wave").value
    form = f"new_plan_{wave}"
    at.text_area(key=f"{form}_heard").input("Workload is too high.")
    at.text_area(key=f"{form}_action").input("")  # missing: refused, the rest kept
    at.button(key=f"FormSubmitter:{form}-Create plan").click().run()
    assert_no_exception(at)
    assert any("Nothing was saved" in e.value for e in at.error)
    assert any("What we will do" in t for t in texts(at))
    assert at.text_area(key=f"{form}_heard").value == "Workload is too high."
    at.text_area(key=f"{form}_action").input("Hire two people and pause one project.")
    at.button(key=f"FormSubmitter:{form}-Create plan").click().run()
    assert_no_exception(at)
    assert any("Plan created." in s.value for s in at.success)
    con = duckdb.connect(str(app_db))
    plans = action_plans.plans_for(con, auth.viewer_for(con, "admin"))
    assert list(plans["action"]) == ["Hire two people and pause one project."]
    assert plans["org"].isna().all()  # the first group offered to an admin is the whole company
    con.close()
    employee = page_as("employee", "pulse_survey")
    assert_no_exception(employee)
    shown = texts(employee)
    assert "You said: Workload is too high." in shown
    assert "We are doing: Hire two people and pause one project." in shown


def test_employee_without_plans_reads_that_none_were_shared(app_db):
    at = page_as("employee", "pulse_survey")
    assert_no_exception(at)
    assert "No action plan has been shared with your groups yet." in texts(at)
