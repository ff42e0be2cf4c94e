"""The benchmark's own logic: the filtered view it replays, and the table it prints."""

from datetime import date

from bench.replay import filtered
from bench.run import build_table
from workforce.filters import Filters


def test_filtered_view_narrows_every_filters_argument_and_nothing_else():
    args, kwargs = filtered(("viewer", Filters(), 3), {"filters": Filters(vendors=("openai",))}, "Ads",
                            date(2026, 8, 1), date(2026, 10, 31))
    assert args[0] == "viewer" and args[2] == 3
    assert args[1] == Filters(orgs=("Ads",), start=date(2026, 8, 1), end=date(2026, 10, 31))
    assert kwargs["filters"].vendors == ("openai",) and kwargs["filters"].orgs == ("Ads",)


def _view(calls, warm, cold, repeats, errors=None, of_default=None) -> dict:
    view = {"calls": calls, "warm": warm, "cold": cold, "repeats": repeats, "errors": errors or {}}
    if of_default is not None:
        view["of_default"] = of_default
    return view


def _result(warm: float) -> dict:
    fast_page = {
        "default": _view(["usage.a", "usage.b"], [warm, 0.05], [0.5, 0.1], [5, 5]),
        "filtered": _view(["usage.a"], [0.1], [0.2], [5], of_default=[0]),
        "bare_scan": 0.1, "scanned": {},
    }
    # three queries: one over the warm target, one over the cold target only, one failed (filtered view)
    slow_page = {
        "default": _view(["people.x", "people.y", "people.z"], [0.4, 0.1, 0.01], [0.5, 2.5, 0.02], [5, 5, 5]),
        "filtered": _view(["people.z"], [None], [None], [0], errors={"0": "OutOfMemoryException: no"},
                          of_default=[2]),
        "bare_scan": 0.0, "scanned": {},
    }
    return {
        "machine": "test", "employees": 10, "months": 1, "seed": 1, "source_mb": 1.0,
        "generate_seconds": 1.0, "load_seconds": 100.0, "rows_loaded": 1000, "db_mb": 2.0,
        "summary_seconds": 30.0, "peak_rss_mb": 1000.0, "append_seconds": 4.0, "append_rows": 81_000,
        "settings": {"memory_limit": "1.3 GiB", "threads": 2},
        "users": {"ai_usage": "exec", "org_changes": "hr"},
        "pages": {"ai_usage": fast_page, "org_changes": slow_page},
        "pandas": {"x": 2.0}, "duckdb": {"x": 0.1}, "pandas_read_seconds": 1.0, "pandas_peak_rss_mb": 5.0,
        "max_chart_rows": 10,
    }


def _row(table: str, page: str) -> str:
    return table.split(f"| {page} |")[1].splitlines()[0].rstrip()


def test_table_shows_the_append_step_against_its_target():
    result = _result(0.2)
    assert "| append one day (`etl load --append`, 81,000 usage rows) | 4.0 s | ≤ 15 s | ok |" in build_table(result)
    result["append_seconds"] = 20.0
    assert "| 20.0 s | ≤ 15 s | MISSED |" in build_table(result)


def test_table_marks_a_page_over_its_warm_target_as_missed():
    fast, slow = build_table(_result(0.2)), build_table(_result(0.4))
    assert "| ai_usage | exec | 2 (1 filtered) | 200 ms (250 ms) | 500 ms (600 ms) | 100 ms (100 ms)" in fast
    assert _row(fast, "ai_usage").split(" | ")[-2] == "ok"  # latency
    assert _row(slow, "ai_usage").split(" | ")[-2] == "MISSED"
    # warm queries added up against 3× the 100 ms bare scan: 250 ms is within, 450 ms is not
    assert _row(fast, "ai_usage").endswith("| 2.5× | ok | ok |")
    assert _row(slow, "ai_usage").endswith("| 4.5× | MISSED | MISSED |")
    assert "| x | 2,000 ms | 100 ms | 20× | ok |" in fast
    assert "10 rows/s" in fast
    assert "memory_limit 1.3 GiB, 2 threads" in fast


def test_table_lists_every_query_over_a_target_and_every_failure():
    table = build_table(_result(0.2))
    assert _row(table, "org_changes").split(" | ")[-2] == "MISSED"
    assert "| org_changes | hr | 3 (1 filtered) | 400 ms (510 ms) | 2,500 ms (3,020 ms) | 0 ms (0 ms), 1 failed" in table
    listed = table.split("Queries over a target")[1].split("pandas vs ours")[0]
    assert "- org_changes: `people.x` default warm 400 ms (5×), cold 500 ms" in listed  # warm over 300 ms
    assert "- org_changes: `people.y` default warm 100 ms (5×), cold 2,500 ms" in listed  # cold over 2 s
    assert "`people.z` default warm 10 ms (5×), cold 20 ms; filtered warm failed (0×), cold failed; " \
           "filtered view FAILED: OutOfMemoryException: no" in listed
    assert "usage." not in listed  # the fast page's queries are within both targets


def test_pandas_baseline_too_big_for_the_machine_is_said_not_faked(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bench import pandas_baseline

    pq.write_table(pa.table({"x": list(range(1000))}), tmp_path / "token_usage.parquet")
    assert pandas_baseline.too_big_for_pandas(tmp_path) is None  # 1,000 rows fit anywhere
    monkeypatch.setattr(pandas_baseline, "BYTES_PER_USAGE_ROW", 10**12)  # 1 TB a row: fits nowhere
    reason = pandas_baseline.too_big_for_pandas(tmp_path)
    assert reason.startswith("not run: pandas would need about") and "1,000 usage rows" in reason
    result = _result(0.2) | {"pandas": None, "pandas_skipped": reason}
    table = build_table(result)
    assert f"pandas vs ours: {reason}." in table and "| x |" not in table
