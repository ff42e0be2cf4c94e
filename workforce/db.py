"""Where the database lives, how to open it, and how SQL files are found.

One DuckDB file holds everything (see docs/architecture.md). The app opens one connection
per process and hands a cursor to each thread; the command line and tests open their own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA_DIR = ROOT / "sample_data"
SQL_DIR = Path(__file__).resolve().parent / "sql"
MEMORY_LIMIT_ENV = "WORKFORCE_DUCKDB_MEMORY_LIMIT"
# Measured on the 85,000-employee company (docs/performance.md): every page's queries run under
# it, and the app process stays within its 3 GB target.
DEFAULT_MEMORY_LIMIT = "1.5GB"
_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def default_db_path() -> Path:
    """The embedded default database, overridable with WORKFORCE_DB."""
    return Path(os.environ.get("WORKFORCE_DB", ROOT / "data" / "workforce.duckdb"))


def default_key_path(db_path: Path | None = None) -> Path:
    """The pseudonym secret sits beside the database, never inside it (WORKFORCE_KEY_FILE overrides)."""
    env = os.environ.get("WORKFORCE_KEY_FILE")
    if env:
        return Path(env)
    return (db_path or default_db_path()).parent / "pseudonym.key"


PRIVATE_MODE = 0o600


def keep_private(db_path: Path | str) -> None:
    """Make the database file, its write-ahead log and anything this process creates later
    readable by the owner only (mode 0600): the file holds HR data and survey answers.

    DuckDB creates the file and its `.wal` with the process umask (usually giving 0644) and
    recreates the log after every checkpoint, so the umask of the process is narrowed to 077
    (it only ever gets stricter); files that already exist are set to 0600.
    """
    os.umask(os.umask(0o077) | 0o077)
    path = Path(db_path)
    for file in (path, path.with_name(path.name + ".wal")):
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(PRIVATE_MODE)
        except FileNotFoundError:
            pass


def memory_limit() -> str | None:
    """The app's DuckDB memory limit: WORKFORCE_DUCKDB_MEMORY_LIMIT (e.g. "2GB"), else DEFAULT_MEMORY_LIMIT.

    "default" (or an empty value) leaves DuckDB's own default, 80% of RAM. Raises ValueError,
    naming the variable, for a value that is not a size.
    """
    value = os.environ.get(MEMORY_LIMIT_ENV, DEFAULT_MEMORY_LIMIT).strip()
    if value.lower() in ("", "default"):
        return None
    if not _SIZE.fullmatch(value):
        raise ValueError(
            f"{MEMORY_LIMIT_ENV}={value!r} is not a memory size: use a number and a unit, e.g. 1.5GB or 800MB, "
            "or 'default' for DuckDB's own (80% of RAM)"
        )
    return value


def connect(path: Path | str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """The app's connection to the database: capped at `memory_limit()`.

    DuckDB's buffer manager otherwise keeps caching table blocks up to 80% of RAM; under the
    cap it evicts them, and joins, aggregates and sorts that need more spill to `<db>.tmp`.
    The cap is set with SET, not as a connect option: a second connection to the same file in
    this process (the loader's, when the app loads data) must not differ in its options. The
    setting belongs to the database instance, so the loader lifts it while it runs
    (`unlimited_memory`). The command-line loader opens its own instance and is not capped.
    """
    path = Path(path) if path is not None else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    keep_private(path)
    limit = memory_limit()
    con = duckdb.connect(str(path), read_only=read_only)
    if limit:
        con.execute("SET memory_limit = ?", [limit])
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block in one transaction: committed when it ends, rolled back when anything escapes it
    (an interrupt included). A failed statement may already have aborted the transaction, so a
    failing ROLLBACK is passed over and the block's own error is the one raised."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass
        raise


@contextmanager
def unlimited_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Lift the memory cap of `con`'s database instance for a load or mart rebuild, then put the
    cap back (the app's `memory_limit()`). An instance that was not capped is left as it is.

    The limit is per instance, so queries of other sessions running meanwhile are not capped either.
    """
    before = _current_limit(con)
    con.execute("RESET memory_limit")
    if _current_limit(con) == before:  # not capped (e.g. the loader's own connection)
        yield
        return
    try:
        yield
    finally:
        # DuckDB shows the setting rounded: put the configured value back when there is one
        con.execute("SET memory_limit = ?", [memory_limit() or before])


def _current_limit(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]


@cache
def sql(name: str, folder: Path = SQL_DIR) -> str:
    """The text of `folder/name.sql`. Values are bound by the caller, never formatted in."""
    return (folder / f"{name}.sql").read_text(encoding="utf-8")


Relation = str | Path
"""A common table expression's source: a file name in the query's folder, or a Path to a `.sql` file."""

_LEADING_WITH = re.compile(r"\A((?:\s|--[^\n]*\n|/\*.*?\*/)*)WITH(\s+RECURSIVE)?\b", re.IGNORECASE | re.DOTALL)


def _relation_text(relation: Relation, folder: Path) -> str:
    if isinstance(relation, Path):
        return relation.with_suffix(".sql").read_text(encoding="utf-8")
    return sql(relation, folder)


def render(name: str, *, relations: Mapping[str, Relation] | None = None, folder: Path = SQL_DIR,
           not_materialized: Collection[str] = ()) -> str:
    """The SQL `query` runs: the file `folder/name.sql`, with each declared relation in front of it
    as a common table expression (`alias AS (text of its file)`), in the order given.

    The query's own file may start with WITH: the declared relations are put first in that same
    WITH list, so the query reads them like any table. Nothing else is added: every value is
    bound as a parameter. `python -m workforce render NAME` prints it.
    """
    text = sql(name, folder)
    if not relations:
        return text
    ctes = ",\n".join(
        f"{alias} AS {'NOT MATERIALIZED ' if alias in not_materialized else ''}(\n{_relation_text(rel, folder).rstrip().rstrip(';')}\n)"
        for alias, rel in relations.items()
    )
    match = _LEADING_WITH.match(text)
    if match:
        recursive = match.group(2) or ""
        return f"{match.group(1)}WITH{recursive} {ctes},{text[match.end():]}"
    return f"WITH {ctes}\n{text}"


def query(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | Sequence[Any] | None = None, *,
          relations: Mapping[str, Relation] | None = None, folder: Path = SQL_DIR,
          not_materialized: Collection[str] = ()) -> duckdb.DuckDBPyConnection:
    """Run the named SQL file (see `render`) with `params` bound; returns the executed cursor
    (`.df()`, `.fetchall()`, `.fetchone()`). The one way the project runs a query from a file."""
    text = render(name, relations=relations, folder=folder, not_materialized=not_materialized)
    return con.execute(text, params if params is not None else {})


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether an unqualified `table` reaches a table or view: one in the current database and
    schema (the loader's target, when it works from an in-memory database with the target
    attached), or a temporary one. The catalogue functions cost a fraction of
    information_schema, and pages ask this on many queries."""
    rows = con.execute(
        "SELECT count(*) FROM (SELECT database_name, schema_name, temporary FROM duckdb_tables() WHERE table_name = $n "
        "UNION ALL SELECT database_name, schema_name, temporary FROM duckdb_views() WHERE view_name = $n) "
        "WHERE temporary OR (database_name = current_database() AND schema_name = current_schema())",
        {"n": table},
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
