"""Spend reconciliation: what the vendors billed beside what we priced, and every rate's source.

The vendors' cost reports (`stg_vendor_cost`: Anthropic cost report, OpenAI costs) have no
person in them; the usage exports do. This module sets the two side by side per vendor,
month and model family, and says what explains a gap: models without a price, usage that maps
to nobody, tiers priced at the standard rate, costs that are the vendor's estimate. Company-wide
figures with no person dimension: the page is for admins and executives. Every load builds the
vendor tables and the price book (etl/ingest.py rebuild_vendor_marts), so the queries read them as they are.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from workforce.db import SQL_DIR, query

_SQL = SQL_DIR / "reconciliation"
# vendor usage rows, priced (the identity module's query, which the loader's vendor mart also reads)
PRICED = {"priced_vendor_usage": SQL_DIR / "identity" / "priced_vendor_usage"}
LINES = PRICED | {"spend_reconciliation": "spend_reconciliation"}  # one row per vendor, month, model family


def spend_reconciliation(con: duckdb.DuckDBPyConnection, month: date | None = None) -> pd.DataFrame:
    """One row per vendor, month and model family: reported, priced, difference, explanation."""
    return query(con, "spend_reconciliation", {"month": month}, relations=PRICED, folder=_SQL).df()


def reconciliation_by_vendor_month(con: duckdb.DuckDBPyConnection, month: date | None = None) -> pd.DataFrame:
    return query(con, "reconciliation_by_vendor_month", {"month": month}, relations=LINES, folder=_SQL).df()


def price_book(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every rate in use, per model name seen and period, with where it comes from."""
    return query(con, "price_book", folder=_SQL).df()


def tier_multipliers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "tier_multipliers", folder=_SQL).df()


def unpriced_models(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "unpriced_models", relations=PRICED, folder=_SQL).df()


def months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The months the reconciliation has lines for, newest first (the page's month picker)."""
    frame = reconciliation_by_vendor_month(con)
    return sorted({pd.Timestamp(m).date() for m in frame["month"]}, reverse=True)
