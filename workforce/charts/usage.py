"""Chart builders of the AI usage & cost pages. Each takes an aggregated frame from
`workforce.usage`, `workforce.forecast`, `workforce.alerts` or `workforce.tokenmaxxing` and
returns an Altair chart with a title (with units), a text description and tooltips."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from workforce.charts import theme

COHORT_ORDER = ["none", "light", "moderate", "heavy"]
TOKEN_KINDS = ["uncached input", "output", "cache read", "cache write"]
MEASURES = {
    "cost_usd": ("Spend", "USD"),
    "total_tokens": ("Tokens", "tokens"),
}
GRAIN_WORDS = {"day": "per day", "week": "per week", "month": "per month", "rolling30": "rolling 30 days"}


def _time(field: str, title: str) -> alt.X:
    return alt.X(f"{field}:T", title=title)


def spend_over_time(frame: pd.DataFrame, *, measure: str = "cost_usd", grain: str = "week", by: str = "vendor",
                    through: date | None = None) -> alt.Chart:
    """Stacked areas of spend or tokens per period, one colour per group (at most 8); a last
    period ending after `through` (the data's last day) is left out."""
    theme.check_size(len(frame))
    frame = theme.complete_periods(frame, "period", grain, through)
    name, unit = MEASURES[measure]
    title = f"{name} by {by}, {unit} {GRAIN_WORDS.get(grain, grain)}"
    fmt = "$,.2f" if measure == "cost_usd" else ",.0f"
    chart = (
        alt.Chart(frame)
        .mark_area(opacity=0.85)
        .encode(
            x=_time("period", "Day" if grain in ("day", "rolling30") else grain.capitalize()),
            y=alt.Y(f"{measure}:Q", title=f"{name} ({unit})", stack="zero"),
            color=theme.colour("group", by.capitalize()),
            tooltip=[
                alt.Tooltip("period:T", title="Period"),
                alt.Tooltip("group:N", title=by.capitalize()),
                alt.Tooltip(f"{measure}:Q", title=f"{name} ({unit})", format=fmt),
                alt.Tooltip("list_price_cost_usd:Q", title="Priced from list (USD)", format="$,.2f"),
            ],
        )
    )
    return theme.titled(chart, title, f"Stacked area chart of {name.lower()} in {unit} {GRAIN_WORDS.get(grain, grain)}, "
                        f"one band per {by}; the largest seven are named and the rest grouped as Other.")


def token_mix(frame: pd.DataFrame) -> alt.Chart:
    """Stacked bars of tokens per period by kind: uncached input, output, cache read, cache write."""
    theme.check_size(len(frame))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_time("period", "Period"),
            y=alt.Y("tokens:Q", title="Tokens", stack="zero"),
            color=alt.Color("token_kind:N", title="Token kind", sort=TOKEN_KINDS,
                            scale=alt.Scale(domain=TOKEN_KINDS, range=theme.PALETTE[:4])),
            order=alt.Order("token_kind:N"),
            tooltip=[
                alt.Tooltip("period:T", title="Period"),
                alt.Tooltip("token_kind:N", title="Kind"),
                alt.Tooltip("tokens:Q", title="Tokens", format=",.0f"),
                alt.Tooltip("share:Q", title="Share of period", format=".1%"),
            ],
        )
    )
    return theme.titled(chart, "Tokens by kind (uncached input, output, cache read, cache write), tokens per period",
                        "Stacked bars of tokens per period split into uncached input, output, cache reads and cache writes.")


def in_house_share(frame: pd.DataFrame, mandates: pd.DataFrame, through: date | None = None) -> alt.LayerChart:
    """Weekly in-house share of tokens, with a vertical rule at each tool-migration mandate."""
    theme.check_size(len(frame))
    frame = theme.complete_periods(frame, "week", "week", through)
    line = (
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(color=theme.PALETTE[0]), color=theme.PALETTE[0])
        .encode(
            x=_time("week", "Week"),
            y=alt.Y("in_house_token_share:Q", title="In-house share of tokens (%)",
                    axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                alt.Tooltip("week:T", title="Week"),
                alt.Tooltip("in_house_token_share:Q", title="In-house share of tokens", format=".1%"),
                alt.Tooltip("in_house_cost_share:Q", title="In-house share of spend", format=".1%"),
                alt.Tooltip("total_tokens:Q", title="All tokens", format=",.0f"),
            ],
        )
    )
    marks = mandates[["mandate_id", "scope_org", "effective_date", "description"]].copy() if len(mandates) else \
        pd.DataFrame({"mandate_id": [], "scope_org": [], "effective_date": pd.to_datetime([]), "description": []})
    rules = (
        alt.Chart(marks)
        .mark_rule(color=theme.MARKER_COLOUR, strokeDash=[4, 3])
        .encode(
            x="effective_date:T",
            tooltip=[
                alt.Tooltip("mandate_id:N", title="Mandate"),
                alt.Tooltip("scope_org:N", title="Org"),
                alt.Tooltip("effective_date:T", title="Effective"),
                alt.Tooltip("description:N", title="What it says"),
            ],
        )
    )
    labels = alt.Chart(marks).mark_text(align="left", dx=3, dy=-4, color=theme.MARKER_COLOUR).encode(
        x="effective_date:T", y=alt.value(8), text="mandate_id:N"
    )
    return theme.titled(
        alt.layer(line, rules, labels),
        "In-house vs third-party: in-house share of tokens per week (%), tool-migration mandates marked",
        "Line of the weekly share of tokens used on in-house tools; dashed vertical rules mark the "
        "effective dates of tool-migration mandates.",
    )


def adoption(frame: pd.DataFrame, targets: pd.DataFrame, through: date | None = None) -> alt.LayerChart:
    """Weekly adoption per org (solid) and each adoption_target from its effective date (dashed);
    the largest seven orgs by headcount in colour, the rest grey as Other."""
    theme.check_size(len(frame) + len(targets))
    frame = theme.top_groups(theme.complete_periods(frame, "week", "week", through), "org", "headcount")
    named = dict(zip(frame["org"], frame["shown"], strict=False))
    targets = targets.assign(shown=targets["org"].map(named).fillna(theme.OTHER)) if len(targets) else targets
    lines = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=_time("week", "Week"),
            y=alt.Y("adoption:Q", title="Weekly active users / headcount (%)", axis=alt.Axis(format="%")),
            color=theme.group_colour(frame, "Org"),
            detail="org:N",
            tooltip=[
                alt.Tooltip("week:T", title="Week"),
                alt.Tooltip("org:N", title="Org"),
                alt.Tooltip("adoption:Q", title="Adoption", format=".1%"),
                alt.Tooltip("active_users:Q", title="Active users", format=","),
                alt.Tooltip("headcount:Q", title="Headcount", format=","),
            ],
        )
    )
    target_rows = targets if len(targets) else pd.DataFrame(
        {"week": pd.to_datetime([]), "org": [], "shown": [], "target": [], "mandate_id": [], "team": []})
    target_lines = (
        alt.Chart(target_rows)
        .mark_line(strokeDash=[6, 4])
        .encode(
            x="week:T",
            y="target:Q",
            color=theme.group_colour(frame, "Org"),
            detail="mandate_id:N",
            tooltip=[
                alt.Tooltip("mandate_id:N", title="Mandate"),
                alt.Tooltip("org:N", title="Org"),
                alt.Tooltip("team:N", title="Team (if narrowed)"),
                alt.Tooltip("target:Q", title="Target", format=".0%"),
            ],
        )
    )
    return theme.titled(
        alt.layer(lines, target_lines),
        "Adoption: weekly active users ÷ headcount per org (%), targets dashed from their effective date",
        "Solid lines: share of each org's headcount with any AI usage in the week. Dashed lines: the "
        "adoption targets set by mandates, from the first whole week they were in force.",
    )


def cohorts(frame: pd.DataFrame, through: date | None = None) -> alt.Chart:
    """Share of people per usage cohort each month (100 % stacked bars): a distribution, no names."""
    theme.check_size(len(frame))
    frame = theme.complete_periods(frame, "month", "month", through)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("month:T", title="Month", timeUnit="yearmonth"),
            y=alt.Y("sum(people):Q", title="Share of people (%)", stack="normalize", axis=alt.Axis(format="%")),
            color=alt.Color("cohort:N", title="Cohort", sort=COHORT_ORDER,
                            scale=alt.Scale(domain=COHORT_ORDER, range=[theme.PALETTE[7], *theme.PALETTE[4:5],
                                                                        theme.PALETTE[0], theme.PALETTE[5]])),
            order=alt.Order("cohort_rank:Q"),
            tooltip=[
                alt.Tooltip("month:T", title="Month", timeUnit="yearmonth"),
                alt.Tooltip("cohort:N", title="Cohort"),
                alt.Tooltip("sum(people):Q", title="People", format=","),
            ],
        )
        .transform_calculate(cohort_rank=f"indexof({COHORT_ORDER!r}, datum.cohort)")
    )
    return theme.titled(chart, "Usage cohorts per month, % of people (none / light / moderate / heavy)",
                        "100% stacked bars: the share of people in each usage cohort per month, by monthly tokens.")


def budget_vs_spend(frame: pd.DataFrame) -> alt.LayerChart:
    """Spend bars per org and month with the month's budget as a tick (seven largest orgs by
    spend coloured, the rest grey as Other)."""
    theme.check_size(len(frame))
    frame = theme.top_groups(frame, "org", "spend_usd")
    base = alt.Chart(frame).encode(
        x=alt.X("month:T", title="Month", timeUnit="yearmonth"),
        xOffset=alt.XOffset("org:N"),
        tooltip=[
            alt.Tooltip("month:T", title="Month", timeUnit="yearmonth"),
            alt.Tooltip("org:N", title="Org"),
            alt.Tooltip("spend_usd:Q", title="Spend (USD)", format="$,.0f"),
            alt.Tooltip("budget_usd:Q", title="Budget (USD)", format="$,.0f"),
            alt.Tooltip("share_of_budget:Q", title="Share of budget", format=".0%"),
        ],
    )
    bars = base.mark_bar().encode(y=alt.Y("spend_usd:Q", title="USD"), color=theme.group_colour(frame, "Org"))
    ticks = base.mark_tick(color=theme.MARKER_COLOUR, thickness=2).encode(y="budget_usd:Q")
    return theme.titled(alt.layer(bars, ticks), "Spend vs budget per org and month, USD (tick = budget)",
                        "Bars show each org's AI spend per month; a dark tick marks that month's budget.")


def burndown(frame: pd.DataFrame) -> alt.LayerChart:
    """Budget left through the month against the straight line to zero."""
    theme.check_size(len(frame))
    chart = (
        alt.Chart(frame)
        .transform_fold(["remaining_usd", "ideal_remaining_usd"], as_=["key", "usd"])
        .transform_calculate(series="datum.key == 'remaining_usd' ? 'Budget left' : 'Even pace'")
        .mark_line()
        .encode(
            x=_time("day", "Day"),
            y=alt.Y("usd:Q", title="Budget left (USD)"),
            color=alt.Color("series:N", title="", scale=alt.Scale(domain=["Budget left", "Even pace"],
                                                                  range=[theme.PALETTE[0], theme.MARKER_COLOUR])),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=["Budget left", "Even pace"],
                                                                  range=[[1, 0], [5, 4]]), legend=None),
            tooltip=[
                alt.Tooltip("day:T", title="Day"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("usd:Q", title="USD", format="$,.2f"),
            ],
        )
    )
    return theme.titled(alt.layer(chart), "Budget burn-down within the month, USD left",
                        "Budget left after each day's spend, against an even pace from the full budget to zero.")


def forecast(daily: pd.DataFrame) -> alt.LayerChart:
    """Daily spend, then the forecast with its interval band."""
    theme.check_size(len(daily))
    base = alt.Chart(daily).encode(x=_time("day", "Day"))
    band = base.transform_filter("datum.kind == 'forecast'").mark_area(opacity=0.25, color=theme.PALETTE[1]).encode(
        y=alt.Y("lower_usd:Q", title="Spend (USD per day)"), y2="upper_usd:Q",
        tooltip=[alt.Tooltip("day:T", title="Day"),
                 alt.Tooltip("lower_usd:Q", title="Lower (USD)", format="$,.0f"),
                 alt.Tooltip("upper_usd:Q", title="Upper (USD)", format="$,.0f")],
    )
    lines = base.mark_line().encode(
        y="cost_usd:Q",
        color=alt.Color("kind:N", title="", scale=alt.Scale(domain=["actual", "forecast"],
                                                            range=[theme.PALETTE[0], theme.PALETTE[1]])),
        tooltip=[alt.Tooltip("day:T", title="Day"), alt.Tooltip("kind:N", title="Series"),
                 alt.Tooltip("cost_usd:Q", title="Spend (USD)", format="$,.0f")],
    )
    return theme.titled(alt.layer(band, lines), "Daily spend and forecast to year end, USD per day (band = interval)",
                        "Actual daily spend, then the forecast to the end of the year with a shaded interval.")


def alert_counts(frame: pd.DataFrame, through: date | None = None) -> alt.Chart:
    """Abnormal-consumption alerts per week by kind (counts, no names)."""
    theme.check_size(len(frame))
    frame = theme.complete_periods(frame, "week", "week", through)
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_time("week", "Week"),
            y=alt.Y("sum(alerts):Q", title="Alerts"),
            color=theme.colour("kind", "Kind"),
            tooltip=[alt.Tooltip("week:T", title="Week"), alt.Tooltip("kind:N", title="Kind"),
                     alt.Tooltip("sum(alerts):Q", title="Alerts", format=",")],
        )
    )
    return theme.titled(chart, "Abnormal consumption: alerts per week (count of person-days and team-days)",
                        "Bars count the days of abnormal use found per week, split into person-days and team-days.")


def cost_per_change(frame: pd.DataFrame, by: str = "cohort") -> alt.Chart:
    """Cost per change landed by cohort or org."""
    theme.check_size(len(frame))
    sort = COHORT_ORDER if by == "cohort" else "-x"
    chart = (
        alt.Chart(frame)
        .mark_bar(color=theme.PALETTE[2])
        .encode(
            y=alt.Y("group:N", title=by.capitalize(), sort=sort),
            x=alt.X("cost_per_change_usd:Q", title="USD per change landed"),
            tooltip=[
                alt.Tooltip("group:N", title=by.capitalize()),
                alt.Tooltip("cost_per_change_usd:Q", title="USD per change", format="$,.2f"),
                alt.Tooltip("tokens_per_change:Q", title="Tokens per change", format=",.0f"),
                alt.Tooltip("changes_landed:Q", title="Changes landed", format=","),
                alt.Tooltip("cost_usd:Q", title="Spend (USD)", format="$,.0f"),
                alt.Tooltip("people:Q", title="Person-months", format=","),
            ],
        )
    )
    return theme.band_height(theme.titled(chart, f"Cost per change landed by {by}, USD per change",
                                          f"Horizontal bars: AI spend divided by changes landed, per {by}."))


def quota_overages(frame: pd.DataFrame) -> alt.Chart:
    """Share of people above a usage_quota per org and month."""
    theme.check_size(len(frame))
    frame = theme.top_groups(frame, "org", "headcount")
    chart = theme.org_lines(
        frame, alt.Y("share_over:Q", title="People above the quota (%)", axis=alt.Axis(format="%")),
        [
            alt.Tooltip("mandate_id:N", title="Mandate"),
            alt.Tooltip("org:N", title="Org"),
            alt.Tooltip("month:T", title="Month", timeUnit="yearmonth"),
            alt.Tooltip("people_over:Q", title="People above", format=","),
            alt.Tooltip("headcount:Q", title="People", format=","),
            alt.Tooltip("quota_tokens_per_month:Q", title="Quota (tokens / month)", format=",.0f"),
        ],
        x=alt.X("month:T", title="Month", timeUnit="yearmonth"),
        detail=alt.Detail(["org:N", "mandate_id:N"]),
    )
    return theme.titled(chart, "Usage quotas: people above the monthly token quota per org (%)",
                        "Lines show, per org under a usage-quota mandate, the share of people whose monthly "
                        "tokens are above the quota.")
