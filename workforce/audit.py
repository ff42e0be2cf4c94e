"""The audit log: sign-ins, pages viewed with their filters, downloads and admin changes.

It records who did what and never holds survey answers or comments. What people with the
employee role do (sign in, open the survey) is recorded under their role, not their name
(`actor`): their only business in the app is the pulse survey, so a named sign-in on a day would
tell a reader of the database which of the day's in-app answers could be theirs. Failed sign-ins
keep the typed name (that is what an admin needs to see an attack).
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from workforce.viewer import Role, Viewer

EMPLOYEE_ACTOR = "(an employee)"

DDL = """
CREATE TABLE IF NOT EXISTS app_audit_log (
    "at" TIMESTAMP NOT NULL DEFAULT current_timestamp,  -- quoted: AT is reserved in DuckDB 2.0
    username VARCHAR NOT NULL,
    action VARCHAR NOT NULL,   -- sign_in, sign_in_failed, view, download, admin_change, load, ...
    target VARCHAR,            -- page, file or object acted on
    detail VARCHAR             -- JSON: filters, counts; never survey answers
)
"""


def actor(viewer: Viewer) -> str:
    """Who the log names for what a viewer does: the username, or the role alone for employees."""
    return EMPLOYEE_ACTOR if viewer.role == Role.EMPLOYEE else viewer.username


def ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(DDL)


def record(
    con: duckdb.DuckDBPyConnection,
    username: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    ensure_table(con)
    con.execute(
        "INSERT INTO app_audit_log (\"at\", username, action, target, detail) "
        "VALUES (now()::TIMESTAMP, ?, ?, ?, ?)",
        [username, action, target, json.dumps(detail, default=str, sort_keys=True) if detail else None],
    )
