"""Cost alerts reviewed one case at a time: the queue holds no names or figures and is not ordered
by size, a name is shown only on opening a case with a reason (audited, every time), the context
is a spread of the team without names, and decisions are kept."""

from __future__ import annotations

import json

import duckdb
import pytest

from workforce import alerts
from workforce.filters import Filters
from workforce.viewer import Role, ScopeError, Viewer

ADMIN = Viewer("admin", Role.ADMIN)
EXEC = Viewer("exec", Role.EXECUTIVE)


@pytest.fixture
def con(writable_db):
    con = duckdb.connect(str(writable_db))
    alerts.refresh_if_stale(con)
    yield con
    con.close()


def _names(con) -> set[str]:
    return {n for (n,) in con.execute("SELECT full_name FROM stg_employees").fetchall()}


def test_queue_has_every_kind_no_names_and_is_not_a_ranking(con):
    queue = alerts.case_queue(con, ADMIN, Filters())
    assert {c.kind for c in queue} == set(alerts.CASE_KINDS)
    names = _names(con)
    for case in queue:
        assert not {case.case_id, case.org, case.team} & names
        assert set(vars(case)) == {"case_id", "kind", "org", "team", "status"}
    # alerts come in the order they arose, not by size
    days = con.execute("SELECT alert_id, usage_date, value FROM app_alerts").df().set_index("alert_id")
    alert_cases = [c.case_id for c in queue if c.kind != alerts.SUSTAINED]
    assert list(days.loc[alert_cases, "usage_date"]) == sorted(days.loc[alert_cases, "usage_date"])
    assert list(days.loc[alert_cases, "value"]) != sorted(days.loc[alert_cases, "value"], reverse=True)
    counts = alerts.case_counts(queue)
    assert list(counts.columns) == ["org", "kind", "status", "cases"] and counts["cases"].sum() == len(queue)


def test_only_admins_have_a_queue_or_open_cases(con):
    case_id = alerts.case_queue(con, ADMIN, Filters())[0].case_id
    with pytest.raises(ScopeError):
        alerts.case_queue(con, EXEC, Filters())
    with pytest.raises(ScopeError):
        alerts.open_case(con, EXEC, case_id, "curious")


def test_opening_needs_a_reason_and_every_opening_is_audited(con):
    queue = alerts.case_queue(con, ADMIN, Filters())
    person = next(c for c in queue if c.kind == "person_day")
    with pytest.raises(ValueError, match="Reason for opening"):
        alerts.open_case(con, ADMIN, person.case_id, "  ")
    for why in ("weekly review", "follow-up with the team lead"):
        case = alerts.open_case(con, ADMIN, person.case_id, why)
    assert case.subject in _names(con)
    logged = con.execute("SELECT username, target, detail FROM app_audit_log WHERE action = 'case_opened' "
                         "ORDER BY \"at\"").fetchall()
    assert [(u, t, json.loads(d)["reason"]) for u, t, d in logged] == [
        ("admin", person.case_id, "weekly review"), ("admin", person.case_id, "follow-up with the team lead")]
    with pytest.raises(KeyError):
        alerts.open_case(con, ADMIN, "person_day:nobody:2026-01-01:cost_usd", "x")


def test_context_is_a_spread_without_names(con):
    queue = alerts.case_queue(con, ADMIN, Filters())
    names = _names(con)
    for kind in alerts.CASE_KINDS:
        case = alerts.open_case(con, ADMIN, next(c for c in queue if c.kind == kind).case_id, "review")
        assert case.why and case.figures and case.context
        assert not set(case.context.values()) & names and not set(case.context) & names
        if kind == alerts.SUSTAINED:
            assert case.context["People"] != "0"


def test_small_teams_get_no_spread(con):
    case = alerts.open_case(con, ADMIN, alerts.case_queue(con, ADMIN, Filters())[0].case_id, "review")
    people = int(case.context.get("People", case.context.get("Teams", "0")).replace(",", ""))
    if people < alerts.MIN_CONTEXT_GROUP:
        assert "Median" not in case.context
    else:
        assert "Median" in case.context


def test_decisions_are_kept_and_leave_the_open_queue(con):
    queue = alerts.case_queue(con, ADMIN, Filters())
    sustained = next(c for c in queue if c.kind == alerts.SUSTAINED)
    team = next(c for c in queue if c.kind == "team_day")
    with pytest.raises(ValueError, match="reason is required"):
        alerts.decide_case(con, ADMIN, sustained.case_id, "dismissed", "")
    alerts.decide_case(con, ADMIN, sustained.case_id, "acknowledged", "talked with the manager")
    alerts.decide_case(con, ADMIN, team.case_id, "dismissed", "hackathon")
    still_open = {c.case_id for c in alerts.case_queue(con, ADMIN, Filters())}
    assert sustained.case_id not in still_open and team.case_id not in still_open
    decided = {c.case_id: c.status for c in alerts.case_queue(con, ADMIN, Filters(), ("acknowledged", "dismissed"))}
    assert decided == {sustained.case_id: "acknowledged", team.case_id: "dismissed"}
    reopened = alerts.open_case(con, ADMIN, sustained.case_id, "check")
    assert reopened.status == "acknowledged" and "talked with the manager" in reopened.review


def test_next_case_moves_on_and_wraps():
    refs = [alerts.CaseRef(f"c{i}", "team_day", "o", "t", "open") for i in range(3)]
    assert [alerts.next_case_id(refs, cur) for cur in (None, "c0", "c2", "gone")] == ["c0", "c1", "c0", "c0"]
    with pytest.raises(ValueError, match="No case"):
        alerts.next_case_id([])
