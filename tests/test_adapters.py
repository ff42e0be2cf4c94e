"""Each vendor adapter on its hand-written fixture: tokens, requests and cost exact, cached tokens
counted once, identities as the vendor gives them, and bad records named by row."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from etl.adapters import (
    ADAPTERS,
    anthropic_cost,
    anthropic_usage,
    claude_code,
    copilot,
    litellm,
    openai_usage,
)
from etl.adapters.detect import InputFile, detect, parse

FIXTURES = Path(__file__).parent / "fixtures" / "vendors"


def _load(name: str):
    parsed, problems = parse(InputFile.from_path(FIXTURES / name))
    assert problems == []
    return parsed


def _totals(frame: pd.DataFrame) -> dict:
    return {
        "input": int(frame["input_tokens"].sum()),
        "output": int(frame["output_tokens"].sum()),
        "cache_read": int(frame["cache_read_tokens"].sum()),
        "cache_write": int(frame["cache_write_tokens"].sum()),
    }


@pytest.mark.parametrize(
    ("name", "kind", "source"),
    [
        ("anthropic_usage_report.json", "vendor", "anthropic_usage"),
        ("anthropic_cost_report.json", "vendor", "anthropic_cost"),
        ("claude_code_analytics.json", "vendor", "claude_code"),
        ("openai_usage_completions.json", "vendor", "openai_usage"),
        ("litellm_spend_logs.csv", "vendor", "litellm_spend_logs"),
        ("litellm_daily_user_spend.csv", "vendor", "litellm_daily_user_spend"),
        ("copilot_user_usage.ndjson", "vendor", "copilot"),
    ],
)
def test_each_fixture_is_detected_as_its_source(name, kind, source):
    detection = detect(_load(name))
    assert (detection.kind, detection.source) == (kind, source)


def test_contract_tables_are_detected_by_name_and_by_columns():
    csv = b"usage_date,employee_id,tool,vendor,model,input_tokens,output_tokens,requests\n2026-10-01,E1,chat,openai,gpt-4.1,1,2,1\n"
    by_name = parse(InputFile("token_usage.csv", csv))[0]
    by_columns = parse(InputFile("october export.csv", csv))[0]
    assert detect(by_name).source == "token_usage"
    assert detect(by_columns) .source == "token_usage"
    assert detect(by_columns).kind == "contract"
    unknown = parse(InputFile("x.csv", b"a,b\n1,2\n"))[0]
    assert detect(unknown).kind == "unknown"


def test_anthropic_usage_report_sums_buckets_to_days_and_cache_writes_5m_plus_1h():
    result = anthropic_usage.to_contract(_load("anthropic_usage_report.json").obj)
    usage = result.token_usage
    assert result.source_rows == 5 and result.problems == []
    # input is uncached_input_tokens as given (no subtraction), cache_write = 5m + 1h
    assert _totals(usage) == {"input": 2600, "output": 1060, "cache_read": 5000, "cache_write": 350}
    key = usage.set_index(["usage_date", "identity"])
    # two hourly buckets of apikey_01A on 2026-10-06 summed into one day
    day2 = key.loc[(date(2026, 10, 6), "apikey_01A")]
    assert (day2["input_tokens"], day2["cache_read_tokens"], day2["output_tokens"]) == (1000, 2000, 400)
    assert key.loc[(date(2026, 10, 5), "apikey_01A"), "cache_write_tokens"] == 250
    # no request count and no cost in this report: NULL, never invented
    assert usage["requests"].isna().all() and usage["cost_usd"].isna().all()
    # a result with no api key / workspace is the whole organisation: kept, maps to nobody
    org = usage[usage["identity_kind"] == "anthropic:organization"]
    assert list(org["model"]) == ["claude-haiku-4-5"]


def test_anthropic_usage_without_model_grouping_is_a_named_problem():
    page = {"data": [{"starting_at": "2026-10-05T00:00:00Z", "results": [
        {"uncached_input_tokens": 5, "output_tokens": 1, "cache_read_input_tokens": 0, "model": None}]}]}
    result = anthropic_usage.to_contract(page, file="u.json")
    assert result.token_usage.empty
    assert [(p.file, p.row, p.column) for p in result.problems] == [("u.json", 1, "model")]


def test_anthropic_cost_report_amount_is_a_decimal_string_in_cents():
    result = anthropic_cost.to_contract(_load("anthropic_cost_report.json").obj)
    amounts = list(result.costs["amount_usd"])
    assert amounts == [pytest.approx(1.234567, abs=1e-12), 25.0, pytest.approx(0.005, abs=1e-12)]
    assert round(result.costs["amount_usd"].sum(), 9) == 26.239567
    assert result.token_usage.empty  # no person dimension: never spread over people


def test_claude_code_tokens_cost_in_cents_and_weekly_outcomes():
    result = claude_code.to_contract(_load("claude_code_analytics.json").obj)
    usage = result.token_usage
    assert _totals(usage) == {"input": 13500, "output": 2500, "cache_read": 50000, "cache_write": 4000}
    assert round(usage["cost_usd"].sum(), 9) == 11.735  # (1025 + 3 + 55.5 + 90) cents
    assert usage["requests"].isna().all()
    # emails are normalised to lower case so both spellings are one person
    assert set(usage.loc[usage["identity_kind"] == "email", "identity"]) == {"ana.lima@example.com"}
    outcomes = result.outcomes.set_index("identity")
    ana = outcomes.loc["ana.lima@example.com"]
    assert ana["week_start"] == date(2026, 10, 5)  # Monday of both days
    assert (ana["changes_landed"], ana["agent_assisted_changes"], ana["commits"]) == (3, 3, 5)
    assert (ana["lines_added"], ana["lines_removed"]) == (130, 32)
    assert pd.isna(ana["reviews_done"])


def test_openai_input_tokens_include_cached_so_cached_are_counted_once():
    result = openai_usage.to_contract(_load("openai_usage_completions.json").obj)
    usage = result.token_usage
    assert _totals(usage) == {"input": 8000, "output": 2400, "cache_read": 8000, "cache_write": 0}
    # the sum of input + cache read equals what OpenAI called input_tokens: nothing counted twice
    assert usage["input_tokens"].sum() + usage["cache_read_tokens"].sum() == 10000 + 4000 + 2000
    assert int(usage["requests"].sum()) == 45
    assert usage["cost_usd"].isna().all()  # priced from model_prices
    fully_cached = usage[(usage["usage_date"] == date(2026, 10, 6))].iloc[0]
    assert (fully_cached["input_tokens"], fully_cached["cache_read_tokens"]) == (0, 2000)
    # user_id when grouped by user, else the API key
    assert set(zip(usage["identity_kind"], usage["identity"], strict=True)) == {
        ("openai:user_id", "user-abc"), ("openai:api_key_id", "key_svc")}


def test_openai_cached_above_input_is_rejected_not_clipped():
    page = {"data": [{"start_time": 1791158400, "results": [
        {"object": openai_usage.RESULT_OBJECT, "input_tokens": 10, "input_cached_tokens": 11, "output_tokens": 1,
         "num_model_requests": 1, "model": "gpt-4.1", "user_id": "u"}]}]}
    result = openai_usage.to_contract(page, file="o.json")
    assert result.token_usage.empty
    assert result.problems[0].column == "input_cached_tokens" and result.problems[0].row == 1


def test_litellm_spend_logs_subtract_cache_from_prompt_tokens_and_count_rows_as_requests():
    result = litellm.spend_logs.to_contract(_load("litellm_spend_logs.csv").obj)
    usage = result.token_usage
    assert _totals(usage) == {"input": 1500, "output": 360, "cache_read": 1300, "cache_write": 100}
    assert int(usage["requests"].sum()) == 4
    assert round(usage["cost_usd"].sum(), 10) == 0.0187
    ana = usage[usage["identity"] == "ana.lima@example.com"].iloc[0]
    assert (ana["identity_kind"], ana["vendor"], ana["requests"]) == ("email", "anthropic", 2)
    # "openai/gpt-4.1" with no provider column: vendor from the prefix, model without it
    assert set(usage["model"]) == {"claude-sonnet-4-5", "gpt-4.1"}
    assert set(usage["identity_kind"]) == {"email", "litellm:user_id", "litellm:api_key"}


def test_litellm_spend_logs_duplicate_request_id_is_reported():
    frame = _load("litellm_spend_logs.csv").obj
    doubled = pd.concat([frame, frame.iloc[[0]]], ignore_index=True)
    result = litellm.spend_logs.to_contract(doubled, file="s.csv")
    assert [(p.row, p.column) for p in result.problems] == [(5, "request_id")]
    assert int(result.token_usage["requests"].sum()) == 4


def test_litellm_daily_roll_up_from_parquet():
    frame = _load("litellm_daily_user_spend.csv").obj
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    parsed, problems = parse(InputFile("daily.parquet", buffer.getvalue()))
    assert problems == [] and detect(parsed).source == "litellm_daily_user_spend"
    usage = litellm.daily_user_spend.to_contract(parsed.obj).token_usage
    assert _totals(usage) == {"input": 10300, "output": 3730, "cache_read": 13000, "cache_write": 2000}
    assert int(usage["requests"].sum()) == 49  # successful_requests: the failed request is not counted
    assert round(usage["cost_usd"].sum(), 10) == 0.2617


def test_litellm_cache_above_prompt_tokens_is_a_problem():
    rows = [{"user_id": "a@x.com", "date": "2026-10-05", "model": "gpt-4.1", "prompt_tokens": 10,
             "completion_tokens": 1, "cache_read_input_tokens": 20, "spend": 0.1, "api_requests": 1}]
    result = litellm.daily_user_spend.to_contract(rows, file="d.json")
    assert result.token_usage.empty and result.problems[0].row == 1


def test_copilot_cli_tokens_requests_and_optional_credit_price():
    parsed = _load("copilot_user_usage.ndjson")
    result = copilot.to_contract(parsed.obj)
    usage = result.token_usage
    assert _totals(usage) == {"input": 3800, "output": 5000, "cache_read": 0, "cache_write": 0}
    # 4 IDE prompts + 2 CLI requests; then 3 + 1 IDE prompts summed over totals_by_ide
    assert list(usage["requests"]) == [6, 4]
    assert usage["cost_usd"].isna().all()  # no rate configured
    priced = copilot.to_contract(parsed.obj, usd_per_ai_credit=0.04).token_usage
    assert list(priced["cost_usd"]) == [pytest.approx(0.5), 0.0]
    assert list(usage["identity"]) == ["analima-gh", "bo-chen"]


def test_bad_numbers_are_named_by_row_and_field():
    bad = {"data": [{"date": "2026-10-05", "actor": {"type": "user_actor", "email_address": "a@x.com"},
                     "model_breakdown": [{"model": "m", "tokens": {"input": -5, "output": 1},
                                          "estimated_cost": {"currency": "USD", "amount": 1}}]},
                    {"date": "2026-10-05", "actor": {"type": "user_actor", "email_address": "b@x.com"},
                     "model_breakdown": [{"model": "m", "tokens": {"input": "1.5", "output": 1},
                                          "estimated_cost": {"currency": "USD", "amount": 1}}]}]}
    result = claude_code.to_contract(bad, file="cc.json")
    assert [(p.row, p.column) for p in result.problems] == [(1, "model_breakdown"), (2, "model_breakdown")]
    assert "≥ 0" in result.problems[0].rule and "whole number" in result.problems[1].rule


def test_every_adapter_is_registered_once():
    assert len({id(a) for a in ADAPTERS.values()}) == len(ADAPTERS) == 9
    json.dumps(list(ADAPTERS))  # names are plain strings (stored in load history)


# --- issue 19: edge cases of real exports ------------------------------------------------------


def test_litellm_roll_up_row_without_a_model_is_kept_not_a_rejected_file():
    frame = _load("litellm_daily_user_spend.csv").obj.copy()
    frame.loc[0, "model"] = None  # an MCP tool row: LiteLLM's schema allows an empty model
    result = litellm.daily_user_spend.to_contract(frame)
    assert result.problems == []
    row = result.token_usage[result.token_usage["model"] == litellm.NO_MODEL]
    assert len(row) == 1 and row["cost_usd"].iloc[0] == pytest.approx(0.25)


def test_litellm_failed_requests_and_cache_hits_add_no_requests_or_tokens():
    frame = pd.DataFrame([
        {"request_id": "a", "startTime": "2026-10-05T09:00:00Z", "user": "x@example.com", "model": "gpt-4.1",
         "custom_llm_provider": "openai", "prompt_tokens": 100, "completion_tokens": 10, "spend": 0.01,
         "status": "success", "cache_hit": "False"},
        {"request_id": "b", "startTime": "2026-10-05T09:01:00Z", "user": "x@example.com", "model": "gpt-4.1",
         "custom_llm_provider": "openai", "prompt_tokens": 0, "completion_tokens": 0, "spend": 0,
         "status": "failure", "cache_hit": "False"},
        {"request_id": "c", "startTime": "2026-10-05T09:02:00Z", "user": "x@example.com", "model": "gpt-4.1",
         "custom_llm_provider": "openai", "prompt_tokens": 100, "completion_tokens": 10, "spend": 0,
         "status": "success", "cache_hit": "True"},
    ])
    usage = litellm.spend_logs.to_contract(frame).token_usage
    assert (int(usage["requests"].sum()), int(usage["input_tokens"].sum()), int(usage["output_tokens"].sum())) == (
        2, 100, 10)


def test_openai_costs_are_recognised_as_reported_cost_by_line_item():
    page = {"object": "page", "data": [{"object": "bucket", "start_time": 1791158400, "end_time": 1791244800,
                                        "results": [
        {"object": "organization.costs.result", "amount": {"value": 0.06, "currency": "usd"},
         "line_item": "gpt-4.1-2025-04-14, input", "project_id": "proj_1"},
        {"object": "organization.costs.result", "amount": {"value": 0.5, "currency": "usd"},
         "line_item": "Web search tool calls", "project_id": None}]}]}
    parsed = parse(InputFile("costs.json", json.dumps(page).encode()))[0]
    assert detect(parsed).source == "openai_cost"
    costs = ADAPTERS["openai_cost"].to_contract(parsed.obj).costs
    assert list(costs["model"]) == ["gpt-4.1-2025-04-14", None]
    assert list(costs["token_type"]) == ["input", None]
    assert costs["amount_usd"].sum() == pytest.approx(0.56)  # dollars, not cents


def test_old_copilot_org_metrics_are_refused_saying_why_and_what_to_export():
    rows = [{"date": "2026-10-05", "total_active_users": 24, "total_engaged_users": 20,
             "copilot_ide_code_completions": {"editors": []}}]
    parsed = parse(InputFile("metrics.json", json.dumps(rows).encode()))[0]
    assert detect(parsed).source == "copilot_org_metrics"
    with pytest.raises(Exception, match="no person in them.*users-1-day"):
        ADAPTERS["copilot_org_metrics"].to_contract(parsed.obj)


def test_copilot_keeps_acceptances_lines_and_per_model_requests():
    row = {"day": "2026-10-05", "user_login": "Ana", "user_initiated_interaction_count": 10,
           "code_acceptance_activity_count": 7, "loc_added_sum": 42,
           "totals_by_model_feature": [{"model": "claude-sonnet-4.5", "feature": "chat",
                                        "user_initiated_interaction_count": 6},
                                       {"model": "gpt-4.1", "feature": "chat", "user_initiated_interaction_count": 3}],
           "totals_by_cli": {"request_count": 2, "token_usage": {"prompt_tokens_sum": 50, "output_tokens_sum": 5}}}
    result = copilot.to_contract([row])
    requests = dict(zip(result.token_usage["model"], result.token_usage["requests"], strict=True))
    assert requests == {"copilot/claude-sonnet-4.5": 6, "copilot/gpt-4.1": 3, "copilot": 1 + 2}
    outcome = result.outcomes.iloc[0]
    assert (outcome["suggestions_accepted"], outcome["lines_accepted"]) == (7, 42)
    assert pd.isna(outcome["changes_landed"])  # a suggestion accepted is not a change landed


def test_anthropic_newer_shape_keeps_its_request_count_product_tier_and_1h_writes():
    page = {"data": [{"starting_at": "2026-10-05T00:00:00Z", "results": [
        {"uncached_input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 0,
         "cache_creation": {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 4},
         "model": "claude-sonnet-4-5-20250929", "service_tier": "batch", "request_count": 9, "product": "claude_code",
         "api_key_id": "k"}]}]}
    usage = anthropic_usage.to_contract(page).token_usage.iloc[0]
    assert (usage["requests"], usage["tool"], usage["service_tier"]) == (9, "Claude API (claude_code)", "batch")
    assert (usage["cache_write_tokens"], usage["cache_write_1h_tokens"]) == (7, 4)
