"""Chart builders of the "Morale & survey results" page and the executive summary.

They draw only what `workforce.survey_results` released: a suppressed group is not in the frame,
so it has no point, bar or cell to draw.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workforce.charts import theme
from workforce.charts.people import event_rules

LIKERT_LABELS = {1: "1 strongly disagree", 2: "2 disagree", 3: "3 neutral", 4: "4 agree", 5: "5 strongly agree"}
LIKERT_COLOURS = ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]  # diverging, colour-blind safe


def trend_chart(frame: pd.DataFrame, measure: str, events: pd.DataFrame | None = None) -> alt.Chart:
    """Morale index or eNPS per wave and group, with mandate and layoff dates marked."""
    theme.check_size(len(frame))
    if measure not in ("morale_index", "enps"):
        raise ValueError(f"measure must be morale_index or enps, got {measure!r}")
    title = "Morale index by wave (1–5)" if measure == "morale_index" else "eNPS by wave (−100 to 100)"
    axis_title = "Morale index (1–5)" if measure == "morale_index" else "eNPS (% promoters − % detractors)"
    frame = theme.top_groups(frame, "group")  # groups shown in most waves in colour, the rest grey
    line = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("opens_on:T", title="Wave (opening day)"),
            y=alt.Y(f"{measure}:Q", title=axis_title,
                    scale=alt.Scale(domain=[1, 5]) if measure == "morale_index" else alt.Scale(domain=[-100, 100])),
            color=theme.group_colour(frame, "Group"),
            detail="group:N",
            tooltip=[alt.Tooltip("title:N", title="Wave"), alt.Tooltip("group:N", title="Group"),
                     alt.Tooltip(f"{measure}:Q", title=axis_title, format=".2f"),
                     alt.Tooltip("respondents_band:N", title="Respondents")],
        )
    )
    chart = line + event_rules(events) if events is not None and not events.empty else line
    return theme.titled(chart, title, f"Line chart of the {axis_title} of each group per survey wave, with "
                                      "AI-mandate and layoff dates as dashed rules. Groups too small to show are absent.")


def response_rate_chart(frame: pd.DataFrame) -> alt.Chart:
    """Groups × waves, each cell the response rate: one row per group, whatever the number of
    waves (a bar chart faceted by wave grew to ~1,800 px and smeared the wave names)."""
    theme.check_size(len(frame))
    data = frame.assign(wave=pd.to_datetime(frame["opens_on"]).dt.strftime("%d %b %y"))
    waves = data.sort_values("opens_on")["wave"].drop_duplicates().tolist()
    base = alt.Chart(data).encode(
        x=alt.X("wave:O", title="Wave (opening day)", sort=waves, axis=alt.Axis(labelAngle=-90)),
        y=alt.Y("group:N", title="Group"),
        tooltip=[alt.Tooltip("title:N", title="Wave"), alt.Tooltip("group:N", title="Group"),
                 alt.Tooltip("response_rate:Q", title="Rate", format=".0%"),
                 alt.Tooltip("respondents_band:N", title="Respondents"),
                 alt.Tooltip("eligible:Q", title="Invited", format=",")],
    )
    cells = base.mark_rect().encode(
        color=alt.Color("response_rate:Q", title="Response rate (%)",
                        scale=alt.Scale(scheme=theme.SEQUENTIAL_SCHEME, domain=[0, 1]),
                        legend=alt.Legend(format="%", direction="horizontal", orient="bottom")),
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("response_rate:Q", format=".0%"),
        color=alt.condition("datum.response_rate > 0.6", alt.value("#ffffff"), alt.value("#111111")),
    )
    return theme.sized(cells + text).properties(
        title=theme.wrap_title("Response rate per wave and group (% of people invited)"),
        height=alt.Step(22), width=theme.WIDTH,
        description="Grid of groups (rows) by survey wave (columns); each cell is the share of people invited "
                    "who answered.",
    )


def theme_heatmap_chart(frame: pd.DataFrame, value: str = "score") -> alt.Chart:
    """Groups × themes; colour by score (1–5) or by a change (diverging around zero)."""
    theme.check_size(len(frame))
    titles = {"score": "Mean score (1–5)", "change_vs_previous": "Change since previous wave (points)",
              "vs_company": "Difference from company (points)"}
    if value not in titles:
        raise ValueError(f"value must be one of {', '.join(titles)}")
    scale = (alt.Scale(scheme=theme.DIVERGING_SCHEME, domain=[1, 5], domainMid=3) if value == "score"
             else alt.Scale(scheme=theme.DIVERGING_SCHEME, domainMid=0))
    base = alt.Chart(frame).encode(
        x=alt.X("theme:N", title="Theme"),
        y=alt.Y("group:N", title="Group"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=titles[value], scale=scale),
        tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("theme:N", title="Theme"),
                 alt.Tooltip("score:Q", title="Score", format=".2f"),
                 alt.Tooltip("change_vs_previous:Q", title="vs previous wave", format="+.2f"),
                 alt.Tooltip("vs_company:Q", title="vs company", format="+.2f"),
                 alt.Tooltip("respondents_band:N", title="Respondents")],
    )
    text = base.mark_text(fontSize=11).encode(text=alt.Text(f"{value}:Q", format=".2f" if value == "score" else "+.2f"))
    return theme.sized(cells + text).properties(
        title=f"Theme scores by group: {titles[value].lower()}", height=alt.Step(26), width=theme.WIDTH,
        description=f"Heatmap of groups (rows) by survey theme (columns), coloured by {titles[value].lower()}.",
    )


def likert_chart(frame: pd.DataFrame) -> alt.Chart:
    """One 100% stacked bar per question, answers 1 to 5."""
    theme.check_size(len(frame))
    data = frame.assign(answer_label=frame["answer"].map(LIKERT_LABELS), line=frame["text"].map(theme.wrap_label))
    order = data.drop_duplicates("question_id").sort_values("position")["line"].tolist()
    lines = max((label.count(theme.LINE_BREAK) + 1 for label in order), default=1)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("line:N", title="Question", sort=order, axis=theme.WRAPPED_LABELS),
            x=alt.X("share:Q", title="Share of answers (%)", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color("answer_label:N", title="Answer", sort=list(LIKERT_LABELS.values()),
                            scale=alt.Scale(domain=list(LIKERT_LABELS.values()), range=LIKERT_COLOURS),
                            legend=alt.Legend(columns=1)),  # starts after the wide question labels
            order=alt.Order("answer:Q"),
            tooltip=[alt.Tooltip("text:N", title="Question"), alt.Tooltip("answer_label:N", title="Answer"),
                     alt.Tooltip("share:Q", title="Share", format=".0%"),
                     alt.Tooltip("respondents:Q", title="Respondents (at least)")],
        )
    )
    return theme.sized(chart).properties(title="Answers per question (% of respondents)", height=alt.Step(max(24, 13 * lines + 6)), width=theme.WIDTH,
                            description="Stacked bars per question of the share of each answer from strongly "
                                        "disagree to strongly agree.")


def keyword_chart(frame: pd.DataFrame) -> alt.Chart:
    theme.check_size(len(frame))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("keyword:N", title="Keyword", sort="-x"),
            x=alt.X("comments:Q", title="Comments mentioning it"),
            color=alt.Color("mean_sentiment:Q", title="Mean sentiment (−1 to 1)",
                            scale=alt.Scale(scheme=theme.DIVERGING_SCHEME, domain=[-1, 1], domainMid=0)),
            tooltip=[alt.Tooltip("keyword:N", title="Keyword"), alt.Tooltip("comments:Q", title="Comments"),
                     alt.Tooltip("mean_sentiment:Q", title="Mean sentiment", format="+.2f")],
        )
    )
    return theme.band_height(theme.titled(chart, "Comment keywords (comments mentioning each; colour: sentiment −1 to 1)",
                                          "Bars of how many comments mention each keyword, coloured by their mean sentiment."))


def mandate_morale_chart(frame: pd.DataFrame) -> alt.Chart:
    """Morale index per wave in orgs under an AI mandate vs the other orgs (executive summary)."""
    theme.check_size(len(frame))
    data = frame.assign(side=frame["mandated"].map({True: "under an AI mandate", False: "other orgs"}))
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("opens_on:T", title="Wave (opening day)"),
            y=alt.Y("morale_index:Q", title="Morale index (1–5)", scale=alt.Scale(domain=[1, 5])),
            color=alt.Color("side:N", title="Orgs", scale=alt.Scale(
                domain=["under an AI mandate", "other orgs"], range=[theme.PALETTE[5], theme.PALETTE[0]])),
            tooltip=[alt.Tooltip("title:N", title="Wave"), alt.Tooltip("side:N", title="Orgs"),
                     alt.Tooltip("morale_index:Q", title="Morale index", format=".2f"),
                     alt.Tooltip("respondents:Q", title="Respondents (at least)")],
        )
    )
    return theme.titled(chart, "Morale index, orgs under an AI mandate vs the rest (1–5)",
                        "Two lines of the morale index per wave: orgs under an AI mandate and the other orgs.")
