"""Scheduled pulls from the vendors' Admin APIs: `python -m etl pull VENDOR --since DATE --db PATH`.

Each vendor has a few documented endpoints (below). A pull fetches every page of each for the
days [since, until), keeps them as one JSON document per endpoint (the same shape a file export
has) and loads them through `etl.ingest.ingest_files`: the same guards, validation, identity
mapping and load history as a file, all or nothing. A page that is not complete JSON (a
truncated or broken answer) stops the pull before anything is written.

- **Pagination**: `has_more` / `next_page`, passed back as `page`, until `has_more` is false.
- **Rate limits**: 429 and 5xx are retried (at most `MAX_ATTEMPTS` tries per page), waiting what
  `Retry-After` says (capped), else an exponential back-off.
- **Incremental**: `app_pull_cursors` keeps, per vendor, the day the next pull starts from: the
  last day pulled, which may have been incomplete, so it is fetched again. `--since` overrides it.
- **Idempotent**: pulling days again replaces what earlier pulls loaded for those days (in the
  load's transaction); days loaded from a file are refused as "already loaded" instead.
- **GitHub Copilot**: the per-user daily report (`users-1-day`) of `WORKFORCE_GITHUB_ORG`, one
  request per day answering with download links to NDJSON files (fetched without the token).
- **Keys**: from the environment (`ANTHROPIC_ADMIN_KEY`, `OPENAI_ADMIN_KEY`, `GITHUB_TOKEN`) or Streamlit
  secrets (`[vendors] anthropic_admin_key = "..."` in `.streamlit/secrets.toml`); never logged,
  never stored. Base URLs can be pointed elsewhere (`WORKFORCE_ANTHROPIC_API_URL`,
  `WORKFORCE_OPENAI_API_URL`), e.g. at a test server.
"""

from __future__ import annotations

import json
import os
import time
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from etl.adapters.base import bucket_results, data_items, week_start
from etl.adapters.detect import InputFile
from etl.ingest import IngestReport, Replacement, ensure_tables, ingest_files

MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 60.0
TIMEOUT_SECONDS = 30.0
MAX_PAGES = 10_000  # a server that never says has_more = false is stopped, not followed forever


class PullError(RuntimeError):
    """The pull could not complete: nothing was written."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    source: str  # the adapter that reads its pages
    params: Callable[[date, date], dict[str, Any]]
    per_day: bool = False  # Claude Code analytics answers one day per request
    whole_weeks: bool = False  # its outcomes are per week: pull from the Monday
    report_links: bool = False  # GitHub answers with download links to NDJSON report files


@dataclass(frozen=True)
class Vendor:
    name: str
    base_env: str
    default_base: str
    key_env: str
    secret_name: str
    headers: Callable[[str], dict[str, str]]
    endpoints: tuple[Endpoint, ...]
    org_env: str | None = None  # GitHub: the organisation, part of the path ({org})


def _iso(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _unix(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


VENDORS: dict[str, Vendor] = {
    "anthropic": Vendor(
        "anthropic", "WORKFORCE_ANTHROPIC_API_URL", "https://api.anthropic.com", "ANTHROPIC_ADMIN_KEY",
        "anthropic_admin_key",
        lambda key: {"x-api-key": key, "anthropic-version": "2023-06-01"},
        (
            Endpoint("usage", "/v1/organizations/usage_report/messages", "anthropic_usage",
                     lambda since, until: {"starting_at": _iso(since), "ending_at": _iso(until), "bucket_width": "1d",
                                           "group_by[]": ["model", "api_key_id", "workspace_id", "service_tier"],
                                           "limit": 31}),
            Endpoint("cost", "/v1/organizations/cost_report", "anthropic_cost",
                     lambda since, until: {"starting_at": _iso(since), "ending_at": _iso(until),
                                           "group_by[]": ["workspace_id", "description"], "limit": 31}),
            Endpoint("claude_code", "/v1/organizations/usage_report/claude_code", "claude_code",
                     lambda day, _until: {"starting_at": day.isoformat(), "limit": 1000},
                     per_day=True, whole_weeks=True),
        ),
    ),
    "openai": Vendor(
        "openai", "WORKFORCE_OPENAI_API_URL", "https://api.openai.com", "OPENAI_ADMIN_KEY", "openai_admin_key",
        lambda key: {"Authorization": f"Bearer {key}"},
        (
            Endpoint("usage", "/v1/organization/usage/completions", "openai_usage",
                     lambda since, until: {"start_time": _unix(since), "end_time": _unix(until), "bucket_width": "1d",
                                           "group_by": ["model", "user_id", "project_id", "api_key_id", "batch",
                                                        "service_tier"], "limit": 31}),
            Endpoint("cost", "/v1/organization/costs", "openai_cost",
                     lambda since, until: {"start_time": _unix(since), "end_time": _unix(until), "bucket_width": "1d",
                                           "group_by": ["line_item", "project_id"], "limit": 31}),
        ),
    ),
}


VENDORS["github"] = Vendor(
    "github", "WORKFORCE_GITHUB_API_URL", "https://api.github.com", "GITHUB_TOKEN", "github_token",
    lambda key: {"Authorization": f"Bearer {key}", "Accept": "application/vnd.github+json",
                 "X-GitHub-Api-Version": "2022-11-28"},
    (
        Endpoint("copilot_users", "/orgs/{org}/copilot/metrics/reports/users-1-day", "copilot",
                 lambda day, _until: {"day": day.isoformat()}, per_day=True, whole_weeks=True, report_links=True),
    ),
    org_env="WORKFORCE_GITHUB_ORG",
)


def fetch_report(base: str, endpoint: Endpoint, headers: dict[str, str], params: dict[str, Any], *,
                 sleep: Callable[[float], None] = time.sleep) -> list[Any]:
    """GitHub's report endpoints: a JSON answer with `download_links` to NDJSON files. The files
    are signed URLs on another host: fetched without the token, every line must be JSON."""
    answer = fetch_page(f"{base}{endpoint.path}?{urllib.parse.urlencode(params)}", headers, sleep=sleep)
    links = answer.get("download_links") if isinstance(answer, dict) else None
    if not isinstance(links, list):
        raise PullError(f"{endpoint.path}: an answer without download_links; nothing was loaded")
    records: list[Any] = []
    for link in links:
        request = urllib.request.Request(str(link))
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                text = response.read().decode("utf-8")
        except (urllib.error.URLError, TimeoutError, UnicodeDecodeError) as error:
            raise PullError(f"{_safe(str(link))}: report file not read ({error}); nothing was loaded") from None
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise PullError(f"{_safe(str(link))}: line {number} is not complete JSON ({error}); "
                                    "nothing was loaded") from None
    return records


def api_key(vendor: Vendor, secrets_paths: tuple[Path, ...] | None = None) -> str:
    """The vendor's admin key: the environment first, then Streamlit's secrets files."""
    key = os.environ.get(vendor.key_env, "").strip()
    if key:
        return key
    paths = secrets_paths if secrets_paths is not None else (
        Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml")
    for path in paths:
        if path.is_file():
            try:
                secrets = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise PullError(f"{path} is not valid TOML ({error})") from None
            value = (secrets.get("vendors") or {}).get(vendor.secret_name)
            if value:
                return str(value)
    raise PullError(f"no API key for {vendor.name}: set {vendor.key_env} or [vendors] {vendor.secret_name} in "
                    ".streamlit/secrets.toml")


def _wait_seconds(error: urllib.error.HTTPError, attempt: int) -> float:
    retry_after = error.headers.get("Retry-After") if error.headers else None
    try:
        wait = float(retry_after) if retry_after is not None else 2.0 ** attempt
    except ValueError:
        wait = 2.0 ** attempt
    return min(max(wait, 0.0), MAX_WAIT_SECONDS)


def fetch_page(url: str, headers: dict[str, str], *, sleep: Callable[[float], None] = time.sleep) -> Any:
    """One page as parsed JSON, retrying 429 and 5xx answers; PullError on anything else."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        request = urllib.request.Request(url, headers={**headers, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (https or a test URL)
                body = response.read()
        except urllib.error.HTTPError as error:
            if (error.code == 429 or error.code >= 500) and attempt < MAX_ATTEMPTS:
                sleep(_wait_seconds(error, attempt))
                continue
            raise PullError(f"{_safe(url)}: HTTP {error.code} after {attempt} attempt(s)") from None
        except (urllib.error.URLError, TimeoutError) as error:
            if attempt < MAX_ATTEMPTS:
                sleep(min(2.0 ** attempt, MAX_WAIT_SECONDS))
                continue
            raise PullError(f"{_safe(url)}: {getattr(error, 'reason', error)}") from None
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PullError(f"{_safe(url)}: the answer is not complete JSON ({error}); nothing was loaded") from None
    raise PullError(f"{_safe(url)}: no answer after {MAX_ATTEMPTS} attempts")


def _safe(url: str) -> str:
    """The URL without its query (the query holds no key, but keep messages short)."""
    return url.split("?", 1)[0]


def fetch_all(base: str, endpoint: Endpoint, headers: dict[str, str], params: dict[str, Any], *,
              sleep: Callable[[float], None] = time.sleep) -> Iterator[Any]:
    page_token = None
    for _ in range(MAX_PAGES):
        query = dict(params)
        if page_token:
            query["page"] = page_token
        page = fetch_page(f"{base}{endpoint.path}?{urllib.parse.urlencode(query, doseq=True)}", headers, sleep=sleep)
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise PullError(f"{endpoint.path}: a page without a data list; nothing was loaded")
        yield page
        if not page.get("has_more"):
            return
        page_token = page.get("next_page")
        if not page_token:
            raise PullError(f"{endpoint.path}: has_more without next_page; nothing was loaded")
    raise PullError(f"{endpoint.path}: more than {MAX_PAGES} pages; narrow the window")


def _has_records(pages: list[Any], endpoint: Endpoint) -> bool:
    if endpoint.per_day:
        return bool(data_items(pages))
    return any(True for _ in bucket_results(pages))


# --- cursors ---------------------------------------------------------------------------------


def _ensure_cursors(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS app_pull_cursors (vendor VARCHAR PRIMARY KEY, next_since DATE NOT NULL, "
                "pulled_at TIMESTAMP NOT NULL, load_id VARCHAR)")


def cursor(con: duckdb.DuckDBPyConnection, vendor: str) -> date | None:
    _ensure_cursors(con)
    rows = con.execute("SELECT next_since FROM app_pull_cursors WHERE vendor = ?", [vendor]).fetchall()
    return rows[0][0] if rows else None


def _pulled_loads(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    rows = con.execute("SELECT DISTINCT f.load_id FROM app_load_files f JOIN app_load_history h USING (load_id) "
                       "WHERE f.name LIKE 'pull-%' AND h.status = 'loaded'").fetchall()
    return frozenset(r[0] for r in rows)


@dataclass
class PullReport:
    vendor: str
    since: date
    until: date
    pages: int
    ingest: IngestReport | None

    @property
    def message(self) -> str:
        loaded = self.ingest.message if self.ingest else "Nothing to load: the API returned no usage for these days."
        return f"{self.vendor}: {self.pages} page(s) for {self.since} to {self.until} (exclusive). {loaded}"


def pull(vendor_name: str, db: Path | str, *, since: date | None = None, until: date | None = None,
         user: str = "etl pull", key: str | None = None, sleep: Callable[[float], None] = time.sleep) -> PullReport:
    """Fetch [since, until) from the vendor's endpoints and load it; PullError leaves the database as it was."""
    if vendor_name not in VENDORS:
        raise PullError(f"unknown vendor {vendor_name!r}: one of {', '.join(VENDORS)}")
    vendor = VENDORS[vendor_name]
    until = until or datetime.now(UTC).date() + timedelta(days=1)
    con = duckdb.connect(str(db))
    try:
        ensure_tables(con)
        _ensure_cursors(con)
        since = since or cursor(con, vendor.name)
        if since is None:
            raise PullError(f"first pull of {vendor.name}: give --since YYYY-MM-DD (later pulls resume from where "
                            "the last one stopped)")
        if since >= until:
            raise PullError(f"--since {since} is not before {until}")
        headers = vendor.headers(key or api_key(vendor))
        base = os.environ.get(vendor.base_env, vendor.default_base).rstrip("/")
        org = os.environ.get(vendor.org_env, "").strip() if vendor.org_env else ""
        if vendor.org_env and not org:
            raise PullError(f"{vendor.name}: set {vendor.org_env} to the organisation to pull")
        files, windows, pages_read = [], {}, 0
        for endpoint in vendor.endpoints:
            start = week_start(since) if endpoint.whole_weeks else since
            pages: list[Any] = []
            days = [start + timedelta(days=n) for n in range((until - start).days)] if endpoint.per_day else [start]
            endpoint = replace(endpoint, path=endpoint.path.replace("{org}", urllib.parse.quote(org)))
            for day in days:
                if endpoint.report_links:
                    pages += fetch_report(base, endpoint, headers, endpoint.params(day, until), sleep=sleep)
                else:
                    pages += fetch_all(base, endpoint, headers, endpoint.params(day, until), sleep=sleep)
            pages_read += len(pages)
            windows[endpoint.source] = (start, until)
            if endpoint.report_links and pages:
                name = f"pull-{vendor.name}-{endpoint.name}-{start}-{until}.ndjson"
                files.append(InputFile(name, "\n".join(json.dumps(r) for r in pages).encode("utf-8")))
            elif not endpoint.report_links and _has_records(pages, endpoint):
                name = f"pull-{vendor.name}-{endpoint.name}-{start}-{until}.json"
                files.append(InputFile(name, json.dumps(pages).encode("utf-8")))
        report = None
        if files:
            report = ingest_files(files, con, user=user, today=until,
                                  replacing=Replacement(windows, _pulled_loads(con)))
            if not report.ok:
                raise PullError(report.message + " " + "; ".join(map(str, report.problems[:10])))
        # the last day may have been incomplete: the next pull starts from it again
        con.execute("INSERT OR REPLACE INTO app_pull_cursors VALUES (?, ?, ?, ?)",
                    [vendor.name, until - timedelta(days=1), datetime.now(UTC).replace(tzinfo=None),
                     report.load_id if report else None])
        return PullReport(vendor.name, since, until, pages_read, report)
    finally:
        con.close()
