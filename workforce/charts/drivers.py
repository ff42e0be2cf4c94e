"""Charts of the Drivers page: forest plot, Kaplan–Meier curves, event study, scatter with fit.

Each builder takes a small tidy DataFrame (already aggregated by `analytics`) and returns an
`alt.Chart` with a title carrying the unit, a text description and tooltips.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workforce.charts import theme

LOG_TICKS = [0.1, 0.25, 0.5, 1, 2, 4, 10]

def forest_plot(effects: pd.DataFrame, *, title: str, unit: str, null: float, log_scale: bool = False) -> alt.Chart:
    """Point estimates with 95% CI bars, one row per effect, and a rule at "no association".

    `effects`: label, estimate, ci_low, ci_high, n.
    """
    theme.check_size(len(effects))
    data = effects.dropna(subset=["estimate"]).assign(null=null)
    data = data.assign(line=data["label"].map(theme.wrap_label))
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    # A log axis labels every power it spans (0.2, 0.3, 0.4 …) and Vega then hides half: name a few.
    axis = alt.Axis(values=LOG_TICKS) if log_scale else alt.Axis()
    x_title = f"{unit} (95% CI)"
    base = alt.Chart(data).encode(y=alt.Y("line:N", title=None, sort=None, axis=theme.WRAPPED_LABELS))
    tooltip = [
        alt.Tooltip("label:N", title="Effect"),
        alt.Tooltip("estimate:Q", title=unit, format=".3f"),
        alt.Tooltip("ci_low:Q", title="95% CI low", format=".3f"),
        alt.Tooltip("ci_high:Q", title="95% CI high", format=".3f"),
        alt.Tooltip("n:Q", title="n", format=","),
    ]
    bars = base.mark_rule(strokeWidth=2, color=theme.PALETTE[0]).encode(
        x=alt.X("ci_low:Q", title=x_title, scale=scale, axis=axis), x2="ci_high:Q", tooltip=tooltip
    )
    points = base.mark_point(filled=True, size=80, color=theme.PALETTE[0]).encode(x="estimate:Q", tooltip=tooltip)
    rule = alt.Chart(pd.DataFrame({"null": [null]})).mark_rule(color=theme.MARKER_COLOUR, strokeDash=[4, 4]).encode(
        x="null:Q"
    )
    description = f"{title}. " + "; ".join(
        f"{r.label}: {r.estimate:.2f} ({r.ci_low:.2f} to {r.ci_high:.2f})" for r in data.itertuples()
    )
    return theme.titled(alt.layer(rule, bars, points), title, description).properties(height=40 * max(len(data), 2) + 40)


def km_curves(curves: pd.DataFrame, *, title: str, window_start: str) -> alt.Chart:
    """Share of people not yet left voluntarily, by group, with a 95% band.

    `curves`: group, day (days since the window start), survival, ci_low, ci_high, n, events.
    """
    theme.check_size(len(curves))
    data = curves.assign(survival_pct=curves["survival"] * 100, low_pct=curves["ci_low"] * 100,
                         high_pct=curves["ci_high"] * 100)
    x = alt.X("day:Q", title=f"Days since {window_start}")
    colour = theme.colour("group", "Group")
    tooltip = [
        alt.Tooltip("group:N", title="Group"),
        alt.Tooltip("day:Q", title="Day"),
        alt.Tooltip("survival_pct:Q", title="Still employed (%)", format=".1f"),
        alt.Tooltip("low_pct:Q", title="95% CI low (%)", format=".1f"),
        alt.Tooltip("high_pct:Q", title="95% CI high (%)", format=".1f"),
        alt.Tooltip("n:Q", title="Person-months", format=","),
        alt.Tooltip("events:Q", title="Voluntary exits", format=","),
    ]
    band = alt.Chart(data).mark_area(opacity=0.2, interpolate="step-after").encode(
        x=x, y=alt.Y("low_pct:Q", title="Not yet left voluntarily (%)", scale=alt.Scale(zero=False)),
        y2="high_pct:Q", color=colour, tooltip=tooltip,
    )
    line = alt.Chart(data).mark_line(interpolate="step-after").encode(
        x=x, y="survival_pct:Q", color=colour, tooltip=tooltip
    )
    ends = data.sort_values("day").groupby("group").tail(1)
    description = f"{title}. " + "; ".join(
        f"{r.group}: {r.survival_pct:.1f}% at day {r.day:.0f}" for r in ends.itertuples()
    )
    return theme.titled(band + line, title, description)


def event_study(table: pd.DataFrame, *, title: str) -> alt.Chart:
    """Coefficients by wave relative to the first mandate (wave −1 is the reference, fixed at 0).

    `table`: event_time, estimate, ci_low, ci_high, n.
    """
    theme.check_size(len(table))
    data = table.assign(period=lambda d: d["event_time"].map(lambda k: "before" if k < 0 else "after"))
    x = alt.X("event_time:O", title=theme.wrap_title("Waves relative to the mandate taking effect (−1 = reference)", 40))
    tooltip = [
        alt.Tooltip("event_time:O", title="Wave relative to mandate"),
        alt.Tooltip("estimate:Q", title="Likert points", format=".3f"),
        alt.Tooltip("ci_low:Q", title="95% CI low", format=".3f"),
        alt.Tooltip("ci_high:Q", title="95% CI high", format=".3f"),
        alt.Tooltip("n:Q", title="Answers", format=","),
    ]
    colour = alt.Color("period:N", title="Period", scale=alt.Scale(domain=["before", "after"], range=theme.PALETTE[:2]))
    bars = alt.Chart(data).mark_rule(strokeWidth=2).encode(
        x=x, y=alt.Y("ci_low:Q", title=theme.wrap_title("Difference in morale (Likert points, 95% CI)", 30)), y2="ci_high:Q",
        color=colour, tooltip=tooltip,
    )
    points = alt.Chart(data).mark_point(filled=True, size=70).encode(x=x, y="estimate:Q", color=colour, tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color=theme.MARKER_COLOUR, strokeDash=[4, 4]).encode(y="y:Q")
    description = f"{title}. " + "; ".join(
        f"wave {r.event_time}: {r.estimate:.2f} ({r.ci_low:.2f} to {r.ci_high:.2f})" for r in data.itertuples()
    )
    return theme.titled(zero + bars + points, title, description)


def scatter_with_fit(
    points: pd.DataFrame, line: pd.DataFrame, *, x: str, y: str, x_title: str, y_title: str, title: str
) -> alt.Chart:
    """One point per team and the least-squares line. `points` has org, team, x, y, people."""
    theme.check_size(len(points))
    data = points.dropna(subset=[x, y])
    tooltip = [
        alt.Tooltip("org:N", title="Org"),
        alt.Tooltip("team:N", title="Team"),
        alt.Tooltip(f"{x}:Q", title=x_title, format=".3f"),
        alt.Tooltip(f"{y}:Q", title=y_title, format=".3f"),
        alt.Tooltip("people:Q", title="People", format=","),
    ]
    dots = alt.Chart(data).mark_circle(size=60, opacity=0.8).encode(
        x=alt.X(f"{x}:Q", title=theme.wrap_title(x_title, 40), scale=alt.Scale(zero=False)),
        y=alt.Y(f"{y}:Q", title=theme.wrap_title(y_title, 30), scale=alt.Scale(zero=False)),
        color=theme.colour("org", "Org"),
        tooltip=tooltip,
    )
    fit = alt.Chart(line).mark_line(color=theme.MARKER_COLOUR, strokeDash=[6, 3]).encode(
        x=f"{x}:Q", y=f"{y}:Q", tooltip=[alt.Tooltip(f"{x}:Q", title=x_title, format=".3f"),
                                       alt.Tooltip(f"{y}:Q", title=f"Fitted {y_title}", format=".3f")]
    )
    description = f"{title}: {len(data)} teams, with a least-squares line."
    return theme.titled(dots + fit, title, description)
