"""The comment-topic chart: comments per topic, split by tone, for one released group."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workforce.charts import theme

TONE_ORDER = ["negative", "neutral", "positive"]
# vermillion / grey / blue: tells the tones apart without relying on red–green
TONE_COLOURS = [theme.PALETTE[5], theme.PALETTE[7], theme.PALETTE[0]]


def topic_tone_frame(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per topic and tone from `comment_topics.summarise` rows of one group: the comments
    of that tone (from the released share, so it adds up to the topic's count up to rounding)."""
    rows = [
        {"topic": r.topic_label, "tone": tone, "share": float(getattr(r, tone)),
         "comments": int(round(float(getattr(r, tone)) * int(r.comments))), "topic_comments": int(r.comments)}
        for r in summary.itertuples() for tone in TONE_ORDER
    ]
    return pd.DataFrame(rows, columns=["topic", "tone", "share", "comments", "topic_comments"])


def topic_tone_chart(summary: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: comments mentioning each topic, stacked by tone, most mentioned first."""
    data = topic_tone_frame(summary)
    theme.check_size(len(data))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("topic:N", title="Topic", sort=alt.EncodingSortField("topic_comments", op="max", order="descending"),
                    axis=alt.Axis(labelLimit=240)),
            x=alt.X("comments:Q", title="Comments mentioning the topic", stack="zero"),
            color=alt.Color("tone:N", title="Tone", sort=TONE_ORDER,
                            scale=alt.Scale(domain=TONE_ORDER, range=TONE_COLOURS)),
            order=alt.Order("tone_rank:Q"),
            tooltip=[alt.Tooltip("topic:N", title="Topic"), alt.Tooltip("topic_comments:Q", title="Comments"),
                     alt.Tooltip("tone:N", title="Tone"), alt.Tooltip("share:Q", title="Share of the topic", format=".0%")],
        )
        .transform_calculate(tone_rank="indexof(['negative', 'neutral', 'positive'], datum.tone)")
    )
    return theme.titled(chart, "Comment topics (comments mentioning each topic, by tone)",
                        "Bars of how many comments mention each topic, split into negative, neutral and positive.")
