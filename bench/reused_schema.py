"""Bring a reused bench database (built by `db.create_all()` at some revision) to the migrations' head.

Run: .venv/bin/python -m bench.reused_schema --stamp 0012 /tmp/bench.sqlite3
     DATABASE_URL=postgresql://... .venv/bin/python -m bench.reused_schema --stamp 0012
`insights_bench --reuse` keeps the tables of an earlier run as they are; a database without Alembic's
marker is first stamped at the revision its schema was created at (--stamp), then upgraded, so the bench
measures the current schema (e.g. 0013: customer_predictions without foreign keys, decision 035).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from flask_migrate import stamp, upgrade
from sqlalchemy import inspect

from tests.conftest import make_settings
from xsight import create_app
from xsight.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sqlite_file", nargs="?", help="the SQLite file (without DATABASE_URL)")
    parser.add_argument("--stamp", required=True, help="revision the schema was created at, if unmarked")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.sqlite_file}"
    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance", DATABASE_URL=url))
    with app.app_context():
        if "alembic_version" not in inspect(db.engine).get_table_names():
            stamp(revision=args.stamp)
        upgrade()
        print(f"schema of {db.engine.url.render_as_string(hide_password=True)} at head", file=sys.stderr)


if __name__ == "__main__":
    main()
