"""Morale & survey results: participation, morale index and eNPS trends, theme heatmap, answers, comments.

Everything shown comes through the confidentiality layer (workforce.privacy) via survey_results.
"""

import streamlit as st

from ui.filters import breadcrumb, sidebar_filters
from ui.session import cached, log_view, require_page
from ui.tables import show_table
from workforce import drill, survey_results, tables
from workforce.charts import survey as charts
from workforce.charts.favourability import favourability_chart
from workforce.charts.theme import wrap_title

GROUPINGS = {"org": "Org", "team": "Team", "all": "Everything in my selection"}
FAVOURABILITY_NOTE = (
    "Favourable = answers of 4–5, neutral = 3, unfavourable = 1–2, as % of the answers. Change: points since the "
    "previous closed survey, with its 95% interval (“no clear change” when the interval includes 0). Gap: points "
    "against the company. A theme or question where nearly everyone gave the same kind of answer is not shown."
)

viewer = require_page("morale")
st.title("Morale & survey results")
filters = sidebar_filters(viewer, dates=False)
level = drill.drill_of(filters, viewer.whole_company)
breadcrumb(level)
waves = cached(survey_results.waves)
if waves.empty:
    st.info("No survey results yet.")
    st.stop()
titles = dict(zip(waves["wave_id"], waves["title"], strict=True))
with st.sidebar:
    by = st.radio("Group by", list(GROUPINGS), format_func=GROUPINGS.get, key="morale_by")
    wave_id = st.selectbox("Wave", list(titles), index=len(titles) - 1, format_func=titles.get, key="morale_wave")
log_view(viewer, "morale", filters.as_log() | {"by": by, "wave": wave_id})
rules = cached(survey_results.min_group_sizes)
st.caption(f"Groups with fewer than {rules.min_scores} respondents (comments: fewer than {rules.min_comments}), "
           "or whose figures would let someone work out a smaller group, are not shown anywhere on this page.")

trend_tab, themes_tab, questions_tab, comments_tab = st.tabs(
    ["Participation & trend", "Themes", "Questions", "Comments"]
)

with trend_tab:
    trend = cached(survey_results.morale_trend, viewer, filters, by)
    if trend.empty:
        st.info("No group in this selection is large enough to show.")
    else:
        events = cached(survey_results.survey_events, viewer, filters)
        for measure, title in (("morale_index", "Morale index by wave (1–5)"), ("enps", "eNPS by wave (−100 to 100)")):
            st.altair_chart(charts.trend_chart(trend, measure, events)
                            .properties(title=wrap_title(drill.scoped_title(title, level, by))), width="stretch")
        eligible = cached(survey_results.eligible_counts, viewer, filters, by, tuple(trend["wave_id"].unique()))
        rates = survey_results.response_rates(trend, eligible)
        st.altair_chart(charts.response_rate_chart(rates).properties(
            title=wrap_title(drill.scoped_title("Response rate per wave (%)", level, by))), width="stretch")
        show_table(rates)

with themes_tab:
    heat = cached(survey_results.theme_heatmap, viewer, filters, wave_id, by)
    if heat.empty:
        st.info("No group in this selection is large enough to show for this wave.")
    else:
        shown = st.radio("Colour by", ["score", "change_vs_previous", "vs_company"], horizontal=True,
                         format_func={"score": "Score", "change_vs_previous": "Change vs previous wave",
                                      "vs_company": "Difference from company"}.get, key="heat_value")
        heatmap = charts.theme_heatmap_chart(heat, shown)
        own = heatmap.title if isinstance(heatmap.title, str) else "Theme scores by group"
        st.altair_chart(heatmap.properties(title=wrap_title(drill.scoped_title(own, level))), width="stretch")
    themes = cached(survey_results.favourability_of, viewer, filters, wave_id, by, "theme")
    st.subheader("Favourability per theme")
    st.caption(FAVOURABILITY_NOTE)
    if themes.empty:
        st.info("No theme of a group in this selection can show its favourability for this wave.")
    else:
        show_table(**tables.compact_favourability(themes, groups=by != "all"))

with questions_tab:
    answers = cached(survey_results.likert_distribution, viewer, filters, wave_id)
    if answers.empty:
        st.info("This selection is too small to show answer distributions for this wave.")
    else:
        st.altair_chart(charts.likert_chart(answers).properties(
            title=wrap_title(drill.scoped_title("Answers per question (% of respondents)", level))), width="stretch")
    items = cached(survey_results.favourability_of, viewer, filters, wave_id, "all", "item")
    st.subheader("Favourability per question")
    st.caption(FAVOURABILITY_NOTE)
    if items.empty:
        st.info("No question of this selection can show its favourability for this wave.")
    else:
        st.altair_chart(favourability_chart(items).properties(
            title=wrap_title(drill.scoped_title("Favourability per question (% of answers)", level))), width="stretch")
        show_table(**tables.compact_favourability(items))

with comments_tab:
    comment_by = st.radio("Comments of", list(GROUPINGS), index=2, format_func=GROUPINGS.get, horizontal=True,
                          key="comment_by")
    found = cached(survey_results.comments, viewer, filters, wave_id, comment_by)
    if found.empty:
        st.info(f"No group in this selection has {rules.min_comments} or more respondents, "
                "so no comments can be shown.")
    else:
        st.caption("Sentiment is an offline lexicon score (VADER) from −1 (negative) to +1 (positive): a rough guide.")
        grouping = st.radio("Group comments by", ["theme", "keyword"], horizontal=True, key="comment_grouping")
        if grouping == "theme":
            show_table(survey_results.theme_sentiment(found))
            show_table(found.sort_values(["theme", "sentiment"]))
        else:
            keywords = survey_results.comment_keywords(found)
            if keywords.empty:
                st.info("No keyword is shared by two or more comments.")
                show_table(found)
            else:
                st.altair_chart(charts.keyword_chart(keywords), width="stretch")
                keyword = st.selectbox("Comments mentioning", keywords["keyword"], key="comment_keyword")
                show_table(survey_results.comments_with_keyword(found, keyword))
