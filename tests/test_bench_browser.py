"""bench.browser: the benchmark's real-browser timings, on the sample database (two pages)."""

from __future__ import annotations

import shutil

import duckdb

from bench import browser


def test_times_a_chart_page_and_a_table_page_cold_and_warm(sample_db_path, tmp_path):
    db = tmp_path / "workforce.duckdb"
    shutil.copy(sample_db_path, db)
    shutil.copy(sample_db_path.parent / "pseudonym.key", tmp_path / "pseudonym.key")
    results = browser.measure(db, tmp_path / "pseudonym.key", tmp_path / "out", ["ai_usage", "audit_log"], repeats=1)
    assert list(results) == ["ai_usage", "audit_log"]
    assert results["ai_usage"]["user"] == "exec" and results["audit_log"]["user"] == "admin"
    for run in ("cold", "warm"):
        usage = results["ai_usage"][run]
        assert 0 < usage["first_chart"] <= usage["settled"]  # the usage page draws charts
        assert results["audit_log"][run]["first_chart"] is None  # a table page has none
        assert results["audit_log"][run]["settled"] > 0
    text = browser.table(results)
    assert "| ai_usage |" in text and "| audit_log | admin |" in text
    # the server ran on the copy, and signed the two users in (the audit log says so)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM app_audit_log WHERE action = 'sign_in'").fetchone()[0] >= 2
    finally:
        con.close()
