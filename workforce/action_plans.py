"""Action plans after a survey wave, and "You said … we are doing …" for employees.

An HR partner (for the orgs they support, checked here on the server) or an admin (any org, or
the whole company) writes a plan for a group and a wave: the focus item (a scored question of
the wave or a comment topic), what the group told us, what will be done, the owner as a *role*
("Team manager", never a person's name or score), a due date and a status. Group and wave are
fixed once written; the rest can be edited, and every creation and edit is counted (`revision`)
and written to the audit log with the fields that changed.

A plan can only be written for a group whose results the confidentiality layer released in that
wave (`privacy.survey_groups`): a plan for a hidden group would say what a group too small to
report on answered.

Employees read the plans of the groups they belong to today (the company, their org, their team,
from their HR assignment): what was heard and what is being done. A plan holds no answer and no
respondent; reading one tells nobody who answered what.

State lives in `app_action_plans` (workforce/sql/action_plans/ddl.sql), which no load touches.
Never imports streamlit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pandas as pd

from workforce import audit, privacy, surveys
from workforce.comment_topics import TOPIC_LABELS
from workforce.db import query, table_exists
from workforce.viewer import Role, ScopeError, Viewer, require_role

STATUSES = {"planned": "Planned", "in_progress": "In progress", "done": "Done"}
OWNER_ROLES = ("Team manager", "Org leader", "HR partner", "Leadership team", "People team")
TEXT_MAX = 1000
FORM = "_form"  # errors about the request as a whole
COMPANY = None  # the org of a company-wide plan
EDITABLE = ("focus", "heard", "action", "owner_role", "due_on", "status")
PLAN_COLUMNS = ["plan_id", "wave_id", "wave", "org", "team", "focus", "focus_label", "heard", "action",
                "owner_role", "due_on", "status", "revision", "updated_by", "updated_at"]
EMPLOYEE_COLUMNS = ["wave", "group", "focus_label", "heard", "action", "owner_role", "due_on", "status"]


@dataclass(frozen=True)
class PlanResult:
    ok: bool
    plan_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field name (or FORM) → message


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    query(con, "action_plans/ddl")


def group_label(org: str | None, team: str | None) -> str:
    if org is None:
        return "Whole company"
    return org if team is None else f"{org} / {team}"


def focus_choices(con: duckdb.DuckDBPyConnection, wave_id: str) -> dict[str, str]:
    """What a plan can focus on in a wave: its scored questions, then the comment topics."""
    questions = {f"question:{q.question_id}": q.text for q in surveys.wave_questions(con, wave_id)
                 if q.kind != "text"}
    topics = {f"topic:{key}": f"Comments: {label}" for key, label in TOPIC_LABELS.items()
              if key != "other"}
    return questions | topics


def _scope_error(viewer: Viewer, org: str | None) -> str | None:
    """Why this viewer may not write a plan for this org, or None."""
    if viewer.role == Role.ADMIN:
        return None
    if org is None:
        return "Group: only an admin writes a plan for the whole company; choose one of your orgs."
    if org not in viewer.orgs:
        return f"Group: {org} is not one of the orgs you support."
    return None


def _validate(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, org: str | None, team: str | None,
    values: dict[str, object],
) -> tuple[dict[str, str], dict[str, object]]:
    """Errors per field, and the cleaned values. Checks scope first: outside it nothing else is said."""
    errors: dict[str, str] = {}
    scope = _scope_error(viewer, org)
    if scope:
        return {"group": scope}, {}
    wave = surveys.get_wave(con, wave_id) if wave_id else None
    if wave is None:
        return {"wave": "Wave: choose a survey wave."}, {}
    if org is not None and not query(con, "action_plans/group_known", {"org": org, "team": team}).fetchall()[0][0]:
        errors["group"] = f"Group: {group_label(org, team)} is not a group in the HR data."
    elif not _released(con, viewer, wave_id, org, team):
        minimum = privacy.current_rules(con).min_scores
        errors["group"] = (f"Group: {group_label(org, team)} has no released results in {wave.title} (fewer than "
                           f"{minimum} respondents, or hidden to protect a smaller group); choose a larger group.")
    clean: dict[str, object] = {}
    choices = focus_choices(con, wave_id)
    focus = values.get("focus")
    if focus not in choices:
        errors["focus"] = "Focus: choose a question of the wave or a comment topic."
    else:
        clean["focus"], clean["focus_label"] = focus, choices[str(focus)]
    for name, label in (("heard", "You said"), ("action", "What we will do")):
        text = str(values.get(name) or "").strip()
        if not text:
            errors[name] = f"{label}: write a sentence or two."
        elif len(text) > TEXT_MAX:
            errors[name] = f"{label}: at most {TEXT_MAX} characters (got {len(text)})."
        clean[name] = text
    owner = values.get("owner_role")
    if owner not in OWNER_ROLES:
        errors["owner_role"] = f"Owner: choose a role ({', '.join(OWNER_ROLES)})."
    clean["owner_role"] = owner
    due = values.get("due_on")
    if not isinstance(due, date):
        errors["due_on"] = "Due date: pick a date."
    elif due < wave.opens_on:
        errors["due_on"] = f"Due date: {due} is before the wave opened ({wave.opens_on}); pick a later day."
    clean["due_on"] = due
    status = values.get("status")
    if status not in STATUSES:
        errors["status"] = f"Status: choose one of {', '.join(STATUSES.values())}."
    clean["status"] = status
    return errors, clean


def _released(con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, org: str | None, team: str | None) -> bool:
    """Whether the layer released the group's results in the wave (as this viewer, in scope)."""
    try:
        row = privacy.survey_groups(con, viewer, wave_id, orgs=None if org is None else [org],
                                    teams=None if team is None else [(org, team)])
    except ScopeError:
        return False
    return not row.empty and not bool(row.iloc[0]["suppressed"])


def create_plan(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, *, wave_id: str, org: str | None, team: str | None = None,
    focus: str | None, heard: str, action: str, owner_role: str | None, due_on: date | None, status: str = "planned",
) -> PlanResult:
    """Write a plan; on bad input nothing is written and each field's problem is returned."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    ensure_table(con)
    values = {"focus": focus, "heard": heard, "action": action, "owner_role": owner_role, "due_on": due_on,
              "status": status}
    errors, clean = _validate(con, viewer, wave_id, org, team, values)
    if errors:
        return PlanResult(False, errors=errors)
    plan_id = uuid.uuid4().hex[:12]
    query(con, "action_plans/insert_plan", {"plan_id": plan_id, "wave_id": wave_id, "org": org, "team": team,
                                            "username": viewer.username, **clean})
    audit.record(con, viewer.username, "action_plan_create", f"action_plan:{plan_id}",
                 {"wave_id": wave_id, "group": group_label(org, team), "focus": clean["focus"],
                  "owner_role": clean["owner_role"], "due_on": clean["due_on"], "status": clean["status"]})
    return PlanResult(True, plan_id)


def get_plan(con: duckdb.DuckDBPyConnection, plan_id: str) -> dict[str, object] | None:
    if not table_exists(con, "app_action_plans"):
        return None
    frame = query(con, "action_plans/get_plan", {"plan_id": plan_id}).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def update_plan(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: str, *, focus: str | None, heard: str, action: str,
    owner_role: str | None, due_on: date | None, status: str | None,
) -> PlanResult:
    """Edit a plan's focus, text, owner, due date or status (its group and wave stay)."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    plan = get_plan(con, plan_id)
    org = None if plan is None or pd.isna(plan["org"]) else str(plan["org"])
    if plan is None or _scope_error(viewer, org):
        # the same answer for "no such plan" and "not yours": scope says nothing about other orgs
        raise ScopeError(f"{viewer.username} may not change action plan {plan_id}")
    team = None if pd.isna(plan["team"]) else str(plan["team"])
    values = {"focus": focus, "heard": heard, "action": action, "owner_role": owner_role, "due_on": due_on,
              "status": status}
    errors, clean = _validate(con, viewer, str(plan["wave_id"]), org, team, values)
    if errors:
        return PlanResult(False, plan_id, errors)
    before = {k: plan[k] for k in EDITABLE}
    before["due_on"] = pd.Timestamp(before["due_on"]).date()
    changed = {k: [str(before[k]), str(clean[k])] if k in ("owner_role", "due_on", "status", "focus") else "edited"
               for k in EDITABLE if before[k] != clean[k]}
    if not changed:
        return PlanResult(True, plan_id)
    query(con, "action_plans/update_plan", {"plan_id": plan_id, "username": viewer.username, **clean})
    audit.record(con, viewer.username, "action_plan_update", f"action_plan:{plan_id}", {"changed": changed})
    return PlanResult(True, plan_id)


def plans_for(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pd.DataFrame:
    """The plans a viewer manages: an HR partner's orgs, or every plan for an admin."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    if not table_exists(con, "app_action_plans"):
        return pd.DataFrame(columns=PLAN_COLUMNS)
    every = viewer.role == Role.ADMIN
    frame = query(con, "action_plans/plans_in_scope", {"orgs": [] if every else sorted(viewer.orgs), "every": every}).df()
    frame["due_on"] = pd.to_datetime(frame["due_on"]).dt.date
    return frame[PLAN_COLUMNS]


def plan_history(con: duckdb.DuckDBPyConnection, viewer: Viewer, plan_id: str) -> pd.DataFrame:
    """When a plan was written and changed, by whom, and what changed (from the audit log)."""
    plan = get_plan(con, plan_id)
    org = None if plan is None or pd.isna(plan["org"]) else str(plan["org"])
    if viewer.role not in (Role.ADMIN, Role.HR_PARTNER) or plan is None or _scope_error(viewer, org):
        raise ScopeError(f"{viewer.username} may not read action plan {plan_id}")
    return query(con, "action_plans/plan_history", {"target": f"action_plan:{plan_id}"}).df()


def for_employee(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> pd.DataFrame:
    """"You said … we are doing …": the plans of the groups the signed-in person belongs to today
    (the company, their org, their team). Empty for a viewer without an employee record."""
    if viewer.employee_id is None or not table_exists(con, "app_action_plans"):
        return pd.DataFrame(columns=EMPLOYEE_COLUMNS)
    frame = query(con, "action_plans/for_employee", {"employee_id": viewer.employee_id, "today": today}).df()
    frame["status"] = frame["status"].map(STATUSES)
    frame["due_on"] = pd.to_datetime(frame["due_on"]).dt.date
    return frame[EMPLOYEE_COLUMNS]
