"""Data overview: what is loaded, for which period, the headcount as of the data's last day with a
drill-down (company › org › team: click a bar), and what the last load found."""

import streamlit as st

from ui.filters import breadcrumb, drill_chart, sidebar_filters
from ui.session import cached, log_view, require_page
from ui.tables import show_table
from workforce import drill, overview, people, tables
from workforce.charts.drill import headcount_bars
from workforce.inert import markdown_escape

viewer = require_page("overview")
filters = sidebar_filters(viewer, dates=False)
log_view(viewer, "overview", filters.as_log())

st.title("Data overview")
info = cached(overview.load_info)
if not info:
    st.warning("No data is loaded yet.")
    st.stop()

counts = cached(overview.headcount, viewer, filters)
headcount = cached(people.headcount_as_of, viewer, filters)
level = drill.drill_of(filters, viewer.whole_company)
scope = "whole company" if viewer.whole_company else ", ".join(markdown_escape(o) for o in sorted(viewer.orgs))
st.caption(f"Scope: {scope} · data as of {info.get('as_of', '?')} · last load {info.get('loaded_at', '?')} UTC")

breadcrumb(level)
c1, c2, c3, c4 = st.columns(4)
c1.metric(f"Headcount {headcount.label()}", f"{headcount.people:,}",
          help="People employed on that day (hired on or before it, not yet left), in the selection.")
c2.metric("People in the data window", f"{counts.people_in_window:,}")
c3.metric("Orgs", counts.orgs)
c4.metric("Teams", counts.teams)

breakdown = cached(drill.headcount_breakdown, viewer, filters)
title = level.title("Headcount", headcount.label())
label = drill.LEVEL_WORDS[level.by].capitalize()
drill_chart(headcount_bars(breakdown, level.by, label, title, clickable=level.by != "level"), level,
            clickable=level.by != "level")
if level.by != "level":
    st.caption(f"Click a bar to narrow the page to that {drill.LEVEL_WORDS[level.by]}; the breadcrumb above goes back.")

left, right = st.columns(2)
with left:
    st.subheader("Period covered")
    show_table(cached(overview.data_window), width=tables.HALF_PAGE_PX)
with right:
    st.subheader("Rows per table")
    show_table(cached(overview.rows_per_table), width=tables.HALF_PAGE_PX)

st.subheader("Data-quality findings")
findings = cached(overview.data_quality, viewer)
if findings.empty:
    st.success("The last load raised no warnings.")
else:
    st.caption("Warnings that did not block the load (for example a manager not employed on a row's date).")
    show_table(findings)
