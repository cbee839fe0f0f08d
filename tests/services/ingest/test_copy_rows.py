"""The C extension's binary COPY fields equal the Python path's, or it leaves the object to Python (090)."""

from __future__ import annotations

import copy
import struct
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsight.services.ingest import bulk_rows, copy_binary, copy_rows

MISSING = object()  # the key is left out of the object
fast = copy_rows.fast


def stamp_text(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z"


USUAL_STAMPS = st.datetimes(min_value=datetime(1, 1, 1),
                            max_value=datetime(9999, 12, 31, 23, 59, 59)).map(stamp_text)
ODD_STAMPS = st.sampled_from([
    "2026-02-29T00:00:00Z", "2024-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2000-02-29T12:00:00Z",
    "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z",
    "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z", "0000-01-01T00:00:00Z",
    "2026-01-01T10:00:00.5Z", "2026-01-01T10:00:00+02:00", "2026-01-01T10:00:00", "2026-01-01 10:00:00Z",
    "2026-W01-1T00:00:00Z", "\uff12026-01-01T00:00:00Z", "2026-01-01t10:00:00Z", "", 0, 1_700_000_000,
    [], {}])
STAMPS = USUAL_STAMPS | ODD_STAMPS | st.none()
USUAL_AMOUNTS = st.decimals(min_value=-10**9, max_value=10**9, places=2).map(str)
ODD_AMOUNTS = st.sampled_from([
    "0", "-0", "-0.00", "12.", "12.3", "12.3456", "12.34567", ".5", "-.5", "-", "", "+1.00", "1e3", "1_000",
    " 1.00", "1.00 ", "\uff11\uff12.00", "12345678901234.5678", "123456789012345.00", "99999999999999.9999",
    "1.2.3", "NaN", "Infinity"]) | st.integers(-10**20, 10**20) | st.floats(allow_nan=False) | st.none()
AMOUNTS = USUAL_AMOUNTS | ODD_AMOUNTS
TEXTS = st.text(max_size=12) | st.sampled_from(["\ud800", "é日本", "a\x00b"]) | st.none() | st.integers()
STATUSES = (st.sampled_from(["PAID", "Partially_Refunded", "ÄBC", "\u017f", "", "İ"]) | st.none()
            | st.integers(0, 2))
COUNTS = (st.integers(-(2**31), 2**31 - 1) | st.sampled_from([2**31, -(2**31) - 1, 2**63, True, False, 3.0])
          | st.sampled_from(["3", "0003", "123456789", "1234567890", "-3", " 3", "3 ", "\uff13", "", "+3",
                             "1_0"])
          | st.none())
TAGS = st.sampled_from([[], None, ["vip"], ["a", "é"], "a, b", "", [1, None], ["x\ty"]])
FLAGS = st.sampled_from([True, False, None, 0, 1, "", "no", [], [0]])
REFS = (st.builds(lambda gid: {"id": gid}, st.text(max_size=8) | st.none() | st.integers())
        | st.sampled_from([{}, "gid://shopify/Customer/1", None, ["x"]]))


def bags(amounts: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    usual = st.builds(lambda amount: {"shopMoney": {"amount": amount, "currencyCode": "USD"}}, amounts)
    odd = st.sampled_from([None, {}, {"shopMoney": None}, {"shopMoney": {}},
                           {"shop_money": {"amount": "1.00"}},
                           {"amount": "2.00"}, "3.00", {"shopMoney": "4.00"}])
    return usual | odd


def objects(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with each key present (with any of its values) or missing."""
    parts = {key: strategy | st.just(MISSING) for key, strategy in fields.items()}
    return st.fixed_dictionaries(parts).map(lambda obj: {k: v for k, v in obj.items() if v is not MISSING})


ORDER_FIELDS = {
    "id": st.just("gid://shopify/Order/1") | st.sampled_from([None, 5, "é"]), "name": TEXTS, "email": TEXTS,
    "customer": REFS, "createdAt": STAMPS, "updatedAt": STAMPS, "processedAt": STAMPS, "cancelledAt": STAMPS,
    "closedAt": STAMPS, "cancelReason": STATUSES, "test": FLAGS, "currencyCode": TEXTS,
    "presentmentCurrencyCode": TEXTS, "displayFinancialStatus": STATUSES,
    "displayFulfillmentStatus": STATUSES,
    "sourceName": TEXTS, "tags": TAGS, "taxesIncluded": FLAGS,
    **{key: bags(AMOUNTS) for key in ("subtotalPriceSet", "totalDiscountsSet", "totalShippingPriceSet",
                                       "totalTaxSet", "totalPriceSet", "totalRefundedSet")}}
LINE_FIELDS = {
    "id": st.just("gid://shopify/LineItem/1") | st.sampled_from([None, 7]), "product": REFS, "variant": REFS,
    "title": TEXTS, "name": TEXTS, "sku": TEXTS, "quantity": COUNTS, "currentQuantity": COUNTS,
    "originalUnitPriceSet": bags(AMOUNTS), "isGiftCard": FLAGS,
    "discountAllocations": st.sampled_from(
        [[], None, [{"allocatedAmountSet": {"shopMoney": {"amount": "1.00"}}}]]),
    "taxLines": st.sampled_from([[], None, [{"priceSet": {"shopMoney": {"amount": "0.50"}}}]])}
EMAILS = st.builds(lambda address, state: {"emailAddress": address, "marketingState": state}, TEXTS, STATUSES)
CUSTOMER_FIELDS = {
    "id": st.just("gid://shopify/Customer/1") | st.sampled_from([None, 9]), "firstName": TEXTS,
    "lastName": TEXTS, "defaultEmailAddress": EMAILS | st.sampled_from([None, {}, "x", []]),
    "defaultPhoneNumber": (st.builds(lambda phone: {"phoneNumber": phone}, TEXTS)
                           | st.sampled_from([None, "x"])),
    "defaultAddress": st.builds(lambda code: {"countryCodeV2": code}, TEXTS) | st.none(), "tags": TAGS,
    "state": STATUSES, "numberOfOrders": COUNTS,
    "amountSpent": st.builds(lambda amount, code: {"amount": amount, "currencyCode": code}, AMOUNTS, TEXTS)
    | st.sampled_from([None, {}, "1.00", {"currencyCode": "USD"}]),
    "createdAt": STAMPS, "updatedAt": STAMPS}
UPDATED = st.sampled_from([copy_binary.NULL, copy_rows.stamp_field(datetime(2026, 1, 2, tzinfo=UTC))])


def same_or_declined(made: Any, python: Callable[[], Any]) -> None:
    """What the extension made equals the Python path's result; None leaves the object to Python."""
    if made is not None:
        assert made == python()


requires_extension = pytest.mark.skipif(fast is None, reason="the C extension is not built")


@requires_extension
@settings(max_examples=600, deadline=None)
@given(node=objects(ORDER_FIELDS))
def test_orders_match_the_python_path(node: dict[str, Any]) -> None:
    before = copy.deepcopy(node)
    same_or_declined(fast.order(node, bulk_rows.jsonb_tags), lambda: copy_rows.python_order(node))
    assert node == before


@requires_extension
@settings(max_examples=600, deadline=None)
@given(node=objects(LINE_FIELDS), updated=UPDATED)
def test_line_items_match_the_python_path(node: dict[str, Any], updated: bytes) -> None:
    same_or_declined(fast.line_item(node, updated), lambda: copy_rows.python_line_item(node, updated))


@requires_extension
@settings(max_examples=600, deadline=None)
@given(node=objects(CUSTOMER_FIELDS))
def test_customers_match_the_python_path(node: dict[str, Any]) -> None:
    same_or_declined(fast.customer(node, bulk_rows.jsonb_tags), lambda: copy_rows.python_customer(node))


USUAL_ORDER = dict(ORDER_FIELDS)
USUAL_ORDER.update({"id": st.just("gid://shopify/Order/1"), "createdAt": USUAL_STAMPS,
                    "updatedAt": USUAL_STAMPS,
                    "processedAt": USUAL_STAMPS, "cancelledAt": USUAL_STAMPS | st.none(),
                    "closedAt": USUAL_STAMPS | st.none(), "name": st.text(max_size=8),
                    "cancelReason": st.sampled_from(["CUSTOMER", "OTHER"]) | st.none(),
                    "customer": st.builds(lambda n: {"id": f"gid://shopify/Customer/{n}"},
                                          st.integers(1, 10**9)),
                    "tags": st.sampled_from([[], ["vip", "é"]]), "test": st.booleans(),
                    "taxesIncluded": st.booleans(), "email": st.text(max_size=8) | st.none(),
                    "currencyCode": st.just("EUR"), "presentmentCurrencyCode": st.just("USD"),
                    "displayFinancialStatus": st.just("PAID"),
                    "displayFulfillmentStatus": st.just("FULFILLED"),
                    "sourceName": st.just("web")})
USUAL_ORDER.update({key: st.builds(lambda amount: {"shopMoney": {"amount": amount}}, USUAL_AMOUNTS)
                    for key in ORDER_FIELDS if key.endswith("Set")})


@requires_extension
@settings(max_examples=300, deadline=None)
@given(node=st.fixed_dictionaries(USUAL_ORDER))
def test_the_usual_order_shape_is_made_in_c(node: dict[str, Any]) -> None:
    """Not declined: what a bulk export's orders look like is what the extension is for."""
    made = fast.order(node, bulk_rows.jsonb_tags)
    assert made is not None
    assert made == copy_rows.python_order(node)


@requires_extension
def test_an_exports_lines_are_made_in_c_and_as_in_python() -> None:
    """A bulk export's own objects (Shopify's JSONL shapes): none left to Python."""
    order = orjson.loads(b'{"id": "gid://shopify/Order/1", "name": "#1001",'
                         b' "createdAt": "2026-01-01T10:00:00Z",'
                         b' "updatedAt": "2026-01-02T10:00:00Z", "processedAt": "2026-01-01T09:00:00Z",'
                         b' "cancelledAt": null, "test": false, "currencyCode": "USD", "tags": ["gift"],'
                         b' "displayFinancialStatus": "PARTIALLY_REFUNDED", "taxesIncluded": true,'
                         b' "customer": {"id": "gid://shopify/Customer/3"},'
                         b' "totalPriceSet": {"shopMoney": {"amount": "111.1", "currencyCode": "USD"}},'
                         b' "subtotalPriceSet": {"shopMoney": {"amount": "100.00"}},'
                         b' "totalDiscountsSet": {"shopMoney": {"amount": "0.0"}},'
                         b' "totalShippingPriceSet": {"shopMoney": {"amount": "5.00"}},'
                         b' "totalTaxSet": {"shopMoney": {"amount": "6.1"}},'
                         b' "totalRefundedSet": {"shopMoney": {"amount": "-0.00"}}}')
    line = orjson.loads(b'{"id": "gid://shopify/LineItem/4", "title": "Mug \xc3\xa9", "quantity": 3,'
                        b' "currentQuantity": 2, "isGiftCard": false, "sku": null,'
                        b' "product": {"id": "gid://shopify/Product/1"}, "variant": null,'
                        b' "originalUnitPriceSet": {"shopMoney": {"amount": "20.82"}},'
                        b' "discountAllocations": [], "taxLines": [], "__parentId": "gid://shopify/Order/1"}')
    customer = orjson.loads(b'{"id": "gid://shopify/Customer/3", "firstName": "Ana", "lastName": null,'
                            b' "defaultEmailAddress": {"emailAddress": "a@example.com",'
                            b' "marketingState": "SUBSCRIBED"},'
                            b' "defaultPhoneNumber": null, "defaultAddress": {"countryCodeV2": "DE"},'
                            b' "tags": [], "state": "ENABLED", "numberOfOrders": "12",'
                            b' "amountSpent": {"amount": "1234.5", "currencyCode": "EUR"},'
                            b' "createdAt": "2025-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"}')
    made = fast.order(order, bulk_rows.jsonb_tags)
    assert made is not None and made == copy_rows.python_order(order)
    assert made[2] == "gid://shopify/Customer/3"
    assert made[3] == copy_rows.stamp_field(datetime(2026, 1, 2, 10, tzinfo=UTC))
    assert fast.line_item(line, made[3]) == copy_rows.python_line_item(line, made[3])
    assert fast.customer(customer, bulk_rows.jsonb_tags) == copy_rows.python_customer(customer)


@requires_extension
@pytest.mark.parametrize(("shape", "value"), [
    ("createdAt", "2026-02-29T00:00:00Z"), ("createdAt", "2026-01-01T10:00:00.123Z"),
    ("totalPriceSet", {"shopMoney": {"amount": "1.23456"}}), ("cancelReason", "ÄNDERUNG"),
    ("name", "\ud800"), ("test", None)])
def test_unusual_values_are_left_to_the_python_path(shape: str, value: Any) -> None:
    order = {"id": "gid://shopify/Order/1", "createdAt": "2026-01-01T00:00:00Z", shape: value,
             **{key: {"shopMoney": {"amount": "1.00"}} for key in ORDER_FIELDS if key.endswith("Set")
                and key != shape}}
    made = fast.order(order, bulk_rows.jsonb_tags)
    if shape == "test":  # a usual value, for contrast
        assert made == copy_rows.python_order(order)
    else:
        assert made is None


def test_without_the_extension_the_python_path_maps_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(copy_rows, "fast", None)
    line = {"id": "gid://shopify/LineItem/2", "quantity": 2, "__parentId": "gid://shopify/Order/1"}
    assert copy_rows.line_item(line, copy_binary.NULL) == copy_rows.python_line_item(line, copy_binary.NULL)
    with pytest.raises(ValueError, match="out of range"):
        copy_rows.line_item({**line, "quantity": 2**31}, copy_binary.NULL)


class _RaisingKey:
    """A dict key equal in hash to one the extension looks up, whose comparison raises."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        raise ValueError(f"compared {self.name}")


BAGS = {key: {"shopMoney": {"amount": "1.00"}} for key in ORDER_FIELDS if key.endswith("Set")}


@requires_extension
def test_objects_no_json_parser_makes_are_left_to_python() -> None:
    """A dict subclass as a reference, a value of another type, a lookup that raises: Python decides."""
    usual = {"id": "gid://shopify/Order/1", "createdAt": "2026-01-01T00:00:00Z", **BAGS}
    assert fast.order(usual, bulk_rows.jsonb_tags) is not None
    assert fast.order({**usual, "customer": OrderedDict(id="gid://shopify/Customer/1")},
                      bulk_rows.jsonb_tags) is None
    assert fast.line_item({"id": "gid://shopify/LineItem/1", "product": OrderedDict(id="p"),
                           "originalUnitPriceSet": BAGS["totalTaxSet"]}, copy_binary.NULL) is None
    assert fast.order({**usual, "test": Decimal(1)}, bulk_rows.jsonb_tags) is None  # its __bool__ is its own
    for name in ("name", "customer", "taxesIncluded"):
        node = {**usual, _RaisingKey(name): 1}
        assert fast.order(node, bulk_rows.jsonb_tags) is None
        with pytest.raises(ValueError, match=f"compared {name}"):
            copy_rows.python_order(node)


@requires_extension
def test_a_tags_function_changing_the_object_cannot_free_what_is_packed() -> None:
    node = {"id": "gid://shopify/" + "Order/1", "customer": {"id": "gid://shopify/" + "Customer/2"},
            "tags": ["a"], **BAGS}

    def tags(value: Any) -> bytes:
        node["id"] = node["customer"]["id"] = None  # the last references to both strings
        return bulk_rows.jsonb_tags(value)

    made = fast.order(node, tags)
    assert made is not None
    assert made[0] == "gid://shopify/Order/1" and made[2] == "gid://shopify/Customer/2"
    customer = {"id": "gid://shopify/" + "Customer/3", "tags": ["b"],
                "amountSpent": {"amount": "1.00", "currencyCode": "EUR"}}

    def customer_tags(value: Any) -> bytes:
        customer["id"] = customer["amountSpent"] = None
        return bulk_rows.jsonb_tags(value)

    made = fast.customer(customer, customer_tags)
    assert made is not None and made[0] == "gid://shopify/Customer/3"
    assert struct.pack("!iq", 8, 10_000) + b"\x00\x00\x00\x03EUR" in made[1]  # amountSpent still read
