"""AI usage & cost: spend, tokens, adoption, budgets and forecast, abnormal use, and value beside activity.

Every figure is a group figure for the viewer's orgs; no person is named or ranked here.
"""

import streamlit as st

from ui.downloads import csv_download
from ui.filters import sidebar_filters
from ui.session import cached, db, log_view, require_page
from ui.tables import show_table, table_section
from workforce import alerts, forecast, tokenmaxxing, usage, vendor_outcomes
from workforce.charts import usage as charts

PAGE = "ai_usage"
viewer = require_page(PAGE)
st.title("AI usage & cost")
st.caption(
    "What the company spends on AI, against which budget and targets, and whether it turns into "
    "delivered work. Figures are for groups only: there is no ranking of people."
)
filters = sidebar_filters(viewer, vendors=True, tools=True, key=PAGE)
log_view(viewer, PAGE, filters.as_log())
alerts.refresh_if_stale(db())

summary = cached(usage.spend_summary, viewer, filters)
if summary.empty:
    st.info("No AI usage in your scope for these filters.")
    st.stop()
row = summary.iloc[0]
cols = st.columns(4)
cols[0].metric("Spend in range", f"${row.cost_usd:,.0f}")
cols[1].metric(
    "Last 30 days", f"${row.last_30d_cost_usd:,.0f}",
    delta=f"{row.last_30d_cost_usd - row.prior_30d_cost_usd:+,.0f} USD vs the 30 days before",
    delta_color="off",
)
cols[2].metric("Tokens in range", f"{row.total_tokens / 1e9:,.2f} bn")
cols[3].metric("Priced from the list", f"{row.list_price_cost_usd / row.cost_usd:.0%}" if row.cost_usd else "–",
               help="Share of spend priced from model_prices because the source reported no cost.")

spend_tab, adoption_tab, budget_tab, abnormal_tab, value_tab = st.tabs(
    ["Spend & tokens", "Adoption & mandates", "Budgets & forecast", "Abnormal consumption", "Value & tokenmaxxing"]
)

with spend_tab:
    left, right = st.columns(2)
    grain = left.radio("Period", list(usage.GRAINS), index=1, horizontal=True, key=f"{PAGE}_grain",
                       format_func=lambda g: charts.GRAIN_WORDS[g])
    by = right.radio("Split by", list(usage.GROUP_BYS), index=2, horizontal=True, key=f"{PAGE}_by")
    measure = st.radio("Measure", list(charts.MEASURES), horizontal=True, key=f"{PAGE}_measure",
                       format_func=lambda m: charts.MEASURES[m][0])
    spend = cached(usage.spend_over_time, viewer, filters, grain=grain, by=by)
    st.altair_chart(charts.spend_over_time(spend, measure=measure, grain=grain, by=by, through=filters.end), width="stretch")
    csv_download(spend, f"spend by {by} {grain}", viewer, PAGE)

    mix_grain = "week" if grain == "rolling30" else grain
    mix = cached(usage.token_mix, viewer, filters, grain=mix_grain)
    st.altair_chart(charts.token_mix(mix), width="stretch")
    csv_download(mix, f"token mix {mix_grain}", viewer, PAGE)

    share = cached(usage.in_house_share, viewer, filters)
    migrations = cached(usage.mandates_in_scope, viewer, filters, "tool_migration")
    st.altair_chart(charts.in_house_share(share, migrations, through=filters.end), width="stretch")
    csv_download(share, "in-house share weekly", viewer, PAGE)

with adoption_tab:
    weekly = cached(usage.adoption_weekly, viewer, filters)
    targets = cached(usage.adoption_vs_target, viewer, filters)
    st.altair_chart(charts.adoption(weekly, targets, through=filters.end), width="stretch")
    st.caption("Active user: at least one usage row in the week (any tool). Headcount: people employed on "
               "the week's Monday. Vendor and tool filters do not apply here.")
    csv_download(weekly, "adoption weekly", viewer, PAGE)
    status = cached(usage.adoption_target_status, viewer, filters)
    if not status.empty:
        st.subheader("Adoption targets")
        show_table(status)
        csv_download(status, "adoption target status", viewer, PAGE)

    cohort_frame = cached(usage.usage_cohorts, viewer, filters)
    st.altair_chart(charts.cohorts(cohort_frame, through=filters.end), width="stretch")
    thresholds = cached(usage.cohort_thresholds).iloc[0]
    if thresholds.person_months_with_usage:
        st.caption(
            f"Cohorts by a person's tokens in the month: none = 0; light < {thresholds.light_below_tokens:,.0f} "
            f"(company median); moderate below {thresholds.heavy_from_tokens:,.0f} (90th percentile); heavy above."
        )
    csv_download(cohort_frame, "usage cohorts monthly", viewer, PAGE)

    quotas = cached(usage.quota_overages, viewer, filters)
    if not quotas.empty:
        st.altair_chart(charts.quota_overages(quotas), width="stretch")
        csv_download(quotas, "quota overages monthly", viewer, PAGE)

with budget_tab:
    budget = cached(usage.budget_vs_spend, viewer, filters)
    st.altair_chart(charts.budget_vs_spend(budget), width="stretch")
    st.caption("Budgets are per org: team, vendor and tool filters do not apply to this chart.")
    csv_download(budget, "budget vs spend", viewer, PAGE)

    months = cached(usage.budget_months, viewer, filters)
    if months:
        month = st.selectbox("Burn-down month", months, format_func=lambda m: m.strftime("%B %Y"),
                             key=f"{PAGE}_month")
        burn = cached(usage.budget_burndown, viewer, filters, month)
        st.altair_chart(charts.burndown(burn), width="stretch")
        csv_download(burn, f"burndown {month:%Y-%m}", viewer, PAGE)

    projection = cached(forecast.spend_projection, viewer, filters)
    st.subheader("Projected spend")
    if projection.horizons.empty:
        st.info("Not enough spend in scope to project.")
    else:
        cols = st.columns(4)
        for col, item in zip(cols, projection.horizons.itertuples(), strict=False):
            col.metric(f"This {item.horizon} (to {item.period_end:%d %b %Y})", f"${item.projected_usd:,.0f}",
                       help=f"{projection.interval:.0%} interval ${item.lower_usd:,.0f} – ${item.upper_usd:,.0f}; "
                            f"spent so far ${item.actual_to_date_usd:,.0f}; budget ${item.budget_usd:,.0f} "
                            f"({item.months_with_budget} months with a budget).")
        cols[3].metric("Backtest error (MAPE, last 8 weeks)",
                       f"{projection.mape:.1%}" if projection.mape is not None else "–",
                       help="Each of the last 8 weeks forecast from the data before it; mean absolute % error.")
        show_table(projection.horizons)
        csv_download(projection.horizons, "spend projection", viewer, PAGE)
        st.altair_chart(charts.forecast(projection.daily), width="stretch")
        csv_download(projection.daily, "daily spend and forecast", viewer, PAGE)
        st.caption("Method: a seasonal-trend regression of daily spend (level, slope, weekday) fitted on the "
                   "last 18 weeks; the interval includes the uncertainty of the fitted slope.")
        show_table(projection.backtest)

with abnormal_tab:
    counts = cached(alerts.alert_counts, viewer, filters)
    st.altair_chart(charts.alert_counts(counts, through=filters.end), width="stretch")
    csv_download(counts, "alert counts weekly", viewer, PAGE)
    st.caption("A day is abnormal when it is far above the same person's or team's own median of the previous "
               "28 days (robust z-score on median and MAD). Admins review individual alerts on Cost alerts.")
    team_rows = cached(alerts.team_alerts, viewer, filters)
    if not team_rows.empty:
        table_section(team_rows, "Team-days above their baseline", "team alerts", viewer, PAGE)

with value_tab:
    by_cohort = cached(tokenmaxxing.cost_per_change, viewer, filters, by="cohort")
    by_org = cached(tokenmaxxing.cost_per_change, viewer, filters, by="org")
    left, right = st.columns(2)
    left.altair_chart(charts.cost_per_change(by_cohort, by="cohort"), width="stretch")
    right.altair_chart(charts.cost_per_change(by_org, by="org"), width="stretch")
    csv_download(by_cohort, "cost per change by cohort", viewer, PAGE)
    csv_download(by_org, "cost per change by org", viewer, PAGE)
    st.caption("Over people whose work is measured in changes landed (outcomes). Cohort per person-month.")
    table_section(cached(tokenmaxxing.flags_by_org, viewer, filters),
                  "Usage far above peers without more delivered work", "tokenmaxxing flags by org", viewer, PAGE,
                  caption="Counted per org. Flag: tokens and agent time at least 6× the job family's median in 4 "
                          "or more weeks, sustained (60% of the weeks since it began), with no rise in changes landed.")
    delivered = cached(vendor_outcomes.vendor_outcomes_by_org, viewer, filters)
    if not delivered.empty:
        table_section(delivered, "What the tools report as delivered", "vendor outcomes by org", viewer, PAGE,
                      caption="Claude Code: pull requests, commits and lines it helped create, and edit-tool "
                              "proposals accepted; Copilot: suggestions accepted and their lines. See docs/usage.md.")
