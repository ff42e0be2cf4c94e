"""GitHub Copilot per-user daily usage report (NDJSON) → token_usage.

Source: the user-level Copilot usage metrics report, one JSON object per user and day:
`day`, `user_login`, `user_id`, `ai_credits_used`, `user_initiated_interaction_count`,
`code_generation_activity_count`, `loc_added_sum`, `totals_by_cli` (`request_count`,
`token_usage.prompt_tokens_sum`, `token_usage.output_tokens_sum`), `totals_by_ide[]`, ...

- tokens: only the CLI reports tokens (`totals_by_cli.token_usage`); IDE completions and chat
  have none, so a user-day without CLI use has 0 tokens (not unknown activity: requests say it)
- requests = user_initiated_interaction_count (IDE prompts; summed over totals_by_ide when the
  top-level field is absent) + totals_by_cli.request_count
- model: "copilot" for tokens, CLI requests and credits (the report has no per-model tokens);
  IDE interactions split by model when `totals_by_model_feature[]` is there ("copilot/<model>");
- outcomes per user and week: suggestions_accepted = code_acceptance_activity_count,
  lines_accepted = loc_added_sum (not changes landed: an accepted suggestion is not a merged change)
- cost = ai_credits_used ×
  USD per AI credit when a rate is configured (`usd_per_ai_credit` / WORKFORCE_USD_PER_AI_CREDIT),
  else NULL, since GitHub bills credits on its own schedule, not by tokens
- who: user_login (GitHub login), else user_id; map logins to employees in the identity map
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from etl.adapters.base import (
    AdapterError,
    AdapterResult,
    Rows,
    count,
    get,
    money,
    read_records,
    utc_date,
    week_start,
)

SOURCE = "copilot"
TOOL = "GitHub Copilot"
VENDOR = "github"
MODEL = "copilot"


def _records(obj: Any) -> list[Any]:
    if isinstance(obj, Mapping):
        return [obj]
    return list(obj) if isinstance(obj, list) else []


def detect(obj: Any) -> bool:
    records = _records(obj)
    return bool(records) and isinstance(records[0], Mapping) and "day" in records[0] and (
        "totals_by_cli" in records[0] or "ai_credits_used" in records[0] or "loc_added_sum" in records[0]
    )


def _rate(usd_per_ai_credit: float | None) -> float | None:
    if usd_per_ai_credit is not None:
        return usd_per_ai_credit
    env = os.environ.get("WORKFORCE_USD_PER_AI_CREDIT")
    return float(env) if env else None


def _by_model(row: Mapping[str, Any]) -> dict[str, int]:
    """IDE interactions per model from `totals_by_model_feature[]` (no tokens there: requests only)."""
    requests: dict[str, int] = {}
    for part in row.get("totals_by_model_feature") or []:
        if isinstance(part, Mapping) and part.get("model"):
            name = str(part["model"]).strip()
            requests[name] = requests.get(name, 0) + count(
                part.get("user_initiated_interaction_count"), what="totals_by_model_feature.user_initiated_interaction_count")
    return requests


def to_contract(obj: Any, *, file: str = "", usd_per_ai_credit: float | None = None) -> AdapterResult:
    rate = _rate(usd_per_ai_credit)
    rows = _records(obj)
    return read_records(SOURCE, enumerate(rows, start=1), lambda row: _rows(row, rate), file=file, column="record",
                        source_rows=len(rows), tables=("token_usage", "outcomes"))


def _rows(row: Any, rate: float | None) -> Rows:
    if not isinstance(row, Mapping):
        raise AdapterError("each line must be a JSON object")
    if row.get("user_login"):
        kind, identity = "github:user_login", str(row["user_login"]).strip().lower()
    elif row.get("user_id") is not None:
        kind, identity = "github:user_id", str(row["user_id"])
    else:
        raise AdapterError("user_login or user_id is required (user-level report)")
    ide = row.get("user_initiated_interaction_count")
    if ide is None:
        ide = sum(count(i.get("user_initiated_interaction_count"), what="user_initiated_interaction_count")
                  for i in row.get("totals_by_ide") or [] if isinstance(i, Mapping))
    credits = money(row.get("ai_credits_used"), what="ai_credits_used")
    day = utc_date(row.get("day"), what="day")
    ide = count(ide, what="user_initiated_interaction_count")
    by_model = _by_model(row)
    # IDE interactions per model where the report splits them; what it does not split,
    # the CLI's requests and tokens, and the credits stay on model "copilot".
    rest = max(ide - sum(by_model.values()), 0)
    common = {"usage_date": day, "identity_kind": kind, "identity": identity, "tool": TOOL, "vendor": VENDOR}
    usage = [{**common, "model": f"{MODEL}/{name}", "requests": requests} for name, requests in by_model.items()]
    usage.append({
        **common,
        "model": MODEL,
        "input_tokens": count(get(row, "totals_by_cli.token_usage.prompt_tokens_sum"),
                              what="totals_by_cli.token_usage.prompt_tokens_sum"),
        "output_tokens": count(get(row, "totals_by_cli.token_usage.output_tokens_sum"),
                               what="totals_by_cli.token_usage.output_tokens_sum"),
        "requests": rest + count(get(row, "totals_by_cli.request_count"), what="totals_by_cli.request_count"),
        "cost_usd": None if rate is None or credits is None else credits * rate,
        "cost_basis": "reported",
    })
    # Value signals beside activity: suggestions accepted and the lines they added. Not
    # changes landed (an accepted suggestion is not a merged change).
    outcome = {
        "week_start": week_start(day), "identity_kind": kind, "identity": identity,
        "suggestions_accepted": count(row.get("code_acceptance_activity_count"), what="code_acceptance_activity_count"),
        "lines_accepted": count(row.get("loc_added_sum"), what="loc_added_sum"),
    }
    return Rows(usage=usage, outcomes=[outcome])


# --- the older organisation-level metrics (`GET /orgs/{org}/copilot/metrics`) -----------------

ORG_METRICS_MARKERS = ("copilot_ide_code_completions", "copilot_ide_chat", "copilot_dotcom_chat",
                       "total_engaged_users")


def _detect_org_metrics(obj: Any) -> bool:
    records = _records(obj)
    return bool(records) and isinstance(records[0], Mapping) and "date" in records[0] and any(
        m in records[0] for m in ORG_METRICS_MARKERS)


def _org_metrics(obj: Any, *, file: str = "") -> AdapterResult:
    raise AdapterError(
        "GitHub Copilot organisation metrics (GET /orgs/{org}/copilot/metrics) count users per day for the "
        "whole organisation, with no person in them, so they cannot be attributed: export the per-user "
        "usage report (users-1-day NDJSON) instead")


org_metrics = SimpleNamespace(SOURCE="copilot_org_metrics", detect=_detect_org_metrics, to_contract=_org_metrics)
