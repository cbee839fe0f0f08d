"""JSONL streaming and assembly: every child with its own parent, late children included, flat memory."""

from __future__ import annotations

import json
import random
import tracemalloc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from xsight.errors import BulkOperationError, ShopifyNetworkError
from xsight.shopify.jsonl import Group, assemble, parse_lines, stream_jsonl

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"
FIRST_PRODUCT = "gid://shopify/Product/1921569226808"


def load(name: str) -> list[dict[str, Any]]:
    with (FIXTURES / name).open() as fh:
        return list(parse_lines(fh))


def truth(objects: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Return child id -> parent id as the file says."""
    return {o["id"]: o["__parentId"] for o in objects if "__parentId" in o}


def regroup(groups: Iterable[Group]) -> tuple[list[str], dict[str, str], int]:
    """Return (root ids in order, child id -> parent id from the output, late groups)."""
    roots, links, late = [], {}, 0
    for group in groups:
        if group.root is not None:
            roots.append(group.root["id"])
            assert group.parent_id == group.root["id"]
        else:
            late += 1
        for child in group.children:
            assert child["id"] not in links, "a child was yielded twice"
            links[child["id"]] = child["__parentId"]
            if group.root is not None and child["__parentId"] != group.root["id"]:
                assert links[child["__parentId"]] == group.root["id"]  # a grandchild under its root
    return roots, links, late


def test_docs_example_attaches_every_variant() -> None:
    objects = load("products_variants_docs_example.jsonl")
    groups = list(assemble(objects))
    assert [len(g.children) for g in groups] == [2, 1, 1, 1, 1]
    assert regroup(groups)[1] == truth(objects)


def test_out_of_order_example_attaches_the_trailing_variant_to_the_first_product() -> None:
    objects = load("products_variants_out_of_order_example.jsonl")
    groups = list(assemble(objects))
    first = groups[0]
    assert first.root is not None and first.root["id"] == FIRST_PRODUCT
    assert {c["title"] for c in first.children} == {"70", "52"}
    assert regroup(groups)[1] == truth(objects)


def test_a_child_later_than_the_window_comes_as_a_late_group_for_its_parent() -> None:
    objects = load("products_variants_out_of_order_example.jsonl")
    groups = list(assemble(objects, window=3))
    late = [g for g in groups if g.root is None]
    assert len(late) == 1 and late[0].parent_id == FIRST_PRODUCT
    assert late[0].children[0]["title"] == "52"
    assert regroup(groups)[1] == truth(objects)


def interleaved(roots: int, seed: int, max_delay: int, grandchildren: bool = False) -> list[dict[str, Any]]:
    """Return Shopify-like JSONL objects: children after their parent, delayed up to max_delay lines."""
    rng = random.Random(seed)
    slots: dict[int, list[dict[str, Any]]] = defaultdict(list)
    line = 0
    for r in range(roots):
        root_id = f"gid://shopify/Order/{r}"
        slots[line].append({"id": root_id, "name": f"#{r}"})
        for c in range(rng.randint(0, 4)):
            child_id = f"gid://shopify/LineItem/{r}-{c}"
            at = line + rng.randint(1, max_delay)
            slots[at].append({"id": child_id, "__parentId": root_id})
            if grandchildren and rng.random() < 0.5:
                slots[at + rng.randint(1, max_delay)].append(
                    {"id": f"gid://shopify/Discount/{r}-{c}", "__parentId": child_id})
        line += rng.randint(1, 3)
    return [obj for key in sorted(slots) for obj in slots[key]]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_interleaved_children_are_never_lost_or_misattached(seed: int) -> None:
    objects = interleaved(2000, seed, max_delay=50, grandchildren=True)
    expected_roots = [o["id"] for o in objects if "__parentId" not in o]
    for window in (1, 7, 60, 100_000):
        roots, links, late = regroup(assemble(objects, window=window))
        assert roots == expected_roots
        assert links == truth(objects)
        if window >= 200:
            assert late == 0


def test_a_wide_window_gives_every_root_its_whole_family() -> None:
    objects = interleaved(500, 9, max_delay=20)
    for group in assemble(objects, window=100):
        assert group.root is not None
        assert all(c["__parentId"] == group.root["id"] for c in group.children)


def test_roots_without_an_id_pass_through() -> None:
    groups = list(assemble([{"title": "a"}, {"title": "b"}]))
    assert [g.root for g in groups] == [{"title": "a"}, {"title": "b"}]


def synthetic_lines(count: int, seed: int = 5) -> Iterator[bytes]:
    """Yield `count` JSONL lines on the fly: orders with 0-4 line items, some trailing far behind."""
    rng = random.Random(seed)
    trailing: list[bytes] = []
    emitted, order = 0, 0
    while emitted < count:
        root_id = f"gid://shopify/Order/{order}"
        money = {"shopMoney": {"amount": "10.00", "currencyCode": "USD"}}
        yield json.dumps({"id": root_id, "name": f"#{order}", "email": "a@example.com",
                          "totalPriceSet": money}).encode()
        emitted += 1
        for c in range(rng.randint(0, 4)):
            line = json.dumps({"id": f"gid://shopify/LineItem/{order}-{c}", "title": "Shirt",
                               "quantity": 1, "__parentId": root_id}).encode()
            if rng.random() < 0.05:
                trailing.append(line)
            else:
                yield line
                emitted += 1
        if len(trailing) > 20:
            yield from trailing
            emitted += len(trailing)
            trailing = []
        order += 1
    yield from trailing


def peak_bytes(count: int) -> tuple[int, int]:
    tracemalloc.start()
    roots = 0
    try:
        for group in assemble(parse_lines(synthetic_lines(count)), window=1000):
            roots += group.root is not None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, roots


@pytest.mark.slow
def test_memory_stays_flat_as_the_file_grows() -> None:
    small_peak, small_roots = peak_bytes(10_000)
    big_peak, big_roots = peak_bytes(60_000)
    assert big_roots > 5 * small_roots
    assert big_peak < 4 * 1024 * 1024, f"peak {big_peak} bytes for 60k lines"
    assert big_peak < 1.5 * small_peak


def test_stream_jsonl_parses_a_streamed_download_without_the_token() -> None:
    body = (FIXTURES / "products_variants_out_of_order_example.jsonl").read_bytes()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        chunks = [body[i:i + 17] for i in range(0, len(body), 17)]  # lines split across chunks
        return httpx.Response(200, stream=httpx.ByteStream(b"".join(chunks)))

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        objects = list(stream_jsonl(http, "http://127.0.0.1:8123/bulk/op.jsonl"))
    assert objects == load("products_variants_out_of_order_example.jsonl")
    assert "X-Shopify-Access-Token" not in seen[0].headers


def test_stream_jsonl_reports_an_expired_url_and_broken_lines() -> None:
    expired = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(403, text="expired")))
    with pytest.raises(BulkOperationError, match="expired"):
        list(stream_jsonl(expired, "https://storage.example/x.jsonl"))
    bad_line = httpx.MockTransport(lambda r: httpx.Response(200, text='{"id": 1}\n{oops\n'))
    broken = httpx.Client(transport=bad_line)
    with pytest.raises(BulkOperationError, match="Line 2"):
        list(stream_jsonl(broken, "https://storage.example/x.jsonl"))


def test_stream_jsonl_turns_a_broken_connection_into_a_network_error() -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadError("connection reset", request=request)

    waits: list[float] = []
    with pytest.raises(ShopifyNetworkError, match="download it again"):
        list(stream_jsonl(httpx.Client(transport=httpx.MockTransport(handler)), "https://s/x.jsonl",
                          sleep=waits.append))
    assert len(calls) == 3 and waits == [1.0, 2.0]


class BreaksAfter(httpx.SyncByteStream):
    """A response body that breaks off after `limit` bytes, like a reset connection."""

    def __init__(self, body: bytes, limit: int) -> None:
        self.body, self.limit = body, limit

    def __iter__(self) -> Iterator[bytes]:
        for i in range(0, self.limit, 7):
            yield self.body[i:min(i + 7, self.limit)]
        raise httpx.ReadError("connection reset")


@pytest.mark.parametrize("honours_range", [True, False])
@pytest.mark.parametrize("limit", [1, 44, 45, 300, 937])
def test_stream_jsonl_resumes_after_the_last_complete_line(honours_range: bool, limit: int) -> None:
    body = (FIXTURES / "products_variants_out_of_order_example.jsonl").read_bytes()
    ranges: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        ranges.append(request.headers.get("Range"))
        if len(ranges) == 1:
            return httpx.Response(200, stream=BreaksAfter(body, limit))
        start = int(request.headers.get("Range", "bytes=0-").removeprefix("bytes=").rstrip("-"))
        if honours_range:
            return httpx.Response(206, content=body[start:],
                                  headers={"Content-Range": f"bytes {start}-{len(body) - 1}/{len(body)}"})
        return httpx.Response(200, content=body)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    objects = list(stream_jsonl(http, "https://s/x.jsonl", sleep=lambda _: None))
    assert objects == load("products_variants_out_of_order_example.jsonl")
    complete = body.rindex(b"\n", 0, limit) + 1 if b"\n" in body[:limit] else 0
    assert ranges == [None, f"bytes={complete}-" if complete else None]
