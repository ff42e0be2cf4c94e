"""Pricing that matches the bill: dated ids priced by their family, batch and flex at half,
1-hour cache writes at their own rate, effective dating, the company's prices before the bundled
rate card, cost_source per row; and the reconciliation beside the vendors' cost reports.

The invoice below is computed by hand from the rates in tests/ingest_helpers.py (and the one
price change added here), never from the code under test."""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pytest

from etl.adapters.detect import InputFile
from etl.ingest import ingest_files, rebuild_vendor_marts
from tests.ingest_helpers import build_tiny_db
from workforce import identity, reconciliation
from workforce.charts.reconciliation import reported_vs_priced
from workforce.db import render

TODAY = date(2026, 11, 23)
OCT_1, OCT_5, OCT_20 = 1790812800, 1791158400, 1792454400  # 2026-10-01/05/20 00:00 UTC


def _file(name: str, obj) -> InputFile:
    if isinstance(obj, str):
        return InputFile(name, obj.encode())
    return InputFile(name, json.dumps(obj).encode())


def _anthropic_usage():
    def result(model, tier, uncached, output, read=0, w5=0, w1=0):
        return {"uncached_input_tokens": uncached, "output_tokens": output, "cache_read_input_tokens": read,
                "cache_creation": {"ephemeral_5m_input_tokens": w5, "ephemeral_1h_input_tokens": w1},
                "model": model, "service_tier": tier, "api_key_id": "apikey_A", "workspace_id": "wrk_1",
                "context_window": "0-200k"}
    return {"data": [{"starting_at": "2026-10-05T00:00:00Z", "ending_at": "2026-10-06T00:00:00Z", "results": [
        result("claude-sonnet-4-5-20250929", "standard", 1_000_000, 200_000, 2_000_000, 100_000, 50_000),
        result("claude-sonnet-4-5-20250929", "batch", 400_000, 100_000),
        result("claude-haiku-4-5-20251001", "priority", 300_000, 60_000),
        result("claude-3-5-haiku-20241022", "standard", 500_000, 100_000),
    ]}], "has_more": False, "next_page": None}


def _openai_usage():
    def result(model, input_tokens, cached, output, *, batch=False, tier=None):
        return {"object": "organization.usage.completions.result", "input_tokens": input_tokens,
                "input_cached_tokens": cached, "output_tokens": output, "num_model_requests": 10,
                "user_id": "user-abc", "model": model, "batch": batch, "service_tier": tier}
    return {"object": "page", "data": [
        {"object": "bucket", "start_time": OCT_5, "end_time": OCT_5 + 86400, "results": [
            result("gpt-4.1-2025-04-14", 2_000_000, 500_000, 300_000, batch=True),
            result("gpt-4.1-mini-2025-04-14", 1_000_000, 0, 250_000, tier="flex"),
            result("gpt-4.1-mini", 100_000, 0, 10_000, tier="default"),
        ]},
        {"object": "bucket", "start_time": OCT_20, "end_time": OCT_20 + 86400, "results": [
            result("gpt-4.1-2025-04-14", 1_000_000, 0, 100_000),
        ]},
    ], "has_more": False, "next_page": None}


LITELLM = (
    "request_id,startTime,user,model,custom_llm_provider,prompt_tokens,completion_tokens,spend,status,cache_hit,"
    "metadata\n"
    "r1,2026-10-06T10:00:00Z,cy.diaz@example.com,gpt-4o,openai,1000,100,0.0123,success,False,{}\n"
    "r2,2026-10-06T10:01:00Z,cy.diaz@example.com,gpt-4o,openai,0,0,0,failure,False,{}\n"
    "r3,2026-10-06T10:02:00Z,cy.diaz@example.com,gpt-4o,openai,1000,100,0,success,True,{}\n"
)
CLAUDE_CODE = {"data": [{"date": "2026-10-07T00:00:00Z", "actor": {"type": "user_actor",
                                                                    "email_address": "ana.lima@example.com"},
                         "core_metrics": {"pull_requests_by_claude_code": 2},
                         "model_breakdown": [{"model": "claude-sonnet-4-5-20250929",
                                              "tokens": {"input": 1000, "output": 500, "cache_read": 0,
                                                         "cache_creation": 0},
                                              "estimated_cost": {"amount": 125, "currency": "USD"}}]}],
               "has_more": False}

# The invoice, by hand (USD per million tokens; tests/ingest_helpers.PRICES + the 16 October cut):
INVOICE = {
    # claude-sonnet-4-5 at 3 / 15 / read 0.30 / 5m write 3.75 / 1h write 2 × 3 = 6
    "sonnet standard": 1.0 * 3 + 0.2 * 15 + 2.0 * 0.30 + 0.1 * 3.75 + 0.05 * 6,  # 7.275
    "sonnet batch": (0.4 * 3 + 0.1 * 15) * 0.5,  # 1.35
    "haiku 4.5 priority (no multiplier: standard rate)": 0.3 * 1 + 0.06 * 5,  # 0.60
    "claude-3-5-haiku from the rate card, 0.80 / 4": 0.5 * 0.80 + 0.1 * 4,  # 0.80
    "gpt-4.1 batch, 2 / read 0.50 / 8, cached counted once": (1.5 * 2 + 0.5 * 0.5 + 0.3 * 8) * 0.5,  # 2.825
    "gpt-4.1-mini flex, 0.40 / 1.60": (1.0 * 0.4 + 0.25 * 1.6) * 0.5,  # 0.40
    "gpt-4.1-mini default": 0.1 * 0.4 + 0.01 * 1.6,  # 0.056
    "gpt-4.1 on 20 October at the new 1 / 4": 1.0 * 1 + 0.1 * 4,  # 1.40
    "LiteLLM spend as reported (failure and cache hit: $0)": 0.0123,
    "Claude Code estimate, 125 cents": 1.25,
}
INVOICE_TOTAL_CENTS = 1597  # 15.9683 rounded


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(build_tiny_db(tmp_path / "tiny.duckdb")))
    con.execute("DELETE FROM stg_token_usage")  # only vendor files this month
    con.execute("INSERT INTO stg_model_prices VALUES ('gpt-4.1', 'openai', '2026-10-16', 1.0, 4.0, 0.25, NULL)")
    identity.ensure_table(con)
    identity.set_mapping(con, "anthropic:api_key_id", "apikey_A", "E2", user="admin")
    identity.set_mapping(con, "openai:user_id", "user-abc", "E3", user="admin")
    yield con
    con.close()


def _load_month(con):
    files = [_file("anthropic.json", _anthropic_usage()), _file("openai.json", _openai_usage()),
             _file("spend_logs.csv", LITELLM), _file("claude_code.json", CLAUDE_CODE)]
    report = ingest_files(files, con, user="admin", today=TODAY)
    assert report.status == "loaded", report.problems
    return report


def test_a_month_of_mixed_files_matches_the_hand_computed_invoice_to_the_cent(con):
    assert round(sum(INVOICE.values()) * 100) == INVOICE_TOTAL_CENTS
    _load_month(con)
    spend = con.execute("SELECT sum(cost_usd) FROM mart_vendor_usage_daily "
                        "WHERE usage_date BETWEEN '2026-10-01' AND '2026-10-31'").fetchall()[0][0]
    assert round(spend * 100) == INVOICE_TOTAL_CENTS
    assert spend == pytest.approx(sum(INVOICE.values()), abs=1e-9)
    # nothing dropped out: every identity mapped, every row priced
    assert identity.unmapped_summary(con).usage_rows == 0
    lines = reconciliation.spend_reconciliation(con)
    assert lines["unpriced_tokens"].sum() == 0
    assert lines["priced_usd"].sum() == pytest.approx(sum(INVOICE.values()), abs=1e-9)


def test_each_line_is_priced_at_its_rate_with_its_cost_source(con):
    _load_month(con)
    rows = con.execute("SELECT source, model, service_tier, cost_source, round(sum(priced_cost_usd), 6) "
                       "FROM (" + render("identity/priced_vendor_usage") + ") GROUP BY ALL").fetchall()
    got = {(src, m, t): (s, c) for src, m, t, s, c in rows}
    assert got[("anthropic_usage", "claude-sonnet-4-5-20250929", "standard")] == ("list_price", pytest.approx(7.275))
    assert got[("anthropic_usage", "claude-sonnet-4-5-20250929", "batch")] == ("list_price", pytest.approx(1.35))
    assert got[("openai_usage", "gpt-4.1-mini-2025-04-14", "flex")] == ("list_price", pytest.approx(0.4))
    assert got[("litellm_spend_logs", "gpt-4o", "standard")] == ("reported", pytest.approx(0.0123))
    assert got[("claude_code", "claude-sonnet-4-5-20250929", "standard")] == ("estimated", pytest.approx(1.25))
    # Claude Code's estimated cost is labelled as an estimate, not as billed
    assert con.execute("SELECT DISTINCT cost_source FROM mart_vendor_usage_daily WHERE tool = 'Claude Code'"
                       ).fetchall() == [("estimated",)]
    # the LiteLLM failure is not a request; the cache hit is a request without tokens
    assert con.execute("SELECT requests, input_tokens + output_tokens FROM stg_vendor_usage "
                       "WHERE source = 'litellm_spend_logs'").fetchall() == [(2, 1100)]


def test_price_keys_match_dated_ids_and_aliases_never_a_longer_family(con):
    con.execute("INSERT INTO stg_model_prices VALUES ('gpt-4o', 'openai', '2025-01-01', 9.99, 9.99, NULL, NULL)")
    con.execute("INSERT INTO stg_token_usage VALUES " + ", ".join(
        f"('2026-10-02', 'E3', 'chat', 'v', '{m}', 1, 1, 0, 0, 1, NULL, 1.0)" for m in (
            "claude-sonnet-4-5-20250929", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5@20250929",
            "gpt-4.1-mini-2025-04-14", "gpt-5-mini-2025-08-07", "gpt-5-chat-latest", "claude-sonnet-4-5-experimental",
            "gpt-4o-2024-08-06", "gpt-4.1-2025-04-14")))
    rebuild_vendor_marts(con)
    book = dict(con.execute("SELECT model, price_key || ' / ' || rate_source FROM mart_price_book").fetchall())
    assert book["claude-sonnet-4-5-20250929"] == "claude-sonnet-4-5 / model_prices"
    assert book["us.anthropic.claude-sonnet-4-5-20250929-v1:0"] == "claude-sonnet-4-5 / model_prices"
    assert book["claude-sonnet-4-5@20250929"] == "claude-sonnet-4-5 / model_prices"
    assert book["gpt-4.1-mini-2025-04-14"] == "gpt-4.1-mini / model_prices"  # longest key, not gpt-4.1
    assert book["gpt-5-mini-2025-08-07"] == "gpt-5-mini / rate card"  # never gpt-5's price
    assert book["gpt-5-chat-latest"] == "gpt-5 / rate card"  # an alias of the rate card
    assert book["gpt-4o-2024-08-06"] == "gpt-4o / model_prices"  # the company's price wins
    assert "claude-sonnet-4-5-experimental" not in book  # not a date or version suffix: unpriced
    # effective dating: gpt-4.1's book has the old rate until 16 October, the new one from it
    periods = con.execute("SELECT effective_from, valid_to, input_per_mtok FROM mart_price_book "
                          "WHERE model = 'gpt-4.1-2025-04-14' ORDER BY effective_from").fetchall()
    assert [(str(a), str(b), c) for a, b, c in periods] == [
        ("2025-01-01", "2026-10-16", 2.0), ("2026-10-16", "9999-12-31", 1.0)]  # infinity


def test_reconciliation_sets_the_cost_reports_beside_priced_usage_and_explains_the_gap(con):
    _load_month(con)
    cost = {"data": [{"starting_at": "2026-10-05T00:00:00Z", "ending_at": "2026-10-06T00:00:00Z", "results": [
        # Anthropic bills sonnet (dated id in the cost report) at exactly our standard + batch lines
        {"currency": "USD", "amount": str(round((7.275 + 1.35) * 100, 4)), "model": "claude-sonnet-4-5-20250929",
         "cost_type": "tokens", "token_type": "uncached_input_tokens", "service_tier": "standard",
         "workspace_id": "wrk_1", "description": "Sonnet"},
        # and haiku 4.5 priority at 1.25 × our standard-rate 0.60
        {"currency": "USD", "amount": "75", "model": "claude-haiku-4-5-20251001", "cost_type": "tokens",
         "token_type": "output_tokens", "service_tier": "priority", "workspace_id": "wrk_1", "description": "H"},
        {"currency": "USD", "amount": "50", "model": None, "cost_type": "web_search", "token_type": None,
         "service_tier": None, "workspace_id": None, "description": "Web search"},
    ]}], "has_more": False}
    openai_cost = {"object": "page", "data": [{"object": "bucket", "start_time": OCT_5, "end_time": OCT_5 + 86400,
                                               "results": [{"object": "organization.costs.result",
                                                            "amount": {"value": 1.4125, "currency": "usd"},
                                                            "line_item": "gpt-4.1-2025-04-14, input",
                                                            "project_id": "proj_1"}]}]}
    report = ingest_files([_file("cost.json", cost), _file("openai_costs.json", openai_cost)], con, user="admin",
                          today=TODAY)
    assert report.status == "loaded", report.problems
    identity.remove_mapping(con, "openai:user_id", "user-abc")
    identity.apply_mapping(con)
    rebuild_vendor_marts(con)
    lines = reconciliation.spend_reconciliation(con, date(2026, 10, 1)).set_index(["vendor", "model_family"])
    sonnet = lines.loc[("anthropic", "claude-sonnet-4-5")]
    # Claude Code's $1.25 estimate is priced usage too, and said to be an estimate
    assert sonnet["vendor_reported_usd"] == pytest.approx(8.625)
    assert sonnet["priced_usd"] == pytest.approx(8.625 + 1.25)
    assert "estimate" in sonnet["explanation"]
    haiku = lines.loc[("anthropic", "claude-haiku-4-5")]
    assert haiku["difference_usd"] == pytest.approx(0.60 - 0.75)
    assert "priority tier usage priced at the standard rate" in haiku["explanation"]
    web = lines.loc[("anthropic", "(not a model: web_search)")]
    assert web["vendor_reported_usd"] == pytest.approx(0.5) and "no usage export" in web["explanation"]
    gpt = lines.loc[("openai", "gpt-4.1")]
    assert gpt["vendor_reported_usd"] == pytest.approx(1.4125)
    assert gpt["unmapped_usd"] == pytest.approx(2.825 + 1.40)
    assert "mapped to nobody" in gpt["explanation"]
    summary = reconciliation.reconciliation_by_vendor_month(con).set_index("vendor")
    assert summary.loc["anthropic", "vendor_reported_usd"] == pytest.approx(8.625 + 0.75 + 0.5)


def test_the_reconciliation_chart_builds_without_a_browser(con):
    _load_month(con)
    spec = reported_vs_priced(reconciliation.reconciliation_by_vendor_month(con)).to_dict()
    assert spec["title"].startswith("Vendor-reported vs priced spend")
    values = next(iter(spec["datasets"].values()))
    assert {v["series"] for v in values} == {"Vendor-reported", "Priced by us"}
