"""`python -m workforce render NAME [--folder DIR] [--relation ALIAS=FILE ...]`: print the SQL a query runs.

NAME is a file under the folder without `.sql` (default workforce/sql), e.g. `usage/daily_spend`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workforce.db import ROOT, SQL_DIR, render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workforce", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    show = commands.add_parser("render", help="print the SQL that db.query runs for a named file")
    show.add_argument("name", help="the file under the folder, without .sql, e.g. usage/daily_spend")
    show.add_argument("--folder", type=Path, default=SQL_DIR, help="the SQL folder (default workforce/sql)")
    show.add_argument("--relation", action="append", default=[], metavar="ALIAS=FILE",
                      help="a common table expression read from FILE (a name in the folder)")
    args = parser.parse_args(argv)
    folder = args.folder if args.folder.is_absolute() else ROOT / args.folder
    relations = {}
    for item in args.relation:
        alias, sep, file = item.partition("=")
        if not sep or not alias or not file:
            parser.error(f"--relation {item!r}: write it as ALIAS=FILE")
        relations[alias] = file
    print(render(args.name, relations=relations, folder=folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
