"""Re-identification from a copy of the database file alone (etl/reidentify.py).

The attacker holds the file, not the key: stored placement and day against the HR tables in the
same file, the manager pseudonym, named app activity in the audit log, waves linked through
whatever stays the same, one-answer-per-wave elimination. With the key the test checks each
identification against the truth. The promise: at most 1% of respondents re-identified.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from etl.generate import generate
from etl.load import load_folder
from etl.reidentify import population, reidentify, submissions, truth_from_key
from workforce import audit, auth, sessions, surveys
from workforce.viewer import Role, Viewer

MAX_SHARE = 0.01
END = date(2026, 10, 31)


def _measure(con: duckdb.DuckDBPyConnection, key_path: Path):
    return reidentify(con, truth=truth_from_key(con, key_path.read_bytes()))


def test_the_sample_file_alone_identifies_at_most_one_percent(sample_con, sample_db_path):
    result = _measure(sample_con, sample_db_path.parent / "pseudonym.key")
    assert result.submissions > 10_000 and result.respondents > 1_000
    assert result.respondent_share <= MAX_SHARE, str(result)
    assert result.submission_share <= MAX_SHARE, str(result)
    assert result.below_minimum == 0, str(result)


@pytest.fixture(scope="module")
def hard_company(tmp_path_factory):
    """150 employees over 4 months (small orgs and teams of a few people, a 4-person Office of
    the CEO), loaded; then 12 people answer a wave in the app, each signing in that day."""
    folder = tmp_path_factory.mktemp("hard")
    generate(folder / "src", employees=150, months=4, seed=3, end_date=END)
    db_path, key_path = folder / "workforce.duckdb", folder / "pseudonym.key"
    load_folder(folder / "src", db_path, key_path=key_path)
    con = duckdb.connect(str(db_path))
    day = END - timedelta(days=2)
    form = surveys.WaveForm(title="In-app pulse", opens_on=day, closes_on=day + timedelta(days=6), audience_orgs=None,
                            question_ids=[q.question_id for q in surveys.QUESTION_BANK])
    wave = surveys.create_wave(con, Viewer("system", Role.ADMIN), form, today=day).wave_id
    people = [r[0] for r in con.execute(
        "SELECT employee_id FROM int_assignments WHERE valid_from <= ? AND (valid_to IS NULL OR ? < valid_to) "
        "ORDER BY hash(employee_id) LIMIT 12", [day, day]).fetchall()]
    answers = {q.question_id: 4 for q in surveys.QUESTION_BANK if q.kind != "text"} | {"qb_enps": 8}
    secret = b"a session secret of at least 32 bytes"
    for i, employee_id in enumerate(people):
        username = f"user{i}"
        auth.create_user(con, username, role=Role.EMPLOYEE, password=PASSWORD, display_name=username,
                         email=f"{username}@example.com", employee_id=employee_id)
        # the way the app signs a person in: audited sign-in, a session row, a page view
        at = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=7 * i)
        signed_in = auth.sign_in(con, username, PASSWORD, now=at)
        assert signed_in.status == "ok"
        sessions.issue(con, username, secret, now=at)
        audit.record(con, audit.actor(signed_in.viewer), "view", "pulse_survey")
        viewer = Viewer(username, Role.EMPLOYEE, employee_id=employee_id)
        assert surveys.submit_response(con, viewer, wave, answers, today=day, key_path=key_path).status == "accepted"
    yield con, key_path
    con.close()


PASSWORD = "a long enough password"


def test_a_small_hard_company_file_alone_identifies_at_most_one_percent(hard_company):
    """The generated company's answers (from files) and the in-app ones: the survey and HR tables
    name nobody, every stored placement hides in at least 5 people of the day."""
    con, key_path = hard_company
    truth = truth_from_key(con, key_path.read_bytes())
    result = reidentify(con, truth=truth, named_activity=False)
    assert result.respondents > 100 and result.app_submissions == 12
    assert result.respondent_share <= MAX_SHARE, str(result)
    assert result.below_minimum == 0, str(result)
    # with whatever the file says of who used the app on that day (audit log, sessions), the
    # in-app answers stay unnamed too: employees' activity is not logged under their names
    full = reidentify(con, truth=truth)
    assert full.respondent_share <= MAX_SHARE and full.app_identified == 0, str(full)


def test_the_file_does_not_name_who_used_the_app(hard_company):
    """The usernames of the employees who signed in and answered appear in no app table but the
    accounts themselves: not the audit log, the sessions or the sign-in throttle."""
    con, _ = hard_company
    usernames = {f"user{i}" for i in range(12)}
    tables = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'app_%' AND table_name <> 'app_users'"
    ).fetchall()]
    assert {"app_audit_log", "app_sessions"} <= set(tables)
    for table in tables:
        columns = [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND data_type = 'VARCHAR'", [table]
        ).fetchall()]
        for column in columns:
            values = {r[0] for r in con.execute(f'SELECT DISTINCT "{column}" FROM {table}').fetchall()}
            assert not values & usernames, (table, column)


def test_the_attack_names_people_when_placement_is_fine_grained(hard_company, tmp_path):
    """The measure itself works: give every submission back its exact team, level and tenure band
    of the day (what the file stored before) and most people are named, correctly."""
    con, key_path = hard_company
    truth = truth_from_key(con, key_path.read_bytes())
    subs, _ = submissions(con)
    exact = (subs[["response_id", "wave_id", "respondent_key", "submitted_at", "source", "day"]]
             .merge(truth, on="response_id")
             .merge(population(con, sorted({d.date() for d in subs["day"]})), on=["day", "employee_id"]))
    copy = duckdb.connect(str(tmp_path / "copy.duckdb"))
    for table in ("stg_employees", "stg_job_history", "stg_exits"):
        copy.register("_t", con.execute(f"SELECT * FROM {table}").df())
        copy.execute(f"CREATE TABLE {table} AS SELECT * FROM _t")
        copy.unregister("_t")
    copy.register("_t", exact.drop(columns=["employee_id", "day", "manager_id", "manager_span"]))
    copy.execute("CREATE TABLE stg_survey_submissions AS SELECT * FROM _t")
    result = reidentify(copy, truth=truth)
    assert result.submission_share > 0.3, str(result)
    copy.close()
