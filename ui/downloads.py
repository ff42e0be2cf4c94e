"""CSV downloads of a chart's aggregated data, each recorded in the audit log.

`csv_download(df, name, viewer, page)` draws a download button; the download is written to the
audit log (who, which page and file, how many rows and which columns — never the data itself)
when the button is clicked. Every CSV the app offers is made by `csv_bytes`
(`workforce.inert.inert_csv`): a cell a spreadsheet would run as a formula opens as text.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ui.session import db
from workforce import audit
from workforce.inert import inert_csv
from workforce.viewer import Viewer

csv_bytes = inert_csv  # the one CSV writer of every download


def _file_name(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "data"
    return f"{slug}.csv"


def _record(username: str, page: str, file_name: str, rows: int, columns: list[str]) -> None:
    audit.record(db(), username, "download", f"{page}/{file_name}", {"rows": rows, "columns": columns})


def csv_download(df: pd.DataFrame, name: str, viewer: Viewer, page: str, *, label: str | None = None) -> None:
    """A 'Download CSV' button for `df` (already aggregated and scoped by its query function)."""
    file_name = _file_name(name)
    st.download_button(
        label or f"Download {name} (CSV)",
        data=csv_bytes(df),
        file_name=file_name,
        mime="text/csv",
        key=f"download_{page}_{file_name}",
        on_click=_record,
        args=(viewer.username, page, file_name, len(df), [str(c) for c in df.columns]),
    )
