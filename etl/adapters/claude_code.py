"""Claude Code analytics report → token_usage and outcomes.

Source: `GET /v1/organizations/usage_report/claude_code` pages: `data[]` records, one per
actor and day: `date`, `actor` (`{"type": "user_actor", "email_address"}` or
`{"type": "api_actor", "api_key_name"}`), `core_metrics` (`num_sessions`,
`lines_of_code.added/removed`, `commits_by_claude_code`, `pull_requests_by_claude_code`),
`model_breakdown[]` (`model`, `tokens.input/output/cache_read/cache_creation`,
`estimated_cost.amount` in cents with `currency`).

- one token_usage row per actor, day and model: tokens as given (input is uncached), cost =
  estimated_cost.amount / 100 (cents → USD); requests are not reported (NULL)
- outcomes per actor and ISO week (Monday): changes_landed = agent_assisted_changes =
  pull requests created with Claude Code (the report only sees agent-assisted work, so this is a
  lower bound of what the person landed); commits, lines and tool actions (edit/write tool
  proposals accepted and rejected, summed over `tool_actions`) kept beside it
- cost_basis "estimated": `estimated_cost` is Anthropic's estimate, not an invoice line (a
  subscription seat is not billed per token)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from etl.adapters.base import (
    AdapterError,
    AdapterResult,
    Rows,
    count,
    data_items,
    get,
    money,
    read_records,
    reading,
    utc_date,
    week_start,
)

SOURCE = "claude_code"
TOOL = "Claude Code"
VENDOR = "anthropic"


def detect(obj: Any) -> bool:
    items = data_items(obj)
    return bool(items) and isinstance(items[0], Mapping) and "actor" in items[0] and (
        "model_breakdown" in items[0] or "core_metrics" in items[0]
    )


def identity_of(actor: Any) -> tuple[str, str]:
    if isinstance(actor, Mapping):
        if actor.get("email_address"):
            return "email", str(actor["email_address"]).strip().lower()
        if actor.get("api_key_name"):
            return "anthropic:api_key_name", str(actor["api_key_name"])
    raise AdapterError("actor must have email_address (user_actor) or api_key_name (api_actor)")


def _tool_actions(record: Mapping[str, Any], outcome: str) -> int | None:
    """Edit/write tool proposals accepted or rejected, summed over the tools (`tool_actions`)."""
    actions = record.get("tool_actions")
    if not isinstance(actions, Mapping):
        return None
    return sum(count(get(tool, outcome), what=f"tool_actions.{name}.{outcome}")
               for name, tool in actions.items() if isinstance(tool, Mapping))


def to_contract(obj: Any, *, file: str = "") -> AdapterResult:
    items = data_items(obj)
    return read_records(SOURCE, enumerate(items, start=1), _rows, file=file, column="record",
                        source_rows=len(items), tables=("token_usage", "outcomes"))


def _rows(record: Any) -> Rows:
    if not isinstance(record, Mapping):
        raise AdapterError("each record must be an object")
    with reading("date"):
        day = utc_date(record.get("date"), what="date")
    with reading("actor"):
        kind, identity = identity_of(record.get("actor"))
    who = {"identity_kind": kind, "identity": identity}
    rows = Rows()
    with reading("model_breakdown"):
        for part in record.get("model_breakdown") or []:
            currency = str(get(part, "estimated_cost.currency", "USD")).upper()
            if currency != "USD":
                raise AdapterError(f"estimated_cost.currency must be USD, got {currency}")
            rows.usage.append({
                "usage_date": day,
                **who,
                "tool": TOOL,
                "vendor": VENDOR,
                "model": str(part.get("model") or "unknown"),
                "input_tokens": count(get(part, "tokens.input"), what="tokens.input"),
                "output_tokens": count(get(part, "tokens.output"), what="tokens.output"),
                "cache_read_tokens": count(get(part, "tokens.cache_read"), what="tokens.cache_read"),
                "cache_write_tokens": count(get(part, "tokens.cache_creation"), what="tokens.cache_creation"),
                "cost_usd": money(get(part, "estimated_cost.amount"), what="estimated_cost.amount", cents=True),
                # Anthropic's estimate (list price of the tokens), not a bill: subscription
                # seats are not billed per token at all.
                "cost_basis": "estimated",
            })
    core = record.get("core_metrics")
    if isinstance(core, Mapping):
        with reading("core_metrics"):
            prs = count(core.get("pull_requests_by_claude_code"), what="pull_requests_by_claude_code")
            rows.outcomes.append({
                "week_start": week_start(day),
                **who,
                "changes_landed": prs,
                "agent_assisted_changes": prs,
                "commits": count(core.get("commits_by_claude_code"), what="commits_by_claude_code"),
                "lines_added": count(get(core, "lines_of_code.added"), what="lines_of_code.added"),
                "lines_removed": count(get(core, "lines_of_code.removed"), what="lines_of_code.removed"),
                "tool_actions_accepted": _tool_actions(record, "accepted"),
                "tool_actions_rejected": _tool_actions(record, "rejected"),
            })
    return rows
