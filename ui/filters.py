"""Sidebar filters shared by the analyst pages. Options come from the viewer's scope only.

The filters live in the URL (`?from=2026-03-01&to=2026-06-30&org=Ads&team=...`), so a view can
be shared and reopened. A URL is only a request: what it names is checked against the options of
the viewer's own scope, anything outside it is dropped with a message, and every query is scoped
on the server again whatever the filters say.

The drill-down (`drill_chart`, `breadcrumb`) moves through the same filters: a click on an org's
bar asks for that org, the next run checks it against the viewer's options before any widget is
drawn (`workforce.drill.narrowed`) and the URL follows; the breadcrumb's parts go back up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import altair as alt
import streamlit as st

from ui.session import cached
from workforce import drill, options
from workforce.charts.drill import PICK
from workforce.filters import Filters
from workforce.inert import markdown_escape
from workforce.options import FilterOptions
from workforce.viewer import Viewer

# URL parameter -> what it holds. Lists repeat the parameter (?org=A&org=B).
URL_PARAMS = ("from", "to", "org", "team", "vendor", "tool")


@dataclass
class UrlFilters:
    """What a URL asked for, kept to the viewer's options, and what was dropped and why."""

    start: date | None = None
    end: date | None = None
    orgs: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    tools: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _day(params: Mapping[str, Sequence[str]], name: str, problems: list[str]) -> date | None:
    values = params.get(name) or []
    if not values:
        return None
    try:
        return date.fromisoformat(values[-1])
    except ValueError:
        problems.append(f"the link's '{name}' date {values[-1]!r} is not a date (YYYY-MM-DD); ignored")
        return None


def _kept(asked: Sequence[str], allowed: Sequence[str], what: str, problems: list[str]) -> list[str]:
    kept = [v for v in dict.fromkeys(asked) if v in allowed]
    dropped = [v for v in dict.fromkeys(asked) if v not in allowed]
    if dropped:
        # the names are not echoed: whether another org exists is not for this viewer to learn
        problems.append(f"the link names {len(dropped)} {what} outside your scope or unknown, "
                        "left out: showing your own scope instead")
    return kept


def url_filters(params: Mapping[str, Sequence[str]], opts: FilterOptions) -> UrlFilters:
    """The filters a URL's parameters ask for, kept to `opts` (the viewer's scope)."""
    problems: list[str] = []
    out = UrlFilters(problems=problems)
    start, end = _day(params, "from", problems), _day(params, "to", problems)
    if opts.first_day and opts.last_day:
        start = min(max(start, opts.first_day), opts.last_day) if start else None
        end = min(max(end, opts.first_day), opts.last_day) if end else None
    if start and end and start > end:
        problems.append(f"the link's dates run backwards ({start} after {end}); ignored")
        start = end = None
    out.start, out.end = start, end
    out.orgs = _kept(params.get("org") or [], opts.orgs, "org(s)", problems)
    teams_in = sorted({t for o, t in opts.teams if not out.orgs or o in out.orgs})
    out.teams = _kept(params.get("team") or [], teams_in, "team(s)", problems)
    out.vendors = _kept(params.get("vendor") or [], opts.vendors, "vendor(s)", problems)
    out.tools = _kept(params.get("tool") or [], opts.tools, "tool(s)", problems)
    return out


def _seed_from_url(opts: FilterOptions, key: str) -> None:
    """Put what the URL asks for into the widgets' state, once per page visit of a session."""
    seeded = f"{key}_from_url"
    if st.session_state.get(seeded):
        return
    st.session_state[seeded] = True
    asked = url_filters({name: st.query_params.get_all(name) for name in URL_PARAMS}, opts)
    if opts.first_day and opts.last_day:
        st.session_state[f"{key}_dates"] = (asked.start or opts.first_day, asked.end or opts.last_day)
    st.session_state[f"{key}_orgs"] = asked.orgs
    st.session_state[f"{key}_teams"] = asked.teams
    st.session_state[f"{key}_vendors"] = asked.vendors
    st.session_state[f"{key}_tools"] = asked.tools
    for problem in asked.problems:
        st.warning(problem[0].upper() + problem[1:] + ".")


def _write_url(filters: Filters, opts: FilterOptions) -> None:
    """The URL of this view: only what narrows it (the full date range is left out)."""
    wanted: dict[str, str | list[str]] = {
        "from": filters.start.isoformat() if filters.start and filters.start != opts.first_day else "",
        "to": filters.end.isoformat() if filters.end and filters.end != opts.last_day else "",
        "org": list(filters.orgs),
        "team": list(filters.teams),
        "vendor": list(filters.vendors),
        "tool": list(filters.tools),
    }
    for name, value in wanted.items():
        current = st.query_params.get_all(name)
        target = value if isinstance(value, list) else ([value] if value else [])
        if current == target:
            continue
        if target:
            st.query_params[name] = target
        else:
            del st.query_params[name]


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
    _seed_from_url(opts, key)
    _apply_drill(opts, key)
    with st.sidebar:
        st.subheader("Filters")
        start: date | None = None
        end: date | None = None
        if dates and opts.first_day and opts.last_day:
            # widget state is dropped on pages without these filters: back to the full range
            st.session_state.setdefault(f"{key}_dates", (opts.first_day, opts.last_day))
            picked = st.date_input(
                "Dates",
                min_value=opts.first_day,
                max_value=opts.last_day,
                key=f"{key}_dates",
            )
            if isinstance(picked, tuple) and len(picked) == 2:
                start, end = picked
        orgs = st.multiselect("Org", opts.orgs, key=f"{key}_orgs", placeholder="All orgs in your scope")
        team_choices = sorted({t for o, t in opts.teams if not orgs or o in orgs})
        if teams:
            # a team of an org no longer chosen cannot stay selected
            st.session_state[f"{key}_teams"] = [t for t in st.session_state.get(f"{key}_teams", [])
                                                if t in team_choices]
        chosen_teams = (
            st.multiselect("Team", team_choices, key=f"{key}_teams", placeholder="All teams")
            if teams
            else []
        )
        chosen_vendors = (
            st.multiselect("Vendor", opts.vendors, key=f"{key}_vendors", placeholder="All vendors") if vendors else []
        )
        chosen_tools = st.multiselect("Tool", opts.tools, key=f"{key}_tools", placeholder="All tools") if tools else []
    filters = Filters(
        start=start,
        end=end,
        orgs=tuple(orgs),
        teams=tuple(chosen_teams),
        vendors=tuple(chosen_vendors),
        tools=tuple(chosen_tools),
    )
    _write_url(filters, opts)
    return filters


# ---------------------------------------------------------------- drill-down


def _apply_drill(opts: FilterOptions, key: str) -> None:
    """A click asked for an org or team (`drill_chart`): narrow the filters to it before the
    widgets are drawn, or refuse it when it is outside the viewer's options."""
    request = st.session_state.pop(f"{key}_drill", None)
    if request is None:
        return
    by, value = request
    current = Filters(orgs=tuple(st.session_state.get(f"{key}_orgs", [])),
                      teams=tuple(st.session_state.get(f"{key}_teams", [])))
    target = drill.narrowed(current, by, value, opts.orgs, [tuple(t) for t in opts.teams])
    if target is None:
        st.session_state[f"{key}_drill_refused"] = request  # the same click is not asked for again
        st.warning("That group is outside your scope or unknown: the view was not changed.")
        return
    st.session_state[f"{key}_orgs"] = list(target.orgs)
    st.session_state[f"{key}_teams"] = list(target.teams)


def _go_to(key: str, org: str | None, team: str | None) -> None:
    st.session_state[f"{key}_orgs"] = [org] if org else []
    st.session_state[f"{key}_teams"] = [team] if team else []


def breadcrumb(level: drill.Drill, key: str = "filters") -> None:
    """Company › Org › Team: each part above the current one is a button back to it."""
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        crumbs = level.crumbs()
        for i, (label, org, team) in enumerate(crumbs):
            if i:
                st.markdown("›")
            if i == len(crumbs) - 1:
                st.markdown(f"**{markdown_escape(label)}**")
            else:
                st.button(label, key=f"{key}_crumb_{i}", type="tertiary", on_click=_go_to, args=(key, org, team),
                          help=f"Back to {label}")


def drill_chart(chart: alt.Chart, level: drill.Drill, *, clickable: bool, key: str = "filters") -> None:
    """Draw a drill-down chart; a click on a bar asks for that org or team on the next run."""
    if not clickable:
        st.altair_chart(chart, width="stretch")
        return
    # one widget per level and place: a selection never carries over to the level below
    widget = f"{key}_drill_{level.by}_{level.org or ''}"
    event = st.altair_chart(chart, width="stretch", on_select="rerun", selection_mode=PICK, key=widget)
    picked = [p.get(level.by) for p in (event.selection.get(PICK) or [])] if event else []
    if picked and picked[0] is not None and st.session_state.get(f"{key}_drill_refused") != (level.by, str(picked[0])):
        st.session_state[f"{key}_drill"] = (level.by, str(picked[0]))
        st.rerun()
