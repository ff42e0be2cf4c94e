"""The per-process connection, first-start build, sign-in and the viewer of this session.

One DuckDB connection per process (`st.cache_resource`), a cursor per script run. The viewer
is re-read from the database on every run from the signed-in username, so a role or scope
change by an admin takes effect at once and nothing in the browser can widen it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st

from workforce import audit, auth
from workforce.db import SAMPLE_DATA_DIR, connect, data_version, default_db_path, default_key_path, meta
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
    if meta(con).get("data_version"):
        auth.ensure_demo_accounts(con)
        return
    from etl.load import load_folder  # the loader is only needed on first start

    with st.status("First start: building the database from sample_data/ …", expanded=True) as status:
        bar = st.progress(0.0)

        def progress(step: str, fraction: float) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=step)

        load_folder(SAMPLE_DATA_DIR, default_db_path(), key_path=default_key_path(), progress=progress)
        auth.ensure_demo_accounts(con)
        status.update(label="Database built from sample_data/", state="complete", expanded=False)


def current_viewer() -> Viewer | None:
    username = st.session_state.get(USERNAME_KEY)
    if not username:
        return None
    return auth.viewer_for(db(), username)


def sign_in_form() -> None:
    st.title("Workforce impact")
    st.caption("Sign in to continue. Demo accounts are listed in the README.")
    with st.form("sign_in"):
        username = st.text_input("Username")
        password = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        con = db()
        viewer = auth.authenticate(con, username, password)
        if viewer is None:
            audit.record(con, username or "(blank)", "sign_in_failed")
            st.error("Unknown username or wrong password.")
        else:
            audit.record(con, viewer.username, "sign_in")
            st.session_state[USERNAME_KEY] = viewer.username
            st.rerun()


def sign_out() -> None:
    st.session_state.pop(USERNAME_KEY, None)


def require_page(key: str) -> Viewer:
    """Server-side gate at the top of every page: signed in, and the role may open it."""
    from ui.navigation import PAGES_BY_KEY

    viewer = current_viewer()
    spec = PAGES_BY_KEY[key]
    if viewer is None or not spec.allows(viewer):
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
    share a cache entry) and the data version, which changes on every load.
    """
    key = f"{default_db_path()}:{fn.__module__}.{fn.__qualname__}"
    return _cached_call(key, data_version(db()), args, tuple(sorted(kwargs.items())), fn)
