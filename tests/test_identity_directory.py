"""Identity mapping at scale: the vendors' member lists map ids by email (an API key by its
creator's), the rest is listed with its spend, and a bulk CSV maps many at once, all or nothing."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from etl.adapters.detect import InputFile
from etl.ingest import import_identity_map_csv, import_member_lists, ingest_files
from tests.ingest_helpers import build_tiny_db, db_state
from workforce import identity

TODAY = date(2026, 11, 23)
PEOPLE = 20


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(build_tiny_db(tmp_path / "tiny.duckdb")))
    con.executemany("INSERT INTO stg_employees VALUES (?, ?, ?, 'Engineering', 'Austin', '2024-01-01')",
                    [(f"P{i:02d}", f"Person {i}", f"person.{i}@example.com") for i in range(PEOPLE)])
    yield con
    con.close()


def _file(name, obj):
    return InputFile(name, json.dumps(obj).encode())


def _usage_files():
    anthropic = {"data": [{"starting_at": "2026-10-05T00:00:00Z", "results": [
        {"uncached_input_tokens": 1000 * (i + 1), "output_tokens": 100, "cache_read_input_tokens": 0,
         "model": "claude-sonnet-4-5", "account_id": f"user_{i:02d}"} for i in range(PEOPLE)] + [
        {"uncached_input_tokens": 5000, "output_tokens": 500, "cache_read_input_tokens": 0,
         "model": "claude-sonnet-4-5", "api_key_id": f"apikey_{i}"} for i in range(5)]}]}
    openai = {"data": [{"start_time": 1791158400, "results": [
        {"object": "organization.usage.completions.result", "input_tokens": 2000, "input_cached_tokens": 0,
         "output_tokens": 200, "num_model_requests": 3, "model": "gpt-4.1", "user_id": f"user-{i}"}
        for i in range(PEOPLE)]}]}
    return [_file("anthropic.json", anthropic), _file("openai.json", openai)]


def _member_lists():
    users = {"data": [{"id": f"user_{i:02d}", "type": "user", "name": f"Person {i}", "role": "user",
                       "email": "someone.private@gmail.com" if i == 7 else f"person.{i}@example.com",
                       "added_at": "2025-01-01T00:00:00Z"} for i in range(PEOPLE)], "has_more": False}
    keys = {"data": [{"id": f"apikey_{i}", "type": "api_key", "name": f"key {i}", "workspace_id": "wrk",
                      "status": "active", "created_by": {"id": f"user_{i:02d}", "type": "user"}} for i in range(5)]}
    openai_users = {"object": "list", "data": [{"object": "organization.user", "id": f"user-{i}",
                                                "name": f"Person {i}", "email": f"Person.{i}@Example.com",
                                                "role": "reader"} for i in range(PEOPLE)]}
    return [_file("anthropic_users.json", users), _file("anthropic_api_keys.json", keys),
            _file("openai_users.json", openai_users)]


def test_member_lists_map_at_least_95_percent_by_email_and_list_the_rest_with_spend(con):
    assert ingest_files(_usage_files(), con, user="admin", today=TODAY).status == "loaded"
    before = identity.mapped_share(con)
    assert before["mapped"].sum() == 0  # vendor ids are not emails: nothing maps by itself
    report = import_member_lists(_member_lists(), con, user="admin")
    assert report.ok, report.problems
    share = identity.mapped_share(con)
    mapped, seen = int(share["mapped"].sum()), int(share["identities"].sum())
    assert seen == PEOPLE + 5 + PEOPLE
    assert mapped / seen >= 0.95 and mapped == seen - 1  # one user listed with a private email
    # an API key maps to the employee whose member-list user created it
    assert con.execute("SELECT DISTINCT employee_id FROM stg_vendor_usage WHERE identity = 'apikey_3'"
                       ).fetchall() == [("P03",)]
    rest = identity.unmapped_usage(con)
    assert list(rest["identity"]) == ["user_07"]
    assert rest["listed_email"].iloc[0] == "someone.private@gmail.com"
    assert rest["cost_usd"].iloc[0] == pytest.approx((8000 * 3 + 100 * 15) / 1e6)


def test_bulk_csv_maps_many_ids_at_once_and_a_bad_line_changes_nothing(con):
    ingest_files(_usage_files(), con, user="admin", today=TODAY)
    csv = "identity_kind,identity,employee_id\n" + "".join(
        f"openai:user_id,user-{i},P{i:02d}\n" for i in range(PEOPLE))
    bad = csv + "openai:user_id,user-99,NOBODY\nanthropic:account_id,,P01\n"
    state = db_state(con)
    with pytest.raises(identity.IdentityError, match=r"line 22, column employee_id.*line 23, column identity"):
        import_identity_map_csv(con, bad.encode(), "admin", file="map.csv")
    assert db_state(con) == state
    assert import_identity_map_csv(con, csv.encode(), "admin", file="map.csv") == PEOPLE
    mapped = con.execute("SELECT count(DISTINCT identity) FROM stg_vendor_usage "
                         "WHERE identity_kind = 'openai:user_id' AND employee_id IS NOT NULL").fetchall()[0][0]
    assert mapped == PEOPLE


def test_a_file_that_is_not_a_member_list_is_refused_by_name(con):
    report = import_member_lists([_file("x.json", {"data": [{"foo": 1}]})], con, user="admin")
    assert not report.ok and "not a vendor member list" in report.problems[0].rule


def test_a_formula_in_a_member_list_is_refused_naming_its_file(con):
    lists, state = _member_lists(), db_state(con)
    evil = {"data": [{"id": "user_99", "type": "user", "email": "x@example.com", "name": "=HYPERLINK(\"x\")"}]}
    report = import_member_lists([*lists, _file("evil_users.json", evil)], con, user="admin")
    assert not report.ok and report.problems[0].file == "evil_users.json"
    assert db_state(con) == state  # not even the directory table was created
