"""The per-process connection, first-start build, sign-in and the viewer of this session.

One DuckDB connection per process (`st.cache_resource`), a cursor per script run. The viewer
is re-read from the database on every run from the signed-in username, so a role or scope
change by an admin takes effect at once and nothing in the browser can widen it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st

from etl.schema import startup_problem
from workforce import audit, auth, surveys
from workforce.db import (
    SAMPLE_DATA_DIR,
    connect,
    data_version,
    default_db_path,
    default_key_path,
    meta,
    unlimited_memory,
)
from workforce.inert import markdown_escape
from workforce.viewer import Viewer

T = TypeVar("T")
USERNAME_KEY = "username"


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return connect(Path(path))


def db() -> duckdb.DuckDBPyConnection:
    """A cursor on the process's connection, for this script run's thread."""
    return _connection(str(default_db_path())).cursor()


def ensure_database() -> None:
    """Build the embedded default from sample_data/ on first start, with visible progress."""
    con = db()
    if meta(con).get("data_version") and not _storage_needs_rebuild(con):
        _demo_state_checked(str(default_db_path()), data_version(con))
        return
    from etl.load import load_folder  # the loader is only needed on first start

    with st.status("First start: building the database from sample_data/ …", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(step: str, fraction: float) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=step)

        # the loader writes through this process's database instance: not under the app's memory cap
        with unlimited_memory(con):
            load_folder(SAMPLE_DATA_DIR, default_db_path(), key_path=default_key_path(), progress=progress)
        _ensure_demo_state(con)
        status.update(label="Database built from sample_data/", state="complete", expanded=False)


def _storage_needs_rebuild(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the embedded default must be rebuilt from sample_data/ (its schema is older than
    the code). Any other problem — a stale non-default database, a missing or wrong pseudonym
    key — stops the app here with what to do (`etl.schema.startup_problem`)."""
    problem = startup_problem(con, default_db_path(), default_key_path())
    if problem is None:
        return False
    if problem.stale and meta(con).get("source") == str(SAMPLE_DATA_DIR.resolve()):
        return True
    st.error("The app cannot start with this database.")
    st.text(problem.message)  # paths and fingerprints: plain text, never markdown
    st.stop()
    return False


@st.cache_resource(show_spinner=False)
def _demo_state_checked(path: str, version: str) -> bool:
    """Check the demo accounts and wave once per process and load, not on every rerun."""
    _ensure_demo_state(db())
    return True


def _ensure_demo_state(con: duckdb.DuckDBPyConnection) -> None:
    """Accounts at start (demo accounts only with the bundled sample, a first admin on real data)
    and, with the sample, an open pulse wave, so the embedded default can be tried at once.

    A first admin's one-time password is printed in this terminal only, never shown or logged.
    """
    first_admin = auth.ensure_start_accounts(con)
    if first_admin is not None:
        print(f"\nWorkforce impact: first admin created.\n  username: {first_admin[0]}\n"
              f"  one-time password: {first_admin[1]}\nSign in and choose a new password.\n",
              file=sys.stderr, flush=True)
    if auth.sample_loaded(con):
        surveys.ensure_demo_wave(con, date.today())


def oidc_configured() -> bool:
    """Single sign-on (`st.login`) replaces the local accounts when secrets have an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: the embedded default
        return False


def _oidc_sign_in() -> str | None:
    """Map the identity provider's verified email to an account, once per session (audited)."""
    if not st.user.is_logged_in:
        return None
    con = db()
    viewer = auth.viewer_for_email(con, st.user.get("email"))
    if viewer is None:
        return None
    audit.record(con, viewer.username, "sign_in", None, {"method": "oidc"})
    st.session_state[USERNAME_KEY] = viewer.username
    return viewer.username


def current_viewer() -> Viewer | None:
    username = st.session_state.get(USERNAME_KEY)
    if not username and oidc_configured():
        username = _oidc_sign_in()
    if not username:
        return None
    return auth.viewer_for(db(), username)


def sign_in_form() -> None:
    if oidc_configured():
        st.title("Workforce impact")
        if st.user.is_logged_in:
            # Signed in at the identity provider, but no account or person has that email.
            who = markdown_escape(st.user.get("email") or "this account")  # from the provider: text only
            st.error(f"No access is set up for {who}. Ask an admin.")
            if st.button("Sign out"):
                st.logout()
        else:
            st.caption("Sign in with your company account.")
            if st.button("Sign in with single sign-on"):
                st.login()
        return
    st.title("Workforce impact")
    st.caption("Sign in to continue. Demo accounts are listed in the README.")
    with st.form("sign_in"):
        username = st.text_input("Username", max_chars=auth.MAX_USERNAME)
        password = st.text_input("Password", type="password", max_chars=auth.MAX_PASSWORD)
        submitted = st.form_submit_button("Sign in")
    if submitted:
        attempt = auth.sign_in(db(), username, password, address=_client_address())
        if attempt.viewer is None:
            st.error(attempt.message)
        else:
            st.session_state[USERNAME_KEY] = attempt.viewer.username
            st.rerun()


def _client_address() -> str | None:
    """The client's address for sign-in back-off; None on localhost (and outside a server)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None


def change_password_form() -> None:
    """The only thing shown to an account holding a one-time password until it is changed."""
    viewer = current_viewer()
    if viewer is None:
        return
    st.subheader("Choose a new password")
    st.text("This account was given a one-time password. Choose your own before going on.")
    with st.form("change_password"):
        old = st.text_input("One-time password", type="password", max_chars=auth.MAX_PASSWORD)
        new = st.text_input(f"New password (at least {auth.MIN_PASSWORD} characters)", type="password",
                            max_chars=auth.MAX_PASSWORD)
        submitted = st.form_submit_button("Save password")
    if submitted:
        try:
            auth.change_password(db(), viewer.username, old, new)
        except auth.AccessChangeError as problem:
            st.text(str(problem))
        else:
            st.rerun()


def sign_out() -> None:
    st.session_state.pop(USERNAME_KEY, None)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def require_page(key: str) -> Viewer:
    """Server-side gate at the top of every page: signed in, and the role may open it."""
    from ui.navigation import PAGES_BY_KEY

    viewer = current_viewer()
    spec = PAGES_BY_KEY[key]
    if viewer is None or not spec.allows(viewer) or auth.must_change_password(db(), viewer.username):
        st.error("You do not have access to this page.")
        st.stop()
    return viewer


def log_view(viewer: Viewer, page: str, filters: dict[str, Any] | None = None) -> None:
    """Record a page view with its filters, once per distinct view in a session."""
    signature = (page, repr(sorted((filters or {}).items())))
    if st.session_state.get("_last_logged_view") == signature:
        return
    st.session_state["_last_logged_view"] = signature
    audit.record(db(), viewer.username, "view", page, filters)


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def _cached_call(key: str, version: str, args: tuple, kwargs: tuple, _fn: Callable[..., Any]) -> Any:
    return _fn(db(), *args, **dict(kwargs))


def cached(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a query function `fn(con, *args, **kwargs)` through Streamlit's cache.

    The key holds the function, its arguments (viewer and filters included, so scopes never
    share a cache entry), the data version, which changes on every load, and the state of the
    survey tables, which the app itself changes (submissions, waves opened or closed).
    """
    con = db()
    key = f"{default_db_path()}:{fn.__module__}.{fn.__qualname__}"
    return _cached_call(key, f"{data_version(con)}:{surveys.survey_state(con)}", args, tuple(sorted(kwargs.items())), fn)
