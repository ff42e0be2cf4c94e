"""Command line: `python -m analytics summary --db PATH [--key-file PATH]` prints the effects as JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from analytics.frames import AnalysisInputError
from analytics.mandate_simulation import main as simulate
from analytics.report import summary
from etl.arguments import add_database
from workforce.db import default_db_path, default_key_path


def _clean(value):
    """JSON has no NaN: unestimable figures print as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return _clean(value.item())
    return value


def _summary(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else default_db_path()
    if not db_path.exists():
        print(f"database not found: {db_path}", file=sys.stderr)
        return 2
    key_path = Path(args.key_file) if args.key_file else default_key_path(db_path)
    started = time.perf_counter()
    try:
        result = summary(db_path, key_path, ph_test=not args.no_ph_test)
    except AnalysisInputError as problem:
        print(f"cannot analyse {db_path}: {problem}", file=sys.stderr)
        return 2
    result["timings_s"]["total"] = round(time.perf_counter() - started, 2)
    json.dump(_clean(result), sys.stdout, indent=2)
    print()
    return 0


def _simulate_mandates(args: argparse.Namespace) -> int:
    print(simulate(args.scenario or None, args.seeds, args.employees, args.permutations))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    summ = commands.add_parser("summary", help="fit every model and print the effects as JSON")
    add_database(summ)
    summ.add_argument("--no-ph-test", action="store_true", help="skip the proportional-hazards test")
    summ.set_defaults(func=_summary)
    sim = commands.add_parser("simulate-mandates",
                              help="plant mandate rollouts with the generator and check the mandate estimator over seeds")
    sim.add_argument("--scenario", action="append", help="a scenario of analytics.mandate_simulation.SCENARIOS (repeatable)")
    sim.add_argument("--seeds", type=int, default=15)
    sim.add_argument("--employees", type=int, default=3000)
    sim.add_argument("--permutations", type=int, default=199)
    sim.set_defaults(func=_simulate_mandates)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
