"""Spend reconciliation: what the vendors billed beside what we priced, and every rate's source.

The vendors' cost reports (`stg_vendor_cost`: Anthropic cost report, OpenAI costs) have no
person in them; the usage exports do. This module sets the two side by side per vendor,
month and model family, and says what explains a gap: models without a price, usage that maps
to nobody, tiers priced at the standard rate, costs that are the vendor's estimate. Company-wide
figures with no person dimension: the page is for admins and executives.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from workforce.db import SQL_DIR, sql, table_exists

_SQL = SQL_DIR / "reconciliation"
_NEEDS = ("stg_vendor_usage", "stg_vendor_cost", "mart_price_book", "ref_tier_multipliers")
LINE_COLUMNS = ["vendor", "month", "model_family", "models_seen", "tools", "tiers", "vendor_reported_usd",
                "priced_usd", "difference_usd", "list_price_usd", "source_reported_usd", "estimated_usd",
                "unpriced_tokens", "unmapped_usd", "tier_at_standard_usd", "rate_sources", "explanation"]


def _text(name: str) -> str:
    """A reconciliation query with its named subqueries spliced in (SQL text only, no values).

    Spliced by name, not str.format: the queries use DuckDB's own format('{:,}') strings."""
    text = sql(name, _SQL)
    text = text.replace("{spend_reconciliation}", sql("spend_reconciliation", _SQL))
    return text.replace("{priced_vendor_usage}", sql("priced_vendor_usage", SQL_DIR / "identity"))


def _ready(con: duckdb.DuckDBPyConnection) -> bool:
    return all(table_exists(con, t) for t in _NEEDS)


def spend_reconciliation(con: duckdb.DuckDBPyConnection, month: date | None = None) -> pd.DataFrame:
    """One row per vendor, month and model family: reported, priced, difference, explanation."""
    if not _ready(con):
        return pd.DataFrame(columns=LINE_COLUMNS)
    return con.execute(_text("spend_reconciliation"), {"month": month}).df()


def reconciliation_by_vendor_month(con: duckdb.DuckDBPyConnection, month: date | None = None) -> pd.DataFrame:
    if not _ready(con):
        return pd.DataFrame(columns=["vendor", "month", "vendor_reported_usd", "priced_usd", "difference_usd",
                                     "unmapped_usd", "unpriced_tokens", "tier_at_standard_usd"])
    return con.execute(_text("reconciliation_by_vendor_month"), {"month": month}).df()


def price_book(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every rate in use, per model name seen and period, with where it comes from."""
    if not table_exists(con, "mart_price_book"):
        return pd.DataFrame()
    return con.execute(sql("price_book", _SQL)).df()


def tier_multipliers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not table_exists(con, "ref_tier_multipliers"):
        return pd.DataFrame(columns=["vendor", "service_tier", "multiplier", "source"])
    return con.execute(sql("tier_multipliers", _SQL)).df()


def unpriced_models(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not _ready(con):
        return pd.DataFrame(columns=["vendor", "model", "total_tokens", "usage_rows", "first_day", "last_day"])
    return con.execute(_text("unpriced_models")).df()


def months(con: duckdb.DuckDBPyConnection) -> list[date]:
    """The months the reconciliation has lines for, newest first (the page's month picker)."""
    frame = reconciliation_by_vendor_month(con)
    return sorted({pd.Timestamp(m).date() for m in frame["month"]}, reverse=True)
