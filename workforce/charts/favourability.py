"""Chart builders of favourability and focus areas (`workforce.favourability`,
`workforce.focus_areas`). They draw only released rows: a hidden group or item is not in the frame."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workforce.charts import theme

BUCKET_LABELS = {"favourable": "Favourable (4–5)", "neutral": "Neutral (3)", "unfavourable": "Unfavourable (1–2)"}
BUCKET_COLOURS = ["#0072B2", "#BBBBBB", "#D55E00"]  # blue / grey / vermillion: colour-blind safe
QUADRANT_COLOURS = {"strength to keep": "#009E73", "focus here": "#D55E00", "monitor": "#E69F00",
                    "lower priority": "#999999"}


def favourability_chart(frame: pd.DataFrame) -> alt.Chart:
    """Stacked bars of % favourable, neutral and unfavourable of each item (and theme) of one group."""
    theme.check_size(len(frame) * 3)
    long = frame.melt(id_vars=["text", "kind"], value_vars=list(BUCKET_LABELS), var_name="bucket", value_name="share")
    long["answer"] = long["bucket"].map(BUCKET_LABELS)
    long["order"] = long["bucket"].map({b: i for i, b in enumerate(BUCKET_LABELS)})
    long["label"] = [theme.wrap_label(f"Theme: {t}" if k == "theme" else t, 34)
                     for t, k in zip(long["text"], long["kind"], strict=True)]
    order = list(dict.fromkeys(long["label"]))
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=order, axis=theme.WRAPPED_LABELS),
            x=alt.X("share:Q", title="Share of answers (%)", stack="zero", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("answer:N", title="Answer", sort=list(BUCKET_LABELS.values()),
                            scale=alt.Scale(domain=list(BUCKET_LABELS.values()), range=BUCKET_COLOURS),
                            legend=alt.Legend(orient="bottom", columns=1)),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("label:N", title="Item"), alt.Tooltip("answer:N", title="Answer"),
                     alt.Tooltip("share:Q", title="Share (%)", format=".0f")],
        )
    )
    return theme.sized(chart.properties(
        title=theme.wrap_title("Favourability per item (% of answers)"), width=theme.WIDTH, height=alt.Step(30),
        description="Stacked bars of the share of favourable, neutral and unfavourable answers to each item and "
                    "theme of the chosen group. Items the confidentiality rules hide are absent."))


def focus_chart(frame: pd.DataFrame, outcome_label: str) -> alt.LayerChart:
    """The 2×2 focus grid: relation to the outcome (x) by % favourable (y), split at the medians,
    each corner named in plain words."""
    theme.check_size(len(frame))
    x_mid, y_mid = float(frame["relation"].median()), float(frame["favourable"].median())
    x_lo, x_hi = min(float(frame["relation"].min()), x_mid) - 0.05, max(float(frame["relation"].max()), x_mid) + 0.05
    y_hi = min(100.0, max(float(frame["favourable"].max()), y_mid) + 10)
    points = (
        alt.Chart(frame)
        .mark_circle(size=120, opacity=0.9)
        .encode(
            x=alt.X("relation:Q", title=f"Relation to {outcome_label.lower()} (correlation)",
                    scale=alt.Scale(domain=[x_lo, x_hi])),
            y=alt.Y("favourable:Q", title="Favourable (%)", scale=alt.Scale(domain=[0, y_hi])),
            color=alt.Color("quadrant:N", title="Where it falls",
                            scale=alt.Scale(domain=list(QUADRANT_COLOURS), range=list(QUADRANT_COLOURS.values()))),
            tooltip=[alt.Tooltip("text:N", title="Item"), alt.Tooltip("favourable:Q", title="Favourable (%)"),
                     alt.Tooltip("relation:Q", title="Relation", format=".2f"),
                     alt.Tooltip("quadrant:N", title="Where it falls"), alt.Tooltip("shown_for:N", title="Figures of")],
        )
    )
    labels = points.mark_text(align="left", dx=8, fontSize=11).encode(text="question_id:N", color=alt.value("#333333"))
    rules = pd.DataFrame({"x": [x_mid], "y": [y_mid]})
    vline = alt.Chart(rules).mark_rule(strokeDash=[4, 4], color=theme.MARKER_COLOUR).encode(x="x:Q")
    hline = alt.Chart(rules).mark_rule(strokeDash=[4, 4], color=theme.MARKER_COLOUR).encode(y="y:Q")
    corners = pd.DataFrame({
        "x": [x_hi, x_hi, x_lo, x_lo], "y": [y_hi, 0, 0, y_hi],
        "name": ["strength to keep", "focus here", "monitor", "lower priority"],
        "align": ["right", "right", "left", "left"], "baseline": ["top", "bottom", "bottom", "top"],
    })
    names = [alt.Chart(corners.iloc[[i]]).mark_text(
        align=corners["align"][i], baseline=corners["baseline"][i], fontWeight="bold",
        dx=-4 if corners["align"][i] == "right" else 4, dy=4 if corners["baseline"][i] == "top" else -4,
    ).encode(x="x:Q", y="y:Q", text="name:N", color=alt.value("#333333")) for i in range(4)]
    chart = alt.layer(vline, hline, points, labels, *names)
    return theme.sized(chart.properties(
        title=theme.wrap_title(f"Focus areas: relation to {outcome_label.lower()} × favourability"),
        width=theme.WIDTH, height=380,
        description="Scatter of each survey item: how strongly it goes with the outcome (right: stronger) against its "
                    "% favourable (up: higher), split at the medians into strength to keep (top right), focus here "
                    "(bottom right), monitor (bottom left) and lower priority (top left)."))
