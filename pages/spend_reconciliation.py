"""Spend reconciliation (admins and executives): vendor-reported cost beside our priced usage."""

import streamlit as st

from ui.downloads import csv_download
from ui.session import cached, log_view, require_page
from ui.tables import show_table
from workforce import reconciliation
from workforce.charts import reconciliation as charts

PAGE = "spend_reconciliation"
viewer = require_page(PAGE)
st.title("Spend reconciliation")
st.caption("What each vendor's cost report billed, beside our pricing of its usage exports, per month and "
           "model family, with what explains the difference. Company-wide: cost reports name no person.")
months = cached(reconciliation.months)
month = st.selectbox("Month", [None, *months], format_func=lambda m: "All months" if m is None else f"{m:%B %Y}",
                     key=f"{PAGE}_month")
log_view(viewer, PAGE, {"month": str(month) if month else "all"})

summary = cached(reconciliation.reconciliation_by_vendor_month, month)
if summary.empty:
    st.info("No vendor usage or cost report loaded yet. Load them on the Data page (admins) or with "
            "`python -m etl load` / `python -m etl pull`.")
    st.stop()
st.altair_chart(charts.reported_vs_priced(summary), width="stretch")

lines = cached(reconciliation.spend_reconciliation, month)
st.subheader("Per vendor, month and model")
show_table(lines)
csv_download(lines, "spend reconciliation", viewer, PAGE)

unpriced = cached(reconciliation.unpriced_models)
if not unpriced.empty:
    st.subheader("Models without a price")
    show_table(unpriced)

with st.expander("Every rate and where it comes from"):
    show_table(cached(reconciliation.price_book))
    show_table(cached(reconciliation.tier_multipliers))
