"""Drivers of morale & attrition: effect sizes with CIs, survival curves, event study, layoff audit.

Executives see the findings and the forest plots; HR partners and admins the whole page, with
the layoff audit and the team explorer narrowed to the orgs they may see.
"""

import streamlit as st

from analytics.correlations import METRICS
from analytics.findings import GLOSSARY, MANDATE_TITLE
from analytics.frames import AnalysisInputError
from analytics.layoffs import DIMENSIONS
from analytics.report import attrition_caption, correlation_view, drivers_report, effects_frame
from ui.drivers_tables import audit_table, correlation_matrix_view, mandate_org_table, ph_table
from ui.session import cached, log_view, require_page
from ui.tables import show_table
from workforce.charts import drivers as charts
from workforce.inert import markdown_escape
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
        report = cached(drivers_report, viewer)
except AnalysisInputError as problem:
    st.error(f"The analysis cannot run on this database: {problem}")
    st.stop()
st.caption(f"Models fitted when the data were loaded ({report.fitted_at:%Y-%m-%d %H:%M} UTC).")

models = report.models

st.subheader(MANDATE_TITLE)
mandate = models.mandate
if mandate is not None:
    if mandate.pretrends_rejected:
        st.warning("Mandated orgs were already moving differently before their mandates: the gap below is not "
                   "the mandates' effect.")
    st.markdown(report.findings["morale.mandate_effect"])
    unit_cols = st.columns(2)
    unit_cols[0].metric("Mandated units compared", mandate.treated_units)
    unit_cols[1].metric("Comparison units (no mandate yet)", mandate.control_units)
    by_org = mandate_org_table(mandate, report.orgs)
    if not by_org.empty:
        show_table(by_org)
    with st.expander("Terms used"):
        for term, meaning in GLOSSARY:
            st.markdown(f"**{term}**: {meaning}")

st.subheader("Findings")
for sentence in report.findings.values():
    st.markdown(f"- {markdown_escape(sentence)}")

left, right = st.columns(2)
with left:
    st.altair_chart(
        charts.forest_plot(effects_frame(models.morale.effects), title="Morale: difference per factor (Likert points)",
                           unit="Likert points", null=0.0),
        width="stretch",
    )
    st.caption(f"{models.morale.n_rows:,} answers, {models.morale.n_clusters:,} teams, "
               f"{models.morale.n_waves} waves; standard errors clustered by team (the mandate row: "
               "randomization inference over mandated units, see above).")
with right:
    st.altair_chart(
        charts.forest_plot(effects_frame(models.cox.hazard_ratios),
                           title="Voluntary exit: hazard ratio per factor (ratio, log scale)",
                           unit="Hazard ratio", null=1.0, log_scale=True),
        width="stretch",
    )
    st.caption(attrition_caption(models.cox))

if viewer.role == Role.EXECUTIVE:
    st.stop()

st.subheader("Morale by months since the mandate (event study)")
st.altair_chart(
    charts.event_study(models.event_study.table, title="Morale around a mandate taking effect (Likert points)"),
    width="stretch",
)
st.caption(
    f"Months before 0 are placebo checks (each month against the one before); their joint randomization test: "
    f"p = {models.event_study.pretrend_p:.2f}. Flat points before 0 support comparing mandated with "
    "not-yet-mandated units; months from 0 on compare with the month before the mandate."
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
show_table(ph_table(models.cox))

st.subheader("Layoff audit")
st.caption(
    f"Orgs in your scope: {len(report.orgs)}. Groups below the minimum size are hidden. Read the model first "
    "(the layoff finding above: it compares people at the same tenure, level, family, location and org); "
    "a group is flagged only when it was laid off more often than the rest of its wave, below four-fifths, "
    "with a Holm-adjusted Fisher p below 0.05."
)
dimension = st.selectbox("Breakdown", list(DIMENSIONS), format_func=DIMENSIONS.get)
show_table(audit_table(report.audit, dimension), hide=("Breakdown", "p (Fisher, vs rest)", "Hidden (small group)"))

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
show_table(correlation_matrix_view(report.teams))
