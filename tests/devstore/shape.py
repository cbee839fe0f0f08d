"""Check that a GraphQL response has exactly the shape its query asked for, per the schema."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from xsight.devstore.schema import admin_schema

SCALARS: dict[str, tuple[type, ...]] = {
    "String": (str,),
    "ID": (str,),
    "Boolean": (bool,),
    "Int": (int,),
    "Float": (float, int),
    "DateTime": (str,),
    "Decimal": (str,),
    "Money": (str,),
    "UnsignedInt64": (str,),
    "URL": (str,),
    "HTML": (str,),
    "JSON": (dict, list, str),
    "FormattedString": (str,),
}


def check(query: str, data: dict[str, Any]) -> int:
    """Assert `data` matches `query`; return how many values were checked."""
    doc = parse(query)
    op = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    root = admin_schema().query_type if op.operation.value == "query" else admin_schema().mutation_type
    return _selection(root, op.selection_set, data, "data")


def _keys(parent: Any, sel: SelectionSetNode) -> list[tuple[str, FieldNode, Any]]:
    out = []
    for node in sel.selections:
        if isinstance(node, FieldNode):
            out.append((node.alias.value if node.alias else node.name.value, node, parent))
        elif isinstance(node, InlineFragmentNode):
            t = admin_schema().get_type(node.type_condition.name.value) if node.type_condition else parent
            out.extend(_keys(t, node.selection_set))
        elif isinstance(node, FragmentSpreadNode):
            raise AssertionError("fragment spreads are not used by these tests")
    return out


def _selection(parent: Any, sel: SelectionSetNode, data: dict[str, Any], path: str) -> int:
    assert isinstance(data, dict), f"{path}: expected an object, got {data!r}"
    count = 0
    expected = set()
    for key, node, ptype in _keys(parent, sel):
        name = node.name.value
        if name == "__typename":
            assert isinstance(data.get(key), str)
            expected.add(key)
            continue
        if key not in data and ptype is not parent:
            continue  # inline fragment on another type
        expected.add(key)
        assert key in data, f"{path}.{key} missing"
        count += _value(ptype.fields[name].type, node, data[key], f"{path}.{key}")
    assert set(data) == expected, f"{path}: unexpected keys {set(data) - expected}"
    return count


def _value(gtype: Any, node: FieldNode, value: Any, path: str) -> int:
    if isinstance(gtype, GraphQLNonNull):
        assert value is not None, f"{path} is null but non-null in the schema"
        return _value(gtype.of_type, node, value, path)
    if value is None:
        return 1
    if isinstance(gtype, GraphQLList):
        assert isinstance(value, list), f"{path}: expected a list"
        return sum(_value(gtype.of_type, node, v, f"{path}[{i}]") for i, v in enumerate(value))
    if isinstance(gtype, GraphQLEnumType):
        assert value in gtype.values, f"{path}: {value!r} is not a {gtype.name}"
        return 1
    if isinstance(gtype, GraphQLScalarType):
        if gtype.name == "Boolean":
            assert isinstance(value, bool), f"{path}: {value!r} is not a Boolean"
        else:
            allowed = SCALARS.get(gtype.name, (str,))
            assert isinstance(value, allowed) and not isinstance(value, bool), (
                f"{path}: {value!r} is not {gtype}"
            )
        return 1
    assert node.selection_set is not None
    target = gtype
    if not isinstance(gtype, GraphQLObjectType):  # interface: resolve by __typename when asked
        target = admin_schema().get_type(value.get("__typename", "")) or gtype
    return _selection(target, node.selection_set, value, path)
