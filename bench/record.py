"""Record the query calls each page makes, by running the real page under AppTest.

Every page of `ui.navigation.PAGES` runs as a demo user allowed to open it (`user_for`), so the
benchmark replays exactly the queries the pages run, with the pages' own arguments, and
nothing drifts when a page changes. Two kinds of call are noted:
- `ui.session.cached(fn, *args, **kwargs)`, how the analyst pages fetch their data;
- a direct call `fn(con, ...)`, made by a page (or a ui/ helper), of a function of the
  workforce/analytics/etl modules the pages import, whose first argument is a DuckDB
  connection: the admin and survey pages read their live tables that way.
A direct call handed the cache itself (`run=cached`) is an orchestrator: its parts are noted
as they go through the cache, not the orchestrator. Calls those functions make among
themselves, and the app's own bookkeeping in ui/session.py (sign-in, data version, audit), are
not page queries and are not noted.

A page that raises, shows an error, or runs no query fails the recording with the page's name:
a benchmark that silently skipped a page would report it fast.
Run as a subprocess (`python -m bench.record DB OUT`) so it releases the database file after;
it writes OUT (a pickle: page -> [(fn, args, kwargs)]) and OUT's sibling `record.json` (the user
of each page and the largest chart dataset each page drew).
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib
import inspect
import json
import os
import pickle
import sys
import types
from pathlib import Path

import duckdb
import streamlit as st
from streamlit.testing.v1 import AppTest

import ui.session as session
from ui.navigation import PAGES
from workforce import auth
from workforce.db import connect

ROOT = Path(__file__).resolve().parent.parent
# Demo users in order of preference: a page is recorded as the first one allowed to open it
# (executives see the whole company; the HR partner and admin pages need their roles).
USERS = ("exec", "hr", "admin", "employee")
# Pages only people linked to an employee record can open (the survey form): the employee's own.
EMPLOYEE_USERS = ("employee",)
QUERY_PACKAGES = ("workforce", "analytics", "etl")
PAGE_TIMEOUT_S = 900


def user_for(spec, viewers: dict) -> str:
    """The demo user a page is recorded as. `viewers`: username -> Viewer (None if missing)."""
    for username in EMPLOYEE_USERS if spec.needs_employee else USERS:
        viewer = viewers.get(username)
        if viewer is not None and spec.allows(viewer):
            return username
    raise RuntimeError(f"page {spec.key}: no demo user among {', '.join(USERS)} may open it")


def imported_modules(files: list[Path]) -> set[types.ModuleType]:
    """The workforce/analytics/etl modules these files import (`from workforce import x`, ...)."""
    modules = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in QUERY_PACKAGES:
                parent = importlib.import_module(node.module)
                modules.add(parent)
                for alias in node.names:
                    child = getattr(parent, alias.name, None)
                    if child is None or isinstance(child, types.ModuleType):
                        try:  # a submodule not imported yet has no attribute on its package
                            modules.add(importlib.import_module(f"{node.module}.{alias.name}"))
                        except ModuleNotFoundError:
                            pass
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in QUERY_PACKAGES:
                        modules.add(importlib.import_module(alias.name))
    return modules


def _is_page_caller(filename: str) -> bool:
    """A call made by a page script or a ui/ helper, not by ui/session.py or a query module."""
    path = Path(filename).resolve()
    return path.parent == ROOT / "pages" or (path.parent == ROOT / "ui" and path.name != "session.py")


class Recorder:
    """Notes the page's calls while installed; `uninstall()` puts every original back."""

    def __init__(self, modules: set[types.ModuleType]) -> None:
        self.current: list[tuple] = []
        self._originals: list[tuple[types.ModuleType, str, object]] = []
        original_cached = session.cached
        self._originals.append((session, "cached", original_cached))

        def recording_cached(fn, *args, **kwargs):
            self.current.append((getattr(fn, "__wrapped_query__", fn), args, kwargs))
            return original_cached(fn, *args, **kwargs)

        session.cached = recording_cached
        # Which page actually ran: every page starts with require_page("<its key>").
        self.opened: list[str] = []
        original_require = session.require_page
        self._originals.append((session, "require_page", original_require))

        def noting_require_page(key):
            self.opened.append(key)
            return original_require(key)

        session.require_page = noting_require_page

        def _passes_cache(args, kwargs) -> bool:
            # An orchestrator given the cache (`summary.executive_summary(..., run=cached)`) runs
            # its parts through it: the parts are noted one by one, the orchestrator is not.
            return any(v is recording_cached or v is original_cached for v in (*args, *kwargs.values()))

        def wrap(fn):
            @functools.wraps(fn)
            def recording(*args, **kwargs):
                if (
                    args and isinstance(args[0], duckdb.DuckDBPyConnection)
                    and _is_page_caller(sys._getframe(1).f_code.co_filename)
                    and not _passes_cache(args, kwargs)
                ):
                    self.current.append((fn, args[1:], kwargs))
                return fn(*args, **kwargs)

            recording.__wrapped_query__ = fn
            return recording

        for module in modules:
            for name, value in list(vars(module).items()):
                # only the module's own functions; classes, constants and imported names stay
                if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                    self._originals.append((module, name, value))
                    setattr(module, name, wrap(value))

    def uninstall(self) -> None:
        """Restore the originals (the recorded functions must be the modules' own to pickle)."""
        for module, name, value in reversed(self._originals):
            setattr(module, name, value)
        self._originals.clear()


def _same_call(a: tuple, b: tuple) -> bool:
    try:
        return a[0] is b[0] and bool(a[1] == b[1]) and bool(a[2] == b[2])
    except (TypeError, ValueError):  # arguments without a plain equality (arrays, frames)
        return False


def _run_page(at, page: str, username: str, recorder: Recorder) -> list[tuple]:
    at.switch_page(f"pages/{page}.py")
    recorder.current.clear()  # only this page's own calls, not the previous page's
    recorder.opened.clear()
    at.run()
    if at.exception:
        raise RuntimeError(f"page {page} (as {username}) raised: {[e.value for e in at.exception]}")
    # the page may run twice: once cut short by require_page's one re-route of a session that
    # opened a page's address before the router ran (ui.session.require_page), then for real
    if set(recorder.opened) != {page}:
        raise RuntimeError(f"asked for page {page} (as {username}), but the app ran {recorder.opened or 'no page'}")
    errors = [e.value for e in at.error]
    if errors:
        raise RuntimeError(f"page {page} (as {username}) showed an error: {errors}")
    if not recorder.current:
        raise RuntimeError(f"page {page} (as {username}) ran no query: nothing to benchmark")
    # The same call may be made twice in a run (shared helpers); time it once.
    unique: list[tuple] = []
    for call in recorder.current:
        if not any(_same_call(call, seen) for seen in unique):
            unique.append(call)
    return unique


def record(db_path: Path, pages: list[str] | None = None) -> tuple[dict[str, list[tuple]], dict]:
    """Run every registered page (or `pages`) as its user; return the calls and what was seen."""
    os.environ["WORKFORCE_DB"] = str(db_path)
    os.environ.setdefault("WORKFORCE_KEY_FILE", str(Path(db_path).parent / "pseudonym.key"))
    if str(ROOT) not in sys.path:  # the pages AppTest runs import the project's packages
        sys.path.insert(0, str(ROOT))
    specs = [p for p in PAGES if pages is None or p.key in pages]
    unknown = set(pages or ()) - {p.key for p in specs}
    if unknown:
        raise ValueError(f"unknown page(s) {sorted(unknown)}; registered: {[p.key for p in PAGES]}")
    con = connect(db_path)  # the app's own way; closed before the app opens the file
    try:
        viewers = {u: auth.viewer_for(con, u) for u in USERS}
    finally:
        con.close()
    users = {spec.key: user_for(spec, viewers) for spec in specs}

    # Every chart the pages draw passes through st.altair_chart: note each page's largest dataset.
    chart_rows: dict[str, int] = {}
    page_now = [""]
    original_chart = st.altair_chart

    def measuring_chart(chart, *args, **kwargs):
        datasets = chart.to_dict().get("datasets", {})
        chart_rows[page_now[0]] = max([chart_rows.get(page_now[0], 0), *(len(rows) for rows in datasets.values())])
        return original_chart(chart, *args, **kwargs)

    files = [ROOT / spec.path for spec in PAGES] + sorted((ROOT / "ui").glob("*.py"))
    recorder = Recorder(imported_modules([f for f in files if f.name != "session.py"]))
    st.altair_chart = measuring_chart
    calls: dict[str, list[tuple]] = {}
    try:
        for username in dict.fromkeys(users.values()):
            # One session per user, as a person browsing, opened straight on the first of their
            # pages (page files are named as their addresses), not on their default page first.
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=PAGE_TIMEOUT_S)
            at.session_state["username"] = username
            for page in (p for p, u in users.items() if u == username):
                page_now[0] = page
                calls[page] = _run_page(at, page, username, recorder)
    finally:
        recorder.uninstall()
        st.altair_chart = original_chart
    calls = {spec.key: calls[spec.key] for spec in specs}  # registry order
    seen = {"users": users, "chart_rows": {p: chart_rows.get(p, 0) for p in calls},
            "max_chart_rows": max(chart_rows.values(), default=0)}
    return calls, seen


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.record", description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("out", type=Path, help="pickle of page -> [(fn, args, kwargs)]")
    parser.add_argument("--pages", help="comma-separated page keys (default: every registered page)")
    args = parser.parse_args(argv)
    calls, seen = record(args.db, args.pages.split(",") if args.pages else None)
    args.out.write_bytes(pickle.dumps(calls))
    (args.out.parent / "record.json").write_text(json.dumps(seen, indent=2))
    print({page: f"{len(c)} calls as {seen['users'][page]}" for page, c in calls.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
