"""After the results: the comment-topic and action-plan sections of the Survey waves page, and the
"You said … we are doing …" section of the Pulse survey page.

Layout only: widgets → query function (`workforce.comment_topics`, `workforce.action_plans`) →
chart builder. Every text typed by people (comments, plan text) is shown with `st.text` or in a
dataframe, never as markdown.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import streamlit as st

from ui.session import cached
from ui.tables import show_table
from workforce import action_plans, comment_topics, options, privacy, survey_results
from workforce.charts.comment_topics import topic_tone_chart
from workforce.viewer import Role, Viewer

GROUPINGS = {"all": "The whole selection", "org": "Each org", "team": "Each team"}


def _wave_picker(waves: pd.DataFrame, key: str) -> str:
    titles = dict(zip(waves["wave_id"], waves["title"], strict=True))
    return st.selectbox("Wave", list(titles)[::-1], format_func=titles.get, key=key)


def comment_topics_section(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> None:
    rules = privacy.current_rules(con)
    waves = cached(survey_results.waves, today)
    st.caption(
        f"Topics and tone of the comments of closed waves, only for groups of at least {rules.min_comments} "
        "respondents (and never a group that could be worked out by subtracting one from another). Topics come "
        "from a word list per topic and tone from an offline sentiment lexicon: a rough guide, checked against "
        "hand labels (docs/people.md). Example comments are shown in an order set by their text alone."
    )
    if waves.empty:
        st.write("No wave has closed yet.")
        return
    wave_id = _wave_picker(waves, "topics_wave")
    org_choices = cached(options.filter_options, viewer).orgs
    orgs = st.multiselect("Orgs (none: all you may see)", org_choices, key="topics_orgs")
    by = st.radio("Topics of", list(GROUPINGS), format_func=GROUPINGS.get, horizontal=True, key="topics_by")
    summary = cached(comment_topics.topic_summary, viewer, wave_id, by=None if by == "all" else by,
                     orgs=tuple(orgs) or None)
    if summary.empty:
        st.info(f"No group in this selection has {rules.min_comments} or more respondents with comments, "
                "so no topics can be shown.")
        return
    groups = list(dict.fromkeys(summary["group"]))
    group = groups[0] if len(groups) == 1 else st.selectbox("Group", groups, key="topics_group")
    part = summary[summary["group"] == group]
    st.altair_chart(topic_tone_chart(part), width="stretch")
    show_table(
        part[["topic_label", "comments", "share", "positive", "neutral", "negative"]],
        labels={"topic_label": "Topic", "comments": "Comments mentioning it", "share": "Share of comments",
                **{t: t.capitalize() for t in comment_topics.TONES}},
        kinds={"comments": "count", "share": "percent", **{t: "percent" for t in comment_topics.TONES}},
    )
    st.subheader("Example comments")
    for row in part.itertuples():
        if row.examples:
            with st.expander(f"{row.topic_label} ({row.comments} comments)"):
                for example in row.examples:
                    st.text(example)


def _show_errors(errors: dict[str, str]) -> None:
    st.error("Nothing was saved. Please fix:")
    for message in errors.values():
        st.text(f"• {message}")


def _group_choices(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[tuple[str | None, str | None]]:
    found = cached(options.filter_options, viewer)
    groups: list[tuple[str | None, str | None]] = [(None, None)] if viewer.role == Role.ADMIN else []
    for org in found.orgs:
        groups.append((org, None))
        groups += [(o, t) for o, t in found.teams if o == org]
    return groups


def _plan_form(key: str, con: duckdb.DuckDBPyConnection, wave_id: str, plan: dict | None, groups) -> tuple[bool, dict]:
    """The fields of a plan; widgets keep what was typed when the result has errors."""
    focus = action_plans.focus_choices(con, wave_id)
    with st.form(key):
        values: dict[str, object] = {}
        if plan is None:
            values["group"] = st.selectbox("Group", groups, format_func=lambda g: action_plans.group_label(*g),
                                           key=f"{key}_group")
        else:
            st.text(f"Group: {action_plans.group_label(plan['org'], plan['team'])}")
        keys = list(focus)
        values["focus"] = st.selectbox("Focus item", keys, format_func=focus.get,
                                       index=keys.index(plan["focus"]) if plan and plan["focus"] in keys else 0,
                                       key=f"{key}_focus")
        values["heard"] = st.text_area("You said (what the group told us)", value=plan["heard"] if plan else "",
                                       max_chars=action_plans.TEXT_MAX, key=f"{key}_heard")
        values["action"] = st.text_area("What we will do", value=plan["action"] if plan else "",
                                        max_chars=action_plans.TEXT_MAX, key=f"{key}_action")
        owners = list(action_plans.OWNER_ROLES)
        values["owner_role"] = st.selectbox("Owner (a role)", owners,
                                            index=owners.index(plan["owner_role"]) if plan else 0, key=f"{key}_owner")
        values["due_on"] = st.date_input("Due date", value=plan["due_on"] if plan else date.today() + timedelta(days=30),
                                         key=f"{key}_due")
        statuses = list(action_plans.STATUSES)
        values["status"] = st.radio("Status", statuses, format_func=action_plans.STATUSES.get, horizontal=True,
                                    index=statuses.index(plan["status"]) if plan else 0, key=f"{key}_status")
        return st.form_submit_button("Save plan" if plan else "Create plan"), values


def action_plans_section(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> None:
    st.caption(
        "Write what will be done about a wave's results for a group you support; employees of that group see it on "
        "their Pulse survey page. The owner is a role, never a person. A plan can only be written for a group whose "
        "results were shown for that wave."
    )
    flash = st.session_state.pop("action_plans_flash", None)
    if flash:
        st.success(flash)
    plans = action_plans.plans_for(con, viewer)  # read live: changes with every save
    if plans.empty:
        st.write("No action plan yet.")
    else:
        shown = plans.assign(group=[action_plans.group_label(o if pd.notna(o) else None, t if pd.notna(t) else None)
                                    for o, t in zip(plans["org"], plans["team"], strict=True)],
                             status=plans["status"].map(action_plans.STATUSES))
        show_table(shown[["wave", "group", "focus_label", "action", "owner_role", "due_on", "status", "revision"]],
                   labels={"wave": "Wave", "group": "Group", "focus_label": "Focus", "action": "What we will do",
                           "owner_role": "Owner", "due_on": "Due", "status": "Status", "revision": "Edits"},
                   kinds={"due_on": "date", "revision": "count"})
    waves = cached(survey_results.waves, today)
    if waves.empty:
        st.write("No wave has closed yet: plans follow a wave's results.")
        return
    create, edit = st.tabs(["New plan", "Edit a plan"])
    with create:
        wave_id = _wave_picker(waves, "plan_wave")
        submitted, values = _plan_form(f"new_plan_{wave_id}", con, wave_id, None, _group_choices(con, viewer))
        if submitted:
            org, team = values.pop("group") or (None, None)
            result = action_plans.create_plan(con, viewer, wave_id=wave_id, org=org, team=team, **values)
            if result.ok:
                st.session_state["action_plans_flash"] = "Plan created."
                st.rerun()
            _show_errors(result.errors)
    with edit:
        if plans.empty:
            st.write("No plan to edit yet.")
            return
        labels = {r.plan_id: f"{r.wave} · {action_plans.group_label(r.org if pd.notna(r.org) else None, r.team if pd.notna(r.team) else None)} · {r.focus_label}"
                  for r in plans.itertuples()}
        plan_id = st.selectbox("Plan", list(labels), format_func=labels.get, key="edit_plan_id")
        plan = action_plans.get_plan(con, plan_id)
        plan = {**plan, "org": None if pd.isna(plan["org"]) else plan["org"],
                "team": None if pd.isna(plan["team"]) else plan["team"], "due_on": pd.Timestamp(plan["due_on"]).date()}
        submitted, values = _plan_form(f"edit_plan_{plan_id}", con, str(plan["wave_id"]), plan, [])
        if submitted:
            result = action_plans.update_plan(con, viewer, plan_id, **values)
            if result.ok:
                st.session_state["action_plans_flash"] = "Plan saved."
                st.rerun()
            _show_errors(result.errors)
        with st.expander("History of this plan"):
            show_table(action_plans.plan_history(con, viewer, plan_id))


def employee_actions_section(con: duckdb.DuckDBPyConnection, viewer: Viewer, today: date) -> None:
    st.subheader("You said, we are doing")
    st.caption("What is being done after past surveys, for the whole company and for the org and team you are in. "
               "Plans are written from group results only; they never say who answered what.")
    plans = action_plans.for_employee(con, viewer, today)  # read live: plans change between runs
    if plans.empty:
        st.write("No action plan has been shared with your groups yet.")
        return
    for plan in plans.itertuples():
        with st.container(border=True):
            st.text(f"{plan.group} · {plan.wave} · focus: {plan.focus_label}")
            st.text(f"You said: {plan.heard}")
            st.text(f"We are doing: {plan.action}")
            st.caption(f"Owner: {plan.owner_role} · due {plan.due_on:%d %b %Y} · {plan.status}")
