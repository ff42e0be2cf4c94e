"""Data overview: what is loaded, for which period, and what the last load found."""

import streamlit as st

from ui.session import cached, log_view, require_page
from ui.tables import show_table
from workforce import overview, tables
from workforce.inert import markdown_escape

viewer = require_page("overview")
log_view(viewer, "overview")

st.title("Data overview")
info = cached(overview.load_info)
if not info:
    st.warning("No data is loaded yet.")
    st.stop()

counts = cached(overview.headcount, viewer)
scope = "whole company" if viewer.whole_company else ", ".join(markdown_escape(o) for o in sorted(viewer.orgs))
st.caption(f"Scope: {scope} · data as of {info.get('as_of', '?')} · last load {info.get('loaded_at', '?')} UTC")

c1, c2, c3, c4 = st.columns(4)
c1.metric("Headcount (latest month)", f"{counts.headcount_now:,}")
c2.metric("People in the data window", f"{counts.people_in_window:,}")
c3.metric("Orgs", counts.orgs)
c4.metric("Teams", counts.teams)

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
