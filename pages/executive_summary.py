"""Executive summary: the headcount as of a stated day, the tiles this role can act on, three to
five findings ranked by size and certainty with a link to the page that explains each, risk teams,
a clean print layout and a self-contained HTML download telling the same story."""

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from ui.filters import sidebar_filters
from ui.navigation import PAGES_BY_KEY, pages_for
from ui.session import cached, db, log_view, require_page
from ui.tables import show_table
from workforce import audit, executive, people, report
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
# Each part of the summary goes through the cache on its own (see executive.executive_summary).
result = executive.executive_summary(db(), viewer, filters, pages={p.key for p in pages_for(viewer)},
                                     threshold=threshold, run=cached)
st.text(f"{result.scope} · {result.start:%d %b %Y} to {result.as_of:%d %b %Y} · "
        f"{result.headcount.people:,} people employed {result.headcount.label()}")

columns = st.columns(4)
for i, headline in enumerate(result.headlines):
    with columns[i % 4]:
        # st.metric reads the arrow's direction from an ASCII minus; the text uses the typographic one
        delta = headline.delta.replace("−", "-") if headline.delta else None
        st.metric(headline.label, headline.value, delta, delta_color=headline.delta_color, border=True)
        st.text(headline.context)

st.header("What stands out")
st.caption("Ranked: findings the data are clear about first, largest first; then those where the data cannot "
           "rule out no difference. Each interval is a 95% interval.")
for rank, finding in enumerate(result.findings, start=1):
    with st.container(border=True):
        st.markdown(f"**{rank}.** {markdown_escape(finding.sentence)}")
        look = f"What to look at: {finding.link_label}"
        try:
            st.page_link(PAGES_BY_KEY[finding.page].path, label=look)
        except StreamlitPageNotFoundError:
            # Only when this file runs without the router (tests run page files alone): Streamlit
            # knows no other page then. Through app.py every page is registered (tests check links).
            st.caption(look)
        if finding.detail:
            with st.expander("How this was measured"):
                st.text(finding.detail)
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
