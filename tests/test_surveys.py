"""Pulse surveys: submission (pseudonym, placement, validation, once per person and wave, under
concurrency), waves (create, edit until open, close early, scope), response rates and results."""

from __future__ import annotations

import threading
from datetime import timedelta

import duckdb
import pandas as pd
import pytest

from etl import pseudonym
from tests.survey_helpers import ADMIN, HR_ALPHA, TODAY, add_wave, full_answers, people, person
from workforce import auth, surveys
from workforce.db import default_key_path
from workforce.viewer import Role, ScopeError, Viewer

# ---------------------------------------------------------------------------------- submission


def test_accepted_submission_is_stored_under_the_wave_pseudonym_with_generalised_placement(company, tmp_path):
    add_wave(company, "w1")
    result = surveys.submit_response(company, person("E004"), "w1", full_answers(4, 10, "Fine."), today=TODAY)
    assert result.status == "accepted"
    key = pseudonym.load_or_create_key(tmp_path / "pseudonym.key")
    row = company.execute(
        "SELECT respondent_key, org, team, level, CAST(tenure_band AS VARCHAR), submitted_at, source "
        "FROM stg_survey_submissions"
    ).fetchall()
    # E004 (see tests/survey_helpers.py): Alpha/a1, IC3, hired 2026-06-01 → "<1y". Only 4 people of a1 are
    # IC3 and <1y today, 2 are IC5 and <1y: their level is withheld, and the 6 share (Alpha, a1, -, <1y)
    assert row[0][:5] == (pseudonym.respondent_key("E004", "w1", key), "Alpha", "a1", None, "<1y")
    assert row[0][6] == "app"
    assert row[0][5].time().isoformat() == "00:00:00"  # the day only: nothing to match against logs
    # no survey table holds an employee id
    for table in ("stg_survey_submissions", "stg_survey_answers", "mart_survey_respondent_wave"):
        text = str(company.execute(f"SELECT * FROM {table}").fetchall())
        assert "E004" not in text and "M1'" not in text
    answers = company.execute("SELECT count(*), count(comment) FROM stg_survey_answers").fetchall()[0]
    assert answers == (len(surveys.QUESTION_BANK), 1)
    mart = company.execute("SELECT morale_index, enps_value FROM mart_survey_respondent_wave").fetchall()
    assert mart == [(4.0, 10.0)]


def test_second_attempt_is_already_received_even_with_an_empty_form(company):
    add_wave(company, "w1")
    emp = person("E010")
    assert surveys.submit_response(company, emp, "w1", full_answers(), today=TODAY).status == "accepted"
    again = surveys.submit_response(company, emp, "w1", {}, today=TODAY)
    assert again.status == "already_received" and "already received" in again.message
    assert surveys.has_submitted(company, emp, "w1")
    assert company.execute("SELECT count(*) FROM stg_survey_submissions").fetchall()[0][0] == 1


def test_a_lost_key_file_stops_answers_instead_of_letting_a_person_answer_twice(company, tmp_path):
    """Before: a missing key file was silently replaced, the person's new pseudonym matched nothing,
    and they could answer the same wave again."""
    add_wave(company, "w1")
    emp = person("E010")
    assert surveys.submit_response(company, emp, "w1", full_answers(), today=TODAY).status == "accepted"
    (tmp_path / "pseudonym.key").unlink()
    again = surveys.submit_response(company, emp, "w1", full_answers(), today=TODAY)
    assert again.status == "invalid" and "key" in again.message
    assert not (tmp_path / "pseudonym.key").exists()  # nothing regenerated
    (tmp_path / "pseudonym.key").write_bytes(b"k" * 32)  # nor does another key do
    assert surveys.submit_response(company, emp, "w1", full_answers(), today=TODAY).status == "invalid"
    assert company.execute("SELECT count(*) FROM stg_survey_submissions").fetchall()[0][0] == 1


def test_the_database_constraint_is_the_guard_not_the_form(company):
    add_wave(company, "w1")
    company.execute("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, source) "
                    "VALUES ('r1', 'w1', 'k', current_date::TIMESTAMP, 'app')")
    with pytest.raises(duckdb.ConstraintException):
        company.execute("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, source) "
                        "VALUES ('r2', 'w1', 'k', current_date::TIMESTAMP, 'app')")
    with pytest.raises(duckdb.ConstraintException):  # a time of day is refused: the day only
        company.execute("INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, source) "
                        "VALUES ('r3', 'w1', 'k3', TIMESTAMP '2026-11-23 10:17:00', 'app')")


def test_validation_names_every_missing_or_bad_answer_and_saves_nothing(company):
    add_wave(company, "w1")
    answers = full_answers()
    answers["qb_morale_1"] = None  # question 1
    answers["qb_manager_1"] = 7  # question 3: out of range
    answers["qb_enps"] = 3.5  # question 12: not whole
    answers["qb_comment"] = "x" * 2001
    answers["not_a_question"] = 3
    result = surveys.submit_response(company, person("E011"), "w1", answers, today=TODAY)
    assert result.status == "invalid"
    assert set(result.errors) == {"qb_morale_1", "qb_manager_1", "qb_enps", "qb_comment", "not_a_question"}
    assert result.errors["qb_morale_1"].startswith("Question 1:")
    assert "from 1 to 5" in result.errors["qb_manager_1"]
    assert "from 0 to 10" in result.errors["qb_enps"]
    assert "2,000" in result.errors["qb_comment"]
    assert company.execute("SELECT count(*) FROM stg_survey_submissions").fetchall()[0][0] == 0
    # a comment of exactly 2,000 characters and no comment at all are both fine
    ok = full_answers(comment="y" * 2000)
    assert surveys.submit_response(company, person("E011"), "w1", ok, today=TODAY).status == "accepted"
    no_comment = full_answers()
    no_comment.pop("qb_comment")
    assert surveys.submit_response(company, person("E012"), "w1", no_comment, today=TODAY).status == "accepted"


def test_only_people_in_an_open_wave_audience_may_answer(company):
    add_wave(company, "alpha_only", audience=["Alpha"])
    add_wave(company, "closed", opens_on=TODAY - timedelta(days=20), closes_on=TODAY - timedelta(days=1))
    add_wave(company, "later", opens_on=TODAY + timedelta(days=2), closes_on=TODAY + timedelta(days=9))
    beta = person("E050")  # Beta
    assert [w.wave_id for w in surveys.open_waves_for(company, beta, TODAY)] == []
    assert surveys.submit_response(company, beta, "alpha_only", full_answers(), today=TODAY).status == "invalid"
    assert [w.wave_id for w in surveys.open_waves_for(company, person("E001"), TODAY)] == ["alpha_only"]
    for wave_id in ("closed", "later", "missing"):
        assert surveys.submit_response(company, person("E001"), wave_id, full_answers(), today=TODAY).status == "invalid"
    left = person("X1")  # left on 2026-09-30
    assert surveys.open_waves_for(company, left, TODAY) == []
    assert surveys.submit_response(company, left, "alpha_only", full_answers(), today=TODAY).status == "invalid"
    unlinked = Viewer("exec", Role.EXECUTIVE)
    assert surveys.submit_response(company, unlinked, "alpha_only", full_answers(), today=TODAY).status == "invalid"


def test_fifty_concurrent_sessions_submitting_ten_responses_each(company):
    """50 threads, each a person answering 10 open waves through the page's function, each with its
    own cursor; every thread also retries one wave. Nothing lost, no duplicates, counts exact."""
    waves = [f"c{i}" for i in range(10)]
    for wave_id in waves:
        add_wave(company, wave_id)
    employees = [p[0] for p in people()[:50]]
    results: dict[str, list[str]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(len(employees))

    def session(employee_id: str) -> None:
        cursor = company.cursor()
        try:
            start.wait()
            outcome = [surveys.submit_response(cursor, person(employee_id), w, full_answers(3, 8), today=TODAY).status
                       for w in waves]
            outcome.append(surveys.submit_response(cursor, person(employee_id), waves[0], full_answers(),
                                                   today=TODAY).status)
            results[employee_id] = outcome
        except BaseException as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            cursor.close()

    threads = [threading.Thread(target=session, args=(e,)) for e in employees]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert all(r[:10] == ["accepted"] * 10 and r[10] == "already_received" for r in results.values()), results
    counts = company.execute(
        "SELECT count(*), count(DISTINCT (wave_id, respondent_key)), count(DISTINCT respondent_key) "
        "FROM stg_survey_submissions"
    ).fetchall()[0]
    assert counts == (500, 500, 500)  # a person's pseudonyms differ from wave to wave
    key = pseudonym.load_or_create_key(default_key_path())
    stored = {r[0] for r in company.execute("SELECT respondent_key FROM stg_survey_submissions").fetchall()}
    assert stored == {pseudonym.respondent_key(e, w, key) for e in employees for w in waves}  # with the key: 50 people
    assert company.execute("SELECT count(*) FROM stg_survey_answers").fetchall()[0][0] == 500 * (len(surveys.QUESTION_BANK) - 1)
    assert company.execute("SELECT count(*), avg(morale_index) FROM mart_survey_respondent_wave").fetchall()[0] == (500, 3.0)
    per_wave = dict(company.execute("SELECT wave_id, count(*) FROM stg_survey_submissions GROUP BY 1").fetchall())
    assert per_wave == dict.fromkeys(waves, 50)


def test_simultaneous_double_submit_by_one_person_keeps_exactly_one(company):
    add_wave(company, "w1")
    statuses: list[str] = []
    start = threading.Barrier(8)

    def attempt() -> None:
        cursor = company.cursor()
        start.wait()
        statuses.append(surveys.submit_response(cursor, person("E020"), "w1", full_answers(), today=TODAY).status)
        cursor.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == ["accepted"] + ["already_received"] * 7
    assert company.execute("SELECT count(*) FROM stg_survey_submissions").fetchall()[0][0] == 1
    assert company.execute("SELECT count(*) FROM stg_survey_answers").fetchall()[0][0] == len(surveys.QUESTION_BANK) - 1


# ---------------------------------------------------------------------------------- waves


def _create(con, viewer, **changes):
    fields = dict(title="November pulse", opens_on=TODAY + timedelta(days=1), closes_on=TODAY + timedelta(days=14),
                  audience_orgs=None, question_ids=[q.question_id for q in surveys.QUESTION_BANK])
    fields.update(changes)
    return surveys.create_wave(con, viewer, surveys.WaveForm(**fields), today=TODAY)


def test_create_edit_until_open_and_close_early(company):
    created = _create(company, ADMIN)
    assert created.ok
    wave = surveys.get_wave(company, created.wave_id)
    assert (wave.source, wave.audience_orgs, wave.status(TODAY)) == ("app", None, "scheduled")
    assert [q.question_id for q in surveys.wave_questions(company, wave.wave_id)] == [
        q.question_id for q in surveys.QUESTION_BANK]
    edited = surveys.update_wave(company, ADMIN, wave.wave_id, surveys.WaveForm(
        title="Edited", opens_on=TODAY + timedelta(days=1), closes_on=TODAY + timedelta(days=5), audience_orgs=["Beta"],
        question_ids=["qb_morale_1", "qb_enps"]), today=TODAY)
    assert edited.ok
    assert surveys.get_wave(company, wave.wave_id).audience_orgs == ("Beta",)
    assert len(surveys.wave_questions(company, wave.wave_id)) == 2
    opened_day = TODAY + timedelta(days=2)
    late = surveys.update_wave(company, ADMIN, wave.wave_id, surveys.WaveForm(
        title="Too late", opens_on=opened_day, closes_on=opened_day, audience_orgs=None, question_ids=["qb_morale_1"]),
        today=opened_day)
    assert not late.ok and "until it opens" in late.errors[surveys.FORM_ERROR]
    assert surveys.close_wave(company, ADMIN, wave.wave_id, opened_day).ok
    assert surveys.get_wave(company, wave.wave_id).status(opened_day) == "closed"
    beta = person("E045")
    assert surveys.submit_response(company, beta, wave.wave_id, {"qb_morale_1": 3, "qb_enps": 5},
                                   today=opened_day).status == "invalid"


def test_wave_validation_names_each_field(company):
    bad = _create(company, ADMIN, title="  ", opens_on=TODAY - timedelta(days=1), closes_on=TODAY - timedelta(days=5),
                  audience_orgs=["Nowhere"], question_ids=["qb_comment", "made_up"])
    assert set(bad.errors) == {"title", "opens_on", "closes_on", "audience", "questions"}
    assert "Nowhere" in bad.errors["audience"] and "made_up" in bad.errors["questions"]
    only_comment = _create(company, ADMIN, question_ids=["qb_comment"])
    assert "scored question" in only_comment.errors["questions"]
    assert _create(company, ADMIN, closes_on=TODAY + timedelta(days=90)).errors.keys() == {"closes_on"}
    assert company.execute("SELECT count(*) FROM stg_survey_waves").fetchall()[0][0] == 0


def test_hr_partner_manages_waves_of_their_own_orgs_only(company):
    assert "whole company" in _create(company, HR_ALPHA).errors["audience"]
    assert "Beta" in _create(company, HR_ALPHA, audience_orgs=["Alpha", "Beta"]).errors["audience"]
    mine = _create(company, HR_ALPHA, audience_orgs=["Alpha"])
    assert mine.ok
    theirs = _create(company, ADMIN, audience_orgs=["Beta"])
    company_wide = _create(company, ADMIN)
    listed = surveys.list_waves(company, HR_ALPHA, TODAY).set_index("wave_id")
    assert theirs.wave_id not in listed.index  # another org's wave is invisible
    assert listed.loc[mine.wave_id, "manage"] and not listed.loc[company_wide.wave_id, "manage"]
    with pytest.raises(ScopeError):
        surveys.close_wave(company, HR_ALPHA, company_wide.wave_id, TODAY + timedelta(days=2))
    assert not surveys.update_wave(company, HR_ALPHA, theirs.wave_id, surveys.WaveForm(
        title="x", opens_on=TODAY, closes_on=TODAY, audience_orgs=["Alpha"], question_ids=["qb_morale_1"]), today=TODAY).ok
    with pytest.raises(ScopeError):
        surveys.list_waves(company, person("E001"), TODAY)


def test_waves_from_files_and_from_the_app_are_the_same_thing(company):
    add_wave(company, "file-wave", source="file")
    app_wave = _create(company, ADMIN, opens_on=TODAY, closes_on=TODAY + timedelta(days=3)).wave_id
    listed = surveys.list_waves(company, ADMIN, TODAY)
    assert set(listed["wave_id"]) == {"file-wave", app_wave}
    assert set(listed["source"]) == {"file", "app"}
    emp = person("E002")
    assert {w.wave_id for w in surveys.open_waves_for(company, emp, TODAY)} == {"file-wave", app_wave}
    for wave_id in ("file-wave", app_wave):
        assert surveys.submit_response(company, emp, wave_id, full_answers(), today=TODAY).status == "accepted"


def test_demo_wave_opens_once_for_the_whole_company(company):
    wave_id = surveys.ensure_demo_wave(company, TODAY)
    assert wave_id is not None
    wave = surveys.get_wave(company, wave_id)
    assert (wave.opens_on, wave.closes_on, wave.audience_orgs) == (TODAY, TODAY + timedelta(days=13), None)
    assert surveys.ensure_demo_wave(company, TODAY) is None
    assert surveys.ensure_demo_wave(company, TODAY + timedelta(days=5)) is None
    employee = auth.viewer_for(company, "employee")
    assert [w.wave_id for w in surveys.open_waves_for(company, employee, TODAY)] == [wave_id]


# ---------------------------------------------------------------------------------- figures


def _answer(con, employee_ids, wave_id, likert=4):
    for e in employee_ids:
        assert surveys.submit_response(con, person(e), wave_id, full_answers(likert), today=TODAY).status == "accepted"


def test_response_rates_are_daily_bands_and_scoped(company):
    add_wave(company, "w1")
    alpha = [p[0] for p in people() if p[1] == "Alpha"][:12]
    beta = [p[0] for p in people() if p[1] == "Beta"][:3]
    _answer(company, alpha + beta, "w1")
    # answers given today are counted from tomorrow: nothing moves with a submission
    today = surveys.response_rates(company, ADMIN, "w1", TODAY).set_index("org")
    assert not today["shown"].any() and "respondents" not in today.columns
    rates = surveys.response_rates(company, ADMIN, "w1", TODAY + timedelta(days=1)).set_index("org")
    assert not rates.loc["Beta", "shown"]  # 3 < 5: "too few answers yet", no rate
    # 12 Alpha people answered, but three of them (a1, 1-2y) are stored with their placement withheld
    # (they share the all-withheld class with the two managers, etl.placement): 9 of 41 count for Alpha
    assert rates.loc["Alpha", "participation"] == "under 25%"
    assert rates.loc["All orgs", "participation"] == "under 25%"  # 15 of 62 (60 people, 2 managers)
    assert rates.loc["Alpha", "audience"] == 41  # headcount is not survey data
    _answer(company, [p[0] for p in people() if p[1] == "Beta"][3:8], "w1")
    rates = surveys.response_rates(company, ADMIN, "w1", TODAY + timedelta(days=1)).set_index("org")
    assert rates.loc["Beta", "participation"] == "25–49%"  # 8 of 21
    hr = surveys.response_rates(company, HR_ALPHA, "w1", TODAY + timedelta(days=1))
    assert list(hr["org"]) == ["Alpha"]


def test_company_results_show_closed_whole_company_waves_only(company):
    add_wave(company, "open")
    add_wave(company, "alpha_closed", audience=["Alpha"], opens_on=TODAY - timedelta(days=9))
    add_wave(company, "big", opens_on=TODAY - timedelta(days=9))
    add_wave(company, "small", opens_on=TODAY - timedelta(days=9))
    ids = [p[0] for p in people()]
    _answer(company, ids[:6], "open")
    _answer(company, ids[:20], "big", likert=2)
    _answer(company, ids[:4], "small")
    _answer(company, ids[:10], "alpha_closed")
    later = TODAY + timedelta(days=5)  # "open" runs to TODAY + 10
    for wave_id in ("alpha_closed", "big", "small"):
        company.execute("UPDATE stg_survey_waves SET closes_on = ? WHERE wave_id = ?", [TODAY, wave_id])
    results = surveys.company_results(company, person("E001"), later).set_index("wave")
    assert set(results.index) == {"Wave big", "Wave small"}
    assert results.loc["Wave big", "respondents"] == 20 and results.loc["Wave big", "morale_index"] == 2.0
    assert results.loc["Wave big", "respondents_band"] == "20"
    assert results.loc["Wave small", "suppressed"] and results.loc["Wave small", "respondents"] is pd.NA

