"""Where the database lives, how to open it, and how SQL files are found.

One DuckDB file holds everything (see docs/architecture.md). The app opens one connection
per process and hands a cursor to each thread; the command line and tests open their own.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA_DIR = ROOT / "sample_data"
SQL_DIR = Path(__file__).resolve().parent / "sql"


def default_db_path() -> Path:
    """The embedded default database, overridable with WORKFORCE_DB."""
    return Path(os.environ.get("WORKFORCE_DB", ROOT / "data" / "workforce.duckdb"))


def default_key_path(db_path: Path | None = None) -> Path:
    """The pseudonym secret sits beside the database, never inside it (WORKFORCE_KEY_FILE overrides)."""
    env = os.environ.get("WORKFORCE_KEY_FILE")
    if env:
        return Path(env)
    return (db_path or default_db_path()).parent / "pseudonym.key"


def connect(path: Path | str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path = Path(path) if path is not None else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


@cache
def sql(name: str, folder: Path = SQL_DIR) -> str:
    """The text of `folder/name.sql`. Values are bound by the caller, never formatted in."""
    return (folder / f"{name}.sql").read_text(encoding="utf-8")


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchall()
    return rows[0][0] > 0


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """app_meta as a dict: data_version, loaded_at, as_of, source. Empty before the first load."""
    if not table_exists(con, "app_meta"):
        return {}
    return dict(con.execute("SELECT key, value FROM app_meta").fetchall())


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes on every load; pages key their caches on it.

    The loader's data_version is a hash of the input files (the same folder gives the same
    version); the load time is added so a reload after a rollback or a vendor load still counts.
    """
    info = meta(con)
    return f"{info.get('data_version', '')}@{info.get('loaded_at', '')}"
