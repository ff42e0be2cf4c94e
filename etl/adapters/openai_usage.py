"""OpenAI organisation usage (completions) → token_usage.

Source: `GET /v1/organization/usage/completions` pages: `data[]` buckets (`start_time`,
`end_time` in unix seconds) with `results[]` of object
`organization.usage.completions.result`: `input_tokens`, `input_cached_tokens`,
`output_tokens`, `num_model_requests`, and the group-by fields `model`, `user_id`,
`api_key_id`, `project_id`, `batch`.

Trap: `input_tokens` INCLUDES `input_cached_tokens` (and, where reported,
`input_cache_write_tokens`). So input = input_tokens − input_cached_tokens −
input_cache_write_tokens, cache_read = input_cached_tokens: the cached tokens are counted
once. A result whose cached tokens exceed its input tokens is rejected, not clipped.
Cost: none in this report (the cost report has no user dimension): priced from model_prices.
Who: user_id, else api_key_id, else project_id, else the whole organisation.
Tier: `batch = true` → "batch", else `service_tier` (flex, priority, scale; default → standard),
so the row is priced at its tier's rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.adapters.base import (
    AdapterError,
    AdapterResult,
    bucket_results,
    count,
    first_identity,
    read_usage_report,
    service_tier,
    utc_date,
)

SOURCE = "openai_usage"
TOOL = "OpenAI API"
VENDOR = "openai"
RESULT_OBJECT = "organization.usage.completions.result"
IDENTITY_FIELDS = ("user_id", "api_key_id", "project_id")


def detect(obj: Any) -> bool:
    for _bucket, result in bucket_results(obj):
        return isinstance(result, Mapping) and (
            result.get("object") == RESULT_OBJECT or {"num_model_requests", "input_tokens"} <= set(result)
        )
    return False


def to_contract(obj: Any, *, file: str = "") -> AdapterResult:
    return read_usage_report(SOURCE, obj, _row, file=file)


def _row(bucket: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    total_in = count(result.get("input_tokens"), what="input_tokens")
    cached = count(result.get("input_cached_tokens"), what="input_cached_tokens")
    written = count(result.get("input_cache_write_tokens"), what="input_cache_write_tokens")
    if cached + written > total_in:
        raise AdapterError("input_tokens includes cached tokens, so cached tokens cannot exceed it",
                           column="input_cached_tokens", value=f"{cached + written} > {total_in}")
    requests = count(result.get("num_model_requests"), what="num_model_requests")
    kind, identity = first_identity(result, IDENTITY_FIELDS, VENDOR)
    return {
        "usage_date": utc_date(bucket.get("start_time"), what="start_time"),
        "identity_kind": kind,
        "identity": identity,
        "tool": TOOL,
        "vendor": VENDOR,
        "model": str(result["model"]),
        "service_tier": service_tier(result.get("service_tier"), batch=result.get("batch")),
        "input_tokens": total_in - cached - written,
        "output_tokens": count(result.get("output_tokens"), what="output_tokens"),
        "cache_read_tokens": cached,
        "cache_write_tokens": written,
        "requests": requests,
    }
