"""Every GraphQL document is valid against Admin 2026-04, free of deprecated fields, and affordable."""

from __future__ import annotations

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLList,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    get_nullable_type,
    parse,
    validate,
    visit,
)

from xsight.errors import MaxCostExceeded
from xsight.shopify import queries
from xsight.shopify.cost import MAX_QUERY_COST, estimate_cost, page_size

PAGED = {"CustomersPage": "customers", "OrdersPage": "orders", "ProductsPage": "products"}
BULK = ("BulkCustomers", "BulkOrders", "BulkProducts")


def deprecated_uses(schema: GraphQLSchema, document: DocumentNode) -> list[str]:
    """Return every deprecated field, argument or enum value the document uses."""
    info = TypeInfo(schema)
    found: list[str] = []

    class Deprecations(Visitor):
        def enter_field(self, node, *_):  # type: ignore[no-untyped-def]
            definition = info.get_field_def()
            if definition is not None and definition.deprecation_reason:
                found.append(f"field {info.get_parent_type()}.{node.name.value}")

        def enter_argument(self, node, *_):  # type: ignore[no-untyped-def]
            argument = info.get_argument()
            if argument is not None and argument.deprecation_reason:
                found.append(f"argument {node.name.value}")

        def enter_enum_value(self, node, *_):  # type: ignore[no-untyped-def]
            value = info.get_enum_value()
            if value is not None and value.deprecation_reason:
                found.append(f"enum value {node.value}")

    visit(document, TypeInfoVisitor(info, Deprecations()))
    return found


def test_the_documents_the_issue_asks_for_exist() -> None:
    expected = {"Shop", "CustomersPage", "OrdersPage", "ProductsPage", *BULK, "BulkOperationRunQuery",
                "BulkOperation", "TagsAdd", "TagsRemove"}
    assert expected <= set(queries.names())


@pytest.mark.parametrize("name", queries.names())
def test_document_is_one_named_operation(name: str) -> None:
    document = parse(queries.load(name))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    assert len(operations) == 1
    assert operations[0].name is not None and operations[0].name.value == name


@pytest.mark.parametrize("name", queries.names())
def test_document_is_valid_and_not_deprecated(admin_schema: GraphQLSchema, name: str) -> None:
    document = parse(queries.load(name))
    assert [e.message for e in validate(admin_schema, document)] == []
    assert deprecated_uses(admin_schema, document) == []


def test_validation_catches_unknown_and_deprecated_fields(admin_schema: GraphQLSchema) -> None:
    bad = parse("query { customers(first: 1) { nodes { id email emailMarketingConsent { marketingState } "
                "nope } } currentBulkOperation { id } shop { plan { displayName } } }")
    assert any("nope" in e.message for e in validate(admin_schema, bad))
    assert sorted(deprecated_uses(admin_schema, bad)) == [
        "field Customer.email", "field Customer.emailMarketingConsent",
        "field QueryRoot.currentBulkOperation", "field ShopPlan.displayName"]


def test_order_page_has_every_field_the_metrics_need() -> None:
    text = queries.load("OrdersPage")
    for fieldname in ("processedAt", "cancelledAt", "test", "isGiftCard", "originalUnitPriceSet",
                      "discountAllocations", "refundLineItems", "subtotalSet", "refundShippingLines",
                      "orderAdjustments", "totalRefundedSet", "shopMoney", "currencyCode"):
        assert fieldname in text


def _connections(schema: GraphQLSchema, document: DocumentNode) -> list[tuple[int, bool]]:
    """Return (depth, inside a list field) for every connection field the document selects."""
    info = TypeInfo(schema)
    stack: list[tuple[bool, bool]] = []  # (is connection, is list) per open field
    found: list[tuple[int, bool]] = []

    class Walk(Visitor):
        def enter_field(self, node: FieldNode, *_):  # type: ignore[no-untyped-def]
            field_type = info.get_type()
            named = get_named_type(field_type)
            is_connection = named is not None and named.name.endswith("Connection")
            under_connection = bool(stack) and stack[-1][0]  # edges / nodes of a connection
            is_list = not under_connection and isinstance(
                get_nullable_type(field_type), GraphQLList)  # type: ignore[arg-type]
            if is_connection:
                depth = 1 + sum(1 for c, _ in stack if c)
                found.append((depth, any(lst for _, lst in stack)))
            stack.append((is_connection, is_list))

        def leave_field(self, node: FieldNode, *_):  # type: ignore[no-untyped-def]
            stack.pop()

    visit(document, TypeInfoVisitor(info, Walk()))
    return found


@pytest.mark.parametrize("name", BULK)
def test_bulk_queries_fit_shopifys_bulk_limits(admin_schema: GraphQLSchema, name: str) -> None:
    connections = _connections(admin_schema, parse(queries.load(name)))
    assert 1 <= len(connections) <= 5
    assert max(depth for depth, _ in connections) <= 2
    assert not any(in_list for _, in_list in connections), "no connection inside a list field"


def test_connection_walk_sees_a_connection_inside_a_list(admin_schema: GraphQLSchema) -> None:
    found = _connections(admin_schema, parse(queries.load("OrdersPage")))
    assert (2, True) in found  # refunds[] -> refundLineItems: fine paged, refused in bulk


@pytest.mark.parametrize(("text", "variables", "cost"), [
    ("{ shop { id name } }", None, 1),
    ("{ products(first: 5) { edges { node { id title } } } }", None, 7),
    ("{ products(first: 5) { nodes { id } pageInfo { hasNextPage } } }", None, 7),
    ("query($n: Int = 3) { orders(first: $n) { nodes { id customer { id } } } }", None, 8),
    ("query($n: Int = 3) { orders(first: $n) { nodes { id customer { id } } } }", {"n": 10}, 22),
    ("{ orders(first: 2) { nodes { lineItems(first: 4) { nodes { variant { id } } } } } }", None,
     2 + 2 * (1 + 2 + 4 * 2)),
    ("{ order(id: \"x\") { refunds(first: 3) { id totalRefundedSet { shopMoney { amount } } } } }", None,
     1 + 3 * 3),
    ("{ node(id: \"x\") { ... on Order { customer { id } } ... on Product { id } } }", None, 2),
    ("mutation { tagsAdd(id: \"x\", tags: [\"a\"]) { node { id } userErrors { message } } }", None, 10),
])
def test_estimate_cost_follows_shopifys_rules(text: str, variables: dict[str, int] | None,
                                              cost: int) -> None:
    assert estimate_cost(text, variables) == cost


@pytest.mark.parametrize("name", sorted(PAGED))
def test_page_size_keeps_a_page_under_the_cap(name: str) -> None:
    text = queries.load(name)
    size = page_size(text)
    assert 1 <= size <= 250
    assert estimate_cost(text, {"first": size}) <= MAX_QUERY_COST * 0.9
    if size < 250:
        assert estimate_cost(text, {"first": size + 1}) > MAX_QUERY_COST * 0.9


def test_page_size_trades_against_nested_sizes() -> None:
    text = queries.load("OrdersPage")
    assert page_size(text, {"lineItemsFirst": 20}) < page_size(text) < page_size(text, {"lineItemsFirst": 1})


def test_page_size_refuses_a_query_whose_single_object_is_over_budget() -> None:
    with pytest.raises(MaxCostExceeded, match="lower the nested page sizes"):
        page_size(queries.load("OrdersPage"), {"lineItemsFirst": 250})


def test_unknown_document_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError, match="OrdersPage"):
        queries.load("OrdersPag")


@pytest.mark.parametrize("action", ["add", "remove"])
@pytest.mark.parametrize("count", [1, 3, 25])
def test_batched_tag_mutations_are_valid_and_under_the_cost_cap(admin_schema: GraphQLSchema, action: str,
                                                                count: int) -> None:
    from xsight.shopify.tags import document

    text = document(action, count)
    assert [e.message for e in validate(admin_schema, parse(text))] == []
    assert deprecated_uses(admin_schema, parse(text)) == []
    assert estimate_cost(text) == 10 * count <= MAX_QUERY_COST
