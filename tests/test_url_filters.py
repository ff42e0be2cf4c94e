"""Filters read from a shared URL are kept to the viewer's own options: another org, a team of an
org not chosen, a bad or backwards date are left out with a message that names no other org."""

from __future__ import annotations

from datetime import date

from ui.filters import url_filters
from workforce.options import FilterOptions

OPTS = FilterOptions(
    orgs=["Ads"],
    teams=[("Ads", "Creative"), ("Ads", "Measurement")],
    vendors=["OpenAI"],
    tools=["Chat"],
    first_day=date(2026, 1, 1),
    last_day=date(2026, 10, 31),
)


def test_values_in_scope_are_kept():
    asked = url_filters({"from": ["2026-03-01"], "to": ["2026-06-30"], "org": ["Ads"], "team": ["Creative"],
                         "vendor": ["OpenAI"], "tool": ["Chat"]}, OPTS)
    assert (asked.start, asked.end) == (date(2026, 3, 1), date(2026, 6, 30))
    assert (asked.orgs, asked.teams, asked.vendors, asked.tools) == (["Ads"], ["Creative"], ["OpenAI"], ["Chat"])
    assert asked.problems == []


def test_another_org_is_dropped_without_naming_it():
    asked = url_filters({"org": ["Ads", "Commerce"], "team": ["Shops Platform"]}, OPTS)
    assert asked.orgs == ["Ads"] and asked.teams == []
    assert len(asked.problems) == 2
    assert all("Commerce" not in p and "Shops" not in p for p in asked.problems)


def test_dates_are_checked_and_clamped():
    assert url_filters({"from": ["yesterday"]}, OPTS).problems[0].startswith("the link's 'from' date 'yesterday'")
    clamped = url_filters({"from": ["2020-01-01"], "to": ["2030-01-01"]}, OPTS)
    assert (clamped.start, clamped.end) == (OPTS.first_day, OPTS.last_day)
    backwards = url_filters({"from": ["2026-06-01"], "to": ["2026-02-01"]}, OPTS)
    assert (backwards.start, backwards.end) == (None, None) and "backwards" in backwards.problems[0]
