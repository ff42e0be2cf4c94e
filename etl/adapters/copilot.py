"""GitHub Copilot per-user daily usage report (NDJSON) → token_usage.

Source: the user-level Copilot usage metrics report, one JSON object per user and day:
`day`, `user_login`, `user_id`, `ai_credits_used`, `user_initiated_interaction_count`,
`code_generation_activity_count`, `loc_added_sum`, `totals_by_cli` (`request_count`,
`token_usage.prompt_tokens_sum`, `token_usage.output_tokens_sum`), `totals_by_ide[]`, ...

- tokens: only the CLI reports tokens (`totals_by_cli.token_usage`); IDE completions and chat
  have none, so a user-day without CLI use has 0 tokens (not unknown activity: requests say it)
- requests = user_initiated_interaction_count (IDE prompts; summed over totals_by_ide when the
  top-level field is absent) + totals_by_cli.request_count
- model: "copilot" (the per-user report has no per-model tokens); cost = ai_credits_used ×
  USD per AI credit when a rate is configured (`usd_per_ai_credit` / WORKFORCE_USD_PER_AI_CREDIT),
  else NULL, since GitHub bills credits on its own schedule, not by tokens
- who: user_login (GitHub login), else user_id; map logins to employees in the identity map
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from etl.adapters.base import AdapterError, AdapterResult, Problem, count, get, money, usage_frame, utc_date

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


def to_contract(obj: Any, *, file: str = "", usd_per_ai_credit: float | None = None) -> AdapterResult:
    rate = _rate(usd_per_ai_credit)
    records, problems = [], []
    rows = _records(obj)
    for n, row in enumerate(rows, start=1):
        try:
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
            records.append(
                {
                    "usage_date": utc_date(row.get("day"), what="day"),
                    "identity_kind": kind,
                    "identity": identity,
                    "tool": TOOL,
                    "vendor": VENDOR,
                    "model": MODEL,
                    "input_tokens": count(get(row, "totals_by_cli.token_usage.prompt_tokens_sum"),
                                          what="totals_by_cli.token_usage.prompt_tokens_sum"),
                    "output_tokens": count(get(row, "totals_by_cli.token_usage.output_tokens_sum"),
                                           what="totals_by_cli.token_usage.output_tokens_sum"),
                    "cache_read_tokens": 0,
                    "cache_write_tokens": 0,
                    "requests": count(ide, what="user_initiated_interaction_count")
                    + count(get(row, "totals_by_cli.request_count"), what="totals_by_cli.request_count"),
                    "agent_seconds": None,
                    "cost_usd": None if rate is None or credits is None else credits * rate,
                }
            )
        except AdapterError as exc:
            problems.append(Problem(file, n, "record", str(exc), ""))
    return AdapterResult(SOURCE, usage_frame(records), problems=problems, source_rows=len(rows))
