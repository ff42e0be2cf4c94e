"""Workforce impact: the router. Page config, sign-in, and the pages this viewer's role may open."""

import streamlit as st

from ui import session
from ui.navigation import pages_for

st.set_page_config(page_title="Workforce impact", layout="wide")

session.ensure_database()
viewer = session.current_viewer()
if viewer is None:
    # The sign-in form as the only page: without an st.navigation call Streamlit would list
    # every file in pages/ to a signed-out visitor.
    st.navigation([st.Page(session.sign_in_form, title="Sign in")], position="hidden").run()
    st.stop()

with st.sidebar:
    st.caption(f"Signed in as **{viewer.display_name or viewer.username}** · {viewer.role.value.replace('_', ' ')}")
    if st.button("Sign out"):
        session.sign_out()
        st.rerun()

sections: dict[str, list[st.Page]] = {}
for spec in pages_for(viewer):
    sections.setdefault(spec.section, []).append(st.Page(spec.path, title=spec.title, url_path=spec.key))
st.navigation(sections).run()
