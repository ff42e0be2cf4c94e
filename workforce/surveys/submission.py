"""The employee's side of a pulse survey: which waves they may answer, and storing their answers once.

A submission is stored under a keyed per-wave pseudonym (`etl.pseudonym`), never the employee
id, with where the person sat on the day (org, team, level, tenure band) generalised until at
least the minimum group of people employed that day share it (`etl.placement`; NULL = withheld),
exactly as the loader stores a file row. `UNIQUE (wave_id, respondent_key)` is what guarantees
one submission per person and wave, including when two sessions submit at the same moment.
`submitted_at` is stored as the day only, so it cannot be matched against timestamps elsewhere
(e.g. the audit log of page views). The submission's transaction also adds its row to the
per-respondent marts, so `mart_survey_responses`, which every survey figure reads, is always
exactly the submissions. Never imports streamlit.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

import duckdb

from etl import pseudonym
from workforce.db import ROOT, default_key_path, query
from workforce.privacy import current_rules
from workforce.surveys.bank import COMMENT_MAX, Question
from workforce.surveys.waves import FORM_ERROR, Wave, all_waves, get_wave, wave_questions
from workforce.viewer import Viewer

MARTS_DIR = ROOT / "etl" / "sql" / "marts"
KEY_UNAVAILABLE = (
    "Answers cannot be stored right now: the survey's pseudonym key is missing or not the right one. "
    "Please tell an admin; nothing was saved."
)
CONFIDENTIALITY_NOTE = (
    "Your answers are stored under a coded key that changes with every survey, not your name or "
    "employee id, with the day (not the time) and your org, team, level and tenure band only as far as "
    "at least {min_scores} colleagues share them that day. Nobody — including HR and admins — "
    "can see an individual's answers. Results are shown only for groups of at least {min_scores} "
    "people, and comments only for groups of at least {min_comments}; groups that could be worked "
    "out by subtracting one figure from another are hidden too. Comments are shown word for word "
    "to people allowed to see that group, so leave out anything that identifies you."
)
# The per-respondent marts and the statement adding a submission's row to each, built from the
# loader's own SQL of that mart.
RESPONDENT_MARTS = {"mart_survey_responses": "surveys/add_response_row",
                    "mart_survey_respondent_wave": "surveys/add_respondent_wave_row"}


@dataclass(frozen=True)
class SubmitResult:
    status: Literal["accepted", "already_received", "invalid"]
    errors: dict[str, str] = field(default_factory=dict)  # question_id (or FORM_ERROR) → message

    @property
    def message(self) -> str:
        if self.status == "accepted":
            return "Thank you — your answers were received."
        if self.status == "already_received":
            return "Your answers to this wave were already received. Each person answers once per wave."
        return "Some answers need attention: " + "; ".join(self.errors.values())


def _profile(
    con: duckdb.DuckDBPyConnection, employee_id: str, wave_id: str, on: date, key_path: Path | None = None
) -> pseudonym.RespondentProfile:
    """The pseudonym and stored placement of a submission on a day, computed exactly as the loader does."""
    minimum = current_rules(con).min_scores
    return pseudonym.respondent_profile(con, employee_id, wave_id, on, _secret(con, key_path), minimum)


_SECRET_LOCK = threading.Lock()


def _secret(con: duckdb.DuckDBPyConnection, key_path: Path | None) -> bytes:
    """The pseudonym secret, checked against the database (`etl.pseudonym.open_key`: a missing or
    different key file for a database holding answers raises `KeyProblem`, never a new key).
    Serialised within the process: on first use the file may be created and its fingerprint
    recorded, and a concurrent session must not race it."""
    with _SECRET_LOCK:
        return pseudonym.open_key(con, Path(key_path) if key_path else default_key_path())


def open_waves_for(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> list[Wave]:
    """Waves open today whose audience includes the signed-in person's org."""
    if viewer.employee_id is None:
        return []
    org = pseudonym.exact_org(con, viewer.employee_id, today)
    if org is None:
        return []
    return sorted(
        (w for w in all_waves(con) if w.status(today) == "open" and w.includes(org)),
        key=lambda w: (w.closes_on, w.wave_id),
    )


def _exists(con: duckdb.DuckDBPyConnection, wave_id: str, respondent: str) -> bool:
    return bool(query(con, "surveys/submitted", {"wave_id": wave_id, "respondent_key": respondent}).fetchall()[0][0])


def has_submitted(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, *, key_path: Path | None = None
) -> bool:
    if viewer.employee_id is None:
        return False
    return _exists(con, wave_id, pseudonym.respondent_key(viewer.employee_id, wave_id, _secret(con, key_path)))


def validate_answers(questions: list[Question], answers: Mapping[str, object]) -> tuple[dict[str, str], list[tuple]]:
    """Per-question messages, and the (question_id, value, comment) rows to store when none."""
    errors: dict[str, str] = {}
    rows: list[tuple] = []
    known = {q.question_id for q in questions}
    for extra in sorted(set(answers) - known):
        errors[extra] = f"{extra}: not a question of this wave."
    for number, q in enumerate(questions, start=1):
        raw = answers.get(q.question_id)
        label = f"Question {number}"
        if q.kind == "text":
            text = "" if raw is None else str(raw)
            if len(text) > COMMENT_MAX:
                errors[q.question_id] = f"{label}: at most {COMMENT_MAX:,} characters (you wrote {len(text):,})."
            elif text.strip():
                rows.append((q.question_id, None, text.strip()))
            continue
        low, high = (1, 5) if q.kind == "likert5" else (0, 10)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[q.question_id] = f"{label}: please choose an answer from {low} to {high}."
            continue
        try:
            value = float(raw) if not isinstance(raw, bool) else float("nan")
        except (TypeError, ValueError):
            value = float("nan")
        if not (value == int(value) if value == value else False) or not low <= value <= high:
            errors[q.question_id] = f"{label}: the answer must be a whole number from {low} to {high}."
            continue
        rows.append((q.question_id, float(int(value)), None))
    return errors, rows


def submit_response(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    wave_id: str,
    answers: Mapping[str, object],
    *,
    today: date | None = None,
    key_path: Path | None = None,
    retries: int = 8,
) -> SubmitResult:
    """Store one person's answers to one wave, once: the function the survey page calls.

    `con` is the caller's own cursor (one per thread). The submission, its answers and the
    respondent's mart rows are written in one transaction; the database's UNIQUE constraint turns
    a second or simultaneous attempt into `already_received`.
    """
    today = today or date.today()
    if viewer.employee_id is None:
        return SubmitResult("invalid", {FORM_ERROR: "Your account is not linked to an employee record."})
    wave = get_wave(con, wave_id)
    if wave is None:
        return SubmitResult("invalid", {FORM_ERROR: f"Survey wave {wave_id!r} does not exist."})
    if wave.status(today) != "open":
        return SubmitResult("invalid", {FORM_ERROR: f"“{wave.title}” is not open today ({today})."})
    org = pseudonym.exact_org(con, viewer.employee_id, today)
    if org is None or not wave.includes(org):
        return SubmitResult("invalid", {FORM_ERROR: f"“{wave.title}” is not addressed to you."})
    try:
        where = _profile(con, viewer.employee_id, wave_id, today, key_path)
    except pseudonym.KeyProblem:
        # never a new key (a person could answer again); the admin sees the recovery steps at start
        return SubmitResult("invalid", {FORM_ERROR: KEY_UNAVAILABLE})
    respondent = where.respondent_key
    if _exists(con, wave_id, respondent):
        return SubmitResult("already_received")
    errors, rows = validate_answers(wave_questions(con, wave_id), answers)
    if errors:
        return SubmitResult("invalid", errors)
    for attempt in range(retries):
        response_id = uuid.uuid4().hex
        try:
            con.execute("BEGIN TRANSACTION")
            query(con, "surveys/insert_submission", {
                "response_id": response_id, "wave_id": wave_id, "respondent_key": respondent,
                "submitted_at": datetime.combine(today, datetime.min.time()), "org": where.org, "team": where.team,
                "level": where.level, "tenure_band": where.tenure_band,
            })
            query(con, "surveys/insert_answers", {
                "response_id": response_id, "question_ids": [r[0] for r in rows], "values": [r[1] for r in rows],
                "comments": [r[2] for r in rows],
            })
            for mart, statement in RESPONDENT_MARTS.items():
                query(con, statement, {"response_id": response_id}, relations={"built": MARTS_DIR / f"{mart}.sql"})
            con.execute("COMMIT")
            return SubmitResult("accepted")
        except (duckdb.ConstraintException, duckdb.TransactionException) as exc:
            _rollback(con)
            if isinstance(exc, duckdb.ConstraintException) or _exists(con, wave_id, respondent):
                return SubmitResult("already_received")
            time.sleep(0.002 * (attempt + 1))  # a write conflict with another session: try again
        except Exception:
            _rollback(con)
            raise
    return SubmitResult("invalid", {FORM_ERROR: "The database was busy; please submit again."})


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass  # the failed COMMIT already ended the transaction
