"""`make run`'s first step: an already loaded database is left as it is (no rebuild) and gets its
demo accounts; an empty one is reported as not ready (the app then shows only the build)."""

from __future__ import annotations

import duckdb

from workforce import first_start


def test_a_loaded_database_is_not_rebuilt_and_gets_its_demo_accounts(writable_db, capsys):
    con = duckdb.connect(str(writable_db))
    con.execute("DELETE FROM app_users")
    con.execute("DELETE FROM app_user_scopes")
    version = con.execute("SELECT value FROM app_meta WHERE key = 'data_version'").fetchall()
    con.close()
    assert first_start.main(writable_db, writable_db.parent / "pseudonym.key") == 0
    assert "Database ready" in capsys.readouterr().out
    con = duckdb.connect(str(writable_db))
    try:
        assert con.execute("SELECT value FROM app_meta WHERE key = 'data_version'").fetchall() == version
        assert {u for (u,) in con.execute("SELECT username FROM app_users").fetchall()} >= {"admin", "employee"}
    finally:
        con.close()


def test_an_empty_database_is_not_ready(tmp_path):
    con = duckdb.connect(str(tmp_path / "empty.duckdb"))
    try:
        assert not first_start.database_ready(con)
    finally:
        con.close()
