"""Resolve a validated selection over store objects without graphql-core's executor (bulk fast path)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
    visit,
)
from graphql.language import Visitor

from .registry import RESOLVERS, Ctx
from .schema import admin_schema


@dataclass
class _Info:
    """The part of GraphQLResolveInfo the store's resolvers read."""

    context: Ctx
    field_name: str
    parent_type: GraphQLObjectType
    path: Any = None


class _Plain(Visitor):
    """Find constructs the fast path does not handle (directives, fragment spreads)."""

    def __init__(self) -> None:
        super().__init__()
        self.plain = True

    def enter_directive(self, *_: Any) -> None:
        """Mark the document as needing graphql-core."""
        self.plain = False

    def enter_fragment_spread(self, *_: Any) -> None:
        """Mark the document as needing graphql-core."""
        self.plain = False


def can_project(doc: DocumentNode) -> bool:
    """Say whether a document is simple enough for the fast path (else use graphql-core)."""
    visitor = _Plain()
    visit(doc, visitor)
    return visitor.plain


FIELD_CACHE_SIZE = 4096  # selection sets remembered across bulk operations
_FIELD_CACHE: dict[tuple[str, int], tuple[SelectionSetNode, list[FieldNode]]] = {}


def _fields(parent: GraphQLObjectType, sel: SelectionSetNode) -> list[FieldNode]:
    key = (parent.name, id(sel))
    hit = _FIELD_CACHE.get(key)
    if hit is not None and hit[0] is sel:  # the node is kept alive by the entry, so its id stays unique
        return hit[1]
    fields = _collect(parent, sel)
    if len(_FIELD_CACHE) > FIELD_CACHE_SIZE:
        _FIELD_CACHE.clear()
    _FIELD_CACHE[key] = (sel, fields)
    return fields


def _collect(parent: GraphQLObjectType, sel: SelectionSetNode) -> list[FieldNode]:
    out: list[FieldNode] = []
    for node in sel.selections:
        if isinstance(node, FieldNode):
            out.append(node)
        elif isinstance(node, InlineFragmentNode):
            cond = node.type_condition.name.value if node.type_condition else parent.name
            if cond == parent.name or not isinstance(admin_schema().get_type(cond), GraphQLObjectType):
                out.extend(_collect(parent, node.selection_set))
    return out


def project(obj: Any, parent: GraphQLObjectType, sel: SelectionSetNode, ctx: Ctx) -> dict[str, Any]:
    """Return what graphql-core would return for `obj` of type `parent` under `sel` (no errors)."""
    out: dict[str, Any] = {}
    resolvers = RESOLVERS.get(parent.name, {})
    for node in _fields(parent, sel):
        name = node.name.value
        key = node.alias.value if node.alias else name
        if name == "__typename":
            out[key] = parent.name
            continue
        fdef = parent.fields[name]
        fn = resolvers.get(name)
        if fn is None:
            value = obj[name]
        else:
            args = {a.name.value: value_from_ast_untyped(a.value) for a in node.arguments or ()}
            value = fn(obj, _Info(ctx, name, parent), **args)
        out[key] = _complete(fdef.type, node, value, ctx)
    return out


def _complete(gtype: Any, node: FieldNode, value: Any, ctx: Ctx) -> Any:
    if isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    if value is None:
        return None
    if isinstance(gtype, GraphQLList):
        return [_complete(gtype.of_type, node, v, ctx) for v in value]
    named = get_named_type(gtype)
    if is_leaf_type(named):
        return value
    assert node.selection_set is not None
    target = named
    if not isinstance(named, GraphQLObjectType):
        target = admin_schema().get_type(value["__typename"])
    return project(value, target, node.selection_set, ctx)
