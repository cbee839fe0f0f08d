"""Resolve a validated selection over store objects without graphql-core's executor (bulk fast path)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    Node,
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


FIELD_CACHE_SIZE = 4096  # compiled selections remembered across bulk operations
T = TypeVar("T")
N = TypeVar("N", bound=Node)
_CACHE: dict[tuple[Any, str, int], tuple[Node, Any]] = {}


def cached_by_node(build: Callable[[GraphQLObjectType, N], T], gtype: GraphQLObjectType, node: N) -> T:
    """Return build(gtype, node), built once per type and AST node (the bulk export's hot path)."""
    key = (build, gtype.name, id(node))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is node:  # the entry keeps the node alive, so its id stays unique
        return hit[1]
    value = build(gtype, node)
    if len(_CACHE) > FIELD_CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = (node, value)
    return value


def _fields(parent: GraphQLObjectType, sel: SelectionSetNode) -> list[FieldNode]:
    return cached_by_node(_collect, parent, sel)


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


Complete = Callable[[Any, Ctx], Any] | None  # None: a leaf value, returned as it is
Step = tuple[str, str | None, Any, dict[str, Any], Complete]


def _plan(parent: GraphQLObjectType, sel: SelectionSetNode) -> list[Step]:
    """Compile a selection on a type once: per field its key, resolver, arguments and completion."""
    return cached_by_node(_compile, parent, sel)


def _compile(parent: GraphQLObjectType, sel: SelectionSetNode) -> list[Step]:
    steps: list[Step] = []
    resolvers = RESOLVERS.get(parent.name, {})
    for node in _fields(parent, sel):
        name = node.name.value
        out_key = node.alias.value if node.alias else name
        if name == "__typename":
            steps.append((out_key, None, parent.name, {}, None))
            continue
        args = {a.name.value: value_from_ast_untyped(a.value) for a in node.arguments or ()}
        steps.append((out_key, name, resolvers.get(name), args, _completer(parent.fields[name].type, node)))
    return steps


def _completer(gtype: Any, node: FieldNode) -> Complete:
    """Return how to complete a non-null value of `gtype` (what graphql-core's executor does)."""
    if isinstance(gtype, GraphQLNonNull):
        gtype = gtype.of_type
    if isinstance(gtype, GraphQLList):
        inner = _completer(gtype.of_type, node)
        if inner is None:
            return lambda value, ctx: list(value)
        return lambda value, ctx: [None if v is None else inner(v, ctx) for v in value]
    named = get_named_type(gtype)
    if is_leaf_type(named):
        return None
    sel = node.selection_set
    assert sel is not None
    if isinstance(named, GraphQLObjectType):
        target = named
        return lambda value, ctx: project(value, target, sel, ctx)
    return lambda value, ctx: project(value, _object_type(value["__typename"]), sel, ctx)


def _object_type(name: str) -> GraphQLObjectType:
    found = admin_schema().get_type(name)
    assert isinstance(found, GraphQLObjectType), name
    return found


def project(obj: Any, parent: GraphQLObjectType, sel: SelectionSetNode, ctx: Ctx) -> dict[str, Any]:
    """Return what graphql-core would return for `obj` of type `parent` under `sel` (no errors)."""
    out: dict[str, Any] = {}
    for key, name, fn, args, complete in _plan(parent, sel):
        if name is None:  # __typename
            out[key] = fn
            continue
        value = obj[name] if fn is None else fn(obj, _Info(ctx, name, parent), **args)
        out[key] = value if complete is None or value is None else complete(value, ctx)
    return out
