"""Cost alerts (admins only): abnormal AI consumption and sustained usage far above peers,
reviewed one case at a time.

No list of named people with their usage exists here: the queue shows counts per org, and a
case shows its name only once the admin opens it with a reason, which goes to the audit log.
"""

import streamlit as st

from ui.filters import sidebar_filters
from ui.session import db, log_view, require_page
from ui.tables import show_table
from workforce import alerts
from workforce.alerts import Thresholds
from workforce.inert import markdown_escape

PAGE = "cost_alerts"
OPEN_CASE = f"{PAGE}_open_case"  # the case this admin opened (session only)
SAVED = f"{PAGE}_saved"
viewer = require_page(PAGE)
st.title("Cost alerts")
st.caption("Abnormal AI consumption, and usage far above peers without more delivered work, reviewed one "
           "case at a time. A prompt for a conversation, never a performance score: a name is shown only when "
           "you open a case, and every opening is written to the audit log with your reason.")
filters = sidebar_filters(viewer, teams=False, key=PAGE)
log_view(viewer, PAGE, filters.as_log())
alerts.refresh_if_stale(db())

with st.expander("Detection thresholds"):
    defaults = Thresholds()
    with st.form("thresholds"):
        c1, c2, c3 = st.columns(3)
        metric = c1.selectbox("Metric", list(alerts.METRICS), format_func=alerts.METRIC_LABELS.get)
        z = c1.number_input("Robust z at least", min_value=1.0, value=defaults.z_threshold, step=0.5)
        ratio = c2.number_input("And at least × the baseline median", min_value=1.0, value=defaults.min_ratio,
                                step=0.5)
        window = c2.number_input("Baseline window (days)", min_value=7, max_value=120, value=defaults.window_days)
        history = c3.number_input("Baseline days needed", min_value=3, max_value=120,
                                  value=defaults.min_history_days)
        person_floor = c3.number_input("Person-day floor (metric unit)", min_value=0.0,
                                       value=defaults.person_min_value)
        team_floor = c3.number_input("Team-day floor (metric unit)", min_value=0.0, value=defaults.team_min_value)
        run = st.form_submit_button("Run detection")
    if run:
        try:
            rules = Thresholds(metric=metric, z_threshold=z, min_ratio=ratio, window_days=int(window),
                               min_history_days=int(history), person_min_value=person_floor,
                               team_min_value=team_floor)
            added = alerts.refresh_alerts(db(), rules, run_by=viewer.username)
            st.success(f"Detection ran: {added:,} new alerts. Alerts already stored keep their review.")
        except ValueError as problem:
            st.error(markdown_escape(problem))
    last = alerts.last_run(db())
    if not last.empty:
        st.text(f"Last run {last.run_at.iloc[0]:%d %b %Y %H:%M} by {last.run_by.iloc[0]}: "
                f"{last.added.iloc[0]:,} added")

left, right = st.columns(2)
statuses = left.multiselect("Status", list(alerts.STATUSES), default=["open"], key=f"{PAGE}_status")
kinds = right.multiselect("Kind", list(alerts.CASE_KINDS), format_func=alerts.CASE_KIND_LABELS.get,
                          key=f"{PAGE}_kind", placeholder="Every kind")
queue = alerts.case_queue(db(), viewer, filters, tuple(statuses), tuple(kinds))

st.subheader(f"Cases to review ({len(queue):,})")
if not queue:
    st.write("No case matches these filters.")
else:
    st.caption("Counts per org only. Cases are taken in the order they arose, not by size.")
    show_table(alerts.case_counts(queue), kinds={"cases": "count"})

    st.subheader("Review the next case")
    with st.form("open_case", clear_on_submit=True):
        why = st.text_input("Why are you opening a case now? (written to the audit log)", max_chars=300,
                            key=f"{PAGE}_why")
        next_case = st.form_submit_button("Open the next case")
    if next_case:
        current = st.session_state.get(OPEN_CASE)
        try:
            case_id = alerts.next_case_id(queue, current.case_id if current is not None else None)
            st.session_state[OPEN_CASE] = alerts.open_case(db(), viewer, case_id, why, filters)
        except (ValueError, KeyError) as problem:
            st.error(markdown_escape(str(problem).strip("'\"")))

if st.session_state.pop(SAVED, False):
    st.success("Decision saved. Open the next case when you are ready.")
case = st.session_state.get(OPEN_CASE)
if case is not None:
    with st.container(border=True):
        st.markdown(f"**{alerts.CASE_KIND_LABELS[case.kind]}**")
        st.text(f"{case.subject} · {case.org} / {case.team} · status: {case.status}")
        st.text(case.why)
        columns = st.columns(len(case.figures))
        for column, (label, value) in zip(columns, case.figures.items(), strict=True):
            column.metric(label, value)
        st.markdown(f"**Context: {case.context_title}**")
        columns = st.columns(len(case.context))
        for column, (label, value) in zip(columns, case.context.items(), strict=True):
            column.metric(label, value)
        if case.review:
            st.caption(f"Last decision: {case.review}")
        with st.form("decide_case", clear_on_submit=True):
            decision = st.radio("Decision", ["acknowledged", "dismissed", "open"], horizontal=True,
                                format_func={"acknowledged": "Acknowledge (follow up)", "dismissed": "Dismiss",
                                             "open": "Leave open"}.get, key=f"{PAGE}_decision")
            reason = st.text_input("Reason for the decision (required)", max_chars=500, key=f"{PAGE}_reason")
            decided = st.form_submit_button("Save decision")
        if decided:
            try:
                alerts.decide_case(db(), viewer, case.case_id, decision, reason)
                st.session_state.pop(OPEN_CASE, None)
                st.session_state[SAVED] = True
                st.rerun()
            except (ValueError, KeyError) as problem:
                st.error(str(problem).strip("'\""))
        if st.button("Close this case without a decision"):
            st.session_state.pop(OPEN_CASE, None)
            st.rerun()
