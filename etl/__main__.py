"""Command line: `python -m etl generate OUT_DIR ...`, `python -m etl load SOURCE_DIR --db PATH`,
`python -m etl load --append NEW_DAYS_DIR --db PATH` (etl/loading/append.py),
`python -m etl reidentify --db PATH` (the database-file attack of etl/reidentify.py),
`python -m etl pull VENDOR --since DATE --db PATH`."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from etl.arguments import add_database
from etl.generate import generate
from etl.ingest import cli_load
from etl.loading.append import append_folder
from etl.loading.problems import LoadRejected
from etl.pull import PullError, pull
from etl.reidentify import measure
from workforce.db import default_db_path, default_key_path


def _generate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    result = generate(
        Path(args.out_dir),
        employees=args.employees,
        months=args.months,
        seed=args.seed,
        fmt=args.format,
        end_date=date.fromisoformat(args.end_date),
    )
    elapsed = time.perf_counter() - started
    for table, rows in sorted(result.rows.items()):
        print(f"{table:22s} {rows:>12,d} rows")
    print(f"written to {args.out_dir} in {elapsed:.1f} s")
    return 0


def _load(args: argparse.Namespace) -> int:
    # A folder of the contract tables is a snapshot (all or nothing); vendor exports and lone
    # usage/outcome files are loaded incrementally with history and rollback.
    db_path = Path(args.db) if args.db else default_db_path()
    if args.append:
        return _append(Path(args.source_dir), db_path, quiet=args.quiet)
    key_path = Path(args.key_file) if args.key_file else default_key_path(db_path)
    return cli_load(Path(args.source_dir), db_path, key_path, quiet=args.quiet)


def _append(folder: Path, db_path: Path, *, quiet: bool) -> int:
    def progress(step: str, fraction: float) -> None:
        if not quiet:
            print(f"[{fraction:5.0%}] {step}", file=sys.stderr)

    try:
        report = append_folder(folder, db_path, progress=progress)
    except LoadRejected as rejected:
        print(f"Append rejected: nothing was changed in {db_path}.", file=sys.stderr)
        for problem in rejected.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(report)
    return 0


def _reidentify(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else default_db_path()
    key_path = Path(args.key_file) if args.key_file else default_key_path(db_path)
    print(measure(db_path, key_path if key_path.exists() else None, min_group=args.min_group))


def _pull(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else default_db_path()
    try:
        report = pull(args.vendor, db_path, since=date.fromisoformat(args.since) if args.since else None,
                      until=date.fromisoformat(args.until) if args.until else None)
    except PullError as error:
        print(f"Pull failed, nothing was changed in {db_path}: {error}", file=sys.stderr)
        return 1
    print(report.message)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write a synthetic organisation as the 11 contract files")
    gen.add_argument("out_dir")
    gen.add_argument("--employees", type=int, default=1500)
    gen.add_argument("--months", type=int, default=12)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    gen.add_argument("--end-date", default="2026-10-31", help="last day of the data window (YYYY-MM-DD)")
    gen.set_defaults(func=_generate)

    load = commands.add_parser("load", help="validate and load a folder of contract files (all or nothing) or vendor exports")
    load.add_argument("source_dir")
    add_database(load)
    load.add_argument("--quiet", action="store_true", help="no progress lines")
    load.add_argument("--append", action="store_true",
                      help="SOURCE_DIR holds new days of token_usage (and outcomes) for a loaded database: "
                      "append them and update the marts for those days only, all or nothing")
    load.set_defaults(func=_load)

    reid = commands.add_parser(
        "reidentify", help="play an attacker holding the database file alone: how many respondents it names"
    )
    add_database(reid, key_file="with the key, identifications are checked against the truth "
                 "(default: pseudonym.key beside the database, when present)")
    reid.add_argument("--min-group", type=int, default=5, help="class size below which a submission is counted")
    reid.set_defaults(func=_reidentify)

    pull = commands.add_parser("pull", help="fetch usage and cost from a vendor's Admin API and load it")
    pull.add_argument("vendor", choices=["anthropic", "openai", "github"])
    pull.add_argument("--since", help="first day (YYYY-MM-DD); default: where the last pull stopped")
    pull.add_argument("--until", help="day after the last (YYYY-MM-DD); default: tomorrow (UTC), so today is in")
    add_database(pull, key_file=None)
    pull.set_defaults(func=_pull)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
