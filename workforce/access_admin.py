"""What the admin pages read and change besides accounts: the audit log and the survey minimums.

Account changes live in `workforce.auth`; both check the admin role here, on the server.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from workforce import audit, privacy
from workforce.auth import AccessChangeError
from workforce.db import sql
from workforce.viewer import Role, Viewer, require_role

MAX_AUDIT_ROWS = 5000


def audit_entries(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    *,
    username: str | None = None,
    action: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = MAX_AUDIT_ROWS,
) -> pd.DataFrame:
    """Audit rows (at, username, action, target, detail), newest first, at most `limit`."""
    require_role(viewer, Role.ADMIN)
    audit.ensure_table(con)
    return con.execute(
        sql("access/audit_entries"),
        {"username": username or None, "action": action or None, "start": start, "end": end,
         "limit": max(1, min(int(limit), MAX_AUDIT_ROWS))},
    ).df()


def audit_choices(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> tuple[list[str], list[str]]:
    """The usernames and actions present in the log, for the filter lists."""
    require_role(viewer, Role.ADMIN)
    audit.ensure_table(con)
    users = [u for (u,) in con.execute("SELECT DISTINCT username FROM app_audit_log ORDER BY 1").fetchall()]
    actions = [a for (a,) in con.execute("SELECT DISTINCT action FROM app_audit_log ORDER BY 1").fetchall()]
    return users, actions


def set_privacy_rules(con: duckdb.DuckDBPyConnection, actor: Viewer, min_scores: int, min_comments: int) -> None:
    """Store the survey minimums (app_meta) after checking them; audited."""
    require_role(actor, Role.ADMIN)
    try:
        rules = privacy.PrivacyRules(int(min_scores), int(min_comments))
    except ValueError as exc:
        raise AccessChangeError("privacy", f"Minimum group sizes: {exc}.") from None
    before = privacy.current_rules(con)
    con.execute("CREATE TABLE IF NOT EXISTS app_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for key, value in (("privacy_min_scores", rules.min_scores), ("privacy_min_comments", rules.min_comments)):
        con.execute("INSERT OR REPLACE INTO app_meta (key, value) VALUES (?, ?)", [key, str(value)])
    audit.record(con, actor.username, "admin_change", "privacy", {
        "before": [before.min_scores, before.min_comments], "after": [rules.min_scores, rules.min_comments],
    })
