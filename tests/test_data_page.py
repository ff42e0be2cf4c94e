"""The Data page through AppTest, driving the real file uploader: upload → check → load →
history → roll back, bad files of each kind get a clear message and change nothing, and only
admins may open it. Runs on the tiny hand-made database (tests/ingest_helpers.py)."""

from __future__ import annotations

import json

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import app_as, assert_no_exception
from tests.conftest import ROOT
from tests.ingest_helpers import FIXTURES, build_tiny_db, db_state
from workforce import auth
from workforce.tables import label_for  # pages show columns by their labels
from workforce.viewer import Role

JSON = "application/json"


@pytest.fixture
def page_db(tmp_path, monkeypatch):
    path = build_tiny_db(tmp_path / "workforce.duckdb")
    con = duckdb.connect(str(path))
    auth.create_user(con, "admin", role=Role.ADMIN, password=None, display_name="Admin")
    auth.create_user(con, "exec", role=Role.EXECUTIVE, password=None, display_name="Exec")
    con.close()
    monkeypatch.setenv("WORKFORCE_DB", str(path))
    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(tmp_path / "pseudonym.key"))
    return path


def _state(path):
    con = duckdb.connect(str(path))  # same configuration as the app's connection
    try:
        return db_state(con)
    finally:
        con.close()


def _rows(path, query):
    con = duckdb.connect(str(path))  # same configuration as the app's connection
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def _texts(elements):
    return " ".join(str(e.value) for e in elements)


def _upload(at, *files):
    at.file_uploader[0].set_value(list(files)).run()
    assert_no_exception(at)
    return at


def test_upload_check_load_and_roll_back(page_db):
    at = app_as("admin", "data_admin")
    assert_no_exception(at)
    assert "No file has been loaded" in _texts(at.info)
    data = (FIXTURES / "claude_code_analytics.json").read_bytes()
    _upload(at, ("claude_code_analytics.json", data, JSON))
    assert "Valid: 6 rows ready to load" in _texts(at.success)
    found = at.dataframe[0].value
    assert list(found[label_for("detected")]) == ["vendor: claude_code"] and list(found[label_for("status")]) == ["ready"]
    assert _rows(page_db, "SELECT count(*) FROM stg_vendor_usage") == [(0,)]  # checking wrote nothing

    at.button(key="data_load").click().run()
    assert_no_exception(at)
    assert "6 rows added" in _texts(at.success)
    assert "1 identities, 1 rows, 2,100 tokens, $0.90" in _texts(at.success)  # ci-bot, kept unmapped
    assert _rows(page_db, "SELECT count(*) FROM stg_vendor_usage") == [(4,)]
    history = _rows(page_db, "SELECT loaded_by, rows_added, status FROM app_load_history")
    assert history == [("admin", 6, "loaded")]
    # the same file is still in the uploader: checking it again says it is already loaded
    assert "Nothing to load" in _texts(at.info)
    assert [m.value for m in at.metric][:3] == ["1", "1", "2,100"]

    at.button(key="data_rollback").click().run()
    assert_no_exception(at)
    assert "rolled back: 6 rows removed" in _texts(at.success)
    assert _rows(page_db, "SELECT count(*) FROM stg_vendor_usage") == [(0,)]
    assert _rows(page_db, "SELECT status, rolled_back_by FROM app_load_history") == [("rolled_back", "admin")]


def _bad_files():
    text = (FIXTURES / "openai_usage_completions.json").read_text()
    spend = (FIXTURES / "litellm_spend_logs.csv").read_text()
    future = json.loads((FIXTURES / "anthropic_usage_report.json").read_text())
    future["data"][0]["starting_at"] = "2099-01-01T00:00:00Z"
    return {
        "truncated JSON": (("usage.json", text[:300].encode(), JSON), "truncated"),
        "wrong encoding": (("spend.csv", spend.replace("ana.", "anã.").encode("cp1252"), "text/csv"), "not UTF-8"),
        "formula injection": (("spend.csv", spend.replace("u-777", "=HYPERLINK(1)").encode(), "text/csv"),
                              "formula injection"),
        "future dates": (("usage.json", json.dumps(future).encode(), JSON), "date in the future"),
    }


@pytest.mark.parametrize("case", list(_bad_files()))
def test_bad_files_get_a_clear_message_and_change_nothing(page_db, case):
    upload, expected = _bad_files()[case]
    at = app_as("admin", "data_admin")
    before = _state(page_db)
    _upload(at, upload)
    assert "Rejected" in _texts(at.error) and "nothing was loaded" in _texts(at.error)
    problems = at.dataframe[1].value
    assert list(problems.columns) == [label_for(c) for c in ["file", "row", "column", "rule", "value"]]
    assert expected in " ".join(problems[label_for("rule")]) and problems[label_for("file")].iloc[0] == upload[0]
    assert not [b for b in at.button if b.key == "data_load"]
    assert _state(page_db) == before


def test_an_oversized_upload_is_refused(page_db, monkeypatch):
    monkeypatch.setenv("WORKFORCE_MAX_UPLOAD_MB", "0.0005")  # 524 bytes: the fixture is bigger
    at = app_as("admin", "data_admin")
    before = _state(page_db)
    _upload(at, ("claude_code_analytics.json", (FIXTURES / "claude_code_analytics.json").read_bytes(), JSON))
    assert "over the" in " ".join(at.dataframe[1].value[label_for("rule")])
    assert _state(page_db) == before


@pytest.mark.parametrize("user", ["exec"])
def test_non_admins_are_denied(page_db, user):
    """Not in their navigation, and the page itself refuses them when run directly."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app_as(user, "data_admin")
    at = AppTest.from_file(str(ROOT / "pages" / "data_admin.py"), default_timeout=60)
    at.session_state["username"] = user
    at.run()
    assert "You do not have access to this page." in _texts(at.error)
    assert not at.file_uploader and not at.dataframe


def test_on_the_sample_database_a_load_rebuilds_the_marts_and_rolls_back(app_db):
    """The real loaded sample: loading a vendor file rebuilds every mart, rollback restores the rows."""
    at = app_as("admin", "data_admin")
    assert_no_exception(at)
    before = _rows(app_db, "SELECT count(*), sum(total_tokens) FROM mart_usage_daily")
    _upload(at, ("copilot.ndjson", (FIXTURES / "copilot_user_usage.ndjson").read_bytes(), "application/x-ndjson"))
    at.button(key="data_load").click().run()
    assert_no_exception(at)
    assert "4 rows added" in _texts(at.success)  # 2 usage rows and 2 outcome rows (suggestions accepted)
    assert _rows(app_db, "SELECT count(*) FROM stg_vendor_usage WHERE source = 'copilot'") == [(2,)]
    at.button(key="data_rollback").click().run()
    assert_no_exception(at)
    assert _rows(app_db, "SELECT count(*) FROM stg_vendor_usage") == [(0,)]
    assert _rows(app_db, "SELECT count(*), sum(total_tokens) FROM mart_usage_daily") == before
