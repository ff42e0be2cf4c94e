"""Anthropic Admin API messages usage report → token_usage.

Source: `GET /v1/organizations/usage_report/messages` pages: `data[]` buckets with
`starting_at`/`ending_at` and `results[]`, each result holding `uncached_input_tokens`,
`cache_creation.ephemeral_5m_input_tokens`, `cache_creation.ephemeral_1h_input_tokens`,
`cache_read_input_tokens`, `output_tokens` and the group-by dimensions (`model`,
`api_key_id`, `workspace_id`, `account_id`, `service_account_id`, ...).

- input = uncached_input_tokens (already excludes cache reads and writes: nothing to subtract)
- cache_write = 5m + 1h cache creation; cache_read = cache_read_input_tokens
- requests: the classic report has none, so it stays NULL (never invented); the newer shape's
  `request_count` / `num_requests` is kept, and its `product` names the tool ("Claude API (claude_code)")
- service_tier (standard, batch, priority, ...) and the 1-hour part of cache writes are kept: they
  are priced differently (batch at half, 1-hour cache writes at their own rate)
- cost: the usage report has none and the cost report has no person dimension, so cost_usd is
  NULL and the row is priced from model_prices (tokens × list price)
- who: account_id, else service_account_id, else api_key_id, else workspace_id, else the whole
  organisation (an identity that maps to nobody unless an admin says so)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.adapters.base import (
    AdapterResult,
    bucket_results,
    count,
    first_identity,
    get,
    read_usage_report,
    service_tier,
    utc_date,
)

SOURCE = "anthropic_usage"
TOOL = "Claude API"
VENDOR = "anthropic"
_MARKERS = ("uncached_input_tokens",)
# Group-by dimensions in the order that best names a person.
IDENTITY_FIELDS = ("account_id", "service_account_id", "api_key_id", "workspace_id")
# The newer report shape may count requests and name the product (API, Claude Code, ...): kept.
REQUEST_FIELDS = ("request_count", "num_requests", "requests")


def detect(obj: Any) -> bool:
    for _bucket, result in bucket_results(obj):
        return isinstance(result, Mapping) and all(m in result for m in _MARKERS)
    return False


def to_contract(obj: Any, *, file: str = "") -> AdapterResult:
    return read_usage_report(SOURCE, obj, _row, file=file)


def _row(bucket: Mapping[str, Any], result: Mapping[str, Any]) -> dict[str, Any]:
    kind, identity = first_identity(result, IDENTITY_FIELDS, VENDOR)
    one_hour = count(get(result, "cache_creation.ephemeral_1h_input_tokens",
                         result.get("cache_creation_1h_input_tokens")),
                     what="cache_creation.ephemeral_1h_input_tokens")
    requests = next((result[f] for f in REQUEST_FIELDS if result.get(f) is not None), None)
    product = result.get("product")
    return {
        "usage_date": utc_date(bucket.get("starting_at"), what="starting_at"),
        "identity_kind": kind,
        "identity": identity,
        "tool": f"{TOOL} ({product})" if product else TOOL,
        "vendor": VENDOR,
        "model": str(result["model"]),
        "service_tier": service_tier(result.get("service_tier")),
        "input_tokens": count(result.get("uncached_input_tokens"), what="uncached_input_tokens"),
        "output_tokens": count(result.get("output_tokens"), what="output_tokens"),
        "cache_read_tokens": count(result.get("cache_read_input_tokens"), what="cache_read_input_tokens"),
        "cache_write_tokens": count(
            get(result, "cache_creation.ephemeral_5m_input_tokens", result.get("cache_creation_5m_input_tokens")),
            what="cache_creation.ephemeral_5m_input_tokens",
        )
        + one_hour,
        "cache_write_1h_tokens": one_hour,
        "requests": None if requests is None else count(requests, what="requests"),
    }
