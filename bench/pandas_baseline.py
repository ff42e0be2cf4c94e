"""Five representative aggregations done the way a typical Streamlit app does them — pandas over
frames read from the source files — against the same figures from our database.

Run as its own process (`python -m bench.pandas_baseline SOURCE DB OUT`); pandas' peak memory is
reported too. Reading the files is timed apart: a typical app reads once and caches, so the
comparison that matters per view is the aggregation itself.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from workforce.db import connect

REPEATS = 3
# pandas' peak per token_usage row, all seven frames and the five aggregations included: 11.4 GB
# for the 85,000-employee company's 20.6 million rows (docs/performance.md). Past
# MEMORY_SHARE of the machine's memory the baseline is not run (it would swap or be killed).
BYTES_PER_USAGE_ROW = 560
MEMORY_SHARE = 0.8


def too_big_for_pandas(source: Path) -> str | None:
    """Why the pandas baseline cannot run on this machine (None when it can)."""
    rows = pq.ParquetFile(source / "token_usage.parquet").metadata.num_rows
    need, have = rows * BYTES_PER_USAGE_ROW, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    if need <= MEMORY_SHARE * have:
        return None
    return (f"not run: pandas would need about {need / 2**30:,.0f} GB for {rows:,} usage rows "
            f"({BYTES_PER_USAGE_ROW} B a row, as measured at 85,000 employees), more than "
            f"{MEMORY_SHARE:.0%} of this machine's {have / 2**30:,.0f} GB")


def _median_time(fn) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _org_on(frame: pd.DataFrame, day_col: str, jobs: pd.DataFrame) -> pd.DataFrame:
    """Attach the org each person belonged to on `day_col` (the effective-dated row in force)."""
    left = frame.sort_values(day_col)
    right = jobs[["employee_id", "effective_date", "org"]].sort_values("effective_date")
    return pd.merge_asof(left, right, left_on=day_col, right_on="effective_date", by="employee_id")


def pandas_aggregations(source: Path) -> tuple[dict, float]:
    started = time.perf_counter()
    usage = pd.read_parquet(source / "token_usage.parquet")
    prices = pd.read_parquet(source / "model_prices.parquet")
    jobs = pd.read_parquet(source / "job_history.parquet")
    employees = pd.read_parquet(source / "employees.parquet")
    exits = pd.read_parquet(source / "exits.parquet")
    answers = pd.read_parquet(source / "survey_responses.parquet")
    questions = pd.read_parquet(source / "survey_questions.parquet")
    read_seconds = time.perf_counter() - started
    for frame, cols in ((usage, ["usage_date"]), (prices, ["effective_from"]), (jobs, ["effective_date"])):
        for col in cols:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")  # one unit for merge_asof
    answers["submitted_at"] = pd.to_datetime(answers["submitted_at"]).astype("datetime64[ns]")
    usage["total_tokens"] = usage[
        ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"]
    ].fillna(0).sum(axis=1)

    def tokens_by_month_tool():
        return usage.groupby([usage["usage_date"].dt.to_period("M"), "tool"])["total_tokens"].sum()

    def spend_by_org_month():
        priced = pd.merge_asof(
            usage.sort_values("usage_date"),
            prices.sort_values("effective_from"),
            left_on="usage_date", right_on="effective_from", by=["model", "vendor"],
        )
        list_price = (
            priced["input_tokens"] * priced["input_per_mtok"]
            + priced["output_tokens"] * priced["output_per_mtok"]
            + priced["cache_read_tokens"].fillna(0) * priced["cache_read_per_mtok"].fillna(0)
            + priced["cache_write_tokens"].fillna(0) * priced["cache_write_per_mtok"].fillna(0)
        ) / 1e6
        priced["cost"] = priced["cost_usd"].fillna(list_price)
        with_org = _org_on(priced[["employee_id", "usage_date", "cost"]], "usage_date", jobs)
        return with_org.groupby(["org", with_org["usage_date"].dt.to_period("M")])["cost"].sum()

    def weekly_active_users_by_org():
        with_org = _org_on(usage[["employee_id", "usage_date"]], "usage_date", jobs)
        return with_org.groupby(["org", with_org["usage_date"].dt.to_period("W")])["employee_id"].nunique()

    def headcount_by_org_month():
        months = pd.date_range(
            usage["usage_date"].min().to_period("M").to_timestamp(), usage["usage_date"].max(), freq="MS"
        ).astype("datetime64[ns]")
        people = employees[["employee_id", "hire_date"]].merge(exits[["employee_id", "exit_date"]], how="left")
        people["hire_date"] = pd.to_datetime(people["hire_date"]).astype("datetime64[ns]")
        people["exit_date"] = pd.to_datetime(people["exit_date"]).astype("datetime64[ns]")
        grid = people.merge(pd.DataFrame({"month": months}), how="cross")
        grid = grid[(grid["hire_date"] <= grid["month"]) & (grid["exit_date"].isna() | (grid["month"] < grid["exit_date"]))]
        with_org = _org_on(grid[["employee_id", "month"]], "month", jobs)
        return with_org.groupby(["month", "org"]).size()

    def morale_by_org_wave():
        morale_q = questions[(questions["theme"] == "morale") & (questions["kind"] == "likert5")]
        rows = answers.merge(morale_q[["wave_id", "question_id"]], on=["wave_id", "question_id"])
        per_person = rows.groupby(["wave_id", "response_id", "employee_id", "submitted_at"], as_index=False)["value"].mean()
        with_org = _org_on(per_person, "submitted_at", jobs)
        return with_org.groupby(["org", "wave_id"])["value"].mean()

    tasks = {
        "tokens by month and tool": tokens_by_month_tool,
        "AI spend by org and month (priced)": spend_by_org_month,
        "weekly active users by org": weekly_active_users_by_org,
        "headcount by org and month": headcount_by_org_month,
        "morale index by org and wave": morale_by_org_wave,
    }
    return {name: _median_time(fn) for name, fn in tasks.items()}, read_seconds


# The same five figures as the product computes them, from the tables built at load.
DUCKDB_AGGREGATIONS = {
    "tokens by month and tool":
        "SELECT date_trunc('month', usage_date) AS month, tool, sum(total_tokens) FROM mart_usage_day WHERE whole_org GROUP BY ALL",
    "AI spend by org and month (priced)":
        "SELECT org, date_trunc('month', usage_date) AS month, sum(cost_usd) FROM mart_usage_day WHERE whole_org GROUP BY ALL",
    "weekly active users by org":
        "SELECT org, week, count(DISTINCT employee_id) FROM mart_usage_person_week GROUP BY ALL",
    "headcount by org and month":
        "SELECT month, org, count(*) FROM mart_employee_month GROUP BY ALL",
    "morale index by org and wave":
        "SELECT org, wave_id, avg(morale_index) FROM mart_survey_respondent_wave GROUP BY ALL",
}


def duckdb_aggregations(db_path: Path) -> dict:
    con = connect(db_path, read_only=True)  # opened as the app opens it (its memory limit)
    result = {name: _median_time(lambda q=q: con.execute(q).fetchall()) for name, q in DUCKDB_AGGREGATIONS.items()}
    con.close()
    return result


if __name__ == "__main__":
    source, db, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    if sys.argv[4:] == ["duckdb"]:
        out.write_text(json.dumps({"duckdb": duckdb_aggregations(db)}))
    elif (reason := too_big_for_pandas(source)) is not None:
        out.write_text(json.dumps({"pandas": None, "pandas_skipped": reason}))
    else:
        timings, read_seconds = pandas_aggregations(source)
        out.write_text(json.dumps({
            "pandas": timings,
            "pandas_read_seconds": read_seconds,
            "pandas_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }))
