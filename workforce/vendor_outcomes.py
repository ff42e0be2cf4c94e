"""Vendor-reported outcomes beside activity (the value tab of AI usage & cost).

Claude Code analytics and the Copilot per-user report say what the tools helped deliver (pull
requests, commits, lines, edit-tool decisions; suggestions accepted). They are mapped to people
like usage, joined to the contract's outcomes in `mart_outcomes_week` (which the cost-per-change
figures and the tokenmaxxing flags read) and summed here per org of the viewer's scope.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from workforce.db import SQL_DIR
from workforce.filters import Filters
from workforce.usage import run, scope_params
from workforce.viewer import Viewer

_SQL = SQL_DIR / "vendor_outcomes"
COLUMNS = ["org", "people", "claude_code_prs", "claude_code_commits", "claude_code_lines_added",
           "tool_acceptance_rate", "copilot_suggestions_accepted", "copilot_lines_accepted",
           "tokens_per_claude_code_pr"]


def vendor_outcomes_by_org(con: duckdb.DuckDBPyConnection, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """One row per org in scope: people and the vendor-reported outcomes (columns: COLUMNS)."""
    return run(con, "vendor_outcomes_by_org", scope_params(con, viewer, filters), folder=_SQL)
