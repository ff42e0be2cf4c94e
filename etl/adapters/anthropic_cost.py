"""Anthropic Admin API cost report → reported vendor cost (no person dimension).

Source: `GET /v1/organizations/cost_report` pages: `data[]` buckets with `starting_at` and
`results[]` of `amount`, `currency`, `cost_type`, `token_type`, `model`, `workspace_id`,
`description`, `service_tier`, `context_window`.

Trap: `amount` is a decimal STRING in cents ("123.4567" = 1.234567 USD). The report has no
user, account or API key dimension, so it is never spread over people: it is kept as the
vendor's invoice-side total to reconcile against priced usage (stg_vendor_cost).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.adapters.base import (
    AdapterError,
    AdapterResult,
    bucket_results,
    money,
    read_cost_report,
    service_tier,
    utc_date,
)

SOURCE = "anthropic_cost"
VENDOR = "anthropic"


def detect(obj: Any) -> bool:
    for _bucket, result in bucket_results(obj):
        return (
            isinstance(result, Mapping)
            and "amount" in result
            and "currency" in result
            and "uncached_input_tokens" not in result
            and not isinstance(result.get("amount"), Mapping)
        )
    return False


def to_contract(obj: Any, *, file: str = "") -> AdapterResult:
    return read_cost_report(SOURCE, obj, _row, file=file)


def _row(bucket: Mapping[str, Any], result: Any) -> dict[str, Any]:
    currency = str(result.get("currency") or "USD").upper()
    if currency != "USD":
        raise AdapterError("only USD cost reports are read", column="currency", value=currency)
    return {
        "cost_date": utc_date(bucket.get("starting_at"), what="starting_at"),
        "vendor": VENDOR,
        "workspace_id": result.get("workspace_id"),
        "model": result.get("model"),
        "cost_type": result.get("cost_type"),
        "token_type": result.get("token_type"),
        "description": result.get("description"),
        "amount_usd": money(result.get("amount"), what="amount", cents=True),
        "service_tier": service_tier(result.get("service_tier")),
    }
