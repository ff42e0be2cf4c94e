"""Action plans: scope checked on the server (an HR partner writes and edits for their orgs
only), bad input named field by field with nothing written, edits counted and audited, and
employees reading the plans of their own groups only, with nothing about who answered.

The company of tests/survey_helpers.py: Alpha (a1: 25, a2: 15) and Beta (b1: 20); hr supports
Alpha; E001 sits in Alpha/a1, E050 in Beta/b1.
"""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.survey_helpers import (
    ADMIN,
    HR_ALPHA,
    TODAY,
    add_accounts,
    add_wave,
    build_company,
    full_answers,
    people,
    person,
)
from workforce import action_plans, surveys
from workforce.viewer import Role, ScopeError, Viewer

DUE = TODAY + timedelta(days=30)
HR_BETA = Viewer("hr_beta", Role.HR_PARTNER, orgs=frozenset({"Beta"}))


def plan_values(**changes) -> dict[str, object]:
    values = {"focus": "question:qb_workload_1", "heard": "Workload is too high since the team shrank.",
              "action": "Pause one of the two projects and hire two engineers.", "owner_role": "Team manager",
              "due_on": DUE, "status": "planned"}
    return values | changes


@pytest.fixture(scope="module")
def answered_file(tmp_path_factory) -> Path:
    """Wave w1 answered by everyone (so every team is released), and a small wave w2 answered by
    four people of Alpha/a2 only; built once (answers are slow to submit), copied per test."""
    folder = tmp_path_factory.mktemp("answered")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKFORCE_KEY_FILE", str(folder / "pseudonym.key"))
        con = build_company(folder / "workforce.duckdb")
        add_accounts(con)
        add_wave(con, "w1")
        for employee_id, *_ in people():
            assert surveys.submit_response(con, person(employee_id), "w1", full_answers(3, 7, "Too much work."),
                                           today=TODAY).status == "accepted"
        add_wave(con, "w2")
        for employee_id in [e for e, org, team, *_ in people() if team == "a2"][:4]:
            surveys.submit_response(con, person(employee_id), "w2", full_answers(2, 3), today=TODAY)
        con.close()
    return folder / "workforce.duckdb"


@pytest.fixture
def answered(answered_file, tmp_path, monkeypatch):
    shutil.copy(answered_file, tmp_path / "workforce.duckdb")
    shutil.copy(answered_file.parent / "pseudonym.key", tmp_path / "pseudonym.key")
    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(tmp_path / "pseudonym.key"))
    con = duckdb.connect(str(tmp_path / "workforce.duckdb"))
    yield con
    con.close()


def test_hr_partner_creates_for_their_org_and_team(answered):
    org_plan = action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org="Alpha", **plan_values())
    team_plan = action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org="Alpha", team="a2", **plan_values())
    assert org_plan.ok and team_plan.ok
    plans = action_plans.plans_for(answered, HR_ALPHA)
    assert set(zip(plans["org"], plans["team"].fillna("-"), strict=True)) == {("Alpha", "-"), ("Alpha", "a2")}
    assert set(plans["focus_label"]) == {"My workload is sustainable."}


def test_hr_partner_cannot_create_or_edit_outside_scope(answered):
    outside = action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org="Beta", **plan_values())
    assert not outside.ok and "not one of the orgs you support" in outside.errors["group"]
    company_wide = action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org=None, **plan_values())
    assert not company_wide.ok and "only an admin" in company_wide.errors["group"]
    beta = action_plans.create_plan(answered, HR_BETA, wave_id="w1", org="Beta", team="b1", **plan_values())
    assert beta.ok
    with pytest.raises(ScopeError):
        action_plans.update_plan(answered, HR_ALPHA, beta.plan_id, **plan_values(status="done"))
    with pytest.raises(ScopeError):
        action_plans.plan_history(answered, HR_ALPHA, beta.plan_id)
    assert beta.plan_id not in set(action_plans.plans_for(answered, HR_ALPHA)["plan_id"])
    with pytest.raises(ScopeError):  # employees and executives write no plans
        action_plans.create_plan(answered, person("E001"), wave_id="w1", org="Alpha", **plan_values())
    with pytest.raises(ScopeError):
        action_plans.create_plan(answered, Viewer("exec", Role.EXECUTIVE), wave_id="w1", org="Alpha", **plan_values())
    assert answered.execute("SELECT count(*) FROM app_action_plans").fetchall()[0][0] == 1


def test_admin_writes_company_wide_and_for_any_org(answered):
    assert action_plans.create_plan(answered, ADMIN, wave_id="w1", org=None, **plan_values()).ok
    assert action_plans.create_plan(answered, ADMIN, wave_id="w1", org="Beta", **plan_values()).ok
    assert len(action_plans.plans_for(answered, ADMIN)) == 2


def test_bad_input_is_named_per_field_and_nothing_is_written(answered):
    result = action_plans.create_plan(
        answered, HR_ALPHA, wave_id="w1", org="Alpha",
        **plan_values(heard="   ", action="", owner_role="Ana Smith", due_on=TODAY - timedelta(days=30),
                      status="whenever", focus="question:nope"),
    )
    assert not result.ok
    assert set(result.errors) == {"heard", "action", "owner_role", "due_on", "status", "focus"}
    assert "before the wave opened" in result.errors["due_on"]
    assert "choose a role" in result.errors["owner_role"]  # an owner is a role, never a person
    unknown_team = action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org="Alpha", team="zz", **plan_values())
    assert "not a group in the HR data" in unknown_team.errors["group"]
    too_long = action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org="Alpha",
                                        **plan_values(action="x" * (action_plans.TEXT_MAX + 1)))
    assert "at most" in too_long.errors["action"]
    assert not answered.execute("SELECT count(*) FROM app_action_plans").fetchall()[0][0]


def test_no_plan_for_a_group_whose_results_were_not_released(answered):
    """In w2 only four people of Alpha/a2 answered: nothing of that wave is released for Alpha or
    a2, so a plan there would speak for a group too small to report on."""
    result = action_plans.create_plan(answered, HR_ALPHA, wave_id="w2", org="Alpha", team="a2", **plan_values())
    assert not result.ok and "no released results" in result.errors["group"]
    assert action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org="Alpha", team="a2", **plan_values()).ok


def test_edits_are_counted_and_audited_with_what_changed(answered):
    plan = action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org="Alpha", **plan_values())
    edited = action_plans.update_plan(answered, HR_ALPHA, plan.plan_id,
                                      **plan_values(status="in_progress", due_on=DUE + timedelta(days=7)))
    assert edited.ok
    bad = action_plans.update_plan(answered, HR_ALPHA, plan.plan_id, **plan_values(action=""))
    assert not bad.ok and "action" in bad.errors
    row = action_plans.get_plan(answered, plan.plan_id)
    assert row["status"] == "in_progress" and row["revision"] == 2 and row["action"] == plan_values()["action"]
    history = action_plans.plan_history(answered, HR_ALPHA, plan.plan_id)
    assert list(history["action"]) == ["action_plan_create", "action_plan_update"]
    assert set(history["username"]) == {"hr"}
    changed = json.loads(history["detail"].iloc[1])["changed"]
    assert changed == {"status": ["planned", "in_progress"], "due_on": [str(DUE), str(DUE + timedelta(days=7))]}
    # an edit that changes nothing writes nothing
    assert action_plans.update_plan(answered, HR_ALPHA, plan.plan_id,
                                    **plan_values(status="in_progress", due_on=DUE + timedelta(days=7))).ok
    assert len(action_plans.plan_history(answered, HR_ALPHA, plan.plan_id)) == 2


def test_employees_see_the_plans_of_their_own_groups_only(answered):
    for org, team in (("Alpha", None), ("Alpha", "a1"), ("Alpha", "a2")):
        assert action_plans.create_plan(answered, HR_ALPHA, wave_id="w1", org=org, team=team,
                                        **plan_values(action=f"Action for {org}/{team}")).ok
    assert action_plans.create_plan(answered, ADMIN, wave_id="w1", org=None, **plan_values(action="Company")).ok
    assert action_plans.create_plan(answered, ADMIN, wave_id="w1", org="Beta", **plan_values(action="Beta")).ok
    a1 = action_plans.for_employee(answered, person("E001"), TODAY)
    assert set(a1["action"]) == {"Company", "Action for Alpha/None", "Action for Alpha/a1"}
    beta = action_plans.for_employee(answered, person("E050"), TODAY)
    assert set(beta["action"]) == {"Company", "Beta"}
    assert list(a1.columns) == action_plans.EMPLOYEE_COLUMNS  # no plan id, writer or respondent anything
    assert set(beta["group"]) == {"The whole company", "Your org (Beta)"}
    assert action_plans.for_employee(answered, Viewer("nobody", Role.EMPLOYEE), TODAY).empty
