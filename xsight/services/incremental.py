"""Incremental sync: page through what changed since the cursor, oldest change first."""

from __future__ import annotations

from typing import Any

from xsight.extensions import db
from xsight.models import Shop, SyncRun
from xsight.services import rollups, sync_runs
from xsight.services.backfill import RESOURCES
from xsight.services.ingest import graphql_rows, tombstones
from xsight.services.ingest.bulk_groups import write_refunds
from xsight.services.ingest.values import nodes
from xsight.services.ingest.writer import Writer, link_orders_to_customers, relink_orders
from xsight.services.shopify_client import client_for, refresh_shop_details
from xsight.shopify.client import AdminClient
from xsight.shopify.orders import complete_order
from xsight.shopify.paginate import paginate

PAGE_DOCUMENTS = {"customers": "CustomersPage", "products": "ProductsPage", "orders": "OrdersPage"}


def run(run: SyncRun) -> None:
    """Sync everything changed since each resource's cursor; checkpoint after every page."""
    shop = db.session.get(Shop, run.shop_id)
    assert shop is not None
    client = client_for(shop)
    sync_runs.begin(run, "shop")
    refresh_shop_details(shop, client)
    cursors: dict[str, str] = dict((shop.settings or {}).get("sync_cursor") or {})
    processed = int(run.processed or 0)
    for resource in RESOURCES:
        state = dict((run.checkpoint or {}).get(resource) or {})
        if state.get("done"):
            continue
        sync_runs.progress(run, step=f"syncing {resource}")
        since = state.get("since", cursors.get(resource))
        variables = {"query": f"updated_at:>='{since}'"} if since else {}
        newest = state.get("newest") or since
        for page in paginate(client, PAGE_DOCUMENTS[resource], resource, variables,
                             after=state.get("after")):
            writer = Writer(db.session, run.shop_id)
            for node in page.nodes:
                _write_node(writer, client, resource, node)
            writer.flush()
            tombstones.purge(db.session, run.shop_id)  # a page read before a */delete revives nothing
            if resource == "orders":  # an order may have moved to another customer (decision 084)
                relink_orders(db.session, run.shop_id, [node["id"] for node in page.nodes])
            if resource in ("customers", "orders"):
                link_orders_to_customers(db.session, run.shop_id)
            rollups.refresh_written(db.session, writer)
            processed += len(page.nodes)
            newest = page.last_updated_at or newest
            state.update(since=since, after=page.end_cursor, newest=newest)
            sync_runs.progress(run, processed=processed, checkpoint={resource: state})
        if newest:
            cursors[resource] = newest
        shop.settings = {**(shop.settings or {}), "sync_cursor": dict(cursors)}
        state["done"] = True
        sync_runs.progress(run, checkpoint={resource: state})


def _write_node(writer: Writer, client: AdminClient, resource: str, node: dict[str, Any]) -> None:
    if resource == "customers":
        writer.add("customers", graphql_rows.customer(node))
    elif resource == "products":
        product = graphql_rows.product(node)
        writer.add("products", product)
        for variant in nodes(node.get("variants")):
            writer.add("product_variants", graphql_rows.variant(variant, node.get("updatedAt")),
                       product["shopify_gid"])
    else:
        _write_order(writer, client, node)


def _write_order(writer: Writer, client: AdminClient, node: dict[str, Any]) -> None:
    """Queue an order with all of its line items and refunds (fetching what the page cut short)."""
    complete_order(client, node)
    order = graphql_rows.order(node)
    gid = order["shopify_gid"]
    writer.add("orders", order)
    for line in nodes(node.get("lineItems")):
        writer.add("order_line_items", graphql_rows.line_item(line, node.get("updatedAt")), gid)
    write_refunds(writer, gid, node.get("refunds") or [])
