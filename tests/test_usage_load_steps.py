"""The load steps of the usage, tokenmaxxing and alerts modules, registered as the loader
registers derived steps: a rebuild writes their tables, and the pages' queries then read them."""

from __future__ import annotations

import duckdb
import pytest

from etl.load import rebuild_marts
from etl.loading import derived
from workforce import alerts, tokenmaxxing
from workforce.db import data_version
from workforce.viewer import Role, Viewer

# The registered steps of these modules, in the loader's order.
STEPS = tuple(s for s in derived.STEPS if s.target.split(".")[1].split(":")[0] in ("tokenmaxxing", "alerts"))
EXEC = Viewer("exec", Role.EXECUTIVE)


def test_the_steps_are_registered_in_order():
    assert [s.target for s in STEPS] == ["workforce.alerts:detect_at_load"]


@pytest.fixture
def rebuilt(writable_db):
    con = duckdb.connect(str(writable_db))
    rows = rebuild_marts(con)
    yield con, rows
    con.close()


def test_a_rebuild_writes_every_stored_table(rebuilt):
    con, rows = rebuilt
    for step in STEPS:
        assert step.target in rows
    # the tokenmaxxing person-weeks are a mart of etl/sql/marts, built with the others
    assert con.execute(f"SELECT count(*) FROM {tokenmaxxing.PERSON_WEEKS}").fetchall()[0][0] > 0


def test_the_first_view_after_the_load_does_not_detect_again(rebuilt):
    con, rows = rebuilt
    stored = con.execute("SELECT count(*) FROM app_alerts").fetchall()[0][0]
    assert stored > 0  # the sample has abnormal days
    assert con.execute("SELECT run_by, data_version FROM app_alert_runs ORDER BY run_at DESC LIMIT 1").fetchall() \
        == [(alerts.LOAD_RUN, None)]
    con.execute("DELETE FROM app_alerts")  # were detection run again, they would come back
    assert alerts.refresh_if_stale(con) == 0
    assert con.execute("SELECT count(*) FROM app_alerts").fetchall()[0][0] == 0
    latest = "SELECT data_version FROM app_alert_runs WHERE run_by = ? ORDER BY run_at DESC LIMIT 1"
    assert con.execute(latest, [alerts.LOAD_RUN]).fetchall() == [(data_version(con),)]
