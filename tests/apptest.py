"""Run the real app.py under Streamlit's AppTest as a signed-in demo user, on a given page."""

from __future__ import annotations

import duckdb
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


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
