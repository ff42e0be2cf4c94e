"""Inert text: what keeps names and other typed-in text from acting as a spreadsheet formula or
as markdown.

One rule decides what a spreadsheet would run as a formula: a text value starting with
= + - @, a tab or a carriage return that is not a plain number (`-3.5` is a number, `-2+3` is
not). Uploads and the command-line loader reject such values in names (`etl.loading.names`,
`etl.ingest.formula_cells`); every CSV download escapes them (`inert_csv`), so a value that
got in some other way (a failed sign-in's username in the audit log, a survey comment) still
opens as text.

`markdown_escape` makes a string render as itself wherever Streamlit reads markdown
(captions, subheaders, expander labels, metric labels): a display name, an org or a file
name can then never become a link, an image or coloured text.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_RULE = ("formula injection: a cell starting with = + - @ is rejected (remove the leading character "
                "or quote the value)")
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character (CommonMark escapes them all)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def looks_like_formula(value: object) -> bool:
    """Text a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, @SUM, -2+3)."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value.strip())


def escape_cell(value: object) -> object:
    """A cell as a spreadsheet shows it as text: a leading quote before a formula-like value."""
    return "'" + value if looks_like_formula(value) else value


def inert_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every formula-like text cell (and column name) escaped; numbers untouched."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype | pd.CategoricalDtype):
            out[column] = series.astype(object).map(escape_cell)
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def inert_csv(df: pd.DataFrame) -> bytes:
    """The CSV bytes of a download: UTF-8, no index, formula-like cells escaped."""
    return inert_frame(df).to_csv(index=False).encode("utf-8")


def markdown_escape(text: object) -> str:
    """`text` backslash-escaped so that markdown shows it literally (no link, image, emphasis,
    heading, HTML, colour directive or LaTeX); line breaks become spaces."""
    flat = " ".join(str(text).split())
    return _PUNCTUATION.sub(r"\\\1", flat)
