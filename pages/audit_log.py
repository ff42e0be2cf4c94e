"""Audit log: sign-ins, pages viewed with their filters, downloads and admin changes (admins only).
It never holds survey answers."""

import streamlit as st

from ui.downloads import csv_download
from ui.session import db, log_view, require_page
from ui.tables import show_table
from workforce import access_admin

viewer = require_page("audit_log")
con = db()
users, actions = access_admin.audit_choices(con, viewer)

st.title("Audit log")
with st.sidebar:
    st.subheader("Filters")
    username = st.selectbox("User", users, index=None, placeholder="Everyone")
    action = st.selectbox("Action", actions, index=None, placeholder="Every action")
    picked = st.date_input("Dates", value=())
start, end = (picked if isinstance(picked, tuple) and len(picked) == 2 else (None, None))
log_view(viewer, "audit_log", {k: v for k, v in
                               {"username": username, "action": action, "start": start, "end": end}.items() if v})

entries = access_admin.audit_entries(con, viewer, username=username, action=action, start=start, end=end)
st.caption(f"{len(entries):,} entries, newest first (at most {access_admin.MAX_AUDIT_ROWS:,}). Times are UTC.")
show_table(entries, kinds={"at": "datetime", "detail": "details"})
csv_download(entries, "audit log", viewer, "audit_log")
