"""The app's DuckDB memory cap (workforce.db.connect): set from the environment, checked, lifted
for a load through the app's own instance, and heavy queries still finish under it (they spill)."""

from __future__ import annotations

import duckdb
import pytest

from workforce import db

GIB = 2**30


def _limit_bytes(con: duckdb.DuckDBPyConnection) -> float:
    """The cap in bytes, to within DuckDB's display (one decimal, truncated: 1.5GB shows as 1.3 GiB)."""
    text = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    number, unit = text.split()
    return float(number) * {"KiB": 2**10, "MiB": 2**20, "GiB": GIB, "TiB": 2**40}[unit]


def test_connect_caps_memory_at_the_default_or_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(db.MEMORY_LIMIT_ENV, raising=False)
    con = db.connect(tmp_path / "a.duckdb")
    assert _limit_bytes(con) == pytest.approx(1.5e9, abs=0.1 * GIB)  # DEFAULT_MEMORY_LIMIT
    con.close()
    monkeypatch.setenv(db.MEMORY_LIMIT_ENV, "512MB")
    con = db.connect(tmp_path / "b.duckdb", read_only=False)
    assert _limit_bytes(con) == pytest.approx(512e6, abs=0.1 * 2**30)
    con.close()
    monkeypatch.setenv(db.MEMORY_LIMIT_ENV, "default")  # DuckDB's own: a share of the machine's RAM
    con = db.connect(tmp_path / "c.duckdb")
    assert _limit_bytes(con) > 2 * GIB
    con.close()


def test_a_value_that_is_not_a_size_is_refused_naming_the_variable(monkeypatch):
    monkeypatch.setenv(db.MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(ValueError, match=f"{db.MEMORY_LIMIT_ENV}='lots' is not a memory size"):
        db.memory_limit()
    monkeypatch.setenv(db.MEMORY_LIMIT_ENV, "1GB; SET threads = 1")
    with pytest.raises(ValueError, match="not a memory size"):
        db.memory_limit()


def test_a_load_through_the_apps_instance_runs_without_the_cap_and_puts_it_back(tmp_path, monkeypatch):
    from etl.load import load_folder

    monkeypatch.setenv(db.MEMORY_LIMIT_ENV, "256MB")
    path = tmp_path / "workforce.duckdb"
    app = db.connect(path)  # the app's connection stays open: the loader must join its instance
    seen: list[float] = []
    with db.unlimited_memory(app):
        load_folder(db.SAMPLE_DATA_DIR, path, key_path=tmp_path / "pseudonym.key",
                    progress=lambda _step, _fraction: seen.append(_limit_bytes(app)))
    assert seen and min(seen) > 2 * GIB
    assert _limit_bytes(app) == pytest.approx(256e6, abs=0.1 * 2**30)
    assert app.execute("SELECT count(*) FROM mart_employee_month").fetchall()[0][0] > 0
    app.close()


def test_lifting_the_cap_leaves_an_uncapped_connection_uncapped(tmp_path):
    con = duckdb.connect(str(tmp_path / "loader.duckdb"))  # the loader's own, as etl opens it
    before = _limit_bytes(con)
    with db.unlimited_memory(con):
        pass
    assert _limit_bytes(con) == before > 2 * GIB
    con.close()


def test_an_aggregation_larger_than_the_cap_spills_instead_of_failing(tmp_path, monkeypatch):
    monkeypatch.setenv(db.MEMORY_LIMIT_ENV, "64MB")
    con = db.connect(tmp_path / "w.duckdb")
    con.execute("SET threads = 1")  # per-thread minimums would otherwise dominate so small a cap
    # ~4M distinct groups with a wide payload: several hundred MB of hash table
    rows = con.execute(
        "SELECT count(*), sum(n) FROM (SELECT i % 4000000 AS k, count(*) AS n, max(repeat('x', 40) || i) AS s "
        "FROM range(8000000) t(i) GROUP BY k)"
    ).fetchall()
    assert rows == [(4000000, 8000000)]
    con.close()
