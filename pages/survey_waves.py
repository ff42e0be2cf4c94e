"""Survey waves: create pulse waves from the question bank, edit them until they open, close them
early, and follow live response rates (through the confidentiality layer). Admins manage every
wave; an HR partner manages waves for their own orgs and sees rates for those orgs only."""

from datetime import date, timedelta

import streamlit as st

from ui.downloads import csv_download
from ui.session import cached, db, log_view, require_page
from ui.survey_followup import action_plans_section, comment_topics_section
from workforce import options, privacy, surveys
from workforce.viewer import Role

viewer = require_page("survey_waves")
today = date.today()
con = db()
is_admin = viewer.role == Role.ADMIN
org_choices = cached(options.filter_options, viewer).orgs
bank = {q.question_id: q for q in surveys.QUESTION_BANK}

st.title("Survey waves")
flash = st.session_state.pop("survey_waves_flash", None)
if flash:
    st.success(flash)

waves = surveys.list_waves(con, viewer, today)
st.dataframe(
    waves.drop(columns="manage"), hide_index=True, width="stretch",
    column_config={"opens_on": st.column_config.DateColumn("Opens on"),
                   "closes_on": st.column_config.DateColumn("Closes on")},
)


def wave_form(key: str, *, title: str, opens_on: date, closes_on: date, audience, question_ids, submit: str):
    """The fields of a wave; returns (submitted, values). Widgets keep their values on errors."""
    with st.form(key):
        values = {"title": st.text_input("Title", value=title, max_chars=surveys.TITLE_MAX)}
        values["opens_on"] = st.date_input("Opens on", value=opens_on, min_value=today)
        values["closes_on"] = st.date_input("Closes on", value=closes_on, min_value=today)
        whole = False
        if is_admin:
            whole = st.checkbox("Whole company", value=audience is None)
        chosen_orgs = st.multiselect(
            "Orgs (when not the whole company)" if is_admin else "Orgs", org_choices,
            default=[o for o in (audience or []) if o in org_choices],
        )
        values["audience_orgs"] = None if whole else chosen_orgs
        values["question_ids"] = st.multiselect(
            "Questions (six themes, eNPS and an optional comment)", list(bank), default=question_ids,
            format_func=lambda qid: f"[{bank[qid].theme}] {bank[qid].text}",
        )
        return st.form_submit_button(submit), values


def show_errors(errors: dict[str, str]) -> None:
    st.error("Nothing was saved. Please fix:")
    for message in errors.values():
        st.text(f"• {message}")


live_tab, create_tab, edit_tab, topics_tab, plans_tab = st.tabs(
    ["Live response rates", "Create a wave", "Edit or close a wave", "Comment topics", "Action plans"]
)

with live_tab:
    running = waves[waves["status"] != "scheduled"]
    if running.empty:
        log_view(viewer, "survey_waves")
        st.write("No wave has opened yet.")
    else:
        wave_id = st.selectbox(
            "Wave", list(running["wave_id"]),
            format_func=lambda w: f"{running.set_index('wave_id').loc[w, 'title']} ({running.set_index('wave_id').loc[w, 'status']})",
            key="live_wave_id",
        )
        log_view(viewer, "survey_waves", {"wave_id": wave_id})
        rules = privacy.current_rules(con)
        rates = surveys.response_rates(con, viewer, wave_id, today)  # live: not cached
        st.caption(
            "Participation as a band of the response rate, counted to the end of yesterday, for orgs with at "
            f"least {max(privacy.LIVE_MIN, rules.min_scores)} answers; no count of answers is shown while a "
            "wave is open, so no single answer can be spotted."
        )
        st.dataframe(
            rates, hide_index=True, width="stretch",
            column_config={"audience": "People in audience", "participation": "Participation",
                           "shown": "Enough answers to show"},
        )
        csv_download(rates, f"response rates {wave_id}", viewer, "survey_waves")

with create_tab:
    submitted, values = wave_form(
        "create_wave", title="", opens_on=today, closes_on=today + timedelta(days=surveys.DEMO_WAVE_DAYS - 1),
        audience=None if is_admin else [], question_ids=list(bank), submit="Create wave",
    )
    if submitted:
        result = surveys.create_wave(con, viewer, today=today, **values)
        if result.ok:
            st.session_state["survey_waves_flash"] = "Wave created."
            st.rerun()
        show_errors(result.errors)

with edit_tab:
    managed = waves[waves["manage"] & waves["status"].isin(["scheduled", "open"])]
    if managed.empty:
        st.write("No scheduled or open wave that you manage.")
    else:
        wave_id = st.selectbox("Wave to change", list(managed["wave_id"]), key="edit_wave_id",
                               format_func=lambda w: str(managed.set_index("wave_id").loc[w, "title"]))
        wave = surveys.get_wave(con, wave_id)
        if wave.status(today) == "scheduled":
            submitted, values = wave_form(
                f"edit_{wave_id}", title=wave.title, opens_on=wave.opens_on, closes_on=wave.closes_on,
                audience=list(wave.audience_orgs) if wave.audience_orgs else None,
                question_ids=[q.question_id for q in surveys.wave_questions(con, wave_id) if q.question_id in bank],
                submit="Save changes",
            )
            if submitted:
                result = surveys.update_wave(con, viewer, wave_id, today=today, **values)
                if result.ok:
                    st.session_state["survey_waves_flash"] = "Wave saved."
                    st.rerun()
                show_errors(result.errors)
        else:
            st.text(f"“{wave.title}” is open until {wave.closes_on:%d %b %Y}; it can no longer be edited.")
            if st.button("Close this wave now"):
                result = surveys.close_wave(con, viewer, wave_id, today)
                if result.ok:
                    st.session_state["survey_waves_flash"] = "Wave closed."
                    st.rerun()
                show_errors(result.errors)

with topics_tab:
    comment_topics_section(con, viewer, today)

with plans_tab:
    action_plans_section(con, viewer, today)
