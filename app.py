"""Workforce impact: the router. Page config, sign-in, and the pages this viewer's role may open."""

import streamlit as st

from ui import session
from ui.navigation import PAGES, pages_for
from workforce import auth
from workforce.inert import markdown_escape

st.set_page_config(page_title="Workforce impact", layout="wide")

session.ensure_database()
viewer = session.current_viewer()
if viewer is None:
    # Only the sign-in form, at "/" and at every page's address (a link to a page survives
    # sign-in). Without an st.navigation call Streamlit would list every file in pages/.
    sign_in = [st.Page(session.sign_in_form, title="Sign in", default=True)]
    sign_in += [st.Page(session.sign_in_form, title="Sign in", url_path=spec.key) for spec in PAGES]
    st.navigation(sign_in, position="hidden").run()
    st.stop()

with st.sidebar:
    name = markdown_escape(viewer.display_name or viewer.username)  # a typed-in name: never markup
    st.caption(f"Signed in as **{name}** · {viewer.role.value.replace('_', ' ')}")
    if st.button("Sign out"):
        session.sign_out()
        st.rerun()

if auth.must_change_password(session.db(), viewer.username):
    # a one-time password: nothing else until the account holder has chosen their own
    st.navigation([st.Page(session.change_password_form, title="Choose a new password", default=True)],
                  position="hidden").run()
    st.stop()

sections: dict[str, list[st.Page]] = {}
for spec in pages_for(viewer):
    sections.setdefault(spec.section, []).append(st.Page(spec.path, title=spec.title, url_path=spec.key))
st.navigation(sections).run()
