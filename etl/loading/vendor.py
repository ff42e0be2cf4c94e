"""The vendor-export side of the marts, shared by the snapshot loader and incremental ingestion.

`etl.loading.write` (a snapshot load) and `etl.ingest` (vendor exports, rollbacks) both rebuild
`mart_vendor_usage_daily` before the usage marts. It lives here, below both, so neither imports
the other: `etl.ingest` imports the loader, never the reverse.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.pricing import build_price_book
from workforce import identity
from workforce.db import SQL_DIR as _WF_SQL_DIR
from workforce.db import sql, table_exists

SQL = Path(__file__).resolve().parent.parent / "sql" / "ingest"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The ingestion tables (vendor rows, load history) and the identity map, when missing."""
    con.execute(sql("ddl", SQL))
    identity.ensure_table(con)


def rebuild_vendor_marts(con: duckdb.DuckDBPyConnection) -> None:
    """The price book, then mart_vendor_usage_daily: vendor usage attributed to people, in
    mart_usage_daily's shape (which reads the same price book)."""
    ensure_tables(con)
    if not all(table_exists(con, t) for t in ("stg_job_history", "stg_model_prices", "stg_employees",
                                              "stg_token_usage")):
        return
    build_price_book(con)
    query = sql("mart_vendor_usage_daily", SQL).format(
        priced_vendor_usage=sql("priced_vendor_usage", _WF_SQL_DIR / "identity"))
    con.execute(f"CREATE OR REPLACE TABLE mart_vendor_usage_daily AS {query}")
