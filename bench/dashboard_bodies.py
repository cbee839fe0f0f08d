"""Save, or compare with a saved file, GET /dashboard bodies of 300 seeded random ranges of the bench shop.

Run on one checkout, then on another, against the same data (left by `insights_bench --reuse`):
    .venv/bin/python -m bench.dashboard_bodies save /tmp/bodies.json [/tmp/insights-bench.sqlite3]
    .venv/bin/python -m bench.dashboard_bodies compare /tmp/bodies.json [/tmp/insights-bench.sqlite3]
(with DATABASE_URL=postgresql://... for PostgreSQL). Ranges of 1-1,098 days from before the first order to
after the last, top 0-50; `compare` exits 1 when any body differs by a byte.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from tests.conftest import ShopifyHelper, make_settings
from xsight import create_app

LENGTHS = (1, 7, 30, 31, 90, 365, 366, 730, 1098)
TOPS = (0, 1, 5, 5, 5, 10, 50)


def cases(n: int = 300) -> list[tuple[date, date, int]]:
    """Return the seeded (start, end, top) triples."""
    rnd = random.Random(20261126)
    out = []
    for _ in range(n):
        length = rnd.choice([*LENGTHS, rnd.randint(1, 1098)])
        start = date(2023, 6, 1) + timedelta(days=rnd.randint(-200, 1300))
        out.append((start, start + timedelta(days=length - 1), rnd.choice(TOPS)))
    return [*out, (date(2024, 3, 5), date(2026, 3, 4), 5), (date(2026, 11, 1), date(2026, 11, 30), 50)]


def bodies(url: str) -> dict[str, str]:
    """Return each case's response body, keyed by start/end/top."""
    app = create_app(make_settings(Path(tempfile.mkdtemp()) / "instance", DATABASE_URL=url,
                                   RATE_LIMIT_PER_SECOND=10_000, RATE_LIMIT_BURST=10_000))
    client, auth = app.test_client(), ShopifyHelper()
    found = {}
    for start, end, top in cases():
        r = client.get(f"/api/v1/dashboard?start={start}&end={end}&top={top}",
                       headers=auth.auth("bench.myshopify.com"))
        assert r.status_code == 200, r.data[:300]
        found[f"{start}/{end}/{top}"] = r.data.decode()
    return found


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{sys.argv[3]}"
    logging.disable(logging.INFO)  # one access line per request otherwise
    found = bodies(url)
    digest = hashlib.sha256("".join(found.values()).encode()).hexdigest()[:16]
    if mode == "save":
        path.write_text(json.dumps(found))
        print(f"saved {len(found)} bodies, sha256 {digest}")
        return
    saved = json.loads(path.read_text())
    differ = [key for key, body in found.items() if saved.get(key) != body]
    print(f"compared {len(found)} bodies (sha256 {digest}): {len(differ)} differ {differ[:5]}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
