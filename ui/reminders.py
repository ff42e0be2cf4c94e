"""The in-app survey reminder: a banner on every page of a signed-in person with an open wave
they have not answered (`workforce.reminders`, their own state only)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.session import db
from workforce import privacy, reminders
from workforce.inert import markdown_escape
from workforce.viewer import Viewer

SURVEY_PAGE = "pulse_survey"


def survey_banner(viewer: Viewer, page_key: str) -> None:
    """Shows the reminder, with a link to the survey page unless this is that page. Read live
    (never cached): it changes with the person's own submission."""
    con = db()
    waves = reminders.unanswered_open_waves(con, viewer, date.today())
    if not waves:
        return
    text = markdown_escape(reminders.reminder_text(waves[0], privacy.current_rules(con).min_scores))
    st.info(text)
    if page_key != SURVEY_PAGE:
        st.page_link(f"pages/{SURVEY_PAGE}.py", label="Answer the pulse survey")
