"""Workforce impact: the router. Page config, sign-in, and the pages this viewer's role may open."""

import streamlit as st

from ui import session
from ui.navigation import PAGES, pages_for
from ui.reminders import survey_banner
from workforce import auth
from workforce.inert import markdown_escape

st.set_page_config(page_title="Workforce impact", layout="wide")

if not session.database_ready():
    # Started without `make run`: the build's progress is the only page (no sign-in, no page list).
    st.navigation([st.Page(session.first_start_screen, title="Starting", default=True)], position="hidden").run()
    st.stop()
session.warm_up()
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
    session.sync_cookie()

if auth.must_change_password(session.db(), viewer.username):
    # a one-time password: nothing else until the account holder has chosen their own
    st.navigation([st.Page(session.change_password_form, title="Choose a new password", default=True)],
                  position="hidden").run()
    st.stop()

allowed = pages_for(viewer)
# One flat list, in the registry's order (which groups pages by section): Streamlit draws section
# headers inside the list's <ul>, which screen readers and axe-core reject as a malformed list.
pages = [st.Page(spec.path, title=spec.title, url_path=spec.key) for spec in allowed]
page_keys = {id(page): spec.key for page, spec in zip(pages, allowed, strict=True)}
# A page the role may not open keeps its address, hidden, and says so instead of showing another page.
pages += [st.Page(session.denied_page(spec.title), title=spec.title, url_path=spec.key, visibility="hidden")
          for spec in PAGES if spec not in allowed]
page = st.navigation(pages)
if id(page) in page_keys:  # an open wave this person has not answered: their own state only
    survey_banner(viewer, page_keys[id(page)])
page.run()
