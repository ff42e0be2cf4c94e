"""Chart builders of the Spend reconciliation page."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workforce.charts import theme

SERIES = {"vendor_reported_usd": "Vendor-reported", "priced_usd": "Priced by us"}


def reported_vs_priced(frame: pd.DataFrame) -> alt.Chart:
    """Grouped bars per vendor and month: what the vendor's cost report billed beside our pricing."""
    theme.check_size(len(frame) * 2)
    long = frame.melt(id_vars=["vendor", "month"], value_vars=list(SERIES), var_name="series", value_name="usd")
    long["series"] = long["series"].map(SERIES)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("vendor:N", title="Vendor"),
            xOffset=alt.XOffset("series:N"),
            y=alt.Y("usd:Q", title="USD"),
            color=theme.colour("series", "Figure"),
            column=alt.Column("month:T", title="Month", timeUnit="yearmonth"),
            tooltip=[
                alt.Tooltip("month:T", title="Month", timeUnit="yearmonth"),
                alt.Tooltip("vendor:N", title="Vendor"),
                alt.Tooltip("series:N", title="Figure"),
                alt.Tooltip("usd:Q", title="USD", format="$,.2f"),
            ],
        )
    )
    return chart.properties(
        title="Vendor-reported vs priced spend per vendor and month, USD",
        description="For each vendor and month, a bar for what the vendor's cost report billed and one for "
        "our pricing of the usage exports.",
    )
