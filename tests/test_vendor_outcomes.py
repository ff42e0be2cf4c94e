"""Claude Code and Copilot outcomes reach the value view and the tokenmaxxing inputs: mapped to a
person, joined to the contract's outcomes without double counting, summed per org."""

from __future__ import annotations

import json

import duckdb

from etl.adapters.detect import InputFile
from etl.ingest import ingest_files
from tests.apptest import app_as, assert_no_exception
from workforce import identity, vendor_outcomes
from workforce.filters import Filters
from workforce.tables import label_for  # pages show columns by their labels
from workforce.viewer import Role, Viewer

ADMIN = Viewer("admin", Role.ADMIN)


def test_vendor_outcomes_join_the_marts_the_value_view_and_tokenmaxxing_read(app_db):
    con = duckdb.connect(str(app_db))
    try:
        # a person with usage and contract outcomes in a week of the sample, and one without outcomes
        employee, email, week, contract_changes, org = con.execute(
            "SELECT o.employee_id, e.email, o.week_start, o.changes_landed, p.org "
            "FROM stg_outcomes o JOIN stg_employees e USING (employee_id) "
            "JOIN mart_usage_person_week p ON p.employee_id = o.employee_id AND p.week = o.week_start "
            "WHERE o.changes_landed BETWEEN 1 AND 3 ORDER BY o.week_start DESC, o.employee_id LIMIT 1").fetchall()[0]
        other, other_week = con.execute(
            "SELECT p.employee_id, p.week FROM mart_usage_person_week p "
            "ANTI JOIN (SELECT DISTINCT employee_id FROM stg_outcomes) o USING (employee_id) "
            "ORDER BY p.week DESC, p.employee_id LIMIT 1").fetchall()[0]
        day = week.isoformat()
        claude_code = {"data": [{
            "date": f"{day}T00:00:00Z", "actor": {"type": "user_actor", "email_address": email},
            "core_metrics": {"pull_requests_by_claude_code": contract_changes + 5, "commits_by_claude_code": 9,
                             "lines_of_code": {"added": 120, "removed": 30}},
            "tool_actions": {"edit_tool": {"accepted": 8, "rejected": 2}},
            "model_breakdown": []}]}
        copilot = {"day": other_week.isoformat(), "user_login": "octo-other", "code_acceptance_activity_count": 11,
                   "loc_added_sum": 70, "user_initiated_interaction_count": 4}
        identity.set_mapping(con, "github:user_login", "octo-other", other, user="admin")  # the load applies it
        report = ingest_files([InputFile("cc.json", json.dumps(claude_code).encode()),
                               InputFile("copilot.ndjson", json.dumps(copilot).encode())], con, user="admin")
        assert report.status == "loaded", report.problems

        row = con.execute("SELECT changes_landed, vendor_changes, commits, tool_actions_accepted "
                          "FROM mart_outcomes_week WHERE employee_id = ? AND week_start = ?",
                          [employee, week]).fetchall()
        # the larger of the two counts, never their sum: Claude Code's PRs are among the changes
        assert row == [(contract_changes + 5, contract_changes + 5, 9, 8)]
        # Copilot alone counts no changes: the person is not made "measured at zero"
        assert con.execute("SELECT changes_landed, suggestions_accepted, lines_accepted FROM mart_outcomes_week "
                           "WHERE employee_id = ? AND week_start = ?", [other, other_week]).fetchall() == [
            (None, 11, 70)]
        # the tokenmaxxing inputs see the vendor's count
        assert con.execute("SELECT changes FROM mart_tokenmaxxing_person_week WHERE employee_id = ? AND week = ?",
                           [employee, week]).fetchall() == [(contract_changes + 5,)]
        # and the value view's table sums them per org
        table = vendor_outcomes.vendor_outcomes_by_org(con, ADMIN, Filters()).set_index("org")
        assert table.loc[org, "claude_code_prs"] == contract_changes + 5
        assert table.loc[org, "tool_acceptance_rate"] == 0.8
        assert table["copilot_suggestions_accepted"].sum() == 11
    finally:
        con.close()
    # and the value tab of AI usage & cost shows them
    at = app_as("admin", "ai_usage")
    assert_no_exception(at)
    prs, accepted = label_for("claude_code_prs"), label_for("copilot_suggestions_accepted")
    shown = next(d.value for d in at.dataframe if prs in d.value.columns)
    assert shown.set_index(label_for("org")).loc[org, prs] == contract_changes + 5
    assert shown[accepted].sum() == 11

