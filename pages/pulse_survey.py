"""Pulse survey: the signed-in person's open wave, a confidential form, and company results.

Questions and comments are shown as plain text. The form keeps what was typed when an answer is
missing (nothing is cleared on an error); the database, not the form, enforces one submission.
"""

from datetime import date

import streamlit as st

from ui.session import cached, db, log_view, require_page
from ui.survey_followup import employee_actions_section
from ui.tables import show_table
from workforce import favourability, privacy, surveys, tables
from workforce.charts.favourability import favourability_chart

# The morale theme's score is the morale index: one column, not two.
OTHER_THEMES = [t for t in privacy.THEMES if t != "morale"]

viewer = require_page("pulse_survey")
log_view(viewer, "pulse_survey")
today = date.today()
con = db()
rules = privacy.current_rules(con)

st.title("Pulse survey")
st.info(surveys.CONFIDENTIALITY_NOTE.format(min_scores=rules.min_scores, min_comments=rules.min_comments))

# Read live, not cached: these change with the person's own submission.
open_waves = surveys.open_waves_for(con, viewer, today)
if not open_waves:
    st.write("There is no survey open for you right now.")
else:
    # A choice only when there is one to make (a disabled picker's grey label fails WCAG contrast).
    wave = open_waves[0] if len(open_waves) == 1 else st.selectbox(
        "Survey", open_waves, format_func=lambda w: f"{w.title} (closes {w.closes_on:%d %b %Y})",
    )
    st.text(wave.title)  # titles are typed by people: plain text, never markdown
    st.caption(f"Open from {wave.opens_on:%d %b %Y} to {wave.closes_on:%d %b %Y}. Every question except the comment needs an answer.")
    receipt_key = f"pulse_receipt_{wave.wave_id}"
    if surveys.has_submitted(con, viewer, wave.wave_id):
        # The receipt replaces the form. The day is known only to this session: it is not stored
        # beside who answered.
        received_on = st.session_state.get(receipt_key)
        with st.container(border=True):
            st.subheader("Receipt")
            st.success(surveys.SubmitResult("accepted" if received_on else "already_received").message)
            st.text(f"Survey: {wave.title}")
            if received_on:
                st.text(f"Received on {received_on:%d %b %Y}.")
            st.markdown(
                "**What happens next**\n\n"
                f"- The survey closes on {wave.closes_on:%d %b %Y}; answers cannot be changed or sent twice.\n"
                "- Your answers are stored without your name, under a code only the survey system can compute.\n"
                f"- Results are shown only for groups of at least {rules.min_scores} people, and appear under "
                "\"Company results\" below once the survey has closed."
            )
    else:
        answers: dict[str, object] = {}
        with st.form(f"pulse_{wave.wave_id}"):
            for number, q in enumerate(surveys.wave_questions(con, wave.wave_id), start=1):
                st.text(f"{number}. {q.text}")
                key = f"answer_{wave.wave_id}_{q.question_id}"
                if q.kind == "likert5":
                    answers[q.question_id] = st.radio(
                        f"Answer to question {number}", list(surveys.LIKERT_LABELS), index=None, horizontal=True,
                        format_func=surveys.LIKERT_LABELS.get, key=key, label_visibility="collapsed",
                    )
                elif q.kind == "enps":
                    answers[q.question_id] = st.radio(
                        f"Answer to question {number} (0 = not at all likely, 10 = extremely likely)",
                        list(range(11)), index=None, horizontal=True, key=key,
                    )
                else:
                    answers[q.question_id] = st.text_area(
                        f"Answer to question {number} (optional)", max_chars=surveys.COMMENT_MAX, key=key,
                    )
            submitted = st.form_submit_button("Submit answers")
        if submitted:
            result = surveys.submit_response(con, viewer, wave.wave_id, answers, today=today)
            if result.status in ("accepted", "already_received"):
                if result.status == "accepted":
                    st.session_state[receipt_key] = today
                st.rerun()  # the receipt replaces the form
            else:
                st.error("Nothing was saved yet. Your answers are kept; please fix:")
                for message in result.errors.values():
                    st.text(f"• {message}")

employee_actions_section(con, viewer, today)

st.subheader("Company results of closed surveys")
st.caption(
    f"Whole-company figures only, for surveys that have closed. A wave with fewer than {rules.min_scores} "
    "respondents shows no figures. Morale and theme scores run from 1 to 5; eNPS from −100 to 100."
)
results = cached(surveys.company_results, viewer, today)
if results.empty:
    st.write("No survey has closed yet.")
else:
    show_table(
        results[["wave", "closed_on", "respondents_band", "morale_index", "enps",
                 *[f"score_{t}" for t in OTHER_THEMES]]],
        labels={f"score_{t}": f"{t.replace('_', ' ').capitalize()} (1–5)" for t in OTHER_THEMES},
        kinds={"closed_on": "date", "enps": "count"},
    )

st.subheader("Favourability of the last closed survey")
closed = cached(favourability.closed_waves, today, viewer)
if closed.empty:
    st.write("No survey has closed yet.")
else:
    last = closed.iloc[-1]
    table = cached(favourability.favourability, viewer, str(last["wave_id"]), today=today)
    st.caption(
        f"Whole company, {last['title']}: % of answers that agree (4–5), are neutral (3) or disagree (1–2), and the "
        "change since the survey before with a 95% interval (“no clear change” when it spans 0). An item where "
        "nearly everyone gave the same kind of answer is not shown."
    )
    if table.empty:
        st.write("This survey's company results cannot be shown.")
    else:
        st.altair_chart(favourability_chart(table), width="stretch")
        show_table(**tables.compact_favourability(table))
