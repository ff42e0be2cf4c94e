"""Placeholder until its issue lands (owned by the engineer building it)."""

import streamlit as st

from ui.session import require_page

viewer = require_page("ai_usage")
st.title("ai_usage")
st.info("This page is being built.")
