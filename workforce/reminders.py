"""Reminders without surveillance: which open waves the signed-in person has not answered yet.

Only the person's own state is read: the waves open today for their org, and for each whether a
submission exists under their own per-wave pseudonym (`surveys.has_submitted`, the same keyed
hash the loader stores). Nothing here lists, counts or names anyone else, and nothing is written:
no record is kept of who was reminded. Live participation of groups is
`workforce.privacy.live_participation` (bands, counted to yesterday, groups of 5 or more).
Never imports streamlit.
"""

from __future__ import annotations

from datetime import date

import duckdb

from etl.pseudonym import KeyProblem
from workforce import surveys
from workforce.viewer import Viewer


def unanswered_open_waves(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> list[surveys.Wave]:
    """Waves open today for the viewer that they have not answered, soonest closing first. Empty
    for an account not linked to an employee, and when the pseudonym key cannot be read (the
    survey page itself then says why)."""
    if viewer.employee_id is None:
        return []
    waves = surveys.open_waves_for(con, viewer, today)
    try:
        return [w for w in waves if not surveys.has_submitted(con, viewer, w.wave_id)]
    except KeyProblem:
        return []


def reminder_text(wave: surveys.Wave, min_scores: int) -> str:
    """The banner's words (plain text: a wave's title is typed by people, so escape it for markdown)."""
    return (f"The pulse survey “{wave.title}” is open for you until {wave.closes_on:%d %b %Y} and you have not "
            f"answered it yet. It takes a few minutes; answers are confidential and results are shown only for "
            f"groups of {min_scores} or more.")
