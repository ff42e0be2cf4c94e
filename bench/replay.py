"""Replay recorded page calls: cold and warm latency, bare scans, and this process's peak memory.

Run as its own process (`python -m bench.replay DB CALLS OUT [--pages a,b]`) so its peak
resident memory is that of a process that opens the database the way the app does
(`workforce.db.connect`, with its memory limit) and runs every page's queries.
Cold: each call's first run on a database instance freshly opened for the page and view.
Warm: the median of up to WARM_REPEATS repeats on that open connection, stopped early once a
call's repeats have taken WARM_BUDGET_S (the number of repeats is kept): a slow call is timed
once or twice, not five times. Streamlit's cache is bypassed: this times DuckDB and our code.
The filtered view narrows every `Filters` argument to the largest org and the last 90 days; a
call that takes no `Filters` has no filtered view and is replayed in the default view only.
A call that fails is recorded with its error (and no time) and the replay goes on.
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import resource
import statistics
import sys
import time
from pathlib import Path

import duckdb

from workforce.db import connect
from workforce.db import memory_limit as configured_limit
from workforce.filters import Filters

WARM_REPEATS = 5
WARM_BUDGET_S = 5.0
ROOT = Path(__file__).resolve().parent.parent
SQL_FOLDERS = [ROOT / "workforce" / "sql", ROOT / "analytics" / "sql", ROOT / "etl" / "sql"]
CODE_FOLDERS = [ROOT / "workforce", ROOT / "analytics", ROOT / "etl"]


def takes_filters(args: tuple, kwargs: dict) -> bool:
    return any(isinstance(v, Filters) for v in (*args, *kwargs.values()))


def filtered(args: tuple, kwargs: dict, org: str, start, end) -> tuple[tuple, dict]:
    """The same call for a filtered view: one org and the last three months."""

    def narrow(value):
        if isinstance(value, Filters):
            return value.with_(orgs=(org,), start=start, end=end)
        return value

    return tuple(narrow(a) for a in args), {k: narrow(v) for k, v in kwargs.items()}


def call_name(fn) -> str:
    return f"{fn.__module__.split('.')[-1]}.{fn.__name__}"


def timed(fn, con, args, kwargs) -> float:
    started = time.perf_counter()
    fn(con, *args, **kwargs)
    return time.perf_counter() - started


def warm_times(fn, con, args, kwargs, repeats: int | None = None, budget: float | None = None) -> list[float]:
    """Up to `repeats` timings, stopping once they add up to more than `budget` seconds."""
    repeats = WARM_REPEATS if repeats is None else repeats
    budget = WARM_BUDGET_S if budget is None else budget
    times: list[float] = []
    while len(times) < repeats and sum(times) <= budget:
        times.append(timed(fn, con, args, kwargs))
    return times


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def replay_view(db_path: Path, variants: list[tuple]) -> dict:
    """Cold then warm timings of (fn, args, kwargs) calls on a database instance opened for them."""
    con = connect(db_path)
    cold: list[float | None] = []
    errors: dict[int, str] = {}
    for i, (fn, a, k) in enumerate(variants):
        try:
            cold.append(timed(fn, con, a, k))
        except Exception as exc:  # noqa: BLE001 - recorded and reported, the replay goes on
            cold.append(None)
            errors[i] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    warm: list[float | None] = []
    repeats: list[int] = []
    for i, (fn, a, k) in enumerate(variants):
        if i in errors:
            warm.append(None)
            repeats.append(0)
            continue
        times = warm_times(fn, con, a, k)
        warm.append(statistics.median(times))
        repeats.append(len(times))
    con.close()
    return {"calls": [call_name(fn) for fn, _, _ in variants], "cold": cold, "warm": warm, "repeats": repeats,
            "errors": {str(i): e for i, e in errors.items()}}


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
    for folder in CODE_FOLDERS:
        for module in modules:
            path = folder / f"{module}.py"
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
    if not statements:
        return 0.0
    times = []
    for _ in range(WARM_REPEATS):
        started = time.perf_counter()
        for statement in statements:
            con.execute(statement).fetchall()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def filtered_view(con: duckdb.DuckDBPyConnection) -> tuple[str, object, object]:
    """The largest org (by employee-months) and the last 90 days of usage."""
    org = con.execute(
        "SELECT org FROM mart_employee_month GROUP BY org ORDER BY count(*) DESC, org LIMIT 1"
    ).fetchall()[0][0]
    end, start = con.execute(
        "SELECT max(usage_date), max(usage_date) - INTERVAL 90 DAY FROM stg_token_usage"
    ).fetchall()[0]
    return org, start.date() if hasattr(start, "date") else start, end


def replay(db_path: Path, calls: dict[str, list[tuple]]) -> dict:
    probe = connect(db_path)
    org, start, end = filtered_view(probe)
    memory_limit = probe.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    threads = probe.execute("SELECT current_setting('threads')").fetchall()[0][0]
    probe.close()

    results: dict = {}
    for page, page_calls in calls.items():
        page_result = {"default": replay_view(db_path, list(page_calls))}
        of_default = [i for i, (_, a, k) in enumerate(page_calls) if takes_filters(a, k)]
        page_result["filtered"] = replay_view(
            db_path, [(page_calls[i][0], *filtered(page_calls[i][1], page_calls[i][2], org, start, end))
                      for i in of_default])
        page_result["filtered"]["of_default"] = of_default  # the default view's index of each call
        con = connect(db_path)
        touched = tables_and_columns(con, page_calls)
        page_result["bare_scan"] = bare_scan_seconds(con, touched)
        page_result["scanned"] = {t: sorted(c) for t, c in touched.items()}
        con.close()
        # The process's peak so far: which page raised it shows where memory goes.
        page_result["peak_rss_mb_after"] = peak_rss_mb()
        results[page] = page_result
        print(f"replayed {page}: peak {page_result['peak_rss_mb_after']:,.0f} MB", file=sys.stderr)
    results["_peak_rss_mb"] = peak_rss_mb()
    results["_settings"] = {"memory_limit": configured_limit() or f"DuckDB's default ({memory_limit})",
                            "memory_limit_duckdb": memory_limit, "threads": threads, "filtered_org": org,
                            "filtered_start": str(start), "filtered_end": str(end)}
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replay", description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("calls", type=Path, help="pickle written by bench.record")
    parser.add_argument("out", type=Path, help="JSON results")
    parser.add_argument("--pages", help="comma-separated page keys (default: every recorded page)")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    calls = pickle.loads(args.calls.read_bytes())
    if args.pages:
        wanted = args.pages.split(",")
        missing = [p for p in wanted if p not in calls]
        if missing:
            parser.error(f"page(s) {missing} not in {args.calls} (recorded: {', '.join(calls)})")
        calls = {p: calls[p] for p in wanted}
    args.out.write_text(json.dumps(replay(args.db, calls), default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
