"""Adapters from vendor usage exports to the contract's token_usage (and outcomes) shape.

One module per source; each has `detect(obj) -> bool` and `to_contract(obj, file=...) ->
AdapterResult`. `etl.adapters.detect` reads a file and picks the adapter (or the contract
table) it is. Field mappings and traps: docs/vendor_exports.md.
"""

from etl.adapters import (
    anthropic_cost,
    anthropic_usage,
    claude_code,
    copilot,
    litellm,
    openai_cost,
    openai_usage,
)
from etl.adapters.base import AdapterError, AdapterResult, Problem

# Tried in this order; the first whose detect() is true reads the file. More specific first.
ADAPTERS = {
    "anthropic_usage": anthropic_usage,
    "anthropic_cost": anthropic_cost,
    "claude_code": claude_code,
    "openai_usage": openai_usage,
    "openai_cost": openai_cost,
    "litellm_spend_logs": litellm.spend_logs,
    "litellm_daily_user_spend": litellm.daily_user_spend,
    "copilot": copilot,
    "copilot_org_metrics": copilot.org_metrics,
}

__all__ = ["ADAPTERS", "AdapterError", "AdapterResult", "Problem"]
