"""`python -m bench`: the company-scale benchmark, printed as one table.

Generates (or reuses) the 85,000-employee, 12-month dataset, loads it, records the queries every
page runs by running the real pages, replays them cold and warm for a default and a filtered
view, compares five aggregations with pandas, and times `analytics summary`. Heavy steps run in
their own processes so each one's peak memory is its own. Results go to bench/data/results.json;
docs/performance.md holds a run's table with the machine it ran on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"

TARGETS = {
    "load_seconds": 180,
    "summary_seconds": 60,
    "warm_ms": 300,
    "cold_ms": 2000,
    "peak_rss_mb": 3072,
    "pandas_ratio": 10,
    "scan_ratio": 3,
}


def _run(args: list[str], **env) -> float:
    """Run a Python module in a child process; return its wall time. Fails loudly."""
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=ROOT, check=True, env={**os.environ, **env})
    return time.perf_counter() - started


def _folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def ensure_source(employees: int, months: int, seed: int) -> tuple[Path, float | None]:
    """The generated files, reused when a previous run made them with the same parameters."""
    source = DATA / f"source-{employees}-{months}-{seed}"
    stamp = source / "bench_stamp.json"
    if stamp.exists():
        return source, json.loads(stamp.read_text())["generate_seconds"]
    shutil.rmtree(source, ignore_errors=True)
    seconds = _run(["-m", "etl", "generate", str(source), "--employees", str(employees),
                    "--months", str(months), "--seed", str(seed)])
    stamp.write_text(json.dumps({"generate_seconds": seconds}))
    return source, seconds


def ensure_database(source: Path, fresh: bool) -> tuple[Path, float | None, int]:
    db = DATA / f"{source.name}.duckdb"
    stamp = DATA / f"{source.name}.load.json"
    if fresh or not (db.exists() and stamp.exists()):
        for leftover in (db, Path(f"{db}.wal")):
            leftover.unlink(missing_ok=True)
        seconds = _run(["-m", "etl", "load", str(source), "--db", str(db), "--quiet"])
        import duckdb  # only here: the orchestrator itself holds no connection during timing

        con = duckdb.connect(str(db))
        rows = sum(
            con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0]  # names from DuckDB's catalogue
            for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'stg_%'").fetchall()
        )
        con.close()
        stamp.write_text(json.dumps({"load_seconds": seconds, "rows": rows}))
    info = json.loads(stamp.read_text())
    return db, info["load_seconds"], info["rows"]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def build_table(r: dict) -> str:
    lines = [
        f"Machine: {r['machine']}",
        f"Dataset: {r['employees']:,} employees × {r['months']} months (seed {r['seed']}), "
        f"{r['source_mb']:,.0f} MB of Parquet",
        "",
        "| step | figure | target | |",
        "|---|---|---|---|",
        f"| generate | {r['generate_seconds']:.0f} s | – | |",
        f"| load | {r['load_seconds']:.0f} s ({r['rows_loaded'] / r['load_seconds']:,.0f} rows/s, "
        f"{r['rows_loaded']:,} rows) | ≤ {TARGETS['load_seconds']} s | {_mark(r['load_seconds'] <= TARGETS['load_seconds'])} |",
        f"| database size | {r['db_mb']:,.0f} MB | – | |",
        f"| analytics summary | {r['summary_seconds']:.1f} s | ≤ {TARGETS['summary_seconds']} s | "
        f"{_mark(r['summary_seconds'] <= TARGETS['summary_seconds'])} |",
        f"| peak memory, process running every page's queries | {r['peak_rss_mb']:,.0f} MB | ≤ 3 GB | "
        f"{_mark(r['peak_rss_mb'] <= TARGETS['peak_rss_mb'])} |",
        "",
        "Per page (exec's whole-company view; filtered = the largest org, last 90 days). "
        "Times are the slowest single query and, in brackets, the page's queries added up.",
        "",
        "| page | queries | default warm (median) | default cold | filtered warm | filtered cold | bare scan | page ÷ scan | |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for page, p in r["pages"].items():
        d, f = p["default"], p["filtered"]
        worst_warm = max(max(d["warm"]), max(f["warm"]))
        worst_cold = max(max(d["cold"]), max(f["cold"]))
        ratio = sum(d["warm"]) / p["bare_scan"] if p["bare_scan"] else float("nan")
        ok = worst_warm * 1000 <= TARGETS["warm_ms"] and worst_cold * 1000 <= TARGETS["cold_ms"]
        lines.append(
            f"| {page} | {len(d['calls'])} | {_ms(max(d['warm']))} ({_ms(sum(d['warm']))}) | "
            f"{_ms(max(d['cold']))} ({_ms(sum(d['cold']))}) | {_ms(max(f['warm']))} ({_ms(sum(f['warm']))}) | "
            f"{_ms(max(f['cold']))} ({_ms(sum(f['cold']))}) | {_ms(p['bare_scan'])} | {ratio:.1f}× | {_mark(ok)} |"
        )
    lines += [
        "",
        "Slowest queries (warm median, default view):",
        "",
    ]
    slow = sorted(
        ((w, page, name) for page, p in r["pages"].items()
         for name, w in zip(p["default"]["calls"], p["default"]["warm"], strict=True)),
        reverse=True,
    )[:8]
    lines += [f"- {page}: `{name}` {_ms(w)}" for w, page, name in slow]
    lines += [
        "",
        f"pandas vs ours (aggregation only; pandas first spent {r['pandas_read_seconds']:.1f} s reading the files "
        f"and peaked at {r['pandas_peak_rss_mb']:,.0f} MB):",
        "",
        "| aggregation | pandas | ours | ratio | |",
        "|---|---|---|---|---|",
    ]
    for name, pandas_s in r["pandas"].items():
        ours = r["duckdb"][name]
        ratio = pandas_s / ours if ours else float("inf")
        lines.append(f"| {name} | {_ms(pandas_s)} | {_ms(ours)} | {ratio:,.0f}× | {_mark(ratio >= TARGETS['pandas_ratio'])} |")
    lines += ["", f"Largest chart data: {r['max_chart_rows']:,} rows (limit 5,000)"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--employees", type=int, default=85_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="reload the database even if one exists")
    parser.add_argument("--resume", action="store_true", help="reuse recorded calls and their replay from a previous run")
    args = parser.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)

    source, generate_seconds = ensure_source(args.employees, args.months, args.seed)
    print(f"source ready: {source}", file=sys.stderr)
    db, load_seconds, rows = ensure_database(source, args.fresh)
    print(f"database ready: {db}", file=sys.stderr)
    # The app builds its demo accounts and alert state on first start: do the same once, untimed.
    _run(["-c", "import duckdb, sys; from workforce import auth; from workforce.alerts import refresh_if_stale;"
          "c = duckdb.connect(sys.argv[1]); auth.ensure_demo_accounts(c); refresh_if_stale(c); c.close()", str(db)])

    calls = DATA / "calls.pkl"
    replay_out = DATA / "replay.json"
    if not (args.resume and replay_out.exists()):
        _run(["-m", "bench.record", str(db), str(calls)])
        _run(["-m", "bench.replay", str(db), str(calls), str(replay_out)])
    replay = json.loads(replay_out.read_text())

    pandas_out, duck_out = DATA / "pandas.json", DATA / "duckdb_aggs.json"
    _run(["-m", "bench.pandas_baseline", str(source), str(db), str(pandas_out)])
    _run(["-m", "bench.pandas_baseline", str(source), str(db), str(duck_out), "duckdb"])

    summary_seconds = _run(["-m", "analytics", "summary", "--db", str(db)])
    max_chart_rows = json.loads((DATA / "chart_rows.json").read_text())["max"]

    result = {
        "date": date.today().isoformat(),
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "employees": args.employees, "months": args.months, "seed": args.seed,
        "source_mb": _folder_size(source) / 2**20,
        "generate_seconds": generate_seconds,
        "load_seconds": load_seconds,
        "rows_loaded": rows,
        "db_mb": db.stat().st_size / 2**20,
        "summary_seconds": summary_seconds,
        "peak_rss_mb": replay.pop("_peak_rss_mb"),
        "pages": replay,
        **json.loads(pandas_out.read_text()),
        **json.loads(duck_out.read_text()),
        "max_chart_rows": max_chart_rows,
        "orchestrator_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    (DATA / "results.json").write_text(json.dumps(result, indent=2, default=str))
    print(build_table(result))
    return 0
