"""One look for every chart: a colour-blind-safe palette, sizes, and the common encodings.

The palette is Okabe–Ito, distinguishable under the common colour-vision deficiencies.
Builders pass `title` with units and always set tooltips, so each chart reads on its own.

The registered Altair theme keeps charts readable from a 1,400 px window down to a 390 px phone:
legends below the plot in as many columns as fit (never cut at the chart's height), label limits
wide enough for org and factor names, as many time ticks as fit without Vega hiding every other
label, and titles wrapped instead of cut. More groups than the palette has colours are drawn as
the largest few plus "Other" (`top_groups`), so a legend always names every colour it uses.
"""

from __future__ import annotations

import textwrap
from datetime import date

import altair as alt
import pandas as pd

# Okabe & Ito (2008), without pure black so it stays readable on dark text.
PALETTE: list[str] = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey
]
# Diverging scheme for scores around a midpoint, read the usual way: low red, high blue
# (ColorBrewer RdBu, safe under the common colour-vision deficiencies; it avoids red–green).
DIVERGING_SCHEME = "redblue"
SEQUENTIAL_SCHEME = "blues"
MARKER_COLOUR = "#555555"  # event rules (mandates, layoffs)
WIDTH = "container"
HEIGHT = 280

# A chart never receives more than this many rows; query functions aggregate below it.
MAX_CHART_ROWS = 5_000
# Groups beyond this are drawn grey as "Other": the palette has 8 colours, one kept for Other.
TOP_GROUPS = len(PALETTE) - 1
OTHER = "Other"
OTHER_COLOUR = PALETTE[-1]  # grey
TITLE_LINE_CHARS = 44  # what a 390 px phone shows of a title on one line; longer titles wrap
LABEL_LIMIT_PX = 300
LEGEND_LABEL_PX = 140
# How many ticks fit on a horizontal axis: one per ~110 px, so Vega need not hide every other label.
TIME_TICKS = {"expr": "max(2, floor(width / 140))"}
# Two entries a row fit a 390 px phone with the label limit below; Vega sizes the chart before a
# width-dependent column count would resolve, so the legend would overrun it.
LEGEND_COLUMNS = 2
# Streamlit's default autosize "fit" squeezes the plot to make room for titles and legends (at
# 390 px a three-row legend left a 60 px plot and pushed the title under the tab bar); "fit-x"
# fits the width only, and the chart grows downwards to hold its legends.
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")
# Room on the right for the last time label, which Vega centres on its tick.
PADDING = {"left": 5, "top": 5, "right": 28, "bottom": 5}

CONFIG = {
    "legend": {"orient": "bottom", "direction": "horizontal", "columns": LEGEND_COLUMNS,
               "labelLimit": LEGEND_LABEL_PX, "symbolLimit": 0, "titleLimit": LABEL_LIMIT_PX,
               # several legends at the bottom stack one under the other instead of side by side
               "layout": {"bottom": {"anchor": "start", "direction": "vertical", "margin": 6}}},
    "axis": {"labelLimit": LABEL_LIMIT_PX},
    "axisXTemporal": {"tickCount": TIME_TICKS, "labelFlush": True},
    "axisXQuantitative": {"tickCount": TIME_TICKS},
    "title": {"anchor": "start", "offset": 8},
}


def _workforce_theme() -> alt.theme.ThemeConfig:
    return {"config": CONFIG}


alt.theme.register("workforce", enable=True)(_workforce_theme)


def wrap_title(title: str, width: int = TITLE_LINE_CHARS) -> list[str] | str:
    """A title as lines of at most `width` characters, so a phone shows it whole."""
    lines = textwrap.wrap(title, width=width, break_long_words=False)
    return lines if len(lines) > 1 else title


LINE_BREAK = "|"
WRAPPED_LABELS = alt.Axis(labelExpr=f"split(datum.label, '{LINE_BREAK}')", labelLimit=0)


def wrap_label(text: str, width: int = 26) -> str:
    """A long category name as lines joined by LINE_BREAK; an axis with WRAPPED_LABELS draws
    them one under the other instead of cutting the name (the full name stays in the tooltip)."""
    return LINE_BREAK.join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


def top_groups(frame: pd.DataFrame, field: str, weight: str | None = None, n: int = TOP_GROUPS) -> pd.DataFrame:
    """`frame` with a `shown` column: `field` for the `n` largest groups (by the sum of `weight`,
    or by rows), "Other" for the rest. Marks stay per group (encode `detail=field`), so nothing
    is summed that should not be; only colours and the legend are limited."""
    if frame.empty or frame[field].nunique() <= n + 1:
        return frame.assign(shown=frame[field] if not frame.empty else pd.Series(dtype=str))
    size = frame.groupby(field)[weight].sum() if weight else frame.groupby(field).size()
    largest = size.sort_values(ascending=False, kind="stable").head(n).index
    return frame.assign(shown=frame[field].where(frame[field].isin(largest), OTHER))


def group_colour(frame: pd.DataFrame, title: str) -> alt.Color:
    """Colour by `shown` (from `top_groups`): every group its palette colour, Other grey."""
    groups = [g for g in pd.unique(frame["shown"]) if g != OTHER] if len(frame) else []
    groups = sorted(groups, key=str)
    domain = [*groups, OTHER] if len(frame) and (frame["shown"] == OTHER).any() else groups
    colours = [*PALETTE[: len(groups)], OTHER_COLOUR] if OTHER in domain else PALETTE[: len(groups)]
    return alt.Color("shown:N", title=title, scale=alt.Scale(domain=domain, range=colours), sort=domain)


def org_lines(frame: pd.DataFrame, y: alt.Y, tooltip: list[alt.Tooltip], *, x: alt.X | None = None,
              detail: alt.Detail | str = "org:N", **encodings: object) -> alt.Chart:
    """Lines with points of a measure per org over the months, from a frame marked by
    `top_groups(frame, "org", ...)`: the named orgs in palette colours, the rest grey as Other.
    Each org stays its own line (`detail`; add keys such as a mandate that split it further), so
    the orgs under Other are never joined into one zigzag. `x` defaults to the month's first day."""
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=x if x is not None else alt.X("month:T", title="Month (first day)"),
            y=y,
            color=group_colour(frame, "Org"),
            detail=detail,
            tooltip=tooltip,
            **encodings,
        )
    )


def complete_periods(frame: pd.DataFrame, field: str, grain: str, through: date | None) -> pd.DataFrame:
    """Rows of periods that end on or before `through` (the data's last day): the last, partial
    week or month would otherwise be drawn as a drop."""
    if through is None or frame.empty or grain not in ("week", "month"):
        return frame
    starts = pd.to_datetime(frame[field])
    ends = starts + pd.Timedelta(days=6) if grain == "week" else starts + pd.offsets.MonthEnd(0)
    return frame[ends.dt.date <= through]


def colour(field: str, title: str | None = None, *, field_type: str = "N") -> alt.Color:
    return alt.Color(f"{field}:{field_type}", title=title or field, scale=alt.Scale(range=PALETTE))


def titled(chart: alt.Chart, title: str, description: str | None = None) -> alt.Chart:
    """Title plus a text alternative (Vega's `description` becomes the SVG's aria label)."""
    return sized(chart.properties(title=wrap_title(title), description=description or title, width=WIDTH,
                                  height=HEIGHT))


def sized(chart: alt.Chart) -> alt.Chart:
    """Fit the container's width; grow in height to hold titles and legends (see AUTOSIZE)."""
    return chart.properties(autosize=AUTOSIZE, padding=PADDING)


def band_height(chart: alt.Chart, step: int = 22) -> alt.Chart:
    """A chart with one band per category (bars, rows) grows with them, so no label is hidden."""
    return chart.properties(height=alt.Step(step))


def check_size(rows: int) -> None:
    if rows > MAX_CHART_ROWS:
        raise ValueError(f"chart given {rows} rows; aggregate to at most {MAX_CHART_ROWS}")
