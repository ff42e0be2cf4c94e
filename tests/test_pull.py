"""`etl pull` against local HTTP servers that answer like the OpenAI, Anthropic and GitHub APIs:
every page fetched, 429s retried, the next pull resumes from the cursor, pulling days again
replaces them, a truncated page leaves the database exactly as it was, GitHub's report files are
fetched without the token. The server binds 127.0.0.1 only,
and stops by itself after 60 s if a test does not stop it first."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import duckdb
import pytest

from etl.__main__ import main
from etl.pull import PullError, pull
from tests.ingest_helpers import build_tiny_db, db_state

OCT = {d: int(datetime(2026, 10, d, tzinfo=UTC).timestamp()) for d in range(1, 32)}


def _bucket(day: int, input_tokens: int, user: str = "user-abc") -> dict:
    return {"object": "bucket", "start_time": OCT[day], "end_time": OCT[day + 1], "results": [
        {"object": "organization.usage.completions.result", "input_tokens": input_tokens, "input_cached_tokens": 0,
         "output_tokens": 10, "num_model_requests": 1, "model": "gpt-4.1", "user_id": user}]}


class FakeOpenAI:
    """Pages per path and page token; knobs for 429s and a truncated page."""

    def __init__(self):
        self.usage_pages = {None: {"object": "page", "data": [_bucket(5, 100), _bucket(6, 200)], "has_more": True,
                                   "next_page": "p2"},
                            "p2": {"object": "page", "data": [_bucket(7, 300)], "has_more": False, "next_page": None}}
        self.cost_page = {"object": "page", "data": [{"object": "bucket", "start_time": OCT[5], "end_time": OCT[6],
                                                      "results": [{"object": "organization.costs.result",
                                                                   "amount": {"value": 0.5, "currency": "usd"},
                                                                   "line_item": "gpt-4.1, input"}]}],
                          "has_more": False, "next_page": None}
        self.throttle = {"p2": 1}  # answer 429 this many times first
        self.truncate: str | None = None
        self.requests: list[tuple[str, dict]] = []

    def answer(self, path: str, query: dict) -> tuple[int, dict, bytes]:
        self.requests.append((path, query))
        token = query.get("page", [None])[0]
        if self.throttle.get(token):
            self.throttle[token] -= 1
            return 429, {"Retry-After": "0"}, b'{"error": "rate limited"}'
        if path.endswith("/usage/completions"):
            body = json.dumps(self.usage_pages[token]).encode()
            if self.truncate is not None and self.truncate == token:
                body = body[: len(body) // 2]
            return 200, {}, body
        if path.endswith("/costs"):
            return 200, {}, json.dumps(self.cost_page).encode()
        return 404, {}, b"{}"


def _serve(answer, check_headers):
    """A local server on 127.0.0.1 (port chosen by the OS) answering with `answer(path, query)`;
    it shuts itself down after 60 s if the test has not."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            url = urllib.parse.urlsplit(self.path)
            check_headers(self.headers)
            status, headers, body = answer(url.path, urllib.parse.parse_qs(url.query))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep test output quiet
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    stopper = threading.Timer(60, httpd.shutdown)  # bounded in time even if a test hangs
    stopper.daemon = True
    stopper.start()
    return httpd, stopper


@contextmanager
def _serving(answer, check_headers, monkeypatch, url_variable: str) -> Iterator[str]:
    """`_serve` for the length of the block, its base URL in the environment variable the
    puller reads (and yielded); stopped however the block ends."""
    httpd, stopper = _serve(answer, check_headers)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    monkeypatch.setenv(url_variable, base)
    try:
        yield base
    finally:
        stopper.cancel()
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(monkeypatch):
    fake = FakeOpenAI()

    def check(headers):
        assert headers["Authorization"] == "Bearer test-key"

    monkeypatch.setenv("OPENAI_ADMIN_KEY", "test-key")
    with _serving(fake.answer, check, monkeypatch, "WORKFORCE_OPENAI_API_URL"):
        yield fake


@pytest.fixture
def db(tmp_path):
    return build_tiny_db(tmp_path / "tiny.duckdb")


def _usage(db) -> list[tuple]:
    con = duckdb.connect(str(db))
    try:
        return con.execute("SELECT usage_date::VARCHAR, input_tokens FROM stg_vendor_usage ORDER BY 1").fetchall()
    finally:
        con.close()


def test_pull_reads_every_page_retries_429_and_resumes_from_its_cursor(server, db):
    waits = []
    report = pull("openai", db, since=date(2026, 10, 5), until=date(2026, 10, 8), sleep=waits.append)
    assert report.ingest.status == "loaded", report.ingest.problems
    assert _usage(db) == [("2026-10-05", 100), ("2026-10-06", 200), ("2026-10-07", 300)]
    pages = [q.get("page", [None])[0] for p, q in server.requests if p.endswith("completions")]
    assert pages == [None, "p2", "p2"] and waits == [0.0]  # the 429 was waited for (Retry-After: 0) and retried
    first = server.requests[0][1]
    assert first["start_time"] == [str(OCT[5])] and "user_id" in first["group_by"]
    con = duckdb.connect(str(db))
    assert con.execute("SELECT amount_usd FROM stg_vendor_cost").fetchall() == [(0.5,)]
    con.close()
    # the next pull, without --since, starts from the last day pulled (it may have been incomplete)
    server.requests.clear()
    server.usage_pages = {None: {"object": "page", "data": [_bucket(7, 350), _bucket(8, 400)], "has_more": False}}
    assert main(["pull", "openai", "--until", "2026-10-09", "--db", str(db)]) == 0
    assert server.requests[0][1]["start_time"] == [str(OCT[7])]
    # day 7 replaced (350, not 300 + 350), day 8 added, days 5 and 6 untouched
    assert _usage(db) == [("2026-10-05", 100), ("2026-10-06", 200), ("2026-10-07", 350), ("2026-10-08", 400)]


def test_pulling_the_same_days_again_changes_nothing(server, db):
    pull("openai", db, since=date(2026, 10, 5), until=date(2026, 10, 8), sleep=lambda _s: None)
    before = _usage(db)
    server.throttle = {}
    again = pull("openai", db, since=date(2026, 10, 5), until=date(2026, 10, 8), sleep=lambda _s: None)
    assert again.ingest.status == "nothing_to_load"  # same answer, same content: already loaded
    server.usage_pages[None]["data"][0]["results"][0]["output_tokens"] = 11  # a changed answer replaces the days
    replaced = pull("openai", db, since=date(2026, 10, 5), until=date(2026, 10, 8), sleep=lambda _s: None)
    assert replaced.ingest.status == "loaded"
    assert _usage(db) == before  # still one row per day, not two


def test_a_truncated_page_leaves_the_database_unchanged(server, db):
    pull("openai", db, since=date(2026, 10, 5), until=date(2026, 10, 8), sleep=lambda _s: None)
    con = duckdb.connect(str(db))
    state = db_state(con)
    con.close()
    server.throttle, server.truncate = {}, "p2"
    server.usage_pages["p2"]["data"][0]["results"][0]["input_tokens"] = 999
    with pytest.raises(PullError, match="not complete JSON"):
        pull("openai", db, since=date(2026, 10, 5), until=date(2026, 10, 8), sleep=lambda _s: None)
    con = duckdb.connect(str(db))
    assert db_state(con) == state
    con.close()


def test_without_a_key_the_pull_says_where_to_put_one(server, db, monkeypatch, tmp_path):
    monkeypatch.delenv("OPENAI_ADMIN_KEY")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PullError, match="OPENAI_ADMIN_KEY"):
        pull("openai", db, since=date(2026, 10, 5), until=date(2026, 10, 8))


def test_anthropic_pull_reads_usage_cost_and_claude_code_day_by_day_from_the_monday(monkeypatch, db):
    requests = []

    def answer(path, query):
        requests.append((path, query))
        if path.endswith("/usage_report/messages"):
            page = {"data": [{"starting_at": "2026-10-06T00:00:00Z", "ending_at": "2026-10-07T00:00:00Z",
                              "results": [{"uncached_input_tokens": 1000, "output_tokens": 100,
                                           "cache_read_input_tokens": 0, "model": "claude-sonnet-4-5-20250929",
                                           "api_key_id": "k1", "service_tier": "batch"}]}],
                    "has_more": False, "next_page": None}
        elif path.endswith("/cost_report"):
            page = {"data": [{"starting_at": "2026-10-06T00:00:00Z", "results": [
                {"currency": "USD", "amount": "150", "model": "claude-sonnet-4-5-20250929", "cost_type": "tokens",
                 "token_type": "output_tokens", "service_tier": "batch"}]}], "has_more": False, "next_page": None}
        elif path.endswith("/usage_report/claude_code"):
            day = query["starting_at"][0]
            records = [] if day != "2026-10-06" else [{
                "date": "2026-10-06T00:00:00Z", "actor": {"type": "user_actor", "email_address": "ana.lima@example.com"},
                "core_metrics": {"pull_requests_by_claude_code": 2}, "model_breakdown": []}]
            page = {"data": records, "has_more": False, "next_page": None}
        else:
            return 404, {}, b"{}"
        return 200, {}, json.dumps(page).encode()

    def check(headers):
        assert headers["x-api-key"] == "ant-test" and headers["anthropic-version"] == "2023-06-01"

    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", "ant-test")
    with _serving(answer, check, monkeypatch, "WORKFORCE_ANTHROPIC_API_URL"):
        report = pull("anthropic", db, since=date(2026, 10, 6), until=date(2026, 10, 8))
    assert report.ingest.status == "loaded", report.ingest.problems
    usage = next(q for p, q in requests if p.endswith("/messages"))
    assert usage["starting_at"] == ["2026-10-06T00:00:00Z"] and "service_tier" in usage["group_by[]"]
    # Claude Code one day per request, from the Monday so that its weekly outcomes are whole
    days = [q["starting_at"][0] for p, q in requests if p.endswith("/claude_code")]
    assert days == ["2026-10-05", "2026-10-06", "2026-10-07"]
    con = duckdb.connect(str(db))
    try:
        assert con.execute("SELECT service_tier, employee_id FROM stg_vendor_usage").fetchall() == [("batch", None)]
        assert con.execute("SELECT employee_id, changes_landed FROM stg_vendor_outcomes").fetchall() == [("E1", 2)]
        assert con.execute("SELECT amount_usd FROM stg_vendor_cost").fetchall() == [(1.5,)]
    finally:
        con.close()


def test_github_pull_follows_the_report_links_without_sending_the_token(monkeypatch, db):
    seen = []

    def answer(path, query):
        if path.startswith("/orgs/acme/copilot/metrics/reports/users-1-day"):
            day = query["day"][0]
            return 200, {}, json.dumps({"download_links": [f"{base}/files/{day}.ndjson"], "report_day": day}).encode()
        if path.startswith("/files/"):
            if path.endswith("2026-10-06.ndjson"):
                line = {"day": "2026-10-06", "user_login": "Octo", "user_initiated_interaction_count": 4,
                        "code_acceptance_activity_count": 3, "loc_added_sum": 12}
                return 200, {}, (json.dumps(line) + "\n").encode()
            return 200, {}, b""
        return 404, {}, b"{}"

    def check(headers):
        seen.append(headers.get("Authorization"))

    monkeypatch.setenv("WORKFORCE_GITHUB_ORG", "acme")
    monkeypatch.setenv("GITHUB_TOKEN", "gh-test")
    with _serving(answer, check, monkeypatch, "WORKFORCE_GITHUB_API_URL") as base:
        report = pull("github", db, since=date(2026, 10, 6), until=date(2026, 10, 7))
    assert report.ingest.status == "loaded", report.ingest.problems
    # API calls carry the token (Monday 5 and Tuesday 6 October); the signed report files never do
    assert seen == ["Bearer gh-test", None, "Bearer gh-test", None]
    con = duckdb.connect(str(db))
    try:
        assert con.execute("SELECT identity, requests FROM stg_vendor_usage").fetchall() == [("octo", 4)]
        assert con.execute("SELECT suggestions_accepted FROM stg_vendor_outcomes").fetchall() == [(3,)]
    finally:
        con.close()
