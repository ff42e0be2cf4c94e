"""Pulse waves in the app: create from the question bank, edit until open, close early, list.

Waves created here and waves loaded from files live in the same tables (`stg_survey_*`,
`source` = 'app' or 'file'; the DDL is the loader's `etl/sql/staging/ddl_survey_tables.sql`).
Every change also writes a new marker into `app_meta` in its transaction, so the pages' cache
key (`cache_version`) moves with it. Never imports streamlit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import duckdb
import pandas as pd

from workforce.db import ROOT, query
from workforce.surveys.bank import BANK_BY_ID, QUESTION_BANK, Question
from workforce.viewer import Role, ScopeError, Viewer, all_orgs, require_role

TITLE_MAX = 120
MAX_WAVE_DAYS = 60
DEMO_WAVE_DAYS = 14
FORM_ERROR = "_form"  # key of errors about the form as a whole, not one field or question
STAGING_DIR = ROOT / "etl" / "sql" / "staging"


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

    def includes(self, org: str) -> bool:
        """Whether people of `org` are in the wave's audience."""
        return self.audience_orgs is None or org in self.audience_orgs


@dataclass(frozen=True)
class WaveForm:
    """What a wave is created or edited with, as typed in the form; `create_wave` and
    `update_wave` check it (`WaveResult.errors` names each field that is wrong)."""
    title: str
    opens_on: date | None
    closes_on: date | None
    audience_orgs: Iterable[str] | None  # None: the whole company (admins only)
    question_ids: Iterable[str]


@dataclass(frozen=True)
class WaveResult:
    ok: bool
    wave_id: str | None = None
    errors: dict[str, str] = field(default_factory=dict)  # field name → message


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the survey tables when missing, with the loader's DDL (one definition for both)."""
    query(con, "ddl_survey_tables", folder=STAGING_DIR)


def cache_version(con: duckdb.DuckDBPyConnection) -> str:
    """What every cached page figure is keyed on, in one read (`surveys/cache_version.sql`): the
    load's data version, the waves' change marker and the number of submissions."""
    return str(query(con, "surveys/cache_version").fetchall()[0][0])


def _mark_changed(con: duckdb.DuckDBPyConnection) -> None:
    query(con, "surveys/mark_waves_changed", {"marker": uuid.uuid4().hex})


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
    rows = query(con, "surveys/wave", {"wave_id": wave_id}).df()
    return None if rows.empty else _wave_from_row(rows.iloc[0].to_dict())


def all_waves(con: duckdb.DuckDBPyConnection) -> list[Wave]:
    """Every wave, newest first."""
    return [_wave_from_row(r) for r in query(con, "surveys/waves").df().to_dict("records")]


def can_manage(viewer: Viewer, wave: Wave) -> bool:
    """Admins manage every wave; an HR partner manages waves whose audience is within their orgs."""
    if viewer.role == Role.ADMIN:
        return True
    if viewer.role == Role.HR_PARTNER and wave.audience_orgs is not None:
        return set(wave.audience_orgs) <= set(viewer.orgs)
    return False


def sees_wave(viewer: Viewer, wave: Wave) -> bool:
    """Admins see every wave; others the waves whose audience touches their orgs."""
    if viewer.role == Role.ADMIN:
        return True
    return wave.audience_orgs is None or bool(set(wave.audience_orgs) & set(viewer.orgs))


def list_waves(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> pd.DataFrame:
    """Waves this admin or HR partner may see, with status and whether they may change them."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    rows = [
        {"wave_id": wave.wave_id, "title": wave.title, "opens_on": wave.opens_on, "closes_on": wave.closes_on,
         "audience": wave.audience_label, "source": wave.source, "status": wave.status(today),
         "manage": can_manage(viewer, wave)}
        for wave in all_waves(con) if sees_wave(viewer, wave)
    ]
    return pd.DataFrame(
        rows, columns=["wave_id", "title", "opens_on", "closes_on", "audience", "source", "status", "manage"]
    )


def wave_questions(con: duckdb.DuckDBPyConnection, wave_id: str) -> list[Question]:
    frame = query(con, "surveys/wave_questions", {"wave_id": wave_id}).df()
    return [Question(r.question_id, r.text, r.kind, r.theme) for r in frame.itertuples()]


def _validate_wave(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, form: WaveForm, today: date,
) -> tuple[dict[str, str], dict[str, object], list[str]]:
    """The form's errors by field, the wave's row as stored (title, dates, audience) and the
    chosen question ids in order; the row is to be written only when there are no errors."""
    errors: dict[str, str] = {}
    title = (form.title or "").strip()
    opens_on, closes_on, audience_orgs = form.opens_on, form.closes_on, form.audience_orgs
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
    chosen = list(dict.fromkeys(form.question_ids))
    unknown = [q for q in chosen if q not in BANK_BY_ID]
    if unknown:
        errors["questions"] = f"Questions: not in the question bank: {', '.join(unknown)}."
    elif not any(BANK_BY_ID[q].kind != "text" for q in chosen):
        errors["questions"] = "Questions: pick at least one scored question (a comment alone is not a pulse)."
    row = {"title": title, "opens_on": opens_on, "closes_on": closes_on,
           "audience_orgs": list(audience) if audience is not None else None}
    return errors, row, chosen


def _save_wave(con: duckdb.DuckDBPyConnection, statement: str, row: dict[str, object], question_ids: list[str]) -> None:
    """Write a validated wave's row (`statement`: insert or update) and its questions in one transaction."""
    _in_transaction(con, lambda c: query(c, statement, row), lambda c: _write_questions(c, str(row["wave_id"]), question_ids))


def _write_questions(con: duckdb.DuckDBPyConnection, wave_id: str, question_ids: list[str]) -> None:
    chosen = [BANK_BY_ID[qid] for qid in question_ids]
    query(con, "surveys/delete_questions", {"wave_id": wave_id})
    query(con, "surveys/insert_questions", {
        "wave_id": wave_id, "question_ids": [q.question_id for q in chosen], "texts": [q.text for q in chosen],
        "kinds": [q.kind for q in chosen], "themes": [q.theme for q in chosen],
    })


def _in_transaction(con: duckdb.DuckDBPyConnection, *steps) -> None:
    """Run each step (a function of the connection) in one transaction, then mark the waves changed."""
    con.execute("BEGIN TRANSACTION")
    try:
        for step in steps:
            step(con)
        _mark_changed(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _wave_to_manage(con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, verb: str) -> Wave | None:
    """The wave `viewer` is to `verb` (change, close); None when they cannot see it, which reads
    as if it did not exist. ScopeError when they see it but may not manage it."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    wave = get_wave(con, wave_id)
    if wave is None or not sees_wave(viewer, wave):
        return None
    if not can_manage(viewer, wave):
        raise ScopeError(f"{viewer.username} may not {verb} wave {wave_id}")
    return wave


def _no_such_wave(wave_id: str) -> WaveResult:
    return WaveResult(False, errors={FORM_ERROR: f"Wave {wave_id!r} does not exist."})


def create_wave(con: duckdb.DuckDBPyConnection, viewer: Viewer, form: WaveForm, *, today: date) -> WaveResult:
    """Create a pulse wave from the question bank. `form.audience_orgs` None: the whole company (admins)."""
    require_role(viewer, Role.ADMIN, Role.HR_PARTNER)
    ensure_tables(con)
    errors, row, chosen = _validate_wave(con, viewer, form, today)
    if errors:
        return WaveResult(False, errors=errors)
    wave_id = f"app-{form.opens_on:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    _save_wave(con, "surveys/insert_wave", row | {"wave_id": wave_id, "created_by": viewer.username}, chosen)
    return WaveResult(True, wave_id=wave_id)


def update_wave(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, form: WaveForm, *, today: date,
) -> WaveResult:
    """Edit a wave until it opens; afterwards people may already have answered its questions."""
    wave = _wave_to_manage(con, viewer, wave_id, "change")
    if wave is None:
        return _no_such_wave(wave_id)
    if wave.status(today) != "scheduled":
        return WaveResult(False, wave_id, {FORM_ERROR: "A wave can be edited only until it opens."})
    errors, row, chosen = _validate_wave(con, viewer, form, today)
    if errors:
        return WaveResult(False, wave_id, errors)
    _save_wave(con, "surveys/update_wave", row | {"wave_id": wave_id}, chosen)
    return WaveResult(True, wave_id)


def close_wave(con: duckdb.DuckDBPyConnection, viewer: Viewer, wave_id: str, today: date) -> WaveResult:
    """Close an open wave early: it stops taking answers today (its last day becomes yesterday)."""
    wave = _wave_to_manage(con, viewer, wave_id, "close")
    if wave is None:
        return _no_such_wave(wave_id)
    if wave.status(today) != "open":
        return WaveResult(False, wave_id, {FORM_ERROR: f"Only an open wave can be closed; this one is {wave.status(today)}."})
    last_day = today - timedelta(days=1)
    _in_transaction(con, lambda c: query(c, "surveys/close_wave", {"wave_id": wave_id, "last_day": last_day}))
    return WaveResult(True, wave_id)


def ensure_demo_wave(con: duckdb.DuckDBPyConnection, today: date) -> str | None:
    """Open a whole-company wave from the question bank for 14 days when none is open today.

    The sample data ends before the real today, so without this the demo employee would have
    nothing to answer. Returns the new wave's id, or None when one was already open.
    """
    ensure_tables(con)
    if query(con, "surveys/open_company_waves", {"today": today}).fetchall()[0][0]:
        return None
    system = Viewer("system", Role.ADMIN)
    form = WaveForm(title=f"Pulse {today:%B %Y}", opens_on=today, closes_on=today + timedelta(days=DEMO_WAVE_DAYS - 1),
                    audience_orgs=None, question_ids=[q.question_id for q in QUESTION_BANK])
    result = create_wave(con, system, form, today=today)
    return result.wave_id
