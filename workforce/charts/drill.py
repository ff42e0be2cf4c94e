"""The drill-down chart: headcount as horizontal bars, one per org, team or job level; a click on
a bar picks it (the selection parameter PICK, read back by `st.altair_chart(on_select="rerun")`)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from workforce.charts import theme

PICK = "pick"


def headcount_bars(frame: pd.DataFrame, by: str, label: str, title: str, *, clickable: bool) -> alt.Chart:
    """`frame`: <by>, headcount. Bars start at zero; labels are never cut; a clickable chart
    highlights the bar under the pointer and says so in its description."""
    theme.check_size(len(frame))
    pick = alt.selection_point(name=PICK, fields=[by], on="click", clear=False, empty=False)
    chart = (
        alt.Chart(frame)
        .mark_bar(color=theme.PALETTE[0], cursor="pointer" if clickable else "default")
        .encode(
            y=alt.Y(f"{by}:N", title=label, sort="-x", axis=alt.Axis(labelLimit=0)),
            x=alt.X("headcount:Q", title="People employed", scale=alt.Scale(zero=True), axis=alt.Axis(format=",d", tickMinStep=1)),
            tooltip=[alt.Tooltip(f"{by}:N", title=label), alt.Tooltip("headcount:Q", title="People", format=",")],
        )
    )
    if clickable:
        chart = chart.encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.85))).add_params(pick)
    described = f"{title}. Bar chart, one bar per {label.lower()}" + (": click a bar to narrow the page to it." if
                                                                       clickable else ".")
    return chart.properties(title=theme.wrap_title(title), description=described, width=theme.WIDTH, height=alt.Step(30))
