"""One look for every chart: a colour-blind-safe palette, sizes, and the common encodings.

The palette is Okabe–Ito, distinguishable under the common colour-vision deficiencies.
Builders pass `title` with units and always set tooltips, so each chart reads on its own.
"""

from __future__ import annotations

import altair as alt

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
# Diverging scheme for heatmaps of scores around a midpoint; blue–orange avoids red–green.
DIVERGING_SCHEME = "blueorange"
SEQUENTIAL_SCHEME = "blues"
MARKER_COLOUR = "#555555"  # event rules (mandates, layoffs)
WIDTH = "container"
HEIGHT = 280

# A chart never receives more than this many rows; query functions aggregate below it.
MAX_CHART_ROWS = 5_000


def colour(field: str, title: str | None = None, *, field_type: str = "N") -> alt.Color:
    return alt.Color(f"{field}:{field_type}", title=title or field, scale=alt.Scale(range=PALETTE))


def titled(chart: alt.Chart, title: str, description: str | None = None) -> alt.Chart:
    """Title plus a text alternative (Vega's `description` becomes the SVG's aria label)."""
    return chart.properties(
        title=title, description=description or title, width=WIDTH, height=HEIGHT
    )


def check_size(rows: int) -> None:
    if rows > MAX_CHART_ROWS:
        raise ValueError(f"chart given {rows} rows; aggregate to at most {MAX_CHART_ROWS}")
