"""The one place a page draws a table: `workforce.tables` labels, formats and sizes it."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from ui.downloads import csv_download
from workforce import tables
from workforce.viewer import Viewer


def show_table(
    frame: pd.DataFrame,
    *,
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    hide: tuple[str, ...] = (),
    width: int = tables.PAGE_WIDTH_PX,
    height: int | str = "auto",
) -> None:
    """`frame` as a table: labels in words, formatted values, widths that fit `width` pixels
    (pass a smaller width for a table in a column). Sorting by a header sorts the values."""
    view = tables.table_view(frame, labels=labels, kinds=kinds, hide=hide, width=width)
    config = {label: st.column_config.Column(label, width=px, help=label) for label, px in view.widths.items()}
    st.dataframe(view.styler(), hide_index=True, width="stretch", height=height, column_config=config)


def table_section(frame: pd.DataFrame, title: str, download: str, viewer: Viewer, page: str, *,
                  caption: str | None = None) -> None:
    """A subheaded table with its CSV download (`download` names the file) and an optional caption."""
    st.subheader(title)
    show_table(frame)
    csv_download(frame, download, viewer, page)
    if caption:
        st.caption(caption)
