"""Cost alerts (admins only): review abnormal-consumption alerts and tokenmaxxing flags.

The only page where names appear beside AI usage. Every review needs a reason and is audited.
"""

import streamlit as st

from ui.downloads import csv_download
from ui.filters import sidebar_filters
from ui.session import db, log_view, require_page
from workforce import alerts, tokenmaxxing
from workforce.alerts import Thresholds
from workforce.inert import markdown_escape

PAGE = "cost_alerts"
viewer = require_page(PAGE)
st.title("Cost alerts")
st.caption("Abnormal AI consumption per person and team, for review. Names are shown here only; "
           "acknowledge or dismiss each alert with a reason.")
filters = sidebar_filters(viewer, teams=False, key=PAGE)
log_view(viewer, PAGE, filters.as_log())
alerts.refresh_if_stale(db())

with st.expander("Detection thresholds"):
    defaults = Thresholds()
    with st.form("thresholds"):
        c1, c2, c3 = st.columns(3)
        metric = c1.selectbox("Metric", list(alerts.METRICS), format_func=lambda m: m.replace("_", " "))
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
            st.success(f"Detection ran: {added} new alerts. Alerts already stored keep their review.")
        except ValueError as problem:
            st.error(markdown_escape(problem))
    last = alerts.last_run(db())
    if not last.empty:
        st.text(f"Last run {last.run_at.iloc[0]:%Y-%m-%d %H:%M} by {last.run_by.iloc[0]}: "
                f"{last.added.iloc[0]} added, thresholds {last.thresholds.iloc[0]}")

left, right = st.columns(2)
statuses = left.multiselect("Status", list(alerts.STATUSES), default=["open"], key=f"{PAGE}_status")
kinds = right.multiselect("Kind", list(alerts.KINDS), key=f"{PAGE}_kind", placeholder="Person-days and team-days")
review = alerts.alerts_for_review(db(), viewer, tuple(statuses), tuple(kinds))
st.subheader(f"Alerts ({len(review):,})")
st.dataframe(review, hide_index=True, width="stretch")
csv_download(review, "cost alerts", viewer, PAGE)

if not review.empty:
    labels = {
        r.alert_id: f"{r.usage_date:%Y-%m-%d} · {r.person if r.kind == 'person_day' else r.team} · "
                    f"{r.value:,.2f} {r.metric} ({r.ratio:,.1f}× baseline) · {r.status}"
        for r in review.itertuples()
    }
    with st.form("review"):
        alert_id = st.selectbox("Alert", list(labels), format_func=labels.get)
        status = st.radio("Decision", ["acknowledged", "dismissed", "open"], horizontal=True,
                          key=f"{PAGE}_decision")
        reason = st.text_input("Reason (required)", max_chars=500, key=f"{PAGE}_reason")
        submitted = st.form_submit_button("Save review")
    if submitted:
        try:
            alerts.review_alert(db(), viewer, alert_id, status, reason)
            st.success("Review saved.")
            st.rerun()
        except (ValueError, KeyError) as problem:
            st.error(markdown_escape(str(problem).strip("'\"")))

st.subheader("Usage far above peers without more delivered work")
st.caption("Tokens and agent time at least 6× the job family's weekly median in 4 or more weeks, sustained, "
           "with no rise in changes landed. A prompt for a conversation, not a performance score.")
flagged = tokenmaxxing.flagged_people(db(), viewer, filters)
st.dataframe(flagged, hide_index=True, width="stretch")
csv_download(flagged, "tokenmaxxing flags", viewer, PAGE)
