"""The spend forecast recovers planted trends, its interval covers the truth, and its backtest
error tells a predictable series from one with a planted break."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from workforce.forecast import _period_bounds, backtest, open_periods, project_series

END = pd.Timestamp("2026-08-15")
FUTURE = pd.date_range("2026-08-16", "2026-12-31")


def _weekly_pattern(days: pd.DatetimeIndex) -> np.ndarray:
    return np.where(days.dayofweek >= 5, -600.0, 0.0)  # weekends are quieter


def _planted(slope: float, noise: float, seed: int = 3) -> tuple[pd.Series, np.ndarray]:
    days = pd.date_range("2025-11-01", END)
    t = np.arange(len(days))
    rng = np.random.default_rng(seed)
    observed = 1000 + slope * t + _weekly_pattern(days) + rng.normal(0, noise, len(t))
    tf = np.arange(len(days), len(days) + len(FUTURE))
    # the future is drawn with the same noise: the interval is for what will be spent
    future = 1000 + slope * tf + _weekly_pattern(FUTURE) + rng.normal(0, noise, len(tf))
    return pd.Series(observed, index=days), future


def _truth(series: pd.Series, future: np.ndarray, start: str, end: str) -> float:
    past = series[start:end].sum()
    mask = (FUTURE >= pd.Timestamp(start)) & (FUTURE <= pd.Timestamp(end))
    return float(past + future[mask].sum())


@pytest.mark.parametrize("slope", [0.0, 4.0])
def test_projection_recovers_a_planted_trend(slope):
    series, future = _planted(slope, noise=40)
    projection = project_series(series)
    rows = projection.horizons.set_index("horizon")
    for horizon, (start, end) in {
        "month": ("2026-08-01", "2026-08-31"),
        "quarter": ("2026-07-01", "2026-09-30"),
        "year": ("2026-01-01", "2026-12-31"),
    }.items():
        truth = _truth(series, future, start, end)
        row = rows.loc[horizon]
        assert row["projected_usd"] == pytest.approx(truth, rel=0.03), horizon
        assert row["lower_usd"] <= row["projected_usd"] <= row["upper_usd"]
    assert rows.loc["month", "actual_to_date_usd"] == pytest.approx(series["2026-08"].sum())
    assert projection.mape is not None and projection.mape < 0.03
    assert len(projection.backtest) == 8


def test_interval_covers_what_is_spent_about_as_often_as_it_says():
    hits = []
    for seed in range(10):
        series, future = _planted(2.0, noise=60, seed=seed)
        rows = project_series(series, backtest_weeks=0).horizons.set_index("horizon")
        truth = _truth(series, future, "2026-07-01", "2026-09-30")
        hits.append(rows.loc["quarter", "lower_usd"] <= truth <= rows.loc["quarter", "upper_usd"])
    # nominal 80 %: 6 or more of 10 (a binomial(10, 0.8) falls below 6 in 3 % of draws)
    assert sum(hits) >= 6


def test_interval_widens_with_noise_and_horizon():
    quiet = project_series(_planted(2.0, noise=10)[0]).horizons.set_index("horizon")
    loud = project_series(_planted(2.0, noise=150)[0]).horizons.set_index("horizon")
    width = lambda rows, h: rows.loc[h, "upper_usd"] - rows.loc[h, "lower_usd"]  # noqa: E731
    assert width(loud, "year") > 3 * width(quiet, "year")
    assert width(quiet, "year") > width(quiet, "month")


def test_backtest_error_shows_a_planted_break():
    series, _ = _planted(0.0, noise=20)
    steady = backtest(series)["abs_pct_error"].mean()
    broken = series.copy()
    # spend doubles on alternate weeks in the backtest window: no model could see it coming
    for k in (1, 3, 5, 7):
        broken.iloc[-7 * k:len(broken) - 7 * (k - 1)] *= 2
    jumpy = backtest(broken)["abs_pct_error"].mean()
    assert steady < 0.03
    assert jumpy > 0.2


def test_daily_forecast_continues_the_series():
    series, _ = _planted(1.0, noise=30)
    daily = project_series(series).daily
    forecast = daily[daily["kind"] == "forecast"]
    assert forecast["day"].min() == END + pd.Timedelta(days=1)
    assert forecast["day"].max() == pd.Timestamp("2026-12-31")
    assert (forecast["cost_usd"] >= 0).all()
    assert (forecast["lower_usd"] <= forecast["upper_usd"]).all()


def test_short_and_empty_series():
    short = pd.Series([100.0] * 10, index=pd.date_range("2026-03-01", periods=10))
    rows = project_series(short).horizons.set_index("horizon")
    # a flat level of 100 a day: March has 21 days left
    assert rows.loc["month", "projected_usd"] == pytest.approx(3100, rel=0.02)
    empty = project_series(pd.Series([], dtype=float))
    assert empty.horizons.empty and empty.mape is None


def test_period_bounds():
    bounds = {name: (a, b) for name, a, b in _period_bounds(date(2026, 11, 3))}
    assert bounds["month"] == (date(2026, 11, 1), date(2026, 11, 30))
    assert bounds["quarter"] == (date(2026, 10, 1), date(2026, 12, 31))
    assert bounds["year"] == (date(2026, 1, 1), date(2026, 12, 31))
    assert _period_bounds(date(2026, 2, 28))[1][1:] == (date(2026, 1, 1), date(2026, 3, 31))


def test_a_forecast_is_offered_only_for_periods_still_open():
    def ending(last: str) -> pd.Series:
        days = pd.date_range("2026-01-01", last)
        return pd.Series(1000.0 + np.arange(len(days)) % 7, index=days)

    # data to 31 Oct: October is complete (its "range" would be the actual twice), Q4 and the year are open
    october = project_series(ending("2026-10-31"))
    complete = october.horizons.set_index("horizon").loc["month"]
    assert complete["lower_usd"] == complete["upper_usd"] == complete["actual_to_date_usd"]
    assert list(open_periods(october)["horizon"]) == ["quarter", "year"]
    # mid-month: all three are open; on 31 Dec: none is
    assert list(open_periods(project_series(ending("2026-08-15")))["horizon"]) == ["month", "quarter", "year"]
    assert open_periods(project_series(ending("2026-12-31"))).empty
