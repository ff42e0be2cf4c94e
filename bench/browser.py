"""`python -m bench.browser DB OUT.json [--pages a,b] [--repeats N]`: what a person waits for.

Starts the real app (`streamlit run app.py`) on the database and drives it in Debian's Chromium
(Playwright), as the demo user the benchmark records each page as (bench.record.user_for). Per
page it records, from the moment the page is asked for:

- **first chart**: the first Vega chart drawn (a canvas or SVG of non-zero size inside a
  `.vega-embed`), or none for a page without charts;
- **settled**: the script has finished its run and nothing on screen is stale.

*Cold* is the page's first visit after the server started (nothing cached in this process: the
state right after a load, when the app restarts on the new data); for a user's first page it is
timed from the click on "Sign in", which is what runs it. *Warm* is the median of `--repeats`
further visits by URL (a new script run each time, the server's caches filled).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import duckdb
from playwright.sync_api import sync_playwright

from bench.record import USERS, user_for
from bench.server import streamlit_server
from ui.navigation import PAGES
from workforce import auth

CHROMIUM = Path(os.environ.get("WORKFORCE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 900}
TARGETS_S = {"first_chart": 2.0, "settled": 4.0}  # warm, issue 16
PAGE_TIMEOUT_MS = 600_000

_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
        && document.querySelector('[data-stale="true"]') === null
        && document.querySelector('[data-testid="stSpinner"]') === null;
}"""
_CHART = """() => [...document.querySelectorAll('.vega-embed canvas, .vega-embed svg')]
    .some(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })"""


def _wait(page, started: float) -> dict[str, float | None]:
    """Seconds from `started` to the first chart (None if the page settles without one) and to settled."""
    first_chart = None
    deadline = time.perf_counter() + PAGE_TIMEOUT_MS / 1000
    while time.perf_counter() < deadline:
        if first_chart is None and page.evaluate(_CHART):
            first_chart = time.perf_counter() - started
        if page.evaluate(_SETTLED):
            settled = time.perf_counter() - started
            if first_chart is None and page.evaluate(_CHART):
                first_chart = settled
            return {"first_chart": first_chart, "settled": settled}
        page.wait_for_timeout(20)
    raise TimeoutError(f"{page.url} did not settle within {PAGE_TIMEOUT_MS / 1000:.0f} s")


def measure(db_path: Path, key_path: Path, out_dir: Path, pages: list[str] | None = None,
            repeats: int = 3) -> dict:
    """Cold and warm browser timings per page (as bench.record's user for it), in seconds."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        viewers = {u: auth.viewer_for(con, u) for u in USERS}
    finally:
        con.close()
    specs = [p for p in PAGES if pages is None or p.key in pages]
    users = {spec.key: user_for(spec, viewers) for spec in specs}
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    with streamlit_server(db_path, key_path, out_dir / "streamlit.log") as server:
        base = server.base_url
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for username in dict.fromkeys(users.values()):
                context = chromium.new_context(viewport=VIEWPORT)
                page = context.new_page()
                mine = [key for key, user in users.items() if user == username]
                for i, key in enumerate(mine):
                    if i == 0:  # the sign-in screen of this page; signing in runs it
                        page.goto(f"{base}/{key}")
                        page.wait_for_function(_SETTLED, timeout=PAGE_TIMEOUT_MS)
                        page.get_by_role("textbox", name="Username").fill(username)
                        page.get_by_role("textbox", name="Password").fill(auth.DEMO_PASSWORDS[username])
                        started = time.perf_counter()
                        page.get_by_role("button", name="Sign in").click()
                        page.get_by_text("Signed in as").wait_for(timeout=PAGE_TIMEOUT_MS)
                    else:
                        started = time.perf_counter()
                        page.goto(f"{base}/{key}")
                    cold = _wait(page, started)
                    warm = []
                    for _ in range(repeats):
                        started = time.perf_counter()
                        page.goto(f"{base}/{key}")
                        warm.append(_wait(page, started))
                    results[key] = {"user": username, "cold": cold, "warm": _median(warm)}
                context.close()
            chromium.close()
    return results


def _median(runs: list[dict[str, float | None]]) -> dict[str, float | None]:
    out = {}
    for what in ("first_chart", "settled"):
        values = [r[what] for r in runs if r[what] is not None]
        out[what] = statistics.median(values) if values else None
    return out


def table(results: dict) -> str:
    """The per-page table of docs/performance.md (warm targets: first chart ≤ 2 s, settled ≤ 4 s)."""
    def s(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f} s"

    lines = ["| page | user | first chart cold | settled cold | first chart warm | settled warm | warm target |",
             "|---|---|---|---|---|---|---|"]
    for key, r in results.items():
        ok = all(r["warm"][w] is None or r["warm"][w] <= TARGETS_S[w] for w in TARGETS_S)
        lines.append(f"| {key} | {r['user']} | {s(r['cold']['first_chart'])} | {s(r['cold']['settled'])} | "
                     f"{s(r['warm']['first_chart'])} | {s(r['warm']['settled'])} | {'ok' if ok else 'MISSED'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("out", type=Path, help="results as JSON (the server's log is written beside it)")
    parser.add_argument("--key-file", type=Path, help="pseudonym key (default: beside the database)")
    parser.add_argument("--pages", help="comma-separated page keys (default: every page)")
    parser.add_argument("--repeats", type=int, default=3, help="warm visits per page (the median is kept)")
    args = parser.parse_args(argv)
    results = measure(args.db, args.key_file or args.db.parent / "pseudonym.key", args.out.parent,
                      args.pages.split(",") if args.pages else None, args.repeats)
    args.out.write_text(json.dumps(results, indent=2))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
