"""Every table reads in words and formats: the shared formatter on awkward values, and every page
drawing its tables through `ui.tables.show_table` (the one place `st.dataframe` is called)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workforce import tables

ROOT = Path(__file__).resolve().parents[1]


def test_every_page_draws_tables_through_the_shared_helper():
    drawn_elsewhere = []
    for path in sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py"]):
        if path == ROOT / "ui" / "tables.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.(dataframe|table)\(", line):
                drawn_elsewhere.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not drawn_elsewhere, "tables drawn outside ui.tables.show_table:\n" + "\n".join(drawn_elsewhere)
    uses = [p.name for p in (ROOT / "pages").glob("*.py") if "show_table(" in p.read_text(encoding="utf-8")]
    assert len(uses) >= 10, uses


@pytest.mark.parametrize(
    ("value", "kind", "shown"),
    [
        (None, "number", "–"),
        (np.nan, "percent", "–"),
        (pd.NaT, "date", "–"),
        (pd.NA, "count", "–"),
        (None, "text", "–"),
        (0.0327, "percent", "3.3%"),
        (1.0, "percent", "100%"),
        (0.0, "percent", "0%"),
        (2.4321, "number", "2.43"),
        (-0.12774224230779763, "number", "-0.13"),
        (0.0004567, "number", "0.00046"),
        (0.0, "number", "0"),
        (123456.789, "number", "123,457"),
        (1_234_567, "count", "1,234,567"),
        (6.0, "count", "6"),
        (86478.2, "currency", "$86,478"),
        (12.5, "currency", "$12.50"),
        (-1500, "currency", "−$1,500"),
        (pd.Timestamp("2025-11-17 00:00:00"), "date", "2025-11-17"),
        (pd.Timestamp("2026-12-03 12:18:01"), "datetime", "2026-12-03 12:18"),
        (True, "yesno", "Yes"),
        ('{"by": "org", "span_threshold": 15}', "details", "By: org · Span threshold: 15"),
        ('{"wave_id": "W2026-10", "orgs": ["Ads", "Devices"]}', "details", "Wave: W2026-10 · Orgs: Ads, Devices"),
        ("{}", "details", "–"),
        ("not json {", "details", "not json {"),
    ],
)
def test_format_value(value, kind, shown):
    assert tables.format_value(value, kind) == shown


def test_labels_are_words():
    assert tables.label_for("morale_index") == "Morale index (1–5)"
    assert tables.label_for("wave_id") == "Wave"
    assert "_" not in tables.label_for("median_token_ratio")
    assert tables.label_for("cost_usd") == "Cost (USD)"
    assert tables.label_for("first_day") == "First day"
    assert tables.label_for("Already written") == "Already written"


def test_table_view_infers_formats_from_types_and_names():
    frame = pd.DataFrame({
        "wave_id": ["W1", None],
        "opens_on": pd.to_datetime(["2025-11-17", None]),
        "at": pd.to_datetime(["2026-12-03 12:18:01", "2026-12-03 00:00:00"]),
        "share_of_org": [0.0327, np.nan],
        "response_rate": [0.5, 0.25],
        "people": [141_992, 3],
        "rows_affected": [6.0, np.nan],
        "spend_usd": [1234.5, 2.5],
        "morale_index": [2.4321, 3.0],
        "detail": ['{"month": "all"}', None],
    })
    view = tables.table_view(frame)
    assert view.kinds == {
        "Wave": "text", "Opens on": "date", "At (UTC)": "datetime", "Share of org": "percent",
        "Response rate": "percent", "People": "count", "Rows affected": "count", "Spend (USD)": "currency",
        "Morale index (1–5)": "number", "Detail": "details",
    }
    text = view.text()
    assert list(text.iloc[0]) == ["W1", "2025-11-17", "2026-12-03 12:18", "3.3%", "50.0%", "141,992", "6", "$1,234",
                                  "2.43", "Month: all"]
    assert list(text.iloc[1]) == ["–", "–", "2026-12-03 00:00", "–", "25.0%", "3", "–", "$2.50", "3.00", "–"]
    # the values stay numbers (a header click sorts them as numbers); the details become text
    assert view.frame["People"].dtype.kind == "i"
    assert view.frame["Detail"].tolist() == ["Month: all", "–"]


def test_percent_is_not_guessed_for_values_above_one():
    view = tables.table_view(pd.DataFrame({"growth_rate": [12.0, 250.5]}))
    assert view.kinds["Growth rate"] != "percent"


def test_styler_shows_the_same_text():
    frame = pd.DataFrame({"share_of_org": [0.0327, None], "opens_on": pd.to_datetime(["2025-11-17", None])})
    html = tables.table_view(frame).styler().to_html()
    for shown in ("3.3%", "2025-11-17", "–"):
        assert shown in html
    assert "00:00:00" not in html and "0.0327" not in html


def test_wide_tables_fit_the_page():
    long_text = "a comment that goes on and on " * 8
    frame = pd.DataFrame({f"column_{i}": [long_text] * 3 for i in range(6)} | {"people": [1, 2, 3]})
    view = tables.table_view(frame, width=tables.PAGE_WIDTH_PX)
    assert sum(view.widths.values()) <= tables.PAGE_WIDTH_PX
    assert min(view.widths.values()) >= tables.MIN_COLUMN_PX
    narrow = tables.table_view(pd.DataFrame({"org": ["Ads"], "people": [3]}))
    assert sum(narrow.widths.values()) < 400  # short columns are not stretched


def test_mistakes_in_overrides_are_refused():
    frame = pd.DataFrame({"morale_index": [1.5], "Morale index (1–5)": [2.5]})
    with pytest.raises(ValueError, match="share a label"):
        tables.table_view(frame)
    with pytest.raises(ValueError, match="no such columns"):
        tables.table_view(pd.DataFrame({"x": [1]}), kinds={"y": "count"})
    with pytest.raises(ValueError, match="unknown column kinds"):
        tables.table_view(pd.DataFrame({"x": [1]}), kinds={"x": "money"})
