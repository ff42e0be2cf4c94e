"""Access: who has which role and org scope, new accounts, password resets, and the survey
minimum group sizes. Every change is checked and audited by workforce.auth / access_admin."""

from collections.abc import Callable

import streamlit as st

from ui.session import cached, db, log_view, require_page
from ui.tables import show_table
from workforce import access_admin, auth, options, privacy
from workforce.auth import AccessChangeError
from workforce.viewer import Role

viewer = require_page("access_admin")
log_view(viewer, "access_admin")
con = db()
org_choices = cached(options.filter_options, viewer).orgs
roles = [r.value for r in Role]

st.title("Access")
flash = st.session_state.pop("access_flash", None)
if flash:
    st.success(flash)

accounts = auth.list_accounts(con, viewer)
show_table(accounts, labels={"orgs": "Orgs (HR partners)"})


def apply(change: Callable[[], object], done: str, *, reload: bool = True) -> None:
    """Run one checked, audited change. Refused: say nothing was changed and why. Done: say `done`,
    after reloading the page (so the tables show the change) unless `reload` is False."""
    try:
        change()
    except AccessChangeError as exc:
        st.error("Nothing was changed.")
        st.text(str(exc))  # may quote what was typed: plain text
        return
    if not reload:
        st.success(done)
        return
    st.session_state["access_flash"] = done
    st.rerun()


change_tab, new_tab, password_tab, privacy_tab = st.tabs(
    ["Change role and scope", "New account", "Reset password", "Survey confidentiality"]
)

with change_tab:
    username = st.selectbox("Account", list(accounts["username"]), key="access_user")
    current = accounts.set_index("username").loc[username]
    with st.form(f"access_{username}"):
        role = st.selectbox("Role", roles, index=roles.index(current["role"]))
        orgs = st.multiselect("Orgs (HR partners only)", org_choices,
                              default=[o for o in current["orgs"] if o in org_choices])
        active = st.checkbox("May sign in", value=bool(current["active"]))
        if st.form_submit_button("Save access"):
            apply(lambda: auth.update_access(con, viewer, username, role=role, orgs=orgs, active=active),
                  "Access saved.")

with new_tab:
    with st.form("new_account"):
        fields = {
            "username": st.text_input("Username"),
            "display_name": st.text_input("Display name"),
            "email": st.text_input("Email (matches single sign-on)"),
            "role": st.selectbox("Role", roles),
            "orgs": st.multiselect("Orgs (HR partners only)", org_choices),
            "employee_id": st.text_input("Employee id (for the survey form)"),
            "password": st.text_input("Temporary password (empty: single sign-on only)", type="password"),
        }
        if st.form_submit_button("Create account"):
            apply(lambda: auth.create_account(con, viewer, **fields), "Account created.")

with password_tab:
    with st.form("reset_password"):
        target = st.selectbox("Account", list(accounts["username"]))
        new_password = st.text_input("New password", type="password")
        if st.form_submit_button("Set password"):
            apply(lambda: auth.reset_password(con, viewer, target, new_password), "Password set.", reload=False)

with privacy_tab:
    rules = privacy.current_rules(con)
    st.caption("No survey score is shown for fewer respondents than the first number, and no comment for "
               "fewer than the second. They can be raised; the floor is 3.")
    with st.form("privacy_rules"):
        min_scores = st.number_input("Minimum respondents for scores", min_value=3, max_value=100,
                                     value=rules.min_scores, step=1)
        min_comments = st.number_input("Minimum respondents for comments", min_value=3, max_value=200,
                                       value=rules.min_comments, step=1)
        if st.form_submit_button("Save minimums"):
            def save_minimums() -> None:
                access_admin.set_privacy_rules(con, viewer, int(min_scores), int(min_comments))
                st.cache_data.clear()  # cached survey figures were computed under the old minimums

            apply(save_minimums, "Survey minimum group sizes saved.")
