"""CSV export: formula injection neutralised, ISO dates, money with currency, 200k rows in bounded memory."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.crm_data import build
from tests.conftest import ShopifyHelper
from xsight.extensions import db
from xsight.models import Customer, CustomerDataAccess, Shop
from xsight.services.crm import facts
from xsight.services.crm.export import COLUMNS, neutralise

ROOT = Path(__file__).resolve().parents[3]
RSS_LIMIT_MB = 100
BIG = 200_000


@pytest.mark.parametrize(("cell", "expected"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+1+1", "'+1+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"), ("\rCR", "'\rCR"),
    ("Ada", "Ada"), ("a=b", "a=b"), ("", ""), ("'quoted", "'quoted"),
])
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def export(client: FlaskClient, shopify: ShopifyHelper, shop: Shop, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/api/v1/customers/export.csv?{query}", headers=shopify.auth(shop.domain))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="customers-')
    text = response.get_data().decode("utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    return list(csv.DictReader(io.StringIO(text)))


def test_export_neutralises_cells_and_keeps_numbers(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                                    make_shop: Callable[..., Shop]) -> None:
    shop = make_shop(currency="EUR")
    with app.app_context():
        build(db.session, shop.id, 5)
        db.session.add(Customer(shop_id=shop.id, shopify_gid="gid://shopify/Customer/evil",
                                first_name="=cmd|' /C calc'!A0", last_name=None, email="@evil.example",
                                tags=["+tag", "-tag", "safe"], country_code="US"))
        db.session.add(Customer(shop_id=shop.id, shopify_gid="gid://shopify/Customer/tab",
                                first_name="\tTabbed", last_name="Ünïcødé", email="\rcr@example.com"))
        facts.refresh(db.session, shop.id, ["gid://shopify/Customer/evil", "gid://shopify/Customer/tab"])
        db.session.commit()
    rows = export(client, shopify, shop)
    assert len(rows) == 7 and {r["currency"] for r in rows} == {"EUR"}
    evil = next(r for r in rows if r["gid"] == "gid://shopify/Customer/evil")
    assert evil["name"] == "'=cmd|' /C calc'!A0" and evil["email"] == "'@evil.example"
    assert evil["tags"] == "'+tag, -tag, safe"
    tab = next(r for r in rows if r["gid"] == "gid://shopify/Customer/tab")
    assert tab["name"] == "'\tTabbed Ünïcødé" and tab["email"] == "'\rcr@example.com"
    first = rows[0]
    assert first["gid"] == "gid://shopify/Customer/1" and first["first_order_date"][4] == "-"
    assert first["amount_spent"].count(".") == 1 and first["created_at"].endswith("Z")
    for row in rows:
        for column in COLUMNS:
            assert not row[column].startswith(("=", "+", "@", "\t", "\r")), (column, row[column])


def test_export_applies_the_list_filters(app: Flask, client: FlaskClient, shopify: ShopifyHelper,
                                         make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, 40)
    listed = client.get("/api/v1/customers?country=GB,DE&tag=vip&limit=250",
                        headers=shopify.auth(shop.domain)).json["customers"]
    rows = export(client, shopify, shop, "country=GB,DE&tag=vip")
    assert sorted(int(r["id"]) for r in rows) == sorted(r["id"] for r in listed) and rows
    with app.app_context():
        logged = [(a.route, a.customer_count) for a in db.session.scalars(select(CustomerDataAccess))]
    assert logged[-1] == ("/api/v1/customers/export.csv", len(rows))
    assert client.get("/api/v1/customers/export.csv?rfm_group=nope",
                      headers=shopify.auth(shop.domain)).status_code == 400


# The child imports only what an export needs (not create_app's numpy/scipy/gevent, ~90 MB on
# their own), so its peak RSS is the export's footprint plus Flask and SQLAlchemy.
CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from flask import Flask
from xsight.extensions import db
from xsight.models import Shop
from xsight.services.crm.export import stream_csv
from xsight.services.crm.facts import customer_facts
def peak_kb():  # this process image's own high-water mark (getrusage would include the forking parent's)
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
app = Flask("export-child")
app.config["SQLALCHEMY_DATABASE_URI"] = sys.argv[2]
db.init_app(app)
with app.app_context():
    before = peak_kb()
    shop = db.session.get(Shop, int(sys.argv[3]))
    lines = size = 0
    for chunk in stream_csv(shop, customer_facts(shop.id), []):
        lines += chunk.count("\\n")
        size += len(chunk.encode())
print(json.dumps({"lines": lines, "bytes": size, "before_kb": before, "max_rss_kb": peak_kb()}))
"""


def run_export(database_url: str, shop_id: int) -> dict[str, int]:
    """Export every customer of the shop in a fresh process; return lines, bytes and RSS figures."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), database_url, str(shop_id)],
                         capture_output=True, text=True, timeout=600, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak RSS from Linux /proc")
def test_200k_row_export_stays_under_100_mb(app: Flask, make_shop: Callable[..., Shop]) -> None:
    shop = make_shop()
    with app.app_context():
        build(db.session, shop.id, BIG, orders=False)
        url = db.engine.url.render_as_string(hide_password=False)
    found = run_export(url, shop.id)
    assert found["lines"] == BIG + 1 and found["bytes"] > 30 * BIG
    peak_mb, before_mb = found["max_rss_kb"] / 1024, found["before_kb"] / 1024
    assert peak_mb < RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB ({before_mb:.0f} MB before the export)"
