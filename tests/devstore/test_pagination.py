"""Cursor pagination visits every record once, in every direction, also while records change."""

from __future__ import annotations

import json

import pytest

from xsight.devstore import StoreHandle

from .conftest import Admin

PAGE = """query($first: Int, $last: Int, $after: String, $before: String, $sort: CustomerSortKeys,
  $rev: Boolean, $q: String) { customers(first: $first, last: $last, after: $after, before: $before,
  sortKey: $sort, reverse: $rev, query: $q) { edges { cursor node { id updatedAt } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


def _walk(admin: Admin, **kw: object) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        conn = admin(PAGE, {"first": 17, "after": after, **kw})["data"]["customers"]
        ids += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return ids
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        after = conn["pageInfo"]["endCursor"]


@pytest.mark.parametrize("sort", ["ID", "UPDATED_AT", "CREATED_AT"])
@pytest.mark.parametrize("rev", [False, True])
def test_forward_pages_visit_each_customer_once(admin: Admin, sort: str, rev: bool) -> None:
    ids = _walk(admin, sort=sort, rev=rev)
    assert len(ids) == len(set(ids)) == 120
    by_sort = admin(
        """query($s: CustomerSortKeys, $r: Boolean) { customers(first: 250, sortKey: $s, reverse: $r) {
      nodes { id } } }""",
        {"s": sort, "r": rev},
    )["data"]["customers"]["nodes"]
    assert ids == [n["id"] for n in by_sort]


def test_backward_pages_with_last_and_before(admin: Admin) -> None:
    forward = _walk(admin, sort="UPDATED_AT")
    ids: list[str] = []
    before = None
    while True:
        conn = admin(PAGE, {"last": 25, "before": before, "sort": "UPDATED_AT"})["data"]["customers"]
        ids = [e["node"]["id"] for e in conn["edges"]] + ids
        if not conn["pageInfo"]["hasPreviousPage"]:
            break
        before = conn["pageInfo"]["startCursor"]
    assert ids == forward


def test_updated_at_filter_is_second_precise(admin: Admin) -> None:
    nodes = admin(PAGE, {"first": 250, "sort": "UPDATED_AT"})["data"]["customers"]["edges"]
    pivot = nodes[60]["node"]["updatedAt"]
    after = admin(PAGE, {"first": 250, "q": f"updated_at:>'{pivot}'"})["data"]["customers"]["edges"]
    at_or_after = admin(PAGE, {"first": 250, "q": f"updated_at:>={pivot}"})["data"]["customers"]["edges"]
    assert all(e["node"]["updatedAt"] > pivot for e in after)
    assert all(e["node"]["updatedAt"] >= pivot for e in at_or_after)
    assert len(at_or_after) == len(after) + sum(e["node"]["updatedAt"] == pivot for e in nodes)


def test_incremental_sync_sees_each_record_once_while_records_change(live_store: StoreHandle) -> None:
    admin = Admin(live_store, live_store.access_token())
    mutate = live_store.services.mutate
    total = live_store.services.storage.query("SELECT COUNT(*) FROM customers")[0][0]
    seen: dict[str, list[str]] = {}
    after, pages, touched = None, 0, set()
    query = "updated_at:>='2000-01-01T00:00:00Z'"
    while True:
        conn = admin(PAGE, {"first": 7, "after": after, "sort": "UPDATED_AT", "q": query})["data"][
            "customers"
        ]
        for e in conn["edges"]:
            seen.setdefault(e["node"]["id"], []).append(e["node"]["updatedAt"])
        pages += 1
        if pages <= 3:  # between pages, change one record already seen and one not yet seen
            rows = live_store.services.storage.query("SELECT id, doc FROM customers ORDER BY updated_at, id")
            unseen = [r[0] for r in rows if f"gid://shopify/Customer/{r[0]}" not in seen]
            old = int(next(iter(seen)).rsplit("/", 1)[1])
            for cid in (unseen[len(unseen) // 2], old):
                mutate.retag_customer(admin.shop, cid, [f"p{pages}"], True)
                touched.add(f"gid://shopify/Customer/{cid}")
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(seen) == total  # nobody missed
    for gid, versions in seen.items():
        assert len(versions) == len(set(versions)), gid  # never the same version twice
        if gid not in touched:
            assert len(versions) == 1
    docs = [json.loads(r[0]) for r in live_store.services.storage.query("SELECT doc FROM customers")]
    assert sum("p1" in d["tags"] for d in docs) == 2
