"""Run the real app.py under Streamlit's AppTest as a signed-in demo user, on a given page."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from workforce.db import ROOT


def app_as(username: str | None, page: str | None = None, timeout: float = 60) -> AppTest:
    """Signed in as `username` (None: signed out), optionally switched to pages/<page>.py."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if username is not None:
        at.session_state["username"] = username
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def assert_no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def chart_title(spec: dict) -> str:
    """A Vega-Lite spec's title as one line of text (long titles are sent wrapped into lines)."""
    title = spec.get("title", "")
    title = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(title) if isinstance(title, list) else title


def query_db(path, sql: str, params=()) -> list[tuple]:
    """The rows of one query on the database file the app uses, opened and closed again so that
    the app can open it next."""
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def copy_db(db: Path, folder: Path) -> Path:
    """A private copy of the database file `db` and of the pseudonym key beside it, in `folder`."""
    target = folder / "workforce.duckdb"
    shutil.copy(db, target)
    shutil.copy(db.parent / "pseudonym.key", folder / "pseudonym.key")
    return target


def point_app(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app (AppTest runs in this process) at `db` and the pseudonym key beside it."""
    monkeypatch.setenv("WORKFORCE_DB", str(db))
    monkeypatch.setenv("WORKFORCE_KEY_FILE", str(db.parent / "pseudonym.key"))
    return db
