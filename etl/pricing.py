"""The price book: what every model name seen in usage costs, and where each rate comes from.

Two sources of rates: the company's `model_prices` contract table (its negotiated or list
prices; it always wins) and a bundled vendor rate card (`etl/prices/rate_card.csv`: public list
prices of Anthropic and OpenAI model families, each row naming the page it was read from) for
models the company did not list. Tier multipliers (`etl/prices/tier_multipliers.csv`: batch and
flex at half price) apply to vendor usage tagged with that tier; a tier with no multiplier
(e.g. priority) is priced at the standard rate and shown as such on the reconciliation page.

`build_price_book(con)` writes `ref_rate_card`, `ref_tier_multipliers` and `mart_price_book`
(etl/sql/pricing/mart_price_book.sql: prefix and alias matching, effective dating). It runs
before the usage marts at every load, ingest, rollback and identity-map edit.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from workforce.db import sql

PRICES_DIR = Path(__file__).resolve().parent / "prices"
SQL = Path(__file__).resolve().parent / "sql" / "pricing"
RATE_CARD = PRICES_DIR / "rate_card.csv"
TIER_MULTIPLIERS = PRICES_DIR / "tier_multipliers.csv"


def rate_card() -> pd.DataFrame:
    frame = pd.read_csv(RATE_CARD, dtype={"aliases": str, "source": str}, keep_default_na=False,
                        na_values={c: [""] for c in ("input_per_mtok", "output_per_mtok", "cache_read_per_mtok",
                                                     "cache_write_per_mtok", "cache_write_1h_per_mtok")})
    frame["effective_from"] = pd.to_datetime(frame["effective_from"]).dt.date
    return frame


def tier_multipliers() -> pd.DataFrame:
    return pd.read_csv(TIER_MULTIPLIERS, dtype={"vendor": str, "service_tier": str, "source": str})


def _replace(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("_price_rows", frame)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _price_rows")
    finally:
        con.unregister("_price_rows")


def build_price_book(con: duckdb.DuckDBPyConnection) -> int:
    """(Re)build the rate card tables and mart_price_book; returns the book's rows."""
    _replace(con, "ref_rate_card", rate_card())
    _replace(con, "ref_tier_multipliers", tier_multipliers())
    con.execute("CREATE OR REPLACE TABLE mart_price_book AS " + sql("mart_price_book", SQL))
    return con.execute("SELECT count(*) FROM mart_price_book").fetchall()[0][0]
