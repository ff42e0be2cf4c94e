"""Drivers of morale & attrition: effect sizes with CIs, survival curves, event study, layoff audit.

Executives see the findings and the forest plots; HR partners and admins the whole page, with
the layoff audit and the team explorer narrowed to the orgs they may see.
"""

import streamlit as st

from analytics.correlations import METRICS
from analytics.frames import AnalysisInputError
from analytics.layoffs import DIMENSIONS
from analytics.summary import (
    audit_table,
    correlation_matrix_view,
    correlation_view,
    drivers_report,
    effects_frame,
    ph_table,
)
from ui.session import cached, log_view, require_page
from workforce.charts import drivers as charts
from workforce.db import default_db_path, default_key_path
from workforce.viewer import Role

KM_CHOICES = {"forced": "Forced transfer", "span_band": "Manager span", "mandate": "AI mandate"}

viewer = require_page("drivers")
log_view(viewer, "drivers", {})

st.title("Drivers of morale & attrition")
st.caption(
    "Every model is fit on the whole company: the effects need its full sample to be estimated with "
    "useful precision. Each shows an association with a 95% confidence interval, not proof of cause."
)

try:
    with st.spinner("Reading the models …"):
        report = cached(drivers_report, viewer, str(default_key_path(default_db_path())))
except AnalysisInputError as problem:
    st.error(f"The analysis cannot run on this database: {problem}")
    st.stop()
if report.fitted_at is not None:
    st.caption(f"Models fitted when the data were loaded ({report.fitted_at:%Y-%m-%d %H:%M} UTC).")

models = report.models

st.subheader("Findings")
for sentence in report.findings.values():
    st.markdown(f"- {sentence}")

left, right = st.columns(2)
with left:
    st.altair_chart(
        charts.forest_plot(effects_frame(models.morale.effects), title="Morale: difference per factor (Likert points)",
                           unit="Likert points", null=0.0),
        width="stretch",
    )
    st.caption(f"{models.morale.n_rows:,} answers, {models.morale.n_clusters:,} teams, "
               f"{models.morale.n_waves} waves; standard errors clustered by team.")
with right:
    st.altair_chart(
        charts.forest_plot(effects_frame(models.cox.hazard_ratios),
                           title="Voluntary exit: hazard ratio per factor (ratio, log scale)",
                           unit="Hazard ratio", null=1.0, log_scale=True),
        width="stretch",
    )
    st.caption(f"{models.cox.n_rows:,} person-months, {models.cox.n_events:,} voluntary exits; "
               f"concordance {models.cox.concordance:.2f}.")

if viewer.role == Role.EXECUTIVE:
    st.stop()

st.subheader("Did morale move before mandates? (event study)")
st.altair_chart(
    charts.event_study(models.event_study.table, title="Morale around a mandate taking effect (Likert points)"),
    width="stretch",
)
st.caption(
    f"Joint test that every wave before the mandate is zero: p = {models.event_study.pretrend_p:.2f}. "
    "Flat points before 0 support comparing mandated with not-yet-mandated teams."
)

st.subheader("Staying on: Kaplan–Meier curves of voluntary exit")
grouping = st.radio("Group by", list(KM_CHOICES), format_func=KM_CHOICES.get, horizontal=True)
st.altair_chart(
    charts.km_curves(models.km[grouping], title=f"Not yet left voluntarily by {KM_CHOICES[grouping].lower()} (%)",
                     window_start="the start of the data"),
    width="stretch",
)
st.caption(
    "Each month counts in the group the person was in on its first day, so groups formed later "
    "(a forced transfer) are not credited with the time before. Other exits end follow-up without counting."
)
st.caption("Proportional-hazards check (scaled Schoenfeld residuals): a small p means the factor's "
           "hazard ratio changes over time, and the single ratio above is an average.")
st.dataframe(ph_table(models.cox), hide_index=True)

st.subheader("Layoff audit")
st.caption(f"Orgs in your scope: {len(report.orgs)}. Groups below the minimum size are hidden.")
dimension = st.selectbox("Breakdown", list(DIMENSIONS), format_func=DIMENSIONS.get)
st.dataframe(audit_table(report.audit, dimension), hide_index=True, width="stretch")

st.subheader("Team explorer")
st.caption(
    f"Teams in your scope; {report.teams_dropped} teams below the minimum size are left out. Morale and "
    "eNPS pool the closed waves in which the team's own figures are shown on the Morale page; "
    f"{report.teams_survey_hidden} teams have none and show no survey figure."
)
x_col, y_col = st.columns(2)
x = x_col.selectbox("Horizontal", list(METRICS), index=0, format_func=METRICS.get)
y = y_col.selectbox("Vertical", list(METRICS), index=2, format_func=METRICS.get)
points, line, sentence = correlation_view(report.teams, x, y)
st.altair_chart(
    charts.scatter_with_fit(points, line, x=x, y=y, x_title=METRICS[x], y_title=METRICS[y],
                            title=f"{METRICS[y]} against {METRICS[x]} by team"),
    width="stretch",
)
st.write(sentence)
st.dataframe(correlation_matrix_view(report.teams), hide_index=True, width="stretch")
