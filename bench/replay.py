"""Replay recorded page calls: cold and warm latency, bare scans, and this process's peak memory.

Run as its own process (`python -m bench.replay DB CALLS OUT`) so its peak resident memory is
that of a process that opens the database and runs every page's queries, as the app does.
Cold: the first run of a call on a freshly opened database. Warm: the median of repeats on an
open connection (Streamlit's cache is bypassed: this times DuckDB and our code, not the cache).
"""

from __future__ import annotations

import json
import pickle
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import duckdb

from workforce.filters import Filters

WARM_REPEATS = 5
ROOT = Path(__file__).resolve().parent.parent
SQL_FOLDERS = [ROOT / "workforce" / "sql", ROOT / "analytics" / "sql"]


def filtered(args: tuple, kwargs: dict, org: str, start, end) -> tuple[tuple, dict]:
    """The same call for a filtered view: one org and the last three months."""

    def narrow(value):
        if isinstance(value, Filters):
            return value.with_(orgs=(org,), start=start, end=end)
        return value

    return tuple(narrow(a) for a in args), {k: narrow(v) for k, v in kwargs.items()}


def timed(fn, con, args, kwargs) -> float:
    started = time.perf_counter()
    fn(con, *args, **kwargs)
    return time.perf_counter() - started


def tables_and_columns(con: duckdb.DuckDBPyConnection, calls: list[tuple]) -> dict[str, set[str]]:
    """The tables (and their columns) named in the SQL of the modules a page's calls come from.

    An approximation of "the columns the page touches": every column of a table that the SQL of
    those modules mentions by name.
    """
    modules = {fn.__module__.split(".")[-1] for fn, _, _ in calls}
    text = ""
    for folder in SQL_FOLDERS:
        for module in modules:
            for path in (folder / module).glob("*.sql") if (folder / module).is_dir() else []:
                text += path.read_text()
    for module in modules:
        path = ROOT / "workforce" / f"{module}.py"
        if path.exists():
            text += path.read_text()
    words = set(re.findall(r"[a-z_][a-z0-9_]*", text.lower()))
    touched: dict[str, set[str]] = {}
    for (table,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'mart_%' OR table_name LIKE 'stg_%'"
    ).fetchall():
        if table in words:
            cols = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [table]
            ).fetchall()]
            touched[table] = {c for c in cols if c in words}
    return touched


def bare_scan_seconds(con: duckdb.DuckDBPyConnection, touched: dict[str, set[str]]) -> float:
    """Warm median time to read every touched column once (`min` forces each value to be read)."""
    statements = []
    for table, cols in sorted(touched.items()):
        exprs = ", ".join(f'min("{c}")' for c in sorted(cols)) or "count(*)"
        # Identifiers come from DuckDB's own catalogue, never from input.
        statements.append(f'SELECT {exprs} FROM "{table}"')
    times = []
    for _ in range(WARM_REPEATS):
        started = time.perf_counter()
        for statement in statements:
            con.execute(statement).fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def replay(db_path: Path, calls: dict[str, list[tuple]]) -> dict:
    probe = duckdb.connect(str(db_path), read_only=True)
    org, last = probe.execute(
        "SELECT org, max(month) FROM mart_employee_month GROUP BY org ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()[0]
    end = probe.execute("SELECT max(usage_date) FROM stg_token_usage").fetchall()[0][0]
    start = probe.execute("SELECT max(usage_date) - INTERVAL 90 DAY FROM stg_token_usage").fetchall()[0][0].date()
    probe.close()

    results = {}
    for page, page_calls in calls.items():
        page_result = {}
        for view in ("default", "filtered"):
            variants = [
                (fn, *((args, kwargs) if view == "default" else filtered(args, kwargs, org, start, end)))
                for fn, args, kwargs in page_calls
            ]
            # Cold: a fresh database instance for the page, each call's first run.
            con = duckdb.connect(str(db_path), read_only=True)
            cold = [timed(fn, con, a, k) for fn, a, k in variants]
            warm = [
                statistics.median(timed(fn, con, a, k) for _ in range(WARM_REPEATS)) for fn, a, k in variants
            ]
            con.close()
            page_result[view] = {
                "calls": [f"{fn.__module__.split('.')[-1]}.{fn.__name__}" for fn, _, _ in variants],
                "cold": cold,
                "warm": warm,
            }
        con = duckdb.connect(str(db_path), read_only=True)
        touched = tables_and_columns(con, page_calls)
        page_result["bare_scan"] = bare_scan_seconds(con, touched)
        page_result["scanned"] = {t: sorted(c) for t, c in touched.items()}
        con.close()
        results[page] = page_result
    results["_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


if __name__ == "__main__":
    db, calls_file, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    sys.path.insert(0, str(ROOT))
    out.write_text(json.dumps(replay(db, pickle.loads(calls_file.read_bytes())), default=str))
