"""Chart builders of the "Org changes" page: headcount, movements, flows, spans, layers, attrition.

Each takes the small aggregated frame its query function returns and gives back an `alt.Chart`
with a title (with units), a text description, tooltips and the shared palette.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workforce.charts import theme

MOVEMENT_ORDER = [
    "hire", "transfer (chosen)", "transfer (forced)", "reorg (chosen)", "reorg (forced)",
    "exit: voluntary", "exit: involuntary", "exit: layoff", "exit: retirement",
]
FLOW_LIMIT = 25


def event_rules(events: pd.DataFrame) -> alt.Chart:
    """Dashed vertical rules at AI-mandate and layoff dates, to layer over a time chart."""
    theme.check_size(len(events))
    data = events if not events.empty else pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"),
                                                         "kind": pd.Series(dtype=str), "label": pd.Series(dtype=str)})
    return (
        alt.Chart(data)
        .mark_rule(strokeDash=[4, 3], color=theme.MARKER_COLOUR)
        .encode(
            x=alt.X("day:T"),
            strokeDash=alt.StrokeDash("kind:N", title="Event"),
            tooltip=[alt.Tooltip("day:T", title="Date"), alt.Tooltip("kind:N", title="Event"),
                     alt.Tooltip("label:N", title="What")],
        )
    )


def headcount_chart(frame: pd.DataFrame, events: pd.DataFrame | None = None) -> alt.Chart:
    """People per org each month: the seven largest orgs in colour, the rest grey as Other."""
    theme.check_size(len(frame))
    frame = theme.top_groups(frame, "org", "headcount")
    line = theme.org_lines(
        frame, alt.Y("headcount:Q", title="People employed", scale=alt.Scale(zero=True)),
        [alt.Tooltip("month:T", title="Date"), alt.Tooltip("org:N", title="Org"),
         alt.Tooltip("headcount:Q", title="People", format=",")],
    )
    chart = line + event_rules(events) if events is not None and not events.empty else line
    return theme.titled(chart, "Headcount by org (people, first day of each month)",
                        "Line chart of people employed per org on the first day of each month, "
                        "with AI-mandate and layoff dates marked.")


def movements_chart(frame: pd.DataFrame) -> alt.Chart:
    theme.check_size(len(frame))
    monthly = frame.groupby(["month", "kind"], as_index=False)["people"].sum()
    exits = monthly["kind"].str.startswith("exit")
    monthly.loc[exits, "people"] = -monthly.loc[exits, "people"]  # exits below the axis, arrivals above
    chart = (
        alt.Chart(monthly)
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(month):T", title="Month"),
            y=alt.Y("sum(people):Q", title="People (exits below zero)"),
            color=alt.Color("kind:N", title="Movement", sort=MOVEMENT_ORDER,
                            scale=alt.Scale(domain=MOVEMENT_ORDER, range=theme.PALETTE + ["#000000"])),
            tooltip=[alt.Tooltip("yearmonth(month):T", title="Month"), alt.Tooltip("kind:N", title="Movement"),
                     alt.Tooltip("sum(people):Q", title="People (negative: exits)")],
        )
    )
    return theme.titled(chart, "Hires, transfers, reorgs and exits per month (people)",
                        "Stacked bars per month: arrivals above zero by kind (hires, transfers and reorgs, "
                        "forced or chosen), exits below zero by type.")


def flows_chart(frame: pd.DataFrame, limit: int = FLOW_LIMIT) -> alt.Chart:
    """The largest org-to-org routes as horizontal bars, forced and chosen moves stacked."""
    routes = frame.copy()
    routes["route"] = routes["from_org"] + " → " + routes["to_org"]
    routes["how"] = routes["forced"].map({True: "forced", False: "chosen"})
    order = routes.groupby("route")["people"].sum().sort_values(ascending=False).head(limit).index.tolist()
    routes = routes[routes["route"].isin(order)]
    theme.check_size(len(routes))
    chart = (
        alt.Chart(routes)
        .mark_bar()
        .encode(
            y=alt.Y("route:N", title="From → to", sort=order),
            x=alt.X("people:Q", title="People moved", stack="zero"),
            color=alt.Color("how:N", title="Move", scale=alt.Scale(domain=["forced", "chosen"],
                                                                   range=[theme.PALETTE[5], theme.PALETTE[0]])),
            tooltip=[alt.Tooltip("from_org:N", title="From"), alt.Tooltip("to_org:N", title="To"),
                     alt.Tooltip("how:N", title="Move"), alt.Tooltip("people:Q", title="People")],
        )
    )
    return theme.titled(chart, f"Moves between orgs (people; largest {limit} routes)",
                        "Horizontal bars, one per route from one org to another, split into forced and chosen moves."
                        ).properties(height=alt.Step(22))


def span_trend_chart(frame: pd.DataFrame, threshold: int) -> alt.Chart:
    theme.check_size(len(frame))
    frame = theme.top_groups(frame, "org")
    long = frame.melt(id_vars=["month", "org", "shown"], value_vars=["median_span", "p90_span"], var_name="statistic",
                      value_name="span").dropna()
    long["statistic"] = long["statistic"].map({"median_span": "median", "p90_span": "90th percentile"})
    lines = theme.org_lines(
        long, alt.Y("span:Q", title="Direct reports per manager"),
        [alt.Tooltip("month:T", title="Date"), alt.Tooltip("org:N", title="Org"),
         alt.Tooltip("statistic:N", title="Statistic"), alt.Tooltip("span:Q", title="Reports", format=".1f")],
        strokeDash=alt.StrokeDash("statistic:N", title="Statistic"),
    )
    rule = alt.Chart(pd.DataFrame({"threshold": [threshold]})).mark_rule(color=theme.MARKER_COLOUR).encode(
        y="threshold:Q", tooltip=[alt.Tooltip("threshold:Q", title="Span threshold")]
    )
    return theme.titled(lines + rule, "Span of control by org (direct reports; median and 90th percentile)",
                        f"Lines of the median and 90th-percentile span of each org's managers per month; "
                        f"the horizontal rule marks the threshold of {threshold}.")


def span_histogram(frame: pd.DataFrame, threshold: int) -> alt.Chart:
    theme.check_size(len(frame))
    data = frame.assign(above=frame["span"] > threshold)
    # About eight labels, not one per bin: a phone would otherwise hide every other one.
    widest = int(data["span"].max()) if len(data) else 1
    step = max(2, -(-widest // 8))
    ticks = list(range(0, widest + step, step))
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("span:Q", bin=alt.Bin(maxbins=30), title="Direct reports",
                    axis=alt.Axis(values=ticks)),
            y=alt.Y("sum(managers):Q", title="Managers"),
            color=alt.Color("above:N", title=f"More than {threshold}",
                            scale=alt.Scale(domain=[False, True], range=[theme.PALETTE[0], theme.PALETTE[5]])),
            tooltip=[alt.Tooltip("span:Q", bin=alt.Bin(maxbins=30), title="Reports"),
                     alt.Tooltip("sum(managers):Q", title="Managers")],
        )
    )
    return theme.titled(chart, "Managers by span of control (count of managers)",
                        "Histogram of how many direct reports each manager has on the chosen day.")


def layers_chart(frame: pd.DataFrame) -> alt.Chart:
    theme.check_size(len(frame))
    frame = theme.top_groups(frame, "org")
    chart = theme.org_lines(
        frame, alt.Y("layers:Q", title="Management layers", axis=alt.Axis(tickMinStep=1)),
        [alt.Tooltip("month:T", title="Date"), alt.Tooltip("org:N", title="Org"),
         alt.Tooltip("layers:Q", title="Layers"),
         alt.Tooltip("mean_depth:Q", title="Mean managers above a person", format=".2f")],
    )
    return theme.titled(chart, "Management layers by org (managers above the deepest person)",
                        "Lines of each org's number of management layers on the first day of each month.")


def attrition_chart(frame: pd.DataFrame) -> alt.Chart:
    theme.check_size(len(frame))
    data = frame.dropna(subset=["voluntary_rate"])
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("org:N", title="Org", sort=None),
            x=alt.X("voluntary_rate:Q", title="Voluntary attrition (% a year)", axis=alt.Axis(format="%")),
            color=alt.value(theme.PALETTE[0]),
            tooltip=[alt.Tooltip("org:N", title="Org"),
                     alt.Tooltip("voluntary_rate:Q", title="Annualised", format=".1%"),
                     alt.Tooltip("voluntary_rate_low:Q", title="95% low", format=".1%"),
                     alt.Tooltip("voluntary_rate_high:Q", title="95% high", format=".1%"),
                     alt.Tooltip("voluntary_exits:Q", title="Voluntary exits"),
                     alt.Tooltip("average_headcount:Q", title="Average headcount", format=",.1f"),
                     alt.Tooltip("regretted_share:Q", title="Regretted", format=".0%")],
        )
    )
    whiskers = alt.Chart(data).mark_rule(color=theme.MARKER_COLOUR).encode(
        y=alt.Y("org:N", sort=None), x="voluntary_rate_low:Q", x2="voluntary_rate_high:Q",
        tooltip=[alt.Tooltip("voluntary_rate_low:Q", title="95% low", format=".1%"),
                 alt.Tooltip("voluntary_rate_high:Q", title="95% high", format=".1%")],
    )
    return theme.band_height(theme.titled(bars + whiskers, "Annualised voluntary attrition by org (% a year, 95% interval)",
                             "Bars of annualised voluntary attrition per org with lines showing the 95% interval."))
