"""The load history, and rolling back the last incremental load."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from etl.ingest.append import bump_data_version, rebuild_after_change
from etl.ingest.reports import RollbackReport
from etl.loading.vendor import ensure_tables
from workforce import audit
from workforce.db import sql, transaction

SQL = Path(__file__).resolve().parent.parent / "sql" / "ingest"


def load_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    ensure_tables(con)
    return con.execute(sql("load_history", SQL)).df()


def rollback_last_load(con: duckdb.DuckDBPyConnection, user: str) -> RollbackReport:
    """Remove exactly the rows the latest load in effect added; a snapshot cannot be undone here."""
    ensure_tables(con)
    rows = con.execute(
        "SELECT load_id, status FROM app_load_history WHERE status IN ('loaded', 'snapshot') "
        "ORDER BY loaded_at DESC, load_id DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return RollbackReport(False, "Nothing to roll back: no load is in effect.")
    load_id, status = rows[0]
    if status == "snapshot":
        return RollbackReport(False, f"The last load ({load_id}) replaced the whole contract snapshot; it cannot be "
                              "rolled back here. Load the previous folder again with `python -m etl load`.", load_id)
    with transaction(con):
        removed = 0
        for table in ("stg_vendor_usage", "stg_vendor_outcomes", "stg_vendor_cost"):
            removed += con.execute(f"DELETE FROM {table} WHERE load_id = ?", [load_id]).fetchall()[0][0]
        con.execute("UPDATE app_load_history SET status = 'rolled_back', rolled_back_by = ?, rolled_back_at = ? "
                    "WHERE load_id = ?", [user, datetime.now(UTC).replace(tzinfo=None), load_id])
        bump_data_version(con, user)
    rebuild_after_change(con)
    audit.record(con, user, "load_rollback", load_id, {"rows_removed": removed})
    return RollbackReport(True, f"Load {load_id} rolled back: {removed:,} rows removed.", load_id, removed)

