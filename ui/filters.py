"""Sidebar filters shared by the analyst pages. Options come from the viewer's scope only."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ui.session import cached
from workforce import options
from workforce.filters import Filters
from workforce.viewer import Viewer


def sidebar_filters(
    viewer: Viewer,
    *,
    dates: bool = True,
    teams: bool = True,
    vendors: bool = False,
    tools: bool = False,
    key: str = "filters",
) -> Filters:
    """Draw the sidebar filters and return them. Every option list is scoped to the viewer."""
    opts = cached(options.filter_options, viewer)
    with st.sidebar:
        st.subheader("Filters")
        start: date | None = None
        end: date | None = None
        if dates and opts.first_day and opts.last_day:
            picked = st.date_input(
                "Dates",
                value=(opts.first_day, opts.last_day),
                min_value=opts.first_day,
                max_value=opts.last_day,
                key=f"{key}_dates",
            )
            if isinstance(picked, tuple) and len(picked) == 2:
                start, end = picked
        orgs = st.multiselect("Org", opts.orgs, key=f"{key}_orgs", placeholder="All orgs in your scope")
        team_choices = [t for o, t in opts.teams if not orgs or o in orgs]
        chosen_teams = (
            st.multiselect("Team", sorted(set(team_choices)), key=f"{key}_teams", placeholder="All teams")
            if teams
            else []
        )
        chosen_vendors = (
            st.multiselect("Vendor", opts.vendors, key=f"{key}_vendors", placeholder="All vendors") if vendors else []
        )
        chosen_tools = st.multiselect("Tool", opts.tools, key=f"{key}_tools", placeholder="All tools") if tools else []
    return Filters(
        start=start,
        end=end,
        orgs=tuple(orgs),
        teams=tuple(chosen_teams),
        vendors=tuple(chosen_vendors),
        tools=tuple(chosen_tools),
    )
