"""Run one insights recompute of the bench shop and write every stored column to a JSON file; compare two.

Run: PYTHONPATH=. .venv/bin/python bench/recompute_dump.py OUT.json [SQLITE_FILE]   (or DATABASE_URL=...)
     .venv/bin/python bench/recompute_dump.py --compare A.json B.json
With another checkout's folder as PYTHONPATH (e.g. main exported with `git archive`) it dumps what that
code stores; the comparison covers predictions row by row (all columns but the row id and the run id) and
the run's status, counts, parameters, log-likelihood, quality, summaries and error.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RUN_COLUMNS = ("status, observation_end, n_customers, n_repeat_buyers, params, log_likelihood, quality, "
               "summary, error")
PREDICTION_COLUMNS = ("customer_key, customer_id, orders, net_sales, recency_days, p_alive, expected_30d, "
                      "expected_90d, clv_12m, next_order_at, churn_risk, r, f, m, fm, rfm_group, shop_id")


def _plain(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "{[":
        return json.loads(value)  # SQLite returns JSON columns as text
    return value if value is None or isinstance(value, int | float | dict | list) else str(value)


def dump(out: str, sqlite_file: str | None) -> None:
    """Recompute the bench shop and write what was stored."""
    from sqlalchemy import text

    from tests.conftest import make_settings
    from xsight import create_app
    from xsight.extensions import db
    from xsight.services import insights_recompute

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{sqlite_file}"
    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance", DATABASE_URL=url))
    with app.app_context():
        sid = db.session.execute(text("SELECT id FROM shops WHERE domain = 'bench.myshopify.com'")).scalar()
        db.session.commit()
        t0, c0 = time.perf_counter(), time.process_time()
        run = insights_recompute.recompute(sid)
        print(f"recompute: {time.perf_counter() - t0:.2f} s (CPU {time.process_time() - c0:.2f} s)",
              file=sys.stderr)
        rows = db.session.execute(text(f"SELECT {PREDICTION_COLUMNS}, model_run_id FROM customer_predictions "
                                       f"WHERE shop_id = {int(sid)} ORDER BY customer_key")).all()
        assert all(r[-1] == run.id for r in rows), "rows of another run are left"
        query = f"SELECT {RUN_COLUMNS} FROM model_runs WHERE id = {int(run.id)}"
        stored = db.session.execute(text(query)).one()
    Path(out).write_text(json.dumps({"predictions": [[_plain(v) for v in r[:-1]] for r in rows],
                                     "run": [_plain(v) for v in stored]}))


def compare(a: str, b: str) -> bool:
    """Print whether two dumps are equal; return it."""
    left, right = (json.loads(Path(f).read_text()) for f in (a, b))
    same_rows, same_run = left["predictions"] == right["predictions"], left["run"] == right["run"]
    print(f"predictions: {len(left['predictions'])} vs {len(right['predictions'])} rows, equal: {same_rows}; "
          f"run (status, counts, params, log-likelihood, quality, summaries, error) equal: {same_run}")
    return same_rows and same_run


if __name__ == "__main__":
    if sys.argv[1] == "--compare":
        sys.exit(0 if compare(sys.argv[2], sys.argv[3]) else 1)
    dump(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
