"""Placeholder until its issue lands (owned by the engineer building it)."""

import streamlit as st

from ui.session import require_page

viewer = require_page("drivers")
st.title("drivers")
st.info("This page is being built.")
