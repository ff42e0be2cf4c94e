"""Executive summary: headline numbers with trend and comparison, written findings, risk teams,
a clean print layout and a self-contained HTML download."""

import streamlit as st

from ui.filters import sidebar_filters
from ui.session import cached, db, log_view, require_page
from ui.tables import show_table
from workforce import audit, people, report, summary
from workforce.charts import survey as survey_charts
from workforce.inert import markdown_escape

# Our own static CSS only: hide the app's chrome when printing and keep blocks whole.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDownloadButton"], [data-testid="stDecoration"], footer { display: none !important; }
  .main .block-container, [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stMetric"], [data-testid="stVegaLiteChart"], [data-testid="stDataFrame"] { break-inside: avoid; }
}
</style>
"""

viewer = require_page("executive_summary")
st.markdown(PRINT_CSS, unsafe_allow_html=True)
st.title("Executive summary")
filters = sidebar_filters(viewer, teams=False)
with st.sidebar:
    threshold = int(st.number_input("Span threshold (direct reports)", min_value=1, max_value=1000,
                                    value=people.DEFAULT_SPAN_THRESHOLD, step=1, key="summary_span_threshold"))
log_view(viewer, "executive_summary", filters.as_log() | {"span_threshold": threshold})
# Each part of the summary goes through the cache on its own (see summary.executive_summary).
result = summary.executive_summary(db(), viewer, filters, threshold, run=cached)
st.text(f"{result.scope} · {result.start:%d %b %Y} to {result.as_of:%d %b %Y}")

columns = st.columns(4)
for i, headline in enumerate(result.headlines):
    with columns[i % 4]:
        st.metric(headline.label, headline.value, headline.delta, delta_color=headline.delta_color, border=True)
        st.text(headline.context)

st.header("Findings")
for finding in result.findings:
    st.subheader(markdown_escape(finding.title))
    st.text(finding.text)
    if finding.glossary:
        with st.expander("Terms used"):
            for term, meaning in finding.glossary:
                st.markdown(f"**{term}**: {meaning}")

st.header("Teams to look at first")
st.caption("Teams of five or more combining low morale, wide spans, recent forced transfers and high voluntary "
           "attrition, each ranked among the teams in scope. Morale is used only where the team is large enough to show.")
show_table(result.risks, labels={"share_under_wide": "Under wide spans", "voluntary_rate": "Voluntary attrition",
                               "score": "Risk score (0–1)"})

if not result.morale.empty:
    st.altair_chart(survey_charts.mandate_morale_chart(result.morale), width="stretch")

st.caption("To print, use the browser's Print command: the sidebar and menus are left out.")
if st.download_button("Download the summary (HTML, opens offline)", data=report.summary_html(result),
                      file_name="executive-summary.html", mime="text/html"):
    audit.record(db(), viewer.username, "download", "executive_summary.html", filters.as_log())
