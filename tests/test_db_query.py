"""db.query / db.render: the one way a query file runs, and what it prints."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pytest

from workforce import db


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "plain.sql").write_text("SELECT n * 2 AS doubled FROM numbers WHERE n >= $least ORDER BY n\n")
    (tmp_path / "q" / "with.sql").write_text(
        "-- a query with its own CTE\nWITH big AS (SELECT n FROM numbers WHERE n > $least)\nSELECT count(*) AS n FROM big\n")
    (tmp_path / "q" / "numbers.sql").write_text("SELECT range AS n FROM range(5);\n")
    return tmp_path


def test_query_binds_parameters_and_reads_declared_relations(folder):
    con = duckdb.connect()
    rows = db.query(con, "q/plain", {"least": 3}, relations={"numbers": "q/numbers"}, folder=folder).fetchall()
    assert rows == [(6,), (8,)]


def test_a_file_with_its_own_with_list_gets_the_relations_first(folder):
    con = duckdb.connect()
    text = db.render("q/with", relations={"numbers": "q/numbers"}, folder=folder)
    assert text.index("numbers AS") < text.index("big AS")
    assert text.count("WITH") == 1  # one WITH list
    assert db.query(con, "q/with", {"least": 1}, relations={"numbers": "q/numbers"}, folder=folder).fetchone() == (3,)


def test_render_without_relations_is_the_file_itself(folder):
    assert db.render("q/plain", folder=folder) == (folder / "q" / "plain.sql").read_text()


def test_not_materialized_is_declared(folder):
    text = db.render("q/plain", relations={"numbers": "q/numbers"}, folder=folder, not_materialized={"numbers"})
    assert "numbers AS NOT MATERIALIZED (" in text


def test_values_are_never_formatted_into_the_text(folder):
    con = duckdb.connect()
    hostile = "0; DROP TABLE x; --"
    with pytest.raises(duckdb.Error):  # a string where a number is compared: bound, so a type error
        db.query(con, "q/plain", {"least": hostile}, relations={"numbers": "q/numbers"}, folder=folder).fetchall()
    assert hostile not in db.render("q/plain", relations={"numbers": "q/numbers"}, folder=folder)


def test_the_command_line_prints_what_runs(folder):
    out = subprocess.run(
        [sys.executable, "-m", "workforce", "render", "q/with", "--folder", str(folder), "--relation", "numbers=q/numbers"],
        capture_output=True, text=True, check=True).stdout
    assert out.strip() == db.render("q/with", relations={"numbers": "q/numbers"}, folder=folder).strip()


def test_a_real_query_file_renders():
    assert "SELECT" in db.render("usage/daily_spend").upper()
