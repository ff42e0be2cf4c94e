"""The per-process connection, first-start build, sign-in and the viewer of this session.

One DuckDB connection per process (`st.cache_resource`), a cursor per script run. The viewer
is re-read from the database on every run from the signed-in username, so a role or scope
change by an admin takes effect at once and nothing in the browser can widen it.

Sign-in survives a reload through a cookie holding a signed, expiring, revocable token
(`workforce.sessions`): a reload is a new Streamlit session, which reads the cookie the browser
sent (`st.context.cookies`) and re-checks it on the server. Streamlit has no call to set a
cookie, so the token is written by a line of the page's own script (`st.html`), once, just
after sign-in; it is never in a URL.
"""

from __future__ import annotations

import ast
import importlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from etl.schema import startup_problem
from ui.navigation import PAGES_BY_KEY
from workforce import audit, auth, first_start, sessions, surveys
from workforce.db import (
    ROOT,
    connect,
    data_version,
    default_db_path,
    default_key_path,
    unlimited_memory,
)
from workforce.inert import markdown_escape
from workforce.viewer import Viewer

T = TypeVar("T")
USERNAME_KEY = "username"
TOKEN_KEY = "_session_token"  # this session's sign-in token
COOKIE_PENDING = "_session_cookie_pending"  # the token to write to the browser on the next run
COOKIE_CLEAR = "_session_cookie_clear"  # signed out: remove the browser's cookie on the next run
NO_ACCESS = "You do not have access to this page."
ROUTED = "_routed"  # a page of this session has run


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return connect(Path(path))


def db() -> duckdb.DuckDBPyConnection:
    """A cursor on the process's connection, for this script run's thread."""
    return _connection(str(default_db_path())).cursor()


def database_ready() -> bool:
    """Whether the database has been loaded (`make run` builds it before the server starts)."""
    con = db()
    if first_start.needs_build(con):
        return False
    try:
        _start_checked(str(default_db_path()), data_version(con))
    except StartupRefused as problem:  # a stale database that is not the embedded default, a missing or wrong key
        st.error("The app cannot start with this database.")
        st.text(str(problem))  # paths and fingerprints: plain text, never markdown
        st.stop()
    return True


class StartupRefused(Exception):
    """Why this database cannot be served (`etl.schema.startup_problem`'s message)."""


@st.cache_resource(show_spinner=False)
def _build_lock() -> threading.Lock:
    return threading.Lock()


def first_start_screen() -> None:
    """The only page while the database is built: the build's progress, no sign-in, no pages.

    Reached only when the server was started without `make run` (which builds first)."""
    st.title("Workforce impact")
    lock = _build_lock()
    if not lock.acquire(blocking=False):
        with st.spinner("The database is being built from sample_data/ (first start) …"):
            while not first_start.database_ready(db()):
                time.sleep(1.0)
        st.rerun()
    try:
        con = db()
        if not first_start.database_ready(con):
            with st.status("First start: building the database from sample_data/ …", expanded=True) as status:
                bar = st.progress(0.0)

                def progress(step: str, fraction: float) -> None:
                    bar.progress(min(max(fraction, 0.0), 1.0), text=step)
                    print(f"first start: [{min(max(fraction, 0.0), 1.0):4.0%}] {step}", flush=True)

                # the loader writes through this process's database instance: not under the app's memory cap
                with unlimited_memory(con):
                    first_start.build_sample(default_db_path(), default_key_path(), progress)
                # the start checks and demo accounts run through the cache, as for every other session
                status.update(label="Database built from sample_data/", state="complete", expanded=False)
    finally:
        lock.release()
    st.rerun()


@st.cache_resource(show_spinner=False)
def _start_checked(path: str, version: str) -> bool:
    """Once per process and load, not on every rerun: the schema version and the pseudonym key
    (reading the key file and counting answers), then the start accounts and the demo wave. A
    refusal raises, so it is not cached: a restored key file is seen on the next click."""
    con = db()
    problem = startup_problem(con, default_db_path(), default_key_path())
    if problem is not None:
        raise StartupRefused(problem.message)
    first_start.ensure_demo_state(con)
    return True


def warm_up() -> None:
    """Import what the pages need in the background, once per process, while the first visitor
    signs in: the libraries behind the first page (scipy, statsmodels, altair) take seconds to
    import on a small machine, and would otherwise be paid between "Sign in" and the page."""
    _warm_up_started()


@st.cache_resource(show_spinner=False)
def _warm_up_started() -> bool:
    threading.Thread(target=_import_page_modules, name="warm-up", daemon=True).start()
    return True


def _import_page_modules() -> None:
    names: set[str] = set()
    for page in sorted((ROOT / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
    for name in sorted(names):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a page that fails to import says so when it is opened
            pass


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
    audit.record(con, audit.actor(viewer), "sign_in", None, {"method": "oidc"})
    st.session_state[USERNAME_KEY] = viewer.username
    return viewer.username


@st.cache_resource(show_spinner=False)
def _session_secret(path: str) -> bytes:
    """The token-signing secret: `[session] secret` in Streamlit secrets, else session.key beside the database."""
    configured = None
    try:
        configured = st.secrets.get("session", {}).get("secret")
    except Exception:  # no secrets file at all: the key file
        configured = None
    return sessions.load_secret(configured, Path(path))


def _secret() -> bytes:
    return _session_secret(str(sessions.default_secret_path()))


def _resume_from_cookie() -> str | None:
    """The username of a valid sign-in cookie sent with this session's first request, else None."""
    if st.session_state.get(COOKIE_CLEAR) is not None:
        return None  # signed out in this session: the cookie it was opened with is revoked
    token = st.context.cookies.get(sessions.COOKIE_NAME)
    if not token:
        return None
    con = db()
    username = sessions.verify(con, token, _secret())
    viewer = auth.viewer_for(con, username) if username is not None else None
    if viewer is None:
        return None
    st.session_state[USERNAME_KEY] = username
    st.session_state[TOKEN_KEY] = token
    audit.record(con, audit.actor(viewer), "sign_in", None, {"method": "session cookie"})
    return username


def current_viewer() -> Viewer | None:
    username = st.session_state.get(USERNAME_KEY)
    if not username and oidc_configured():
        username = _oidc_sign_in()
    if not username:
        username = _resume_from_cookie()
    if not username:
        return None
    viewer = auth.viewer_for(db(), username)
    if viewer is None:  # deactivated meanwhile: signed out, whatever the browser holds
        st.session_state.pop(USERNAME_KEY, None)
    return viewer


def _cookie_script(value: str, max_age: int) -> str:
    cookie = json.dumps(f"{sessions.COOKIE_NAME}={value}; Path=/; Max-Age={max_age}; SameSite=Strict")
    return (f"<script>document.cookie = {cookie} + (location.protocol === 'https:' ? '; Secure' : '');</script>")


def sync_cookie() -> None:
    """Write (after sign-in) or remove (after sign-out) the browser's sign-in cookie, once."""
    token = st.session_state.pop(COOKIE_PENDING, None)
    if token:
        st.html(_cookie_script(token, int(sessions.DEFAULT_TTL.total_seconds())), unsafe_allow_javascript=True)
    if st.session_state.get(COOKIE_CLEAR):
        st.session_state[COOKIE_CLEAR] = False  # done; the marker stays so the stale cookie is not re-read
        st.html(_cookie_script("", 0), unsafe_allow_javascript=True)


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
    sync_cookie()
    st.title("Workforce impact")
    st.caption("Sign in to continue. Demo accounts are listed in the README.")
    with st.form("sign_in"):
        username = st.text_input("Username", max_chars=auth.MAX_USERNAME)
        password = st.text_input("Password", type="password", max_chars=auth.MAX_PASSWORD)
        submitted = st.form_submit_button("Sign in")
    if submitted:
        con = db()
        attempt = auth.sign_in(con, username, password, address=_client_address())  # audited there
        if attempt.viewer is None:
            st.error(attempt.message)
        else:
            token = sessions.issue(con, attempt.viewer.username, _secret())
            st.session_state.pop(COOKIE_CLEAR, None)
            st.session_state[USERNAME_KEY] = attempt.viewer.username
            st.session_state[TOKEN_KEY] = token
            st.session_state[COOKIE_PENDING] = token
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
    """End this sign-in: its session token is revoked on the server and the cookie removed."""
    con = db()
    for token in (st.session_state.pop(TOKEN_KEY, None), st.context.cookies.get(sessions.COOKIE_NAME)):
        sessions.revoke(con, token, _secret())
    st.session_state.pop(USERNAME_KEY, None)
    st.session_state.pop(COOKIE_PENDING, None)
    st.session_state[COOKIE_CLEAR] = True
    if oidc_configured() and st.user.is_logged_in:
        st.logout()


def denied_page(title: str) -> Callable[[], None]:
    """What a page's address shows to a viewer whose role may not open it: a refusal that says so."""

    def refuse() -> None:
        viewer = current_viewer()
        st.title(title)
        st.error(NO_ACCESS)
        role = viewer.role.value.replace("_", " ") if viewer else "signed out"
        st.write(f"{title} is not open to your role ({role}). Ask an admin if you need it.")
        if viewer is not None:
            audit.record(db(), audit.actor(viewer), "view_denied", title)

    refuse.__name__ = f"denied_{title}"
    return refuse


def require_page(key: str) -> Viewer:
    """Server-side gate at the top of every page: signed in, and the role may open it."""
    if PagesManager.uses_pages_directory and not st.session_state.get(ROUTED):
        # The first session after the server started opened this page's address directly, before
        # app.py had ever called st.navigation: Streamlit ran the page file alone, listing every
        # file of pages/. Leave that mode and run again, once, through the router (app.py).
        # Only on a session's first run: a rerun later would drop that run's clicks.
        st.session_state[ROUTED] = True
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.session_state[ROUTED] = True
    viewer = current_viewer()
    spec = PAGES_BY_KEY[key]
    if viewer is None or not spec.allows(viewer) or auth.must_change_password(db(), viewer.username):
        st.error(NO_ACCESS)
        st.stop()
    return viewer


def log_view(viewer: Viewer, page: str, filters: dict[str, Any] | None = None) -> None:
    """Record a page view with its filters, once per distinct view in a session."""
    signature = (page, repr(sorted((filters or {}).items())))
    if st.session_state.get("_last_logged_view") == signature:
        return
    st.session_state["_last_logged_view"] = signature
    audit.record(db(), audit.actor(viewer), "view", page, filters)


@st.cache_data(ttl=3600, max_entries=1024, show_spinner=False)
def _cached_call(key: str, version: str, args: tuple, kwargs: tuple, _fn: Callable[..., Any]) -> Any:
    return _fn(db(), *args, **dict(kwargs))


def cached(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a query function `fn(con, *args, **kwargs)` through Streamlit's cache.

    The key holds the function, its arguments (viewer and filters included, so scopes never
    share a cache entry) and `surveys.cache_version`, one read that changes on every load and with
    what the app itself changes (submissions, waves created, edited or closed). This is the one
    cache in front of a figure: nothing below it keeps results between calls.
    """
    key = f"{default_db_path()}:{fn.__module__}.{fn.__qualname__}"
    return _cached_call(key, surveys.cache_version(db()), args, tuple(sorted(kwargs.items())), fn)
