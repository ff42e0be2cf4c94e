"""LiteLLM proxy spend logs and daily per-user roll-up → token_usage.

Two sources, one module (`spend_logs` and `daily_user_spend` are the adapters):

`LiteLLM_SpendLogs` (one row per request; DB export as CSV/Parquet/JSON, or `/spend/logs`
JSON): `request_id`, `startTime`, `user`, `end_user`, `team_id`, `api_key`, `model`,
`custom_llm_provider`, `prompt_tokens`, `completion_tokens`, `spend`, `status`, `metadata`
(JSON; `usage_object` holds `cache_read_input_tokens` / `cache_creation_input_tokens` /
`prompt_tokens_details.cached_tokens`).

`LiteLLM_DailyUserSpend` (one row per user, day, key, model, provider): `user_id`, `date`,
`api_key`, `model`, `custom_llm_provider`, `prompt_tokens`, `completion_tokens`,
`cache_read_input_tokens`, `cache_creation_input_tokens`, `spend`, `api_requests`,
`successful_requests`, `failed_requests`.

Trap: LiteLLM normalises every provider to the OpenAI convention, so `prompt_tokens`
INCLUDES cache reads and cache writes. input = prompt_tokens − cache_read − cache_creation.
Cost: `spend` is USD per row, taken as reported. Requests: one per spend-log row that did not fail
(`status = failure` counts none); `successful_requests` in the roll-up (else `api_requests`).
A spend-log row with `cache_hit = True` was answered from LiteLLM's cache: request counted, no
tokens, $0. A roll-up row with an empty model (MCP tool rows) is kept as model "(no model)". Never load both sources for the same days: they are the same usage twice
(ingest refuses rows that overlap usage already loaded).
Who: `user`/`user_id` (an email when it holds one), else `end_user`, else the (hashed) api_key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import pandas as pd

from etl.adapters.base import AdapterError, AdapterResult, Problem, count, get, money, usage_frame, utc_date

TOOL = "LiteLLM gateway"
SPEND_LOG_MARKERS = {"request_id", "startTime", "prompt_tokens", "completion_tokens", "spend"}
DAILY_MARKERS = {"user_id", "date", "prompt_tokens", "completion_tokens", "spend", "api_requests"}


def records_of(obj: Any) -> list[Mapping[str, Any]]:
    """Tabular exports arrive as a DataFrame, JSON as a list of objects or `{"data": [...]}`."""
    if isinstance(obj, pd.DataFrame):
        frame = obj.astype(object).where(obj.notna(), None)
        return frame.to_dict(orient="records")
    if isinstance(obj, Mapping) and isinstance(obj.get("data"), list):
        obj = obj["data"]
    if isinstance(obj, list):
        return [r for r in obj if isinstance(r, Mapping)]
    return []


def _columns(obj: Any) -> set[str]:
    if isinstance(obj, pd.DataFrame):
        return set(obj.columns)
    records = records_of(obj)
    return set(records[0]) if records else set()


NO_MODEL = "(no model)"


def vendor_and_model(model: Any, provider: Any, *, allow_empty: bool = False) -> tuple[str, str]:
    text = str(model or "").strip()
    if not text:
        if not allow_empty:
            raise AdapterError("model is missing")
        # LiteLLM's schema allows an empty model (MCP tool calls, pass-through routes): the row
        # is kept under "(no model)", its spend as reported, its tokens unpriced.
        return (str(provider).strip().lower() if provider else "litellm"), NO_MODEL
    prefix, _, rest = text.partition("/")
    if rest and not provider:
        provider = prefix
    if rest and prefix == provider:
        text = rest
    return (str(provider).strip().lower() if provider else "litellm"), text


def identity_of(record: Mapping[str, Any], user_field: str) -> tuple[str, str]:
    user = record.get(user_field)
    if user and str(user).strip():
        text = str(user).strip()
        return ("email", text.lower()) if "@" in text else ("litellm:user_id", text)
    if record.get("end_user"):
        return "litellm:end_user", str(record["end_user"])
    if record.get("api_key"):
        return "litellm:api_key", str(record["api_key"])
    return "litellm:organization", "(no user or key)"


def _usage_object(record: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = record.get("metadata")
    if isinstance(metadata, str) and metadata.strip():
        try:
            metadata = json.loads(metadata)
        except json.JSONDecodeError as exc:
            raise AdapterError(f"metadata is not valid JSON ({exc.msg})") from exc
    if not isinstance(metadata, Mapping):
        return {}
    usage = metadata.get("usage_object")
    return usage if isinstance(usage, Mapping) else {}


def _split_prompt(prompt: int, cache_read: int, cache_write: int) -> int:
    if cache_read + cache_write > prompt:
        raise AdapterError(
            f"prompt_tokens ({prompt}) includes cache tokens, so cache read + write ({cache_read + cache_write}) cannot exceed it"
        )
    return prompt - cache_read - cache_write


def _truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def _record(row: Mapping[str, Any], *, day: Any, day_field: str, user_field: str,
            usage: Mapping[str, Any], requests: int, cache_hit: bool = False,
            allow_empty_model: bool = False) -> dict[str, Any]:
    """One token_usage record from a LiteLLM row: prompt_tokens already counts cache tokens.

    `usage` holds the cache counts: the row itself in the daily roll-up, the request's usage
    object in the spend logs (where a provider may report reads as prompt_tokens_details).
    """
    cache_read = count(
        usage.get("cache_read_input_tokens") or get(usage, "prompt_tokens_details.cached_tokens"),
        what="cache_read_input_tokens",
    )
    cache_write = count(usage.get("cache_creation_input_tokens"), what="cache_creation_input_tokens")
    prompt = count(row.get("prompt_tokens"), what="prompt_tokens")
    vendor, model = vendor_and_model(row.get("model"), row.get("custom_llm_provider"),
                                     allow_empty=allow_empty_model)
    kind, identity = identity_of(row, user_field)
    output = count(row.get("completion_tokens"), what="completion_tokens")
    input_tokens = _split_prompt(prompt, cache_read, cache_write)
    if cache_hit:
        # Answered from LiteLLM's own response cache: no provider call, no tokens billed, $0.
        # The tokens LiteLLM logs are those of the cached answer; adding them would count usage
        # nobody paid for. The request still counts (someone asked).
        input_tokens = output = cache_read = cache_write = 0
    return {
        "usage_date": utc_date(day, what=day_field),
        "identity_kind": kind,
        "identity": identity,
        "tool": TOOL,
        "vendor": vendor,
        "model": model,
        "input_tokens": input_tokens,
        "output_tokens": output,
        "cache_read_tokens": cache_read,
        "cache_write_tokens": cache_write,
        "requests": requests,
        "agent_seconds": None,
        "cost_usd": money(row.get("spend"), what="spend") or 0.0,
        "cost_basis": "reported",
    }


# --- LiteLLM_SpendLogs ------------------------------------------------------------------------


def _detect_spend_logs(obj: Any) -> bool:
    return SPEND_LOG_MARKERS <= _columns(obj)


def _spend_logs(obj: Any, *, file: str = "") -> AdapterResult:
    rows = records_of(obj)
    records, problems, seen = [], [], {}
    for n, row in enumerate(rows, start=1):
        request_id = row.get("request_id")
        if request_id in seen:
            problems.append(Problem(file, n, "request_id", f"duplicate request_id (first on row {seen[request_id]})",
                                    str(request_id)))
            continue
        seen[request_id] = n
        status = str(row.get("status") or "success").strip().lower()
        try:
            # A failed request (status "failure") reached nobody's answer: it is not a request
            # served; its tokens and spend (normally 0) are kept as LiteLLM logged them.
            records.append(_record(row, day=row.get("startTime"), day_field="startTime", user_field="user",
                                   usage=_usage_object(row), requests=0 if status == "failure" else 1,
                                   cache_hit=_truthy(row.get("cache_hit"))))
        except AdapterError as exc:
            problems.append(Problem(file, n, "row", str(exc), ""))
    return AdapterResult("litellm_spend_logs", usage_frame(records), problems=problems, source_rows=len(rows))


# --- LiteLLM_DailyUserSpend -------------------------------------------------------------------


def _detect_daily(obj: Any) -> bool:
    return DAILY_MARKERS <= _columns(obj)


def _daily(obj: Any, *, file: str = "") -> AdapterResult:
    rows = records_of(obj)
    records, problems = [], []
    for n, row in enumerate(rows, start=1):
        try:
            # successful_requests when the export has it: api_requests counts failed calls too.
            served = row.get("successful_requests")
            requests = (count(served, what="successful_requests") if served is not None
                        else count(row.get("api_requests"), what="api_requests"))
            records.append(_record(row, day=row.get("date"), day_field="date", user_field="user_id", usage=row,
                                   requests=requests, allow_empty_model=True))
        except AdapterError as exc:
            problems.append(Problem(file, n, "row", str(exc), ""))
    return AdapterResult("litellm_daily_user_spend", usage_frame(records), problems=problems, source_rows=len(rows))


spend_logs = SimpleNamespace(SOURCE="litellm_spend_logs", detect=_detect_spend_logs, to_contract=_spend_logs)
daily_user_spend = SimpleNamespace(SOURCE="litellm_daily_user_spend", detect=_detect_daily, to_contract=_daily)
