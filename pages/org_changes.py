"""Org changes: headcount, hires/transfers/reorgs/exits, flows between orgs, spans, layers, attrition."""

import streamlit as st

from ui.filters import sidebar_filters
from ui.session import cached, log_view, require_page
from ui.tables import show_table
from workforce import people, tables
from workforce.charts import people as charts

viewer = require_page("org_changes")
st.title("Org changes")
filters = sidebar_filters(viewer)
with st.sidebar:
    threshold = int(st.number_input("Span threshold (direct reports)", min_value=1, max_value=1000,
                                    value=people.DEFAULT_SPAN_THRESHOLD, step=1, key="org_span_threshold"))
log_view(viewer, "org_changes", filters.as_log() | {"span_threshold": threshold})
window = cached(people.window, filters)
st.caption(f"{window.start:%d %b %Y} to {window.end:%d %b %Y}. Definitions: docs/people.md.")

headcount_tab, flows_tab, spans_tab, attrition_tab = st.tabs(
    ["Headcount & movements", "Flows between orgs", "Spans & layers", "Attrition"]
)

with headcount_tab:
    headcount = cached(people.headcount_as_of, viewer, filters)  # the one headcount every page states
    st.metric(f"Headcount {headcount.label()}", f"{headcount.people:,}",
              help="People employed on that day (hired on or before it, not yet left), in the selection.")
    events = cached(people.events, viewer, filters)
    st.altair_chart(charts.headcount_chart(cached(people.headcount_monthly, viewer, filters), events), width="stretch")
    st.altair_chart(charts.movements_chart(cached(people.movements_monthly, viewer, filters)), width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader("Movements in the period")
        show_table(cached(people.movement_totals, viewer, filters), width=tables.HALF_PAGE_PX)
    with right:
        st.subheader("Layoffs by wave")
        show_table(cached(people.layoffs_by_wave, viewer, filters), hide=("wave_start", "wave_end"),
                   width=tables.HALF_PAGE_PX)

with flows_tab:
    flows = cached(people.org_flows, viewer, filters)
    if viewer.role.value == "hr_partner":
        st.caption(people.PARTNER_FLOWS_NOTE)
    if flows.empty:
        st.info("No moves between orgs in the selected period.")
    else:
        st.altair_chart(charts.flows_chart(flows), width="stretch")
        show_table(flows)

with spans_tab:
    day = st.date_input("Spans on", value=window.end, min_value=window.start, max_value=window.end, key="span_day")
    spans = cached(people.span_by_org_monthly, viewer, filters, threshold)
    st.altair_chart(charts.span_trend_chart(spans, threshold), width="stretch")
    st.altair_chart(charts.span_histogram(cached(people.span_values, viewer, filters, day), threshold), width="stretch")
    st.subheader(f"Spans by org on {day:%d %b %Y}")
    show_table(cached(people.span_on, viewer, filters, day, threshold))
    st.subheader(f"Managers with more than {threshold} direct reports")
    if not viewer.sees_individuals:
        st.caption("Names are shown only to roles allowed to see individuals.")
    show_table(cached(people.wide_span_managers, viewer, filters, day, threshold))
    st.altair_chart(charts.layers_chart(cached(people.layers_monthly, viewer, filters)), width="stretch")

with attrition_tab:
    attrition = cached(people.attrition, viewer, filters)
    st.altair_chart(charts.attrition_chart(attrition), width="stretch")
    st.caption("Annualised voluntary attrition = voluntary exits ÷ average headcount × 365 ÷ days in the period; "
               "the interval treats exits as independent (Poisson).")
    show_table(attrition, hide=("days", "person_days"))  # the period is in the caption
