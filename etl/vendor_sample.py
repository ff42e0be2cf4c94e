"""A sample of vendor exports and member lists for a loaded database's own employees, and the
share of vendor identities a member-list import maps by email.

    python -m etl.vendor_sample --db data/workforce.duckdb --out out/vendor_sample [--measure]

Writes, for a seeded draw of the database's employees: an Anthropic usage report (by account and
by API key), an OpenAI completions usage report (by user), a Copilot per-user NDJSON, and the
matching member lists (Anthropic users and API keys, OpenAI users, GitHub org members with their
SAML emails). About 3% of the listed emails are private addresses no employee has, as in real
organisations. `--measure` loads them into a copy of the database (the original is not touched)
and prints how many identities map, and the ones that do not, with their spend.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import duckdb

from etl.ingest import import_member_lists, ingest_files
from workforce import identity

PRIVATE_SHARE = 0.03


def write_sample(db: Path, out: Path, *, people: int = 300, seed: int = 19) -> dict[str, Path]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        staff = con.execute("SELECT employee_id, email FROM stg_employees WHERE email IS NOT NULL "
                            "ORDER BY employee_id").fetchall()
        day = con.execute("SELECT max(usage_date) FROM stg_token_usage").fetchall()[0][0] - timedelta(days=1)
    finally:
        con.close()
    rng = random.Random(seed)
    chosen = rng.sample(staff, min(people, len(staff)))
    third = len(chosen) // 3

    def listed(email: str) -> str:
        return f"{email.split('@')[0]}.home@gmail.com" if rng.random() < PRIVATE_SHARE else email

    anthropic_people, openai_people, github_people = chosen[:third], chosen[third:2 * third], chosen[2 * third:]
    start = f"{day.isoformat()}T00:00:00Z"
    files = {
        "anthropic_usage.json": {"data": [{"starting_at": start, "results": [
            {"uncached_input_tokens": rng.randint(1_000, 900_000), "output_tokens": rng.randint(100, 90_000),
             "cache_read_input_tokens": 0, "model": "claude-sonnet-4-5-20250929", "account_id": f"user_{i:04d}"}
            for i in range(len(anthropic_people))] + [
            {"uncached_input_tokens": rng.randint(1_000, 900_000), "output_tokens": rng.randint(100, 90_000),
             "cache_read_input_tokens": 0, "model": "claude-haiku-4-5-20251001", "api_key_id": f"apikey_{i:04d}"}
            for i in range(0, len(anthropic_people), 4)]}]},
        "anthropic_users.json": {"data": [{"id": f"user_{i:04d}", "type": "user", "email": listed(e),
                                           "name": eid, "role": "user"}
                                          for i, (eid, e) in enumerate(anthropic_people)]},
        "anthropic_api_keys.json": {"data": [{"id": f"apikey_{i:04d}", "type": "api_key", "name": f"key {i}",
                                              "created_by": {"id": f"user_{i:04d}", "type": "user"}}
                                             for i in range(0, len(anthropic_people), 4)]},
        "openai_usage.json": {"data": [{"start_time": int(duckdb.sql(f"SELECT epoch(DATE '{day}')").fetchall()[0][0]),
                                        "results": [
            {"object": "organization.usage.completions.result", "input_tokens": rng.randint(1_000, 500_000),
             "input_cached_tokens": 0, "output_tokens": rng.randint(100, 50_000), "num_model_requests": 5,
             "model": "gpt-5-2025-08-07", "user_id": f"user-{i:04d}"} for i in range(len(openai_people))]}]},
        "openai_users.json": {"data": [{"object": "organization.user", "id": f"user-{i:04d}",
                                        "email": listed(e).upper(), "name": eid}
                                       for i, (eid, e) in enumerate(openai_people)]},
        "github_members.json": [{"login": f"gh-{eid.lower()}", "id": 10_000 + i, "type": "User",
                                 "email": listed(e)} for i, (eid, e) in enumerate(github_people)],
    }
    copilot = "\n".join(json.dumps({"day": day.isoformat(), "user_login": f"gh-{eid.lower()}",
                                    "user_initiated_interaction_count": rng.randint(1, 40),
                                    "code_acceptance_activity_count": rng.randint(0, 20),
                                    "loc_added_sum": rng.randint(0, 200)}) for eid, _e in github_people)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, obj in files.items():
        paths[name] = out / name
        paths[name].write_text(json.dumps(obj), encoding="utf-8")
    paths["copilot_usage.ndjson"] = out / "copilot_usage.ndjson"
    paths["copilot_usage.ndjson"].write_text(copilot + "\n", encoding="utf-8")
    return paths


def measure(db: Path, paths: dict[str, Path]) -> tuple[int, int, list[tuple]]:
    """(identities mapped, identities seen, the unmapped with their spend) on a copy of `db`."""
    with tempfile.TemporaryDirectory(prefix="vendor-sample-") as folder:
        copy = Path(folder) / "copy.duckdb"
        shutil.copy(db, copy)
        key = db.parent / "pseudonym.key"
        if key.exists():
            shutil.copy(key, Path(folder) / "pseudonym.key")
        usage = [p for n, p in paths.items() if "usage" in n]
        lists = [p for n, p in paths.items() if "usage" not in n]
        con = duckdb.connect(str(copy))
        try:
            report = ingest_files(usage, con, user="vendor_sample")
            if not report.ok:
                raise SystemExit(report.message + " " + "; ".join(map(str, report.problems[:5])))
            imported = import_member_lists(lists, con, user="vendor_sample")
            if not imported.ok:
                raise SystemExit(imported.message + " " + "; ".join(map(str, imported.problems[:5])))
            share = identity.mapped_share(con)
            rest = identity.unmapped_usage(con)
            return (int(share["mapped"].sum()), int(share["identities"].sum()),
                    list(rest[["identity_kind", "identity", "listed_email", "cost_usd"]].itertuples(index=False)))
        finally:
            con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl.vendor_sample", description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--measure", action="store_true")
    args = parser.parse_args(argv)
    paths = write_sample(Path(args.db), Path(args.out), people=args.people)
    print(f"wrote {len(paths)} files to {args.out}")
    if args.measure:
        mapped, seen, rest = measure(Path(args.db), paths)
        print(f"identities mapped by email after the member-list import: {mapped:,} of {seen:,} "
              f"({mapped / seen:.1%})")
        for kind, who, email, cost in rest:
            spend = "no cost or price (Copilot credits unpriced)" if cost != cost else f"${cost:,.2f}"
            print(f"  unmapped: {kind} {who} (member list email: {email or 'none, nor its owner'}), {spend}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
