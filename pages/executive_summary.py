"""Placeholder until its issue lands (owned by the engineer building it)."""

import streamlit as st

from ui.session import require_page

viewer = require_page("executive_summary")
st.title("executive_summary")
st.info("This page is being built.")
