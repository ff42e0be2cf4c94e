"""Survey waves: create pulse waves from the question bank, edit them until they open, close them
early, and follow live response rates (through the confidentiality layer). Admins manage every
wave; an HR partner manages waves for their own orgs and sees rates for those orgs only."""

from datetime import date, timedelta

import streamlit as st

from ui.downloads import csv_download
from ui.session import cached, db, log_view, require_page
from ui.survey_followup import action_plans_section, comment_topics_section
from ui.tables import show_table
from workforce import favourability, focus_areas, options, privacy, surveys, tables
from workforce.charts.favourability import favourability_chart, focus_chart
from workforce.inert import markdown_escape
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
show_table(waves, hide=("manage",))


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


live_tab, create_tab, edit_tab, favourable_tab, focus_tab, topics_tab, plans_tab = st.tabs(
    ["Live response rates", "Create a wave", "Edit or close a wave", "Favourability", "Focus areas",
     "Comment topics", "Action plans"])

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
            "Participation as a band of the response rate, counted to the end of yesterday, for orgs and teams "
            f"with at least {max(privacy.LIVE_MIN, rules.min_scores)} answers; no count of answers is shown while "
            "a wave is open, and a team's band is left out where, with its org's, it would tell whether someone "
            "answered."
        )
        show_table(rates, labels={"audience": "People in audience", "shown": "Enough answers to show"})
        csv_download(rates, f"response rates {wave_id}", viewer, "survey_waves")
        st.subheader("Per team")
        show_table(surveys.team_response_rates(con, viewer, wave_id, today),  # live: not cached
                   labels={"audience": "People in audience", "shown": "Enough answers to show"})

with create_tab:
    submitted, values = wave_form(
        "create_wave", title="", opens_on=today, closes_on=today + timedelta(days=surveys.DEMO_WAVE_DAYS - 1),
        audience=None if is_admin else [], question_ids=list(bank), submit="Create wave",
    )
    if submitted:
        result = surveys.create_wave(con, viewer, surveys.WaveForm(**values), today=today)
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
                result = surveys.update_wave(con, viewer, wave_id, surveys.WaveForm(**values), today=today)
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

closed = cached(favourability.closed_waves, today)
min_scores = privacy.current_rules(con).min_scores
closed_titles = dict(zip(closed["wave_id"], closed["title"], strict=True))


def closed_wave_choice(key: str) -> str | None:
    """The closed wave the viewer picks (newest first); None, saying so, while none has closed."""
    if closed.empty:
        st.write("No survey has closed yet.")
        return None
    return st.selectbox("Wave", list(closed["wave_id"])[::-1], format_func=closed_titles.get, key=key)


with favourable_tab:
    wave_id = closed_wave_choice("favourable_wave_id")
    if wave_id is not None:
        by = st.radio("Show", list(favourability.BY_CHOICES), horizontal=True, key="favourable_by",
                      format_func={"all": "My scope as a whole", "org": "Each org", "team": "Each team"}.get)
        against = st.radio("Compare with", list(favourability.AGAINST_CHOICES), horizontal=True,
                           key="favourable_against", format_func={"company": "The company",
                                                                  "org": "The team's org"}.get)
        table = cached(favourability.favourability, viewer, wave_id, by=by, against=against, today=today)
        st.caption(
            "Favourable = answers of 4–5, neutral = 3, unfavourable = 1–2, as % of the item's answers. Change: "
            "points since the previous closed survey with a 95% interval (“no clear change” when it spans 0). Gap: "
            f"points against the group compared with. Groups under {min_scores} "
            "answers, and items where nearly everyone gave the same kind of answer, are not shown."
        )
        if table.empty:
            st.write("No group of this choice has results that can be shown.")
        else:
            groups = list(dict.fromkeys(table["group"]))
            group = groups[0] if len(groups) == 1 else st.selectbox("Group", groups, key="favourable_group")
            st.altair_chart(favourability_chart(table[table["group"] == group]), width="stretch")
            show_table(**tables.compact_favourability(table))  # every figure, within the page width
            csv_download(table, f"favourability {wave_id}", viewer, "survey_waves")

with focus_tab:
    wave_id = closed_wave_choice("focus_wave_id")
    if wave_id is not None:
        group = st.selectbox("Group", cached(focus_areas.focus_groups, viewer), key="focus_group")
        outcome = st.radio("Outcome", list(focus_areas.OUTCOMES), horizontal=True, key="focus_outcome",
                           format_func=focus_areas.OUTCOMES.get)
        grid, how = cached(focus_areas.focus_areas, viewer, wave_id, group, outcome, today)
        st.caption(f"{how} Lines split the items at the median relation and the median favourability.")
        for note in dict.fromkeys(grid["note"].dropna()):
            st.warning(markdown_escape(f"Some items: {note}."))
        if grid.empty:
            st.write("No item has both a relation and results that can be shown.")
        else:
            st.altair_chart(focus_chart(grid, focus_areas.OUTCOMES[outcome]), width="stretch")
            show_table(
                grid,
                labels={"question_id": "Item", "text": "Question", "theme": "Theme", "favourable": "Favourable %",
                        "relation": "Relation", "quadrant": "Where it falls", "shown_for": "Figures of", "note": "Note"},
                kinds={"favourable": "number", "relation": "number"},
            )

with topics_tab:
    comment_topics_section(con, viewer, today)

with plans_tab:
    action_plans_section(con, viewer, today)
