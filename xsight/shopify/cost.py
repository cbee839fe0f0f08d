"""Estimate a GraphQL document's requested cost the way Shopify documents it, and size pages by it."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    parse,
    value_from_ast_untyped,
)

from xsight.errors import MaxCostExceeded

# Shopify's single-query cap: a requested cost above this fails with MAX_COST_EXCEEDED.
MAX_QUERY_COST = 1000
# Shopify documents "about 10" per mutation field; the payload selection is included in that.
MUTATION_COST = 10
# A connection costs 2 (the connection object and pageInfo) plus its objects.
CONNECTION_BASE_COST = 2
# first/last may be at most 250; a connection without them is costed at that worst case.
MAX_PAGE_SIZE = 250
# Our estimate follows the documented rules, Shopify's own counter may be a little higher:
# keep a page at or under this share of the cap.
COST_SAFETY_SHARE = 0.9
_SIZE_ARGS = ("first", "last")
_CONNECTION_CHILDREN = ("edges", "nodes")


def estimate_cost(document: str | DocumentNode, variables: Mapping[str, Any] | None = None) -> int:
    """Return the worst-case requested cost of the document's first operation."""
    doc = _parse(document) if isinstance(document, str) else document
    operation = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    values = _defaults(operation)
    values.update(variables or {})
    if operation.operation == OperationType.MUTATION:
        return MUTATION_COST * sum(isinstance(s, FieldNode) for s in operation.selection_set.selections)
    return _Estimator(values, fragments).selection_set(operation.selection_set)


def page_size(document: str, variables: Mapping[str, Any] | None = None, *, size_variable: str = "first",
              max_size: int = MAX_PAGE_SIZE, budget: float = MAX_QUERY_COST * COST_SAFETY_SHARE) -> int:
    """Return the largest page size (≤ max_size) whose estimated cost stays within the budget."""
    base = dict(variables or {})

    def cost(n: int) -> int:
        return estimate_cost(document, {**base, size_variable: n})

    if cost(1) > budget:
        raise MaxCostExceeded(
            f"One object of this query already costs {cost(1)} points, over the {budget:.0f}-point "
            "budget; lower the nested page sizes."
        )
    low, high = 1, max_size
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if cost(mid) <= budget else (low, mid - 1)
    return low


def variable_defaults(document: str) -> dict[str, Any]:
    """Return the default values the document declares for its variables."""
    doc = _parse(document)
    operation = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    return _defaults(operation)


@lru_cache(maxsize=64)
def _parse(text: str) -> DocumentNode:
    return parse(text, no_location=True)


def _defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    return {
        d.variable.name.value: value_from_ast_untyped(d.default_value)
        for d in operation.variable_definitions or ()
        if d.default_value is not None
    }


class _Estimator:
    def __init__(self, variables: Mapping[str, Any], fragments: Mapping[str, FragmentDefinitionNode]):
        self.variables = variables
        self.fragments = fragments

    def selection_set(self, selection_set: SelectionSetNode | None) -> int:
        """Sum the fields; type-conditional fragments cost the maximum of their branches."""
        if selection_set is None:
            return 0
        total, branches = 0, [0]
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection)
            elif isinstance(selection, InlineFragmentNode):
                branches.append(self.selection_set(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                branches.append(self.selection_set(fragment.selection_set))
        return total + max(branches)

    def field(self, node: FieldNode) -> int:
        if node.selection_set is None:
            return 0  # scalars and enums
        size = self._size(node)
        children = {s.name.value: s for s in node.selection_set.selections if isinstance(s, FieldNode)}
        if any(name in children for name in _CONNECTION_CHILDREN):
            per_node = max(self._node_cost(children[name]) for name in _CONNECTION_CHILDREN
                           if name in children)
            return CONNECTION_BASE_COST + (MAX_PAGE_SIZE if size is None else size) * per_node
        per_item = 1 + self.selection_set(node.selection_set)
        return per_item * (1 if size is None else size)

    def _node_cost(self, child: FieldNode) -> int:
        if child.name.value == "nodes":
            return 1 + self.selection_set(child.selection_set)
        inner = [s for s in (child.selection_set.selections if child.selection_set else ())
                 if isinstance(s, FieldNode) and s.name.value == "node"]
        return 1 + sum(self.selection_set(n.selection_set) for n in inner)

    def _size(self, node: FieldNode) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value not in _SIZE_ARGS:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                resolved = self.variables.get(value.name.value)
                if resolved is not None:
                    return int(resolved)
        return None
