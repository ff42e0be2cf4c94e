"""No page and no download, for any role, holds a table of named people beside token or cost
figures: the thing this product exists to avoid is a token count read as a score.

Every page each demo role may open is run (AppTest); every table on it and every download's
payload is checked. The admins' case review is opened too: its one named case is shown as text,
never as a table that could be sorted or downloaded.
"""

from __future__ import annotations

import io
import re

import duckdb
import pandas as pd
import pytest
import streamlit

from tests.apptest import app_as, assert_no_exception
from ui.navigation import pages_for
from workforce import auth

USERS = ("admin", "exec", "hr", "employee")
# Columns that carry usage as a figure: tokens, cost, spend, agent time, requests, ratios of them.
USAGE_COLUMN = re.compile(r"token|cost|usd|spend|agent|request|ratio|usage", re.IGNORECASE)


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[str, bytes]]:
    """Every st.download_button payload the pages build, as (label, bytes)."""
    seen: list[tuple[str, bytes]] = []
    original = streamlit.download_button

    def recording(label, data, *args, **kwargs):
        payload = data() if callable(data) else data
        seen.append((label, payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)))
        return original(label, payload, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    return seen


@pytest.fixture
def people(app_db) -> tuple[set[str], set[str]]:
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        rows = con.execute("SELECT employee_id, full_name FROM stg_employees").fetchall()
    finally:
        con.close()
    return {i for i, _ in rows}, {n for _, n in rows}


def _named_usage_problem(frame: pd.DataFrame, ids: set[str], names: set[str]) -> str | None:
    """Why `frame` is a table of named people with usage figures, or None when it is not."""
    usage = [str(c) for c in frame.columns if USAGE_COLUMN.search(str(c))]
    if not usage or frame.empty:
        return None
    cells = {str(v) for v in frame.astype(str).to_numpy().ravel()}
    named = cells & (ids | names)
    if named:
        return f"{len(named)} people named beside {usage}"
    return None


def _csv(payload: bytes) -> pd.DataFrame | None:
    try:
        return pd.read_csv(io.BytesIO(payload))
    except Exception:  # noqa: BLE001 - not a CSV (an HTML report): checked as text
        return None


def _check(at, ids, names, downloads, where: str) -> list[str]:
    problems = []
    for element in [*at.dataframe, *at.table]:
        problem = _named_usage_problem(element.value, ids, names)
        if problem:
            problems.append(f"{where}: table: {problem}")
    for label, payload in downloads:
        frame = _csv(payload)
        if frame is not None:
            problem = _named_usage_problem(frame, ids, names)
        else:
            text = payload.decode("utf-8", errors="replace")
            problem = "names in the file" if any(n in text for n in names) and USAGE_COLUMN.search(text) else None
        if problem:
            problems.append(f"{where}: download {label!r}: {problem}")
    return problems


def test_the_check_catches_a_leaderboard(people):
    ids, names = people
    name = sorted(names)[0]
    board = pd.DataFrame({"person": [name], "median_token_ratio": [40.0]})
    assert _named_usage_problem(board, ids, names)
    assert _named_usage_problem(board.rename(columns={"person": "employee_id"}).assign(employee_id=[sorted(ids)[0]]),
                                ids, names)
    assert _named_usage_problem(pd.DataFrame({"org": ["Ads"], "cost_usd": [1.0]}), ids, names) is None


@pytest.mark.parametrize("user", USERS)
def test_no_page_or_download_ranks_people(app_db, people, downloads, user):
    ids, names = people
    con = duckdb.connect(str(app_db), read_only=True)
    try:
        viewer = auth.viewer_for(con, user)
    finally:
        con.close()
    problems = []
    at = app_as(user, timeout=180)
    for spec in pages_for(viewer):
        downloads.clear()
        at.switch_page(spec.path).run()
        assert_no_exception(at)
        problems += _check(at, ids, names, downloads, f"{user} on {spec.key}")
    assert not problems, problems


def test_an_opened_case_names_one_person_as_text_not_a_table(app_db, people, downloads):
    ids, names = people
    at = app_as("admin", "cost_alerts", timeout=180)
    at.text_input(key="cost_alerts_why").input("weekly review")
    downloads.clear()
    next(b for b in at.button if b.label == "Open the next case").click().run()
    assert_no_exception(at)
    case = at.session_state["cost_alerts_open_case"]
    assert case.kind == "team_day" or case.subject in names  # the case view does name its person
    assert not _check(at, ids, names, downloads, "an opened case")
    assert not at.download_button, "no download on the case review"
