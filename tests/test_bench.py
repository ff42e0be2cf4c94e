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


def _result(warm: float) -> dict:
    page = {"calls": ["usage.a", "usage.b"], "cold": [0.5, 0.1], "warm": [warm, 0.05]}
    return {
        "machine": "test", "employees": 10, "months": 1, "seed": 1, "source_mb": 1.0,
        "generate_seconds": 1.0, "load_seconds": 100.0, "rows_loaded": 1000, "db_mb": 2.0,
        "summary_seconds": 30.0, "peak_rss_mb": 1000.0,
        "pages": {"ai_usage": {"default": page, "filtered": page, "bare_scan": 0.1, "scanned": {}}},
        "pandas": {"x": 2.0}, "duckdb": {"x": 0.1}, "pandas_read_seconds": 1.0, "pandas_peak_rss_mb": 5.0,
        "max_chart_rows": 10,
    }


def test_table_marks_a_page_over_its_warm_target_as_missed():
    fast, slow = build_table(_result(0.2)), build_table(_result(0.4))
    assert "| ai_usage | 2 | 200 ms (250 ms)" in fast
    assert fast.split("| ai_usage |")[1].splitlines()[0].rstrip().endswith("| ok |")
    assert slow.split("| ai_usage |")[1].splitlines()[0].rstrip().endswith("| MISSED |")
    assert "| x | 2,000 ms | 100 ms | 20× | ok |" in fast
    assert "10 rows/s" in fast
