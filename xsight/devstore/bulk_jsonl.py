"""Write a bulk operation's JSONL: parents before children, some children deferred, like Shopify."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import orjson
from graphql import FieldNode, GraphQLObjectType, get_named_type

from .bulk_query import connection_node_type, fields_of, node_field
from .project import cached_by_node

DEFER_PROB = 0.3  # share of child lines written after later, unrelated lines
DEFER_SPAN = 3  # deferred lines wait for up to this many later root objects


def nodes(conn: dict[str, Any] | None) -> list[Any]:
    """Return the nodes of a connection result (`nodes` or `edges`)."""
    if not conn:
        return []
    if conn.get("nodes") is not None:
        return list(conn["nodes"])
    return [e.get("node") for e in conn.get("edges") or []]


class JsonlWriter:
    """Write parents before children, deferring some children past later unrelated lines."""

    def __init__(self, path: Path, rng: random.Random) -> None:
        self.path, self.rng = path, rng
        self.fh = path.open("w", encoding="utf-8")
        self.objects = self.roots = 0
        self.deferred: list[tuple[int, str]] = []

    def _write(self, line: str) -> None:
        self.fh.write(line)
        self.fh.write("\n")
        self.objects += 1

    def root(self, node: dict[str, Any], field: FieldNode, ftype: GraphQLObjectType) -> None:
        """Write one root object, its children, and deferred children that are now due."""
        self.roots += 1
        ready = [line for due, line in self.deferred if due <= self.roots]
        self.deferred = [(due, line) for due, line in self.deferred if due > self.roots]
        self._emit(node, field, ftype, None, top=True)
        for line in ready:
            self._write(line)

    def _emit(
        self, node: dict[str, Any], field: FieldNode, ftype: GraphQLObjectType, parent: str | None, top: bool
    ) -> None:
        line: dict[str, Any] = {}
        children: list[tuple[Any, FieldNode, GraphQLObjectType]] = []
        conn_keys = _connection_keys(field, ftype)
        for key, value in node.items():
            if key in conn_keys:
                child_field, child_type = conn_keys[key]
                children.extend((c, child_field, child_type) for c in nodes(value) if c is not None)
            else:
                line[key] = value
        if parent is not None:
            line["__parentId"] = parent
        text = orjson.dumps(line).decode()
        if not top and self.rng.random() < DEFER_PROB:
            self.deferred.append((self.roots + self.rng.randint(1, DEFER_SPAN), text))
        else:
            self._write(text)
        for child, child_field, child_type in children:
            self._emit(child, child_field, child_type, node.get("id"), top=False)

    def close(self) -> None:
        """Write the remaining deferred lines and close the file."""
        for _, line in self.deferred:
            self._write(line)
        self.deferred = []
        self.fh.close()


def _connection_keys(field: FieldNode, ftype: GraphQLObjectType) -> dict[str, tuple[FieldNode, Any]]:
    """Map response keys of a node's connection fields to (node field AST, node type); cached."""
    return cached_by_node(_collect_connection_keys, ftype, field)


def _collect_connection_keys(ftype: GraphQLObjectType, field: FieldNode) -> dict[str, tuple[FieldNode, Any]]:
    out: dict[str, tuple[FieldNode, Any]] = {}
    for sel in fields_of(field):
        fdef = ftype.fields.get(sel.name.value)
        node_type = connection_node_type(get_named_type(fdef.type)) if fdef is not None else None
        if node_type is not None:
            out[sel.alias.value if sel.alias else sel.name.value] = (node_field(sel), node_type)
    return out
