"""Check a bulkOperationRunQuery document against Shopify's bulk rules and plan its run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLObjectType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    get_named_type,
)

from .schema import admin_schema, prepare

MAX_CONNECTIONS = 5
MAX_DEPTH = 2
ROOT_TABLES = {"customers": "customers", "orders": "orders", "products": "products"}


@dataclass
class BulkPlan:
    """What a bulk run executes: the document, its root connection and the search filter."""

    document: DocumentNode
    root_key: str
    root_field: FieldNode  # the `nodes` / `edges { node }` field describing one root object
    root_type: GraphQLObjectType
    table: str
    search: str | None


def fields_of(field: FieldNode) -> list[FieldNode]:
    """Return the fields selected under a field, looking through inline fragments."""
    out: list[FieldNode] = []
    for sel in field.selection_set.selections if field.selection_set else ():
        if isinstance(sel, FieldNode):
            out.append(sel)
        elif isinstance(sel, InlineFragmentNode):
            out.extend(s for s in sel.selection_set.selections if isinstance(s, FieldNode))
    return out


def node_field(conn_field: FieldNode) -> FieldNode:
    """Return the field whose selection describes one node: `nodes` or `edges { node }`."""
    for sel in fields_of(conn_field):
        if sel.name.value == "nodes":
            return sel
        if sel.name.value == "edges":
            for inner in fields_of(sel):
                if inner.name.value == "node":
                    return inner
    return conn_field


def connection_node_type(named: Any) -> Any:
    """Return the node type when `named` is a connection type, else None."""
    if named.name.endswith("Connection") and isinstance(named, GraphQLObjectType):
        return get_named_type(named.fields["nodes"].type)
    return None


def _walk(
    field: FieldNode, ftype: GraphQLObjectType, depth: int, path: str, found: list[str], errors: list[str]
) -> None:
    """Count connections under a node selection and enforce depth and the parent-id rule."""
    names = {f.name.value for f in fields_of(field)}
    for sel in fields_of(field):
        fdef = ftype.fields.get(sel.name.value)
        if fdef is None:
            continue
        named = get_named_type(fdef.type)
        node_type = connection_node_type(named)
        if node_type is not None:
            found.append(f"{path}.{sel.name.value}")
            if depth + 1 > MAX_DEPTH:
                errors.append(
                    f"Bulk queries cannot nest connections more than {MAX_DEPTH} levels deep "
                    f"({path}.{sel.name.value})."
                )
            if "id" not in names:
                errors.append(f"The parent of nested connection {path}.{sel.name.value} must select 'id'.")
            assert isinstance(node_type, GraphQLObjectType)
            _walk(node_field(sel), node_type, depth + 1, f"{path}.{sel.name.value}", found, errors)
        elif isinstance(named, GraphQLObjectType) and sel.selection_set is not None:
            _walk(sel, named, depth, f"{path}.{sel.name.value}", found, errors)


def plan_bulk_query(query: str) -> tuple[BulkPlan | None, list[str]]:
    """Return a plan for a valid bulk query, or None and the reasons it is refused."""
    doc, errors = prepare(query)
    if doc is None:
        return None, [str(e["message"]) for e in errors]
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if len(ops) != 1 or ops[0].operation != OperationType.QUERY:
        return None, ["Bulk queries must contain exactly one query operation."]
    roots = [s for s in ops[0].selection_set.selections if isinstance(s, FieldNode)]
    if len(roots) != 1 or roots[0].name.value not in ROOT_TABLES:
        return None, [f"The devstore runs bulk queries on one root connection: {', '.join(ROOT_TABLES)}."]
    root = roots[0]
    qroot = admin_schema().query_type
    assert qroot is not None
    conn_type = get_named_type(qroot.fields[root.name.value].type)
    assert isinstance(conn_type, GraphQLObjectType)
    node_type = get_named_type(conn_type.fields["nodes"].type)
    assert isinstance(node_type, GraphQLObjectType)
    found: list[str] = [root.name.value]
    problems: list[str] = []
    _walk(node_field(root), node_type, 1, root.name.value, found, problems)
    if len(found) > MAX_CONNECTIONS:
        problems.append(
            f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections ({len(found)})."
        )
    if problems:
        return None, problems
    search: Any = next((a.value for a in root.arguments or () if a.name.value == "query"), None)
    text = search.value if isinstance(search, StringValueNode) else None
    key = root.alias.value if root.alias else root.name.value
    return BulkPlan(doc, key, node_field(root), node_type, ROOT_TABLES[root.name.value], text), []
