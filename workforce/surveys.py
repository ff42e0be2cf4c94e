"""Pulse surveys in the app: the question bank, waves (create, edit until open, close early), the
employee's submission, live response rates and company results of closed waves.

Waves created here and waves loaded from files live in the same tables (`stg_survey_*`,
`source` = 'app' or 'file'; the DDL is the loader's `etl/sql/staging/ddl_survey_tables.sql`).
A submission is stored under a keyed per-wave pseudonym (`etl.pseudonym`), never the employee id,
with where the person sat on the day (org, team, level, tenure band) generalised until at least the
minimum group of people employed that day share it (`etl.placement`; NULL = withheld), exactly as
the loader stores a file row. `UNIQUE (wave_id, respondent_key)` is what guarantees one submission
per person and wave,
including when two sessions submit at the same moment. `submitted_at` is stored as the day only,
so it cannot be matched against timestamps elsewhere (e.g. the audit log of page views).

Every figure shown from survey data goes through `workforce.privacy`. Never imports streamlit.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from etl import pseudonym
from workforce import privacy
from workforce.db import ROOT, default_key_path, sql, table_exists
from workforce.viewer import Role, ScopeError, Viewer, all_orgs, require_role

COMMENT_MAX = 2000
TITLE_MAX = 120
MAX_WAVE_DAYS = 60
DEMO_WAVE_DAYS = 14
FORM_ERROR = "_form"  # key of errors about the form as a whole, not one question
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


@dataclass(frozen=True)
class Question:
    question_id: str
    text: str
    kind: Literal["likert5", "enps", "text"]
    theme: str


# Two questions per theme, the eNPS question and an optional comment. Ids are stable: results
# of different waves that asked the same bank question can be compared.
QUESTION_BANK: tuple[Question, ...] = (
    Question("qb_morale_1", "Overall, I feel good about working here right now.", "likert5", "morale"),
    Question("qb_morale_2", "My energy at work has been good over the last few weeks.", "likert5", "morale"),
    Question("qb_manager_1", "My manager has enough time to support me.", "likert5", "manager"),
    Question("qb_manager_2", "My manager gives me useful, regular feedback.", "likert5", "manager"),
    Question("qb_ai_tools_1", "The AI tools I am asked to use help me do better work.", "likert5", "ai_tools"),
    Question(
        "qb_ai_tools_2", "I understand how my AI usage is, and is not, used to judge my work.", "likert5", "ai_tools"
    ),
    Question("qb_workload_1", "My workload is sustainable.", "likert5", "workload"),
    Question("qb_workload_2", "I can do my job without regularly working extra hours.", "likert5", "workload"),
    Question("qb_career_1", "I see a path to grow my career here.", "likert5", "career"),
    Question("qb_career_2", "I trust that decisions about roles and reorganisations are fair.", "likert5", "career"),
    Question("qb_intent_1", "I expect to still be working here in a year.", "likert5", "intent_to_stay"),
    Question(
        "qb_enps", "How likely are you to recommend this company as a place to work? (0–10)", "enps", "intent_to_stay"
    ),
    Question("qb_comment", "Anything else you want to tell us? (optional)", "text", "morale"),
)
BANK_BY_ID = {q.question_id: q for q in QUESTION_BANK}
LIKERT_LABELS = {1: "1 · Strongly disagree", 2: "2 · Disagree", 3: "3 · Neutral", 4: "4 · Agree", 5: "5 · Strongly agree"}


@dataclass(frozen=True)
class Wave:
    wave_id: str
    title: str
    opens_on: date
    closes_on: date
    audience_orgs: tuple[str, ...] | None  # None: the whole company
    source: str

    def status(self, today: date) -> Literal["scheduled", "open", "closed"]:
        if today < self.opens_on:
            return "scheduled"
        return "open" if today <= self.closes_on else "closed"

    @property
    def audience_label(self) -> str:
        return "Whole company" if self.audience_orgs is None else ", ".join(self.audience_orgs)


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


@dataclass(frozen=True)
class WaveResult:
    ok: bool
    wave_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field name → message


# ---------------------------------------------------------------------------------------------
# Tables and waves


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the survey tables when missing, with the loader's DDL (one definition for both)."""
    con.execute(sql("ddl_survey_tables", ROOT / "etl" / "sql" / "staging"))


def _wave_from_row(row: Mapping[str, object]) -> Wave:
    audience = row["audience_orgs"]
    return Wave(
        wave_id=str(row["wave_id"]),
        title=str(row["title"]),
        opens_on=pd.Timestamp(row["opens_on"]).date(),
        closes_on=pd.Timestamp(row["closes_on"]).date(),
        audience_orgs=None if audience is None or (not isinstance(audience, list | tuple) and pd.isna(audience))
        else tuple(audience),
        source=str(row["source"]),
    )


def get_wave(con: duckdb.DuckDBPyConnection, wave_id: str) -> Wave | None:
    rows = con.execute(
        "SELECT wave_id, title, opens_on, closes_on, audience_orgs, source FROM stg_survey_waves WHERE wave_id = ?",
        [wave_id],
    ).df()
    return None if rows.empty else _wave_from_row(rows.iloc[0].to_dict())


def all_waves(con: duckdb.DuckDBPyConnection) -> list[Wave]:
    if not table_exists(con, "stg_survey_waves"):
        return []
    frame = con.execute(sql("surveys/waves")).df()
    return [_wave_from_row(r) for r in frame.to_dict("records")]


def can_manage(viewer: Viewer, wave: Wave) -> bool:
    """Admins manage every wave; an HR partner manages waves whose audience is within their orgs."""
    if viewer.role == Role.ADMIN:
        return True
    if viewer.role == Role.HR_PARTNER and wave.audience_orgs is not None:
        return set(wave.audience_orgs) <= set(viewer.orgs)
    return False


def _sees_wave(viewer: Viewer, wave: Wave) -> bool:
    if viewer.role == Role.ADMIN:
        return True
    return wave.audience_orgs is None or bool(set(wave.audience_orgs) & set(viewer.orgs))


def list_waves(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> pd.DataFrame:
    """Waves this admin or HR partner may see, with status and whether they may change them."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    rows = []
    for wave in all_waves(con):
        if not _sees_wave(viewer, wave):
            continue
        rows.append(
            {
                "wave_id": wave.wave_id,
                "title": wave.title,
                "opens_on": wave.opens_on,
                "closes_on": wave.closes_on,
                "audience": wave.audience_label,
                "source": wave.source,
                "status": wave.status(today),
                "manage": can_manage(viewer, wave),
            }
        )
    return pd.DataFrame(
        rows, columns=["wave_id", "title", "opens_on", "closes_on", "audience", "source", "status", "manage"]
    )


def wave_questions(con: duckdb.DuckDBPyConnection, wave_id: str) -> list[Question]:
    frame = con.execute(sql("surveys/wave_questions"), {"wave_id": wave_id}).df()
    return [Question(r.question_id, r.text, r.kind, r.theme) for r in frame.itertuples()]


def _validate_wave(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    title: str,
    opens_on: date | None,
    closes_on: date | None,
    audience_orgs: Iterable[str] | None,
    question_ids: Iterable[str],
    today: date,
) -> tuple[dict[str, str], tuple[str, ...] | None, list[str]]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Title: enter a title."
    elif len(title) > TITLE_MAX:
        errors["title"] = f"Title: at most {TITLE_MAX} characters (got {len(title)})."
    if not isinstance(opens_on, date):
        errors["opens_on"] = "Opens on: pick a date."
    elif opens_on < today:
        errors["opens_on"] = f"Opens on: {opens_on} is in the past; pick {today} or later."
    if not isinstance(closes_on, date):
        errors["closes_on"] = "Closes on: pick a date."
    elif isinstance(opens_on, date):
        if closes_on < opens_on:
            errors["closes_on"] = f"Closes on: {closes_on} is before the opening day {opens_on}."
        elif (closes_on - opens_on).days + 1 > MAX_WAVE_DAYS:
            errors["closes_on"] = f"Closes on: a pulse wave runs at most {MAX_WAVE_DAYS} days."
    audience: tuple[str, ...] | None
    if audience_orgs is None:
        audience = None
        if viewer.role != Role.ADMIN:
            errors["audience"] = "Audience: an HR partner chooses among their own orgs, not the whole company."
    else:
        audience = tuple(sorted(set(audience_orgs)))
        known = set(all_orgs(con))
        allowed = known if viewer.role == Role.ADMIN else known & set(viewer.orgs)
        outside = [o for o in audience if o not in allowed]
        if not audience:
            errors["audience"] = "Audience: choose at least one org, or the whole company."
        elif outside:
            errors["audience"] = f"Audience: not an org you may survey: {', '.join(outside)}."
    chosen = list(dict.fromkeys(question_ids))
    unknown = [q for q in chosen if q not in BANK_BY_ID]
    if unknown:
        errors["questions"] = f"Questions: not in the question bank: {', '.join(unknown)}."
    elif not any(BANK_BY_ID[q].kind != "text" for q in chosen):
        errors["questions"] = "Questions: pick at least one scored question (a comment alone is not a pulse)."
    return errors, audience, chosen


def _write_questions(con: duckdb.DuckDBPyConnection, wave_id: str, question_ids: list[str]) -> None:
    con.execute("DELETE FROM stg_survey_questions WHERE wave_id = ?", [wave_id])
    con.executemany(
        "INSERT INTO stg_survey_questions (wave_id, question_id, text, kind, theme, position) VALUES (?, ?, ?, ?, ?, ?)",
        [
            [wave_id, q.question_id, q.text, q.kind, q.theme, i]
            for i, q in enumerate(BANK_BY_ID[qid] for qid in question_ids)
        ],
    )


def create_wave(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    *,
    title: str,
    opens_on: date | None,
    closes_on: date | None,
    audience_orgs: Iterable[str] | None,
    question_ids: Iterable[str],
    today: date,
) -> WaveResult:
    """Create a pulse wave from the question bank. `audience_orgs` None: the whole company (admins)."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    ensure_tables(con)
    errors, audience, chosen = _validate_wave(con, viewer, title, opens_on, closes_on, audience_orgs, question_ids, today)
    if errors:
        return WaveResult(False, errors=errors)
    wave_id = f"app-{opens_on:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "INSERT INTO stg_survey_waves (wave_id, title, opens_on, closes_on, audience_orgs, source, created_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, 'app', ?, now()::TIMESTAMP)",
            [wave_id, title.strip(), opens_on, closes_on, list(audience) if audience is not None else None,
             viewer.username],
        )
        _write_questions(con, wave_id, chosen)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return WaveResult(True, wave_id=wave_id)


def update_wave(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    wave_id: str,
    *,
    title: str,
    opens_on: date | None,
    closes_on: date | None,
    audience_orgs: Iterable[str] | None,
    question_ids: Iterable[str],
    today: date,
) -> WaveResult:
    """Edit a wave until it opens; afterwards people may already have answered its questions."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    wave = get_wave(con, wave_id)
    if wave is None or not _sees_wave(viewer, wave):
        return WaveResult(False, errors={FORM_ERROR: f"Wave {wave_id!r} does not exist."})
    if not can_manage(viewer, wave):
        raise ScopeError(f"{viewer.username} may not change wave {wave_id}")
    if wave.status(today) != "scheduled":
        return WaveResult(False, wave_id, {FORM_ERROR: "A wave can be edited only until it opens."})
    errors, audience, chosen = _validate_wave(con, viewer, title, opens_on, closes_on, audience_orgs, question_ids, today)
    if errors:
        return WaveResult(False, wave_id, errors)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE stg_survey_waves SET title = ?, opens_on = ?, closes_on = ?, audience_orgs = ? WHERE wave_id = ?",
            [title.strip(), opens_on, closes_on, list(audience) if audience is not None else None, wave_id],
        )
        _write_questions(con, wave_id, chosen)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return WaveResult(True, wave_id)


def close_wave(con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, today: date) -> WaveResult:
    """Close an open wave early: it stops taking answers today (its last day becomes yesterday)."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    wave = get_wave(con, wave_id)
    if wave is None or not _sees_wave(viewer, wave):
        return WaveResult(False, errors={FORM_ERROR: f"Wave {wave_id!r} does not exist."})
    if not can_manage(viewer, wave):
        raise ScopeError(f"{viewer.username} may not close wave {wave_id}")
    if wave.status(today) != "open":
        return WaveResult(False, wave_id, {FORM_ERROR: f"Only an open wave can be closed; this one is {wave.status(today)}."})
    last_day = today - timedelta(days=1)
    con.execute(
        "UPDATE stg_survey_waves SET closes_on = ?, opens_on = least(opens_on, ?) WHERE wave_id = ?",
        [last_day, last_day, wave_id],
    )
    return WaveResult(True, wave_id)


def survey_state(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of what the app changes in the survey tables, for cache keys."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM stg_survey_submissions), "
        "(SELECT coalesce(sum(hash(wave_id, title, opens_on, closes_on, audience_orgs)), 0) FROM stg_survey_waves)"
    ).fetchall()[0]
    return f"{row[0]}:{row[1]}"


def ensure_demo_wave(con: duckdb.DuckDBPyConnection, today: date) -> str | None:
    """Open a whole-company wave from the question bank for 14 days when none is open today.

    The sample data ends before the real today, so without this the demo employee would have
    nothing to answer. Returns the new wave's id, or None when one was already open.
    """
    ensure_tables(con)
    open_now = con.execute(
        "SELECT count(*) FROM stg_survey_waves WHERE opens_on <= ? AND ? <= closes_on AND audience_orgs IS NULL",
        [today, today],
    ).fetchall()[0][0]
    if open_now:
        return None
    system = Viewer("system", Role.ADMIN)
    result = create_wave(
        con, system, title=f"Pulse {today:%B %Y}", opens_on=today, closes_on=today + timedelta(days=DEMO_WAVE_DAYS - 1),
        audience_orgs=None, question_ids=[q.question_id for q in QUESTION_BANK], today=today,
    )
    return result.wave_id


# ---------------------------------------------------------------------------------------------
# The employee's side


def _profile(
    con: duckdb.DuckDBPyConnection, employee_id: str, wave_id: str, on: date, key_path: Path | None = None
) -> pseudonym.RespondentProfile:
    """The pseudonym and stored placement of a submission on a day, computed exactly as the loader does."""
    minimum = privacy.current_rules(con).min_scores
    return pseudonym.respondent_profile(con, employee_id, wave_id, on, _secret(con, key_path), minimum)


_SECRET_LOCK = threading.Lock()


def _secret(con: duckdb.DuckDBPyConnection, key_path: Path | None) -> bytes:
    """The pseudonym secret, checked against the database (`etl.pseudonym.open_key`: a missing or
    different key file for a database holding answers raises `KeyProblem`, never a new key).
    Serialised within the process: on first use the file may be created and its fingerprint
    recorded, and a concurrent session must not race it."""
    with _SECRET_LOCK:
        return pseudonym.open_key(con, Path(key_path) if key_path else default_key_path())


def _in_audience(wave: Wave, org: str) -> bool:
    return wave.audience_orgs is None or org in wave.audience_orgs


def open_waves_for(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> list[Wave]:
    """Waves open today whose audience includes the signed-in person's org."""
    if viewer.employee_id is None or not table_exists(con, "stg_survey_waves"):
        return []
    org = pseudonym.exact_org(con, viewer.employee_id, today)
    if org is None:
        return []
    return sorted(
        (w for w in all_waves(con) if w.status(today) == "open" and _in_audience(w, org)),
        key=lambda w: (w.closes_on, w.wave_id),
    )


def has_submitted(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, *, key_path: Path | None = None
) -> bool:
    if viewer.employee_id is None:
        return False
    key = pseudonym.respondent_key(viewer.employee_id, wave_id, _secret(con, key_path))
    return bool(
        con.execute(
            "SELECT count(*) FROM stg_survey_submissions WHERE wave_id = ? AND respondent_key = ?", [wave_id, key]
        ).fetchall()[0][0]
    )


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
    respondent's mart row are written in one transaction; the database's UNIQUE constraint turns
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
    if org is None or not _in_audience(wave, org):
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
            con.execute(
                "INSERT INTO stg_survey_submissions (response_id, wave_id, respondent_key, submitted_at, org, team, "
                "level, tenure_band, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'app')",
                [response_id, wave_id, respondent, datetime.combine(today, datetime.min.time()), where.org, where.team,
                 where.level, where.tenure_band],
            )
            # one statement for all answers: executemany would be a round trip per answer
            con.execute(
                "INSERT INTO stg_survey_answers (response_id, question_id, value, comment) "
                "SELECT ?, unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), unnest(?::VARCHAR[])",
                [response_id, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )
            _refresh_mart_row(con, response_id)
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


def _exists(con: duckdb.DuckDBPyConnection, wave_id: str, respondent: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM stg_survey_submissions WHERE wave_id = ? AND respondent_key = ?", [wave_id, respondent]
        ).fetchall()[0][0]
    )


# The per-respondent marts: each gets the new respondent's row in the submission's transaction.
RESPONDENT_MARTS = ("mart_survey_respondent_wave", "mart_survey_responses")


def _refresh_mart_row(con: duckdb.DuckDBPyConnection, response_id: str) -> None:
    """Add the new respondent's row to the per-respondent marts with the loader's own SQL,
    narrowed to one response, instead of rebuilding every mart. (Survey figures read
    mart_survey_responses only for waves where it matches the submissions, so a mart left
    behind is never wrong, only slower.)"""
    for mart in RESPONDENT_MARTS:
        if not table_exists(con, mart):
            continue
        mart_sql = sql(mart, ROOT / "etl" / "sql" / "marts")
        con.execute(f"INSERT INTO {mart} BY NAME SELECT * FROM ({mart_sql}) WHERE response_id = ?", [response_id])


# ---------------------------------------------------------------------------------------------
# Figures, through the confidentiality layer


def response_rates(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, today: date
) -> pd.DataFrame:
    """Live participation of one wave by org (`privacy.live_participation`): a band of the
    response rate, counted to the end of the previous day, only for orgs with at least 5
    respondents; never a count that moves with each submission. HR partners get their orgs;
    admins every org and an "All orgs" row.

    Columns: org, audience, participation, shown.
    """
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    wave = get_wave(con, wave_id)
    if wave is None or not _sees_wave(viewer, wave):
        raise ScopeError(f"{viewer.username} may not see wave {wave_id}")
    on = min(today, wave.closes_on)
    audience = con.execute(
        sql("surveys/audience_by_org"), {"on": on, "audience": list(wave.audience_orgs) if wave.audience_orgs else None}
    ).df()
    # After the close every submission counts; before, those of earlier days only.
    shown = privacy.live_participation(con, wave_id, audience, min(today, wave.closes_on + timedelta(days=1)))
    if viewer.role != Role.ADMIN:
        shown = shown[shown["org"].isin(viewer.orgs)]
    return shown.reset_index(drop=True)


def company_results(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> pd.DataFrame:
    """Company-level released figures of closed whole-company waves, newest first; what every
    signed-in person may see. A wave the layer does not release shows as suppressed."""
    rules = privacy.current_rules(con)
    rows = []
    for wave in all_waves(con):
        if wave.audience_orgs is not None or wave.status(today) != "closed":
            continue
        cell = privacy.company_cell(con, wave.wave_id, rules)
        row: dict[str, object] = {"wave": wave.title, "closed_on": wave.closes_on, "suppressed": cell is None}
        row.update({k: (cell or {}).get(k) for k in ("respondents", "respondents_band", *privacy.MEASURES)})
        rows.append(row)
    out = pd.DataFrame(rows, columns=["wave", "closed_on", "respondents", "respondents_band", *privacy.MEASURES,
                                      "suppressed"])
    out["respondents"] = out["respondents"].astype("Int64")
    for col in privacy.MEASURES:
        out[col] = out[col].astype("Float64")
    return out
