"""`python -m etl load --append`: new days added to a loaded database give the same marts as a
full load of everything, a refused append changes nothing, and the append touches only what it says."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from bench.run import measure_append
from etl.__main__ import main as etl_main
from etl.generate import generate
from etl.load import load_folder
from etl.loading.append import INCREMENTAL, affected_models, append_folder, period_bounds
from etl.loading.models import COLUMNS
from etl.loading.problems import LoadRejected
from etl.loading.sqlfiles import mentions, model_files, read_sql
from tests.ingest_helpers import db_state

# Written by the whole-history derived steps, which an append leaves as the last full load fitted them.
KEPT_UNTIL_NEXT_LOAD = ("mart_drivers_",)
# Rows that record when, not what.
NOT_COMPARED = {"app_meta", "app_alert_runs", "app_audit_log"}


def _split(source: Path, out: Path, last_days: int = 1) -> tuple[Path, Path, list[date]]:
    """`out/base`: every file, usage and outcomes without the last days / week; `out/new`: those."""
    base, new = out / "base", out / "new"
    base.mkdir(parents=True)
    new.mkdir()
    con = duckdb.connect()
    usage, outcomes = source / "token_usage.parquet", source / "outcomes.parquet"
    days = [r[0] for r in con.execute(
        "SELECT DISTINCT usage_date FROM read_parquet($p) ORDER BY 1 DESC LIMIT $n", {"p": str(usage), "n": last_days}
    ).fetchall()]
    first = min(days)
    week = con.execute("SELECT max(week_start) FROM read_parquet($p)", {"p": str(outcomes)}).fetchone()[0]
    for path in source.iterdir():
        if path.name not in (usage.name, outcomes.name):
            shutil.copy(path, base / path.name)
    for name, column, cut in (("token_usage", "usage_date", first), ("outcomes", "week_start", week)):
        src = str(source / f"{name}.parquet")
        con.execute(f"COPY (SELECT * FROM read_parquet($p) WHERE {column} < $c) TO '{base / name}.parquet'",
                    {"p": src, "c": cut})
        con.execute(f"COPY (SELECT * FROM read_parquet($p) WHERE {column} >= $c) TO '{new / name}.parquet'",
                    {"p": src, "c": cut})
    con.close()
    return base, new, sorted(days)


def _tables(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows, sorted (row order is nobody's contract), floats rounded to 1e-9."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
        out = {}
        for name in names:
            if name in NOT_COMPARED or name.startswith(KEPT_UNTIL_NEXT_LOAD):
                continue
            cols = [r[0] for r in con.execute(f'DESCRIBE "{name}"').fetchall()
                    if r[0] not in ("detected_at", "loaded_at", "created_at", "load_id")]
            rows = con.execute(f'SELECT {", ".join(chr(34) + c + chr(34) for c in cols)} FROM "{name}"').fetchall()
            out[name] = sorted((tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in rows),
                               key=repr)
        return out
    finally:
        con.close()


def _company(root: Path, end: date) -> dict:
    """A small generated company ending on `end`, loaded whole and without its last day."""
    generate(root / "full", employees=300, months=3, seed=3, fmt="parquet", end_date=end)
    base, new, days = _split(root / "full", root / "split")
    full_db, base_db = root / "full.duckdb", root / "base.duckdb"
    key = root / "pseudonym.key"
    load_folder(root / "full", full_db, key_path=key)
    load_folder(base, base_db, key_path=key)
    return {"root": root, "full": full_db, "base": base_db, "new": new, "key": key, "day": days[0]}


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> dict:
    return _company(tmp_path_factory.mktemp("append"), date(2026, 10, 29))  # a Thursday


@pytest.fixture
def base_copy(company, tmp_path) -> Path:
    db = tmp_path / "db.duckdb"
    shutil.copy(company["base"], db)
    return db


def test_appending_the_last_day_gives_the_marts_of_a_full_load(company, base_copy) -> None:
    report = append_folder(company["new"], base_copy)
    assert report.days == (company["day"], company["day"]) and report.rows["token_usage"] > 0
    assert report.rows["outcomes"] > 0
    full, appended = _tables(company["full"]), _tables(base_copy)
    assert set(appended) == set(full)
    different = sorted(name for name in full if full[name] != appended[name])
    assert different == []
    # the new day is in the usage marts and the alerts were detected for it
    con = duckdb.connect(str(base_copy), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM mart_usage_day WHERE usage_date = ?",
                           [company["day"]]).fetchone()[0] > 0
        meta = dict(con.execute("SELECT key, value FROM app_meta").fetchall())
        runs = con.execute("SELECT run_by FROM app_alert_runs ORDER BY run_at DESC LIMIT 1").fetchall()
    finally:
        con.close()
    assert meta["as_of"] == company["day"].isoformat()
    assert meta["models_as_of"] < meta["as_of"]  # the whole-history models wait for the next full load
    assert runs == [("load",)]  # the load step's detection, run for the new days (since=)


def test_a_day_that_starts_a_month_and_a_week_gives_the_marts_of_a_full_load(tmp_path) -> None:
    # Monday 1 June: a new month in the month grid, the cohorts' thresholds and the week marts
    small = _company(tmp_path, date(2026, 6, 1))
    assert small["day"] == date(2026, 6, 1)
    append_folder(small["new"], small["base"])
    full, appended = _tables(small["full"]), _tables(small["base"])
    assert sorted(name for name in full if full[name] != appended.get(name)) == []
    assert date(2026, 6, 1) in {row[0] for row in appended["mart_employee_month"]}


def test_the_append_gives_a_new_data_version(company, base_copy) -> None:
    def version(db: Path) -> str:
        con = duckdb.connect(str(db), read_only=True)
        try:
            return con.execute("SELECT value FROM app_meta WHERE key = 'data_version'").fetchone()[0]
        finally:
            con.close()

    before = version(base_copy)
    report = append_folder(company["new"], base_copy)
    assert report.data_version == version(base_copy) != before


def _fingerprint(db: Path) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return db_state(con)
    finally:
        con.close()


def test_an_overlapping_append_is_refused_and_changes_nothing(company, base_copy, tmp_path) -> None:
    append_folder(company["new"], base_copy)
    before = _fingerprint(base_copy)
    with pytest.raises(LoadRejected) as rejected:
        append_folder(company["new"], base_copy)
    rules = {p.rule for p in rejected.value.problems}
    assert rules == {"already_loaded"}
    assert "already in the database" in str(rejected.value.problems[0])
    assert _fingerprint(base_copy) == before


def test_rows_that_break_a_rule_are_refused_and_change_nothing(company, base_copy, tmp_path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    con = duckdb.connect()
    # an unknown employee (cross-table rule) and a negative token count (pandera row rule)
    con.execute(f"""COPY (
        SELECT * REPLACE (CASE WHEN row_number() OVER () = 1 THEN 'NOBODY' ELSE employee_id END AS employee_id,
                          CASE WHEN row_number() OVER () = 2 THEN -5 ELSE input_tokens END AS input_tokens)
        FROM read_parquet('{company["new"] / "token_usage.parquet"}')
    ) TO '{folder / "token_usage.parquet"}'""")
    con.close()
    before = _fingerprint(base_copy)
    with pytest.raises(LoadRejected) as rejected:
        append_folder(folder, base_copy)
    text = "\n".join(map(str, rejected.value.problems))
    assert "input_tokens" in text
    assert _fingerprint(base_copy) == before
    # the same file without the negative count still fails the cross-table rule, naming it
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT * REPLACE (abs(input_tokens) AS input_tokens)
        FROM read_parquet('{folder / "token_usage.parquet"}')) TO '{folder / "t.parquet"}'""")
    con.close()
    (folder / "t.parquet").replace(folder / "token_usage.parquet")
    with pytest.raises(LoadRejected) as rejected:
        append_folder(folder, base_copy)
    [problem] = rejected.value.problems
    assert problem.rule == "references(employees)" and problem.values == ("NOBODY",)
    assert _fingerprint(base_copy) == before


def test_a_snapshot_table_is_refused_by_append(company, base_copy, tmp_path) -> None:
    folder = tmp_path / "snap"
    folder.mkdir()
    shutil.copy(company["root"] / "full" / "employees.parquet", folder)
    with pytest.raises(LoadRejected) as rejected:
        append_folder(folder, base_copy)
    assert [p.rule for p in rejected.value.problems] == ["append_only"]


def test_the_command_line_appends_and_reports(company, base_copy, capsys) -> None:
    assert etl_main(["load", "--append", str(company["new"]), "--db", str(base_copy), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Appended" in out and "mart_usage_daily" in out
    assert etl_main(["load", "--append", str(company["new"]), "--db", str(base_copy), "--quiet"]) == 1
    assert "Append rejected: nothing was changed" in capsys.readouterr().err


def test_every_mart_reading_usage_is_updated_by_the_append() -> None:
    affected = affected_models({"stg_token_usage", "stg_outcomes"})
    assert set(INCREMENTAL) <= set(affected)
    assert {"mart_employee_month", "mart_usage_cohort_person_month", "mart_headcount_week"} <= set(affected)
    assert "int_assignments" not in affected
    texts = {name: read_sql(path) for name, path in model_files().items()}
    for name, spec in INCREMENTAL.items():
        # every input of an incremental mart that the append changes is given restricted to the period
        changed = mentions(texts[name], set(affected) | {"stg_token_usage", "stg_outcomes"}) - {name}
        assert changed <= set(spec.reads), name
        assert spec.grain in COLUMNS[name]


def test_period_bounds() -> None:
    wed = date(2026, 10, 28)
    assert period_bounds("day", wed, wed) == (wed, date(2026, 10, 29))
    assert period_bounds("week", wed, date(2026, 11, 2)) == (date(2026, 10, 26), date(2026, 11, 9))
    assert period_bounds("month", date(2026, 12, 31), date(2026, 12, 31)) == (date(2026, 12, 1), date(2027, 1, 1))



def test_the_bench_times_an_append_on_a_copy(company, tmp_path) -> None:
    before = _fingerprint(company["full"])
    result = measure_append(company["root"] / "full", company["full"], tmp_path)
    assert result["append_rows"] > 0 and result["append_seconds"] > 0
    assert _fingerprint(company["full"]) == before  # the measured database is a copy
    assert not (tmp_path / "append.duckdb").exists()
