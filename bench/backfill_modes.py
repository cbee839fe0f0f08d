"""The measured modes of bench.backfill_bench: the raw ceiling (two parsers) and XSight."""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

READ_BYTES = 1 << 16  # what the XSight mode reads at a time, about what a download delivers


def chunks(path: Path) -> Iterator[bytes]:
    """The file's bytes READ_BYTES at a time, as a download delivers them."""
    with path.open("rb") as handle:
        yield from iter(lambda: handle.read(READ_BYTES), b"")


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the backfill's mapping processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ceiling_orjson(folder: Path, url: str) -> dict[str, int]:
    """The raw ceiling with the parser XSight uses (orjson) instead of the standard library's."""
    import orjson

    return ceiling(folder, url, orjson.loads)


def ceiling(folder: Path, url: str, loads: Callable[[bytes], Any] = json.loads) -> dict[str, int]:
    """Parse every line and bulk-insert plain tuples with the driver: the raw ceiling."""
    customers, orders, lines = [], [], []
    for name in ("customers.jsonl", "orders.jsonl"):
        with (folder / name).open() as handle:
            for text in handle:
                obj = loads(text)
                if name == "customers.jsonl":
                    customers.append((obj["id"], obj["firstName"], obj["lastName"],
                                      obj["defaultEmailAddress"]["emailAddress"]))
                elif "__parentId" in obj:
                    lines.append((obj["id"], obj["__parentId"], obj["quantity"],
                                  obj["originalUnitPriceSet"]["shopMoney"]["amount"]))
                else:
                    orders.append((obj["id"], obj["customer"]["id"], obj["processedAt"],
                                   obj["totalPriceSet"]["shopMoney"]["amount"]))
    ddl = ["CREATE TABLE c (gid TEXT, first TEXT, last TEXT, email TEXT)",
           "CREATE TABLE o (gid TEXT, customer TEXT, processed TEXT, total NUMERIC)",
           "CREATE TABLE l (gid TEXT, parent TEXT, quantity INT, price NUMERIC)"]
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///") + f".ceiling-{loads.__module__}")
        for statement in ddl:
            conn.execute(statement)
        conn.executemany("INSERT INTO c VALUES (?,?,?,?)", customers)
        conn.executemany("INSERT INTO o VALUES (?,?,?,?)", orders)
        conn.executemany("INSERT INTO l VALUES (?,?,?,?)", lines)
        conn.commit()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
            for table in ("c", "o", "l"):
                conn.execute(f"DROP TABLE IF EXISTS {table}")
            for statement in ddl:
                conn.execute(statement)
            with conn.cursor() as cur:
                for table, data in (("c", customers), ("o", orders), ("l", lines)):
                    with cur.copy(f"COPY {table} FROM STDIN") as copy:
                        for row in data:
                            copy.write_row(row)
            conn.commit()
            for table in ("c", "o", "l"):  # leave the database as it was
                conn.execute(f"DROP TABLE {table}")
    rows = len(customers) + len(orders) + len(lines)
    return {"rows": rows}


def xsight(folder: Path, url: str) -> dict[str, float]:
    """Run XSight's real backfill write path over the same files, then time the rollups apart."""
    from sqlalchemy import func, select

    from bench.backfill_bench import server_cpu
    from bench.proc_rss import PeakRss
    from xsight import create_app
    from xsight.config import load_settings, new_encryption_key
    from xsight.extensions import db
    from xsight.models import Customer, Order, OrderLineItem, Shop
    from xsight.services import rollups
    from xsight.services.backfill import COMMIT_EVERY_LINES, SQLITE_COMMIT_EVERY_LINES
    from xsight.services.ingest import bulk_load, bulk_mapping
    from xsight.services.ingest.writer import link_orders_to_customers

    settings = load_settings(environ={}, XSIGHT_ENV="test", DATABASE_URL=url,
                             INSTANCE_PATH=str(folder / "instance"), SHOPIFY_API_KEY="k",
                             SHOPIFY_API_SECRET="s",  # noqa: S106 - throwaway bench app
                             ENCRYPTION_KEY=new_encryption_key())
    app = create_app(settings)
    with app.app_context():
        db.drop_all()
        db.create_all()
        shop = Shop(domain="bench.myshopify.com", installed=True)
        db.session.add(shop)
        db.session.commit()
        server_before = server_cpu(url)
        commit_every = SQLITE_COMMIT_EVERY_LINES if url.startswith("sqlite") else COMMIT_EVERY_LINES
        files = (("customers", folder / "customers.jsonl"), ("orders", folder / "orders.jsonl"))
        # The export's object count, which a backfill has from its bulk operation (not timed).
        expected = {kind: sum(1 for line in path.open("rb") if line.strip()) for kind, path in files}
        exports = [(kind, expected[kind], 0) for kind, _ in files]
        with PeakRss() as load_peak:
            started, cpu = time.perf_counter(), time.process_time() + children_cpu()  # app is up
            sources = {kind: (lambda p=path: chunks(p)) for kind, path in files}
            with bulk_mapping.Ahead(db.session, exports, commit_every, sources) as ahead:  # as backfill.run
                for kind, path in files:
                    bulk_load.load_jsonl(db.session, shop.id, kind, chunks(path),
                                         expected=expected[kind], commit_every=commit_every,
                                         on_commit=lambda _count: db.session.commit(),
                                         process=ahead.process_for(kind))
                    db.session.commit()
            link_orders_to_customers(db.session, shop.id)
            db.session.commit()
            seconds = time.perf_counter() - started
            cpu_seconds = time.process_time() + children_cpu() - cpu  # with the mapping process
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the rollups
        server_after = server_cpu(url)
        rollup_started, rollup_cpu = time.perf_counter(), time.process_time()
        with PeakRss() as rollup_peak:
            rollups.rebuild(db.session, shop.id)
            db.session.commit()
        rollup_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the counts
        rollup_seconds = time.perf_counter() - rollup_started
        rollup_cpu_seconds = time.process_time() - rollup_cpu
        rows = sum(db.session.scalar(select(func.count()).select_from(m)) or 0
                   for m in (Customer, Order, OrderLineItem))
        unlinked = db.session.scalar(select(func.count()).select_from(Order).where(
            Order.customer_id.is_(None)))
    return {"rows": rows, "unlinked": unlinked or 0, "seconds": seconds, "cpu": cpu_seconds,
            "rss_mb": rss_mb, "rollup_seconds": rollup_seconds,
            "rollup_cpu": rollup_cpu_seconds,
            "rollup_rss_mb": rollup_rss_mb,
            "anon_mb": load_peak.peak["RssAnon"], "file_mb": load_peak.peak["RssFile"],
            "child_rss_mb": load_peak.peak["Children"], "total_rss_mb": load_peak.peak["WithChildren"],
            "rollup_anon_mb": rollup_peak.peak["RssAnon"], "rollup_file_mb": rollup_peak.peak["RssFile"],
            **({} if server_before is None or server_after is None
               else {"server_cpu": server_after - server_before})}
