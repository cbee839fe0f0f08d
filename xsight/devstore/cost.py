"""Compute Shopify query cost: requested before execution, actual from the result."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_leaf_type,
)

CONNECTION_BASE = 2  # a connection costs 2 plus its page size times the cost of one node
MUTATION_COST = 10
MAX_QUERY_COST = 1000


class CostCalculator:
    """Price one operation of a validated document against the schema."""

    def __init__(
        self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]
    ) -> None:
        self.schema, self.fragments, self.variables = schema, fragments, variables

    def requested(self, op: OperationDefinitionNode) -> int:
        """Return the worst-case cost of an operation."""
        if op.operation == OperationType.MUTATION:
            return MUTATION_COST * sum(isinstance(s, FieldNode) for s in op.selection_set.selections)
        root = self.schema.query_type
        assert root is not None
        return self._selection(root, op.selection_set, None)

    def actual(self, op: OperationDefinitionNode, data: dict[str, Any] | None) -> int:
        """Return the cost of what was actually returned."""
        if op.operation == OperationType.MUTATION:
            return self.requested(op)
        if data is None:
            return 0
        root = self.schema.query_type
        assert root is not None
        return min(self._selection(root, op.selection_set, data), self.requested(op))

    def _type_of(self, name: str | None, parent: Any) -> Any:
        return self.schema.get_type(name) if name else parent

    def _selection(self, parent: Any, sel: SelectionSetNode, data: Any) -> int:
        base, per_type = 0, dict[str, int]()
        for node in sel.selections:
            if isinstance(node, FieldNode):
                base += self._field(parent, node, data)
                continue
            if isinstance(node, InlineFragmentNode):
                cond, inner = node.type_condition, node.selection_set
            elif isinstance(node, FragmentSpreadNode):
                frag = self.fragments[node.name.value]
                cond, inner = frag.type_condition, frag.selection_set
            else:
                continue
            ftype = self._type_of(cond.name.value if cond else None, parent)
            cost = self._selection(ftype, inner, data)
            if ftype is parent:
                base += cost
            else:
                per_type[ftype.name] = per_type.get(ftype.name, 0) + cost
        return base + max(per_type.values(), default=0)

    def _field(self, parent: Any, node: FieldNode, data: Any) -> int:
        name = node.name.value
        if name.startswith("__") or not hasattr(parent, "fields") or name not in parent.fields:
            return 0
        fdef = parent.fields[name]
        ftype = get_named_type(fdef.type)
        if is_leaf_type(ftype) or node.selection_set is None:
            return 0
        measured = data is not None
        value = data.get(node.alias.value if node.alias else name) if measured else None
        if measured and value is None:
            return 0
        if ftype.name.endswith("Connection") and isinstance(ftype, GraphQLObjectType):
            return self._connection(ftype, fdef, node, value, measured)
        if measured and isinstance(value, list):
            return 1 + max((self._selection(ftype, node.selection_set, v) for v in value if v), default=0)
        return 1 + self._selection(ftype, node.selection_set, value if measured else None)

    def _page_arg(self, node: FieldNode) -> int:
        for arg in node.arguments or ():
            if arg.name.value in ("first", "last"):
                value = _literal(arg.value, self.variables)
                if isinstance(value, int):
                    return value
        return 0

    def _connection(
        self, ftype: GraphQLObjectType, fdef: Any, node: FieldNode, value: Any, measured: bool
    ) -> int:
        node_type = get_named_type(ftype.fields["nodes"].type) if "nodes" in ftype.fields else None
        inner_sels: list[tuple[SelectionSetNode, str]] = []
        assert node.selection_set is not None
        for sel in node.selection_set.selections:
            if not isinstance(sel, FieldNode) or sel.selection_set is None:
                continue
            key = sel.alias.value if sel.alias else sel.name.value
            if sel.name.value == "nodes":
                inner_sels.append((sel.selection_set, key))
            elif sel.name.value == "edges":
                for esel in sel.selection_set.selections:
                    if isinstance(esel, FieldNode) and esel.name.value == "node" and esel.selection_set:
                        inner_sels.append(
                            (esel.selection_set, key + "." + (esel.alias.value if esel.alias else "node"))
                        )
        if not measured:
            size = self._page_arg(node)
            inner = max((self._selection(node_type, s, None) for s, _ in inner_sels), default=0)
            return CONNECTION_BASE + int(size) * (1 + inner)
        total = 0
        for sset, key in inner_sels:
            items = _dig(value, key)
            total = max(total, sum(1 + self._selection(node_type, sset, item) for item in items if item))
        return CONNECTION_BASE + total


def _literal(node: Any, variables: dict[str, Any]) -> Any:
    """Return the value of an argument literal or variable."""
    if isinstance(node, VariableNode):
        return variables.get(node.name.value)
    if isinstance(node, IntValueNode):
        return int(node.value)
    return None


def _dig(value: dict[str, Any], key: str) -> list[Any]:
    """Return the node objects under `nodes` or `edges[].node` of a connection result."""
    first, _, rest = key.partition(".")
    items = value.get(first) or []
    return [e.get(rest) for e in items] if rest else list(items)
