"""The benchmark's recording and replay, end to end on the sample database, and their rules:
which user each page is recorded as, when warm repeats stop, and that a broken page fails loudly."""

from __future__ import annotations

import pickle

import pytest

import bench.replay as replay_module
from bench.record import record, user_for
from bench.replay import replay, warm_times
from ui.navigation import PAGES_BY_KEY
from workforce.filters import Filters
from workforce.viewer import Role, Viewer

VIEWERS = {
    "exec": Viewer("exec", Role.EXECUTIVE),
    "hr": Viewer("hr", Role.HR_PARTNER, orgs=frozenset({"Ads"}), employee_id="E1"),
    "admin": Viewer("admin", Role.ADMIN),
    "employee": Viewer("employee", Role.EMPLOYEE, employee_id="E2"),
}


def test_each_page_is_recorded_as_the_demo_user_meant_for_it():
    assert user_for(PAGES_BY_KEY["executive_summary"], VIEWERS) == "exec"
    assert user_for(PAGES_BY_KEY["survey_waves"], VIEWERS) == "hr"  # executives may not open it
    assert user_for(PAGES_BY_KEY["data_admin"], VIEWERS) == "admin"
    assert user_for(PAGES_BY_KEY["cost_alerts"], VIEWERS) == "admin"
    # the survey form is the employee's page, although the HR partner is linked to a person too
    assert user_for(PAGES_BY_KEY["pulse_survey"], VIEWERS) == "employee"
    with pytest.raises(RuntimeError, match="pulse_survey"):
        user_for(PAGES_BY_KEY["pulse_survey"], {**VIEWERS, "employee": None})


def test_warm_repeats_stop_once_their_time_passes_the_budget(monkeypatch):
    monkeypatch.setattr(replay_module, "timed", lambda *_: 3.0)
    assert warm_times(None, None, (), {}, repeats=5, budget=5.0) == [3.0, 3.0]
    monkeypatch.setattr(replay_module, "timed", lambda *_: 0.1)
    assert len(warm_times(None, None, (), {}, repeats=5, budget=5.0)) == 5


def test_record_and_replay_pages_of_two_users(app_db, monkeypatch):
    # app_db sets WORKFORCE_DB and WORKFORCE_KEY_FILE through monkeypatch, so what record sets is undone after
    monkeypatch.setattr(replay_module, "WARM_REPEATS", 2)  # the shape is under test, not the figures
    pages = ["org_changes", "audit_log"]
    calls, seen = record(app_db, pages)
    assert list(calls) == pages
    assert seen["users"] == {"org_changes": "exec", "audit_log": "admin"}
    assert seen["chart_rows"]["org_changes"] > 0 and seen["max_chart_rows"] >= seen["chart_rows"]["org_changes"]
    names = {page: {f"{fn.__module__}.{fn.__name__}" for fn, _, _ in c} for page, c in calls.items()}
    assert "workforce.people.headcount_monthly" in names["org_changes"]  # through the cache
    assert "workforce.access_admin.audit_entries" in names["audit_log"]  # a direct call of the page
    assert all(calls.values())
    pickle.loads(pickle.dumps(calls))  # the originals were put back: the calls can be saved

    result = replay(app_db, calls)
    settings = result.pop("_settings")
    assert settings["memory_limit"] and settings["filtered_org"]
    assert result.pop("_peak_rss_mb") > 0
    for page, page_calls in calls.items():
        default, filtered = result[page]["default"], result[page]["filtered"]
        assert len(default["calls"]) == len(default["cold"]) == len(default["warm"]) == len(default["repeats"]) \
            == len(page_calls)
        assert not default["errors"] and not filtered["errors"]
        assert all(t > 0 for t in default["cold"] + default["warm"]) and all(1 <= r <= 2 for r in default["repeats"])
        # the filtered view holds exactly the calls that take filters, in the default view's order
        takes = [i for i, (_, a, k) in enumerate(page_calls)
                 if any(isinstance(v, Filters) for v in (*a, *k.values()))]
        assert filtered["of_default"] == takes
        assert len(filtered["calls"]) == len(filtered["cold"]) == len(filtered["warm"]) == len(takes)
    assert result["org_changes"]["filtered"]["calls"] and not result["audit_log"]["filtered"]["calls"]


def test_recording_fails_loudly_naming_a_page_that_raises(app_db, monkeypatch):
    import workforce.overview

    def broken(*_args, **_kwargs):
        raise RuntimeError("planted failure")

    monkeypatch.setattr(workforce.overview, "headcount", broken)
    with pytest.raises(RuntimeError, match="page overview .*planted failure"):
        record(app_db, ["overview"])
