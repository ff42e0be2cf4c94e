"""The synthetic generator: determinism, the data contract, the story's structure, planted effects.

Small companies (a few hundred people x 6 months) keep this fast; the morale recovery check uses
a medium company (2,500 people x 12 months) built once for the module.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import statsmodels.formula.api as smf

from etl.generate import PLANTED, TABLES, generate

END = date(2026, 10, 31)

# The contract's columns and their Arrow types (decimals are float64, as the loader reads them).
CONTRACT = {
    "employees": {"employee_id": "string", "full_name": "string", "email": "string", "job_family": "string",
                  "location": "string", "hire_date": "date32[day]"},
    "job_history": {"employee_id": "string", "effective_date": "date32[day]", "org": "string", "team": "string",
                    "manager_id": "string", "level": "string", "reason": "string", "forced": "bool"},
    "exits": {"employee_id": "string", "exit_date": "date32[day]", "exit_type": "string",
              "layoff_wave": "string", "regretted": "bool"},
    "token_usage": {"usage_date": "date32[day]", "employee_id": "string", "tool": "string", "vendor": "string",
                    "model": "string", "input_tokens": "int64", "output_tokens": "int64",
                    "cache_read_tokens": "int64", "cache_write_tokens": "int64", "requests": "int64",
                    "agent_seconds": "int64", "cost_usd": "double"},
    "model_prices": {"model": "string", "vendor": "string", "effective_from": "date32[day]",
                     "input_per_mtok": "double", "output_per_mtok": "double", "cache_read_per_mtok": "double",
                     "cache_write_per_mtok": "double"},
    "ai_mandates": {"mandate_id": "string", "org": "string", "team": "string", "announced_date": "date32[day]",
                    "effective_date": "date32[day]", "kind": "string", "target": "double",
                    "description": "string"},
    "budgets": {"org": "string", "month": "date32[day]", "budget_usd": "double"},
    "outcomes": {"week_start": "date32[day]", "employee_id": "string", "changes_landed": "int64",
                 "agent_assisted_changes": "int64", "reviews_done": "int64"},
    "survey_waves": {"wave_id": "string", "title": "string", "opens_on": "date32[day]",
                     "closes_on": "date32[day]"},
    "survey_questions": {"wave_id": "string", "question_id": "string", "text": "string", "kind": "string",
                         "theme": "string"},
    "survey_responses": {"response_id": "string", "wave_id": "string", "employee_id": "string",
                         "submitted_at": "timestamp[us]", "question_id": "string", "value": "double",
                         "comment": "string"},
}
REQUIRED = {  # the contract's `*` columns
    "employees": ["employee_id", "full_name", "email", "job_family", "location", "hire_date"],
    "job_history": ["employee_id", "effective_date", "org", "team", "level", "reason", "forced"],
    "exits": ["employee_id", "exit_date", "exit_type"],
    "token_usage": ["usage_date", "employee_id", "tool", "vendor", "model", "input_tokens", "output_tokens",
                    "requests"],
    "model_prices": ["model", "vendor", "effective_from", "input_per_mtok", "output_per_mtok"],
    "ai_mandates": ["mandate_id", "org", "announced_date", "effective_date", "kind", "description"],
    "budgets": ["org", "month", "budget_usd"],
    "outcomes": ["week_start", "employee_id", "changes_landed"],
    "survey_waves": ["wave_id", "title", "opens_on", "closes_on"],
    "survey_questions": ["wave_id", "question_id", "text", "kind", "theme"],
    "survey_responses": ["response_id", "wave_id", "employee_id", "submitted_at", "question_id"],
}


def _connect(folder: Path, fmt: str = "parquet") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for t in TABLES:
        reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
        con.execute(f"create view {t} as select * from {reader}('{folder / f'{t}.{fmt}'}')")
    # each job row with the day it stops holding, and the person's employment spell
    con.execute("""
        create table asg as
        select j.*, lead(j.effective_date) over (partition by j.employee_id order by j.effective_date) as valid_to,
               e.hire_date, x.exit_date
        from job_history j join employees e using (employee_id) left join exits x using (employee_id)
    """)
    return con


def _one(con, sql: str, params=None):
    return con.execute(sql, params or []).fetchall()[0][0]


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _company(tmp_path_factory, name: str, **size):
    """A generated company in its own folder: (folder, result, connection over its files)."""
    folder = tmp_path_factory.mktemp(name)
    result = generate(folder, end_date=END, **size)
    con = _connect(folder)
    yield folder, result, con
    con.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    yield from _company(tmp_path_factory, "small", employees=400, months=6, seed=5)


@pytest.fixture(scope="module")
def medium(tmp_path_factory):
    yield from _company(tmp_path_factory, "medium", employees=2500, months=12, seed=11)


# --- determinism and formats -----------------------------------------------------------------


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, employees=150, months=4, seed=3, end_date=END)
    generate(b, employees=150, months=4, seed=3, end_date=END)
    generate(c, employees=150, months=4, seed=4, end_date=END)
    assert _digest(a) == _digest(b)
    assert len(_digest(a)) == len(TABLES)
    assert _digest(a)["token_usage.parquet"] != _digest(c)["token_usage.parquet"]
    assert _digest(a)["survey_responses.parquet"] != _digest(c)["survey_responses.parquet"]


def test_csv_output_reads_back_with_iso_dates_and_empty_nulls(tmp_path):
    result = generate(tmp_path, employees=150, months=4, seed=3, fmt="csv", end_date=END)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.csv" for t in TABLES)
    con = _connect(tmp_path, fmt="csv")
    for table, n in result.rows.items():
        assert _one(con, f"select count(*) from {table}") == n
    head = (tmp_path / "survey_responses.csv").read_text(encoding="utf-8").splitlines()[1]
    assert "T" in head.split(",")[3] and head.split(",")[3].count(":") == 2
    assert (tmp_path / "employees.csv").read_text().splitlines()[1].split(",")[-1].count("-") == 2
    # vendors without reported cost leave the cell empty
    assert _one(con, "select count(*) from token_usage where cost_usd is null") > 0
    assert _one(con, "select typeof(usage_date) from token_usage limit 1") == "DATE"


def test_parquet_switches_to_csv_without_leaving_both(tmp_path):
    generate(tmp_path, employees=150, months=4, seed=3, end_date=END)
    generate(tmp_path, employees=150, months=4, seed=3, fmt="csv", end_date=END)
    assert not list(tmp_path.glob("*.parquet"))


def test_rejects_unknown_format(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path, employees=150, months=4, seed=3, fmt="xlsx")


# --- the contract ------------------------------------------------------------------------------


def test_every_contract_column_present_with_its_type(small):
    folder, result, _ = small
    for table, columns in CONTRACT.items():
        schema = pq.read_schema(folder / f"{table}.parquet")
        assert {f.name: str(f.type) for f in schema} == columns, table
        assert result.rows[table] > 0, table


def test_required_columns_are_never_null(small):
    _, _, con = small
    for table, columns in REQUIRED.items():
        for col in columns:
            assert _one(con, f"select count(*) from {table} where {col} is null") == 0, (table, col)


def test_keys_unique_and_references_resolve(small):
    _, result, con = small
    keys = {
        "employees": "employee_id", "exits": "employee_id", "ai_mandates": "mandate_id",
        "survey_waves": "wave_id", "job_history": "employee_id, effective_date",
        "token_usage": "employee_id, usage_date, tool, model", "model_prices": "model, effective_from",
        "budgets": "org, month", "outcomes": "employee_id, week_start",
        "survey_questions": "wave_id, question_id", "survey_responses": "response_id, question_id",
    }
    for table, key in keys.items():
        assert _one(con, f"select count(*) - count(distinct ({key})) from {table}") == 0, table
    assert _one(con, "select count(distinct email) - count(*) from employees") == 0
    assert _one(con, "select count(*) from employees where email not like '%@%'") == 0
    for table, col in [("job_history", "employee_id"), ("job_history", "manager_id"), ("exits", "employee_id"),
                       ("token_usage", "employee_id"), ("outcomes", "employee_id"),
                       ("survey_responses", "employee_id")]:
        assert _one(con, f"select count(*) from {table} t where {col} is not null "
                         f"and {col} not in (select employee_id from employees)") == 0, (table, col)
    assert _one(con, "select count(*) from survey_responses r anti join survey_questions q "
                     "using (wave_id, question_id)") == 0
    # everyone in employees was employed at some time in the window
    assert _one(con, "select count(*) from employees e left join exits x using (employee_id) "
                     "where x.exit_date <= ? or e.hire_date > ?", [result.truth.window_start, END]) == 0


def test_job_history_rules(small):
    _, result, con = small
    first = con.execute("""
        select count(*) filter (where j.reason <> 'hire' or j.effective_date <> e.hire_date)
        from (select *, row_number() over (partition by employee_id order by effective_date) rn from job_history) j
        join employees e using (employee_id) where rn = 1""").fetchall()[0][0]
    assert first == 0
    assert _one(con, "select count(*) from job_history where reason = 'hire'") == result.rows["employees"]
    assert _one(con, "select count(*) from job_history where forced and reason not in ('transfer', 'reorg')") == 0
    assert _one(con, "select count(*) from job_history where reason not in "
                     "('hire', 'transfer', 'reorg', 'promotion', 'manager_change')") == 0
    nulls = con.execute("select distinct employee_id from job_history where manager_id is null").fetchall()
    assert nulls == [(result.truth.ceo_id,)]
    assert _one(con, "select count(*) from exits x join employees e using (employee_id) "
                     "where x.exit_date < e.hire_date") == 0
    assert _one(con, "select count(*) from exits where exit_type not in "
                     "('voluntary', 'layoff', 'involuntary', 'retirement')") == 0
    assert _one(con, "select count(*) from exits where (exit_type = 'layoff') <> (layoff_wave is not null)") == 0
    assert _one(con, "select count(*) from exits where (exit_type = 'voluntary') <> (regretted is not null)") == 0


def _managers_on(con, day: date) -> dict[str, str | None]:
    rows = con.execute("""select employee_id, manager_id from asg where effective_date <= ?
                          and (valid_to is null or valid_to > ?) and hire_date <= ?
                          and (exit_date is null or exit_date > ?)""", [day, day, day, day]).fetchall()
    return dict(rows)


def test_no_management_cycles_and_one_top_on_any_date(small):
    _, result, con = small
    days = [r[0] for r in con.execute("select distinct effective_date from job_history "
                                      "where effective_date >= ? order by 1", [result.truth.window_start]).fetchall()]
    days += [result.truth.window_start + timedelta(days=7 * k) for k in range(27)]
    for day in sorted(set(days)):
        managers = _managers_on(con, day)
        tops = [e for e, m in managers.items() if m is None]
        assert tops == [result.truth.ceo_id], day
        for start in managers:
            seen, node = set(), start
            while node is not None and node in managers:
                assert node not in seen, f"cycle through {node} on {day}"
                seen.add(node)
                node = managers[node]


def test_managers_not_employed_are_only_the_planted_lag_cases(small, medium):
    for _, result, con in (small, medium):
        dangling = con.execute("""
            select count(distinct a.manager_id) from asg a join asg m on m.employee_id = a.manager_id
            where a.manager_id is not null and m.exit_date is not null
              and coalesce(a.valid_to, date '9999-12-31') > m.exit_date
              and coalesce(a.exit_date, date '9999-12-31') > m.exit_date
              and coalesce(a.valid_to, date '9999-12-31') > a.effective_date""").fetchall()[0][0]
        assert dangling <= len(result.truth.lagged_reassignments) + 2


def test_usage_only_while_employed_and_priced(small):
    _, _, con = small
    assert _one(con, """select count(*) from token_usage u join employees e using (employee_id)
                        left join exits x using (employee_id)
                        where u.usage_date < e.hire_date or u.usage_date >= coalesce(x.exit_date, date '9999-12-31')""") == 0
    assert _one(con, "select count(*) from token_usage where requests < 1 or input_tokens < 0 or output_tokens < 0 "
                     "or cache_read_tokens < 0 or cache_write_tokens < 0 or agent_seconds < 0 or cost_usd < 0") == 0
    # every model used has a list price in effect on its first day of use
    assert _one(con, """select count(*) from (select model, min(usage_date) first_use from token_usage group by 1) u
                        left join (select model, min(effective_from) f from model_prices group by 1) p using (model)
                        where p.f is null or p.f > u.first_use""") == 0
    assert _one(con, "select count(*) from (select model from model_prices group by 1 having count(*) > 1)") >= 3
    by_vendor = dict(con.execute("select vendor, bool_and(cost_usd is null) from token_usage group by 1").fetchall())
    assert by_vendor["in-house"] and by_vendor["google"] and not by_vendor["anthropic"]
    assert _one(con, "select count(*) from token_usage where tool in ('DevPilot', 'Claude Code') "
                     "and agent_seconds is null") == 0
    assert _one(con, "select count(*) from model_prices where effective_from > ? ",
                [date(2026, 5, 1)]) >= 2  # mid-window price changes


def test_outcomes_rules(small):
    _, _, con = small
    assert _one(con, "select count(*) from outcomes where dayofweek(week_start) <> 1") == 0
    assert _one(con, "select count(*) from outcomes where agent_assisted_changes > changes_landed "
                     "or changes_landed < 0 or reviews_done < 0") == 0
    assert _one(con, """select count(*) from outcomes o join employees e using (employee_id)
                        left join exits x using (employee_id)
                        where o.week_start < e.hire_date or o.week_start >= coalesce(x.exit_date, date '9999-12-31')
                           or e.job_family not in ('Engineering', 'Data Science', 'Product', 'Design')""") == 0


def test_budgets_mandates_waves(small):
    _, result, con = small
    assert _one(con, "select count(*) from budgets where day(month) <> 1 or budget_usd < 0") == 0
    assert _one(con, "select count(*) from ai_mandates where effective_date < announced_date") == 0
    assert _one(con, "select count(*) from ai_mandates where org = '*'") == 0
    assert _one(con, "select count(*) from survey_waves where closes_on < opens_on") == 0
    bank = con.execute("select theme, kind, count(*) from survey_questions where wave_id = "
                       "(select min(wave_id) from survey_waves) group by all").fetchall()
    counts = {(t, k): c for t, k, c in bank}
    assert counts[("morale", "likert5")] == 3 and counts[("manager", "likert5")] == 2
    assert counts[("ai_tools", "likert5")] == 2 and counts[("workload", "likert5")] == 2
    assert counts[("career", "likert5")] == 1 and counts[("intent_to_stay", "likert5")] == 1
    assert counts[("morale", "enps")] == 1 and counts[("morale", "text")] == 1
    assert _one(con, "select count(distinct wave_id) from survey_questions") == result.rows["survey_waves"]


def test_survey_answers_inside_waves_while_employed(small):
    _, _, con = small
    assert _one(con, """select count(*) from survey_responses r join survey_waves w using (wave_id)
                        where r.submitted_at < w.opens_on or r.submitted_at >= w.closes_on + 1""") == 0
    assert _one(con, """select count(*) from survey_responses r join employees e using (employee_id)
                        left join exits x using (employee_id)
                        where r.submitted_at < e.hire_date or r.submitted_at >= coalesce(x.exit_date, date '9999-12-31')""") == 0
    # one submission per person and wave, one timestamp per submission
    assert _one(con, """select count(*) from (select wave_id, employee_id from survey_responses group by 1, 2
                        having count(distinct response_id) > 1)""") == 0
    assert _one(con, """select count(*) from (select response_id from survey_responses group by 1
                        having count(distinct submitted_at) > 1 or count(distinct employee_id) > 1)""") == 0
    assert _one(con, """select count(*) from survey_responses r join survey_questions q using (wave_id, question_id)
                        where (q.kind = 'likert5' and (r.value not in (1, 2, 3, 4, 5) or r.value is null))
                           or (q.kind = 'enps' and (r.value < 0 or r.value > 10 or r.value <> round(r.value)))
                           or (q.kind = 'text' and (r.comment is null or length(r.comment) > 2000))""") == 0
    # everyone who responds answers all twelve closed questions
    assert _one(con, """select count(*) from (select response_id from survey_responses where question_id <> 'TXT1'
                        group by 1 having count(*) <> 12)""") == 0
    rate = con.execute("""select count(distinct response_id) filter (where question_id = 'TXT1')
                          / count(distinct response_id) from survey_responses""").fetchall()[0][0]
    assert 0.2 < rate < 0.4


def test_response_rate_is_about_seventy_percent(medium):
    _, result, con = medium
    rate = con.execute("""
        with eligible as (select w.wave_id, count(distinct e.employee_id) n from survey_waves w, employees e
                          left join exits x using (employee_id)
                          where e.hire_date <= w.opens_on and coalesce(x.exit_date, date '9999-12-31') > w.opens_on
                          group by 1)
        select sum(r.n) / sum(eligible.n) from eligible
        join (select wave_id, count(distinct response_id) n from survey_responses group by 1) r using (wave_id)
    """).fetchall()[0][0]
    assert 0.63 < rate < 0.77


# --- the story's structure ------------------------------------------------------------------


def _spans_on(con, day: date) -> pd.DataFrame:
    return con.execute("""
        with active as (select * from asg where effective_date <= $d and (valid_to is null or valid_to > $d)
                        and hire_date <= $d and (exit_date is null or exit_date > $d))
        select a.manager_id, m.org, m.level, count(*) span from active a join active m on m.employee_id = a.manager_id
        group by all""", {"d": day}).df()


def test_spans_most_managers_4_to_10_and_applied_ai_30_to_60(medium):
    _, result, con = medium
    spans = _spans_on(con, result.truth.window_start)
    assert spans["span"].between(4, 10).mean() > 0.6
    assert spans["span"].max() >= 15  # a long tail
    end_spans = _spans_on(con, result.truth.window_end)
    ai = end_spans[(end_spans["org"] == "Applied AI") & (end_spans["level"] == "M1")]
    assert len(ai) >= 2
    assert ai["span"].between(30, 60).mean() >= 0.8, ai["span"].tolist()
    others = end_spans[end_spans["org"] != "Applied AI"]
    assert others["span"].median() <= 12


def test_applied_ai_is_new_and_mostly_forced(medium):
    _, result, con = medium
    truth = result.truth
    assert _one(con, "select min(effective_date) from job_history where org = 'Applied AI'") == truth.applied_ai_created
    assert truth.applied_ai_created > truth.layoff_date
    moves = con.execute("""select forced, count(*) from job_history j
                           where org = 'Applied AI' and reason in ('transfer', 'reorg') group by 1""").fetchall()
    counts = dict(moves)
    assert counts[True] > 2 * counts.get(False, 0)


def test_one_layoff_wave_of_about_ten_percent(medium):
    _, result, con = medium
    waves = con.execute("select layoff_wave, exit_date, count(*) from exits where exit_type = 'layoff' "
                        "group by all").fetchall()
    assert len(waves) == 1
    wave, day, n = waves[0]
    assert wave == result.truth.layoff_wave and day == result.truth.layoff_date
    headcount = _one(con, """select count(*) from employees e left join exits x using (employee_id)
                             where e.hire_date <= ? and coalesce(x.exit_date, date '9999-12-31') >= ?""", [day, day])
    assert 0.09 < n / headcount < 0.11
    assert {r[0] for r in con.execute("select employee_id from exits where exit_type = 'layoff'").fetchall()} \
        == result.truth.laid_off_ids


def test_mandates_staggered_with_untreated_orgs(medium):
    _, result, con = medium
    assert _one(con, "select count(distinct effective_date) from ai_mandates") >= 4
    assert _one(con, "select count(distinct kind) from ai_mandates") == 4
    assert _one(con, "select count(*) from ai_mandates where team is not null") >= 1
    orgs = {r[0] for r in con.execute("select distinct org from job_history").fetchall()}
    mandated = {r[0] for r in con.execute("select distinct org from ai_mandates where team is null").fetchall()}
    assert len(orgs - mandated) >= 3
    assert set(result.truth.treated_orgs) == mandated
    assert _one(con, "select min(effective_date) from ai_mandates") > result.truth.window_start


def test_usage_rises_under_mandates_and_in_house_share_after_migration(medium):
    _, result, con = medium
    migration = next(m for m in result.truth.mandates if m.kind == "tool_migration")
    share = con.execute("""
        select usage_date >= $eff after, count(*) filter (where vendor = 'in-house') / count(*)
        from token_usage u join asg a on a.employee_id = u.employee_id and a.effective_date <= u.usage_date
             and (a.valid_to is null or a.valid_to > u.usage_date)
        where a.org = $org group by 1 order by 1""", {"eff": migration.effective, "org": migration.org}).fetchall()
    assert share[1][1] > share[0][1] + 0.15
    # adoption: rows per employed person rise more in the first mandated org than in untreated ones
    first = min(result.truth.mandates, key=lambda m: m.effective)
    per_head = con.execute("""
        with months as (select unnest(generate_series($start, $end, interval 1 month))::date m),
        hc as (select a.org, months.m, count(*) n from months join asg a on a.effective_date <= months.m
               and (a.valid_to is null or a.valid_to > months.m) and a.hire_date <= months.m
               and (a.exit_date is null or a.exit_date > months.m) group by all),
        used as (select a.org, date_trunc('month', u.usage_date)::date m, count(*) n from token_usage u
                 join asg a on a.employee_id = u.employee_id and a.effective_date <= u.usage_date
                 and (a.valid_to is null or a.valid_to > u.usage_date) group by all)
        select hc.org, used.m >= $eff after, avg(used.n / hc.n) from hc join used using (org, m)
        where hc.org in ($org, 'Infrastructure', 'People & Ops') and used.m < $layoff group by all""",
        {"start": result.truth.window_start, "end": result.truth.window_end, "eff": first.effective,
         "org": first.org, "layoff": result.truth.layoff_date}).fetchall()
    level = {(org, after): value for org, after, value in per_head}
    growth = {org: level[(org, True)] / level[(org, False)] for org, _ in level}
    assert growth[first.org] > 1.2 * max(growth["Infrastructure"], growth["People & Ops"])


def test_tokenmaxxers_burn_tokens_but_deliver_no_more(medium):
    _, result, con = medium
    maxx = result.truth.tokenmaxxer_ids
    assert 0.01 < len(maxx) / result.rows["employees"] < 0.06
    con.register("maxx", pd.DataFrame({"employee_id": sorted(maxx)}))
    tokens = con.execute("""
        select employee_id in (select employee_id from maxx) m,
               median(total) from (select employee_id, sum(input_tokens + output_tokens + cache_read_tokens
                                                          + cache_write_tokens) total
                                   from token_usage where usage_date >= date '2026-06-01' group by 1)
        group by 1 order by 1""").fetchall()
    assert tokens[1][1] > 10 * tokens[0][1]
    output = con.execute("""
        select employee_id in (select employee_id from maxx) m, avg(changes_landed)
        from outcomes o join employees e using (employee_id)
        where e.job_family = 'Engineering' and week_start >= date '2026-06-01' group by 1 order by 1""").fetchall()
    assert output[1][1] < output[0][1] * 1.15


# --- planted effects -----------------------------------------------------------------------------


def _fit(df: pd.DataFrame, outcome: str, extra: str = ""):
    # forced moves and mandates land on whole teams: cluster by team, not by person
    return smf.ols(f"{outcome} ~ mandate + span10 + forced{extra} + C(wave_id) + C(org)", data=df).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(df["org"] + "/" + df["team"])[0]})


def test_morale_effects_recovered_from_the_files(medium):
    """Rebuild every covariate from the written tables (as the product will) and recover the planted
    coefficients in Likert points with wave and org fixed effects."""
    _, _, con = medium
    df = con.execute("""
        with resp as (
            select r.response_id, r.wave_id, r.employee_id, w.opens_on, avg(r.value) morale_index
            from survey_responses r join survey_waves w using (wave_id)
            where r.question_id in (select question_id from survey_questions q
                                    where q.wave_id = r.wave_id and q.theme = 'morale' and q.kind = 'likert5')
            group by all),
        at_open as (
            select resp.*, a.org, a.team, a.manager_id from resp join asg a on a.employee_id = resp.employee_id
            and a.effective_date <= resp.opens_on and (a.valid_to is null or a.valid_to > resp.opens_on)),
        spans as (
            select w.opens_on, a.manager_id, count(*) span from survey_waves w join asg a
            on a.effective_date <= w.opens_on and (a.valid_to is null or a.valid_to > w.opens_on)
            and a.hire_date <= w.opens_on and (a.exit_date is null or a.exit_date > w.opens_on)
            group by all)
        select o.*, coalesce(s.span, 0) / 10.0 span10,
               exists (select 1 from ai_mandates m where m.effective_date <= o.opens_on and m.org = o.org
                       and (m.team is null or m.team = o.team))::int mandate,
               exists (select 1 from job_history j where j.employee_id = o.employee_id and j.forced
                       and j.effective_date <= o.opens_on and j.effective_date > o.opens_on - 180)::int forced
        from at_open o left join spans s using (opens_on, manager_id)""").df()
    fit = _fit(df, "morale_index")
    assert fit.params["mandate"] == pytest.approx(PLANTED.mandate_effect, abs=0.08)
    assert fit.params["span10"] == pytest.approx(PLANTED.span_effect_per_10_reports, abs=0.04)
    # at this size which teams the reorg hit is itself a sizeable draw: a looser bound
    assert fit.params["forced"] == pytest.approx(PLANTED.forced_transfer_effect, abs=0.12)
    for name, planted in [("mandate", PLANTED.mandate_effect), ("span10", PLANTED.span_effect_per_10_reports),
                          ("forced", PLANTED.forced_transfer_effect)]:
        low, high = fit.conf_int(alpha=0.01).loc[name]
        assert low - 0.02 <= planted <= high + 0.02, (name, low, high)


def test_truth_design_matches_the_latent_model(medium):
    """Given the person effects (known only to the generator), the observed morale index recovers the
    planted coefficients closely: rounding and clipping to 1..5 do not attenuate them."""
    _, result, _ = medium
    d = result.truth.morale_design.assign(span10=lambda x: x.manager_span / 10,
                                          mandate=lambda x: x.mandate.astype(int),
                                          forced=lambda x: x.forced_recent.astype(int))
    fit = _fit(d, "morale_index", extra=" + person_effect")
    assert fit.params["mandate"] == pytest.approx(PLANTED.mandate_effect, abs=0.03)
    assert fit.params["span10"] == pytest.approx(PLANTED.span_effect_per_10_reports, abs=0.02)
    assert fit.params["forced"] == pytest.approx(PLANTED.forced_transfer_effect, abs=0.03)
    assert fit.params["person_effect"] == pytest.approx(1.0, abs=0.05)
    # no direct token effect: adding token intensity leaves its coefficient near zero
    tokens = np.log1p(result.truth.mean_daily_tokens)
    d["token_z"] = ((tokens - tokens.mean()) / tokens.std()).reindex(d["employee_id"]).to_numpy()
    with_tokens = smf.ols("morale_index ~ mandate + span10 + forced + token_z + C(wave_id) + C(org)", data=d).fit()
    assert abs(with_tokens.params["token_z"]) < 0.03


def test_voluntary_exit_hazard_ratios(medium):
    _, result, _ = medium
    panel = result.truth.exit_panel.assign(
        morale=lambda x: x.latent_morale - PLANTED.morale_baseline, forced=lambda x: x.ever_forced.astype(int),
        span10=lambda x: x.manager_span / 10, exit=lambda x: x.voluntary_exit.astype(int))
    fit = smf.logit("exit ~ morale + forced + span10", data=panel).fit(disp=0)
    assert np.exp(fit.params["morale"]) == pytest.approx(PLANTED.hr_morale_per_point, abs=0.15)
    assert fit.params["forced"] > 0
