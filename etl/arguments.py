"""Command-line arguments the project's commands share (`python -m etl ...`, `python -m analytics ...`)."""

from __future__ import annotations

import argparse

from workforce.db import default_db_path

KEY_FILE_HELP = "pseudonym secret (default: pseudonym.key beside the database)"


def add_database(parser: argparse.ArgumentParser, *, key_file: str | None = KEY_FILE_HELP) -> None:
    """`--db` (the database file) and, unless `key_file` is None, `--key-file` with that help."""
    parser.add_argument("--db", help=f"database file (default {default_db_path()})")
    if key_file is not None:
        parser.add_argument("--key-file", help=key_file)
