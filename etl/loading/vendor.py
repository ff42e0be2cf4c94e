"""Vendor-export usage beside the loaded snapshot: its tables, and `mart_vendor_usage_daily`
(vendor usage attributed to people in mart_usage_daily's shape, which that mart unions in).

Both the loader (every load re-attributes vendor usage to the new org tree) and incremental
ingestion (etl/ingest/) rebuild it, so it lives on the loader's side of the two.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.pricing import build_price_book
from workforce import identity
from workforce.db import SQL_DIR, render, sql, table_exists

SQL = Path(__file__).resolve().parent.parent / "sql" / "ingest"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The vendor staging tables, the load history and the identity map (created when missing)."""
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
    text = render("mart_vendor_usage_daily", folder=SQL,
                  relations={"priced_vendor_usage": SQL_DIR / "identity" / "priced_vendor_usage.sql"})
    con.execute(f"CREATE OR REPLACE TABLE mart_vendor_usage_daily AS {text}")

