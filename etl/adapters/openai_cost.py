"""OpenAI organisation costs → reported vendor cost (no person dimension).

Source: `GET /v1/organization/costs` pages: `data[]` buckets (`start_time`, unix seconds) with
`results[]` of object `organization.costs.result`: `amount` (`{"value": 0.06, "currency":
"usd"}`, in dollars, not cents), and the group-by fields `line_item` ("gpt-4.1-2025-04-14,
input", "gpt-4.1, cached input", "Web search tool calls", ...) and `project_id`.

Like Anthropic's cost report it has no user, so it is kept in stg_vendor_cost for
reconciliation against priced usage, never spread over people. The model and token type are
read from `line_item` ("<model>, <token type>"); a line item without a comma is not a model
(tools, storage) and keeps model NULL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.adapters.base import (
    AdapterError,
    AdapterResult,
    bucket_results,
    get,
    money,
    read_cost_report,
    service_tier,
    utc_date,
)

SOURCE = "openai_cost"
VENDOR = "openai"
RESULT_OBJECT = "organization.costs.result"


def detect(obj: Any) -> bool:
    for _bucket, result in bucket_results(obj):
        return isinstance(result, Mapping) and (
            result.get("object") == RESULT_OBJECT or isinstance(result.get("amount"), Mapping))
    return False


def split_line_item(line_item: Any) -> tuple[str | None, str | None, str]:
    """(model, token type, tier) of a line item: "gpt-4.1, input" → ("gpt-4.1", "input", "standard");
    a "batch" in the token type part marks the batch tier."""
    text = str(line_item or "").strip()
    model, sep, kind = text.partition(",")
    if not sep:
        return None, text or None, "standard"
    kind = kind.strip().lower()
    return model.strip(), kind, "batch" if "batch" in kind else "standard"


def to_contract(obj: Any, *, file: str = "") -> AdapterResult:
    return read_cost_report(SOURCE, obj, _row, file=file)


def _row(bucket: Mapping[str, Any], result: Any) -> dict[str, Any]:
    if not isinstance(result, Mapping):
        raise AdapterError("each result must be an object")
    currency = str(get(result, "amount.currency", "usd")).upper()
    if currency != "USD":
        raise AdapterError("only USD cost reports are read", column="amount.currency", value=currency)
    model, kind, tier = split_line_item(result.get("line_item"))
    return {
        "cost_date": utc_date(bucket.get("start_time"), what="start_time"),
        "vendor": VENDOR,
        "workspace_id": result.get("project_id"),
        "model": model,
        "cost_type": "tokens" if model else (kind or "unspecified"),
        "token_type": kind if model else None,
        "description": result.get("line_item"),
        "amount_usd": money(get(result, "amount.value"), what="amount.value"),
        "service_tier": service_tier(result.get("service_tier"), batch=tier == "batch"),
    }
