"""Shopify's customer segment syntax: parse text into a canonical rule tree, and format a tree as text.

`amount_spent > 100 AND (rfm_group = 'CHAMPIONS' OR number_of_orders >= 5) AND last_order_date < -30d`
Clauses are `field operator value`; AND binds tighter than OR; parentheses group; NOT negates a
clause or a group. Operators: = != > >= < <=, BETWEEN a AND b, [NOT] CONTAINS, [NOT] IN (…),
IS [NOT] NULL, and products_purchased [NOT] MATCHES (id = 123).
"""

from __future__ import annotations

import re
from typing import Any

from xsight.errors import BadRequest
from xsight.services.segments.fields import FIELDS
from xsight.services.segments.tree import InvalidRules, canonical

MAX_LENGTH = 10_000
TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<date>\d{4}-\d{2}-\d{2}(?![\w.]))
  | (?P<relative>[+-]\d+[dwmyDWMY](?!\w))
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.]))
  | (?P<op>!=|<>|>=|<=|=|>|<)
  | (?P<punct>[(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
""", re.VERBOSE)
KEYWORDS = {"and", "or", "not", "between", "contains", "in", "is", "null", "matches", "today", "yesterday"}


class QuerySyntaxError(BadRequest):
    """The text form could not be read; `position` is the 0-based character offset."""

    code = "invalid_query"

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"query, at character {position + 1}: {reason}", details={"position": position})


def parse(text: str) -> dict[str, Any]:
    """Return the canonical rule tree that the segment query `text` describes."""
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(MAX_LENGTH, f"a query may be at most {MAX_LENGTH} characters")
    parser = _Parser(_tokens(text), len(text))
    if parser.peek()[0] == "end":
        return canonical({"op": "and", "children": []})
    tree = parser.disjunction()
    kind, value, position = parser.peek()
    if kind != "end":
        raise QuerySyntaxError(position, f"expected AND, OR or the end of the query, got {value!r}")
    return canonical(tree)


def format_rules(tree: dict[str, Any]) -> str:
    """Return the text form of a canonical rule tree (empty for the match-everyone tree)."""
    if "field" not in tree and tree["op"] in ("and", "or") and not tree["children"]:
        return ""
    return _format(tree)


def _format(node: dict[str, Any]) -> str:
    if "field" in node:
        return _clause(node)
    if node["op"] == "not":
        child = node["children"][0]
        return "NOT " + (_clause(child) if "field" in child else f"({_format(child)})")
    joiner = f" {node['op'].upper()} "
    return joiner.join(f"({_format(c)})" if c.get("op") in ("and", "or") else _format(c)
                       for c in node["children"])


def _clause(leaf: dict[str, Any]) -> str:
    name, op, value = leaf["field"], leaf["op"], leaf.get("value", "")
    kind = FIELDS[name].kind
    if op in ("is null", "is not null"):
        return f"{name} {op.upper()}"
    if kind == "product":
        keyword = "MATCHES" if op == "contains" else "NOT MATCHES"
        return f"{name} {keyword} (id = {value.rsplit('/', 1)[1]})"
    if op == "between":
        return f"{name} BETWEEN {_value(kind, value[0])} AND {_value(kind, value[1])}"
    if op in ("in", "not in"):
        return f"{name} {op.upper()} ({', '.join(_value(kind, v) for v in value)})"
    return f"{name} {op.upper()} {_value(kind, value)}"


def _value(kind: str, value: Any) -> str:
    if kind in ("money", "date", "datetime", "integer"):
        return str(value)
    if kind == "number":
        return repr(float(value))
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None:
            raise QuerySyntaxError(position, f"unexpected character {text[position]!r}")
        kind = match.lastgroup or ""
        if kind != "space":
            out.append((kind, match.group(), position))
        position = match.end()
    out.append(("end", "the end of the query", len(text)))
    return out


class _Parser:
    """Recursive descent over the token list; every error carries the offending token's position."""

    def __init__(self, tokens: list[tuple[str, str, int]], length: int) -> None:
        self.tokens, self.index, self.length = tokens, 0, length

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.index]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.index]
        self.index += min(1, len(self.tokens) - 1 - self.index)
        return token

    def keyword(self, *words: str) -> bool:
        kind, value, _ = self.peek()
        if kind == "word" and value.lower() in words:
            self.take()
            return True
        return False

    def expect(self, kind: str, value: str, what: str) -> None:
        got = self.take()
        if got[0] != kind or got[1].lower() != value:
            raise QuerySyntaxError(got[2], f"expected {what}, got {got[1]!r}")

    def disjunction(self) -> dict[str, Any]:
        parts = [self.conjunction()]
        while self.keyword("or"):
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else {"op": "or", "children": parts}

    def conjunction(self) -> dict[str, Any]:
        parts = [self.unary()]
        while self.keyword("and"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else {"op": "and", "children": parts}

    def unary(self) -> dict[str, Any]:
        if self.keyword("not"):
            return {"op": "not", "children": [self.unary()]}
        kind, value, position = self.peek()
        if kind == "punct" and value == "(":
            self.take()
            inner = self.disjunction()
            self.expect("punct", ")", "')'")
            return inner
        if kind != "word" or value.lower() in KEYWORDS:
            raise QuerySyntaxError(position, f"expected a field name or '(', got {value!r}")
        return self.clause()

    def clause(self) -> dict[str, Any]:
        _, name, position = self.take()
        if name not in FIELDS:
            raise QuerySyntaxError(position, f"unknown field {name!r}")
        leaf = self.condition(name)
        try:
            return canonical(leaf, "clause")
        except InvalidRules as exc:
            reason = exc.message.split(": ", 1)[1]
            raise QuerySyntaxError(position, f"{name}: {reason}") from None

    def condition(self, name: str) -> dict[str, Any]:
        kind, value, position = self.take()
        if kind == "op":
            op = "!=" if value == "<>" else value
            return {"field": name, "op": op, "value": self.value()}
        word = value.lower() if kind == "word" else ""
        if word == "is":
            negated = self.keyword("not")
            self.expect("word", "null", "NULL")
            return {"field": name, "op": "is not null" if negated else "is null"}
        negated = word == "not"
        if negated:
            kind, value, position = self.take()
            word = value.lower() if kind == "word" else ""
        if word == "between":
            low = self.value()
            self.expect("word", "and", "AND")
            leaf = {"field": name, "op": "between", "value": [low, self.value()]}
            return {"op": "not", "children": [leaf]} if negated else leaf
        if word == "contains":
            return {"field": name, "op": "not contains" if negated else "contains", "value": self.value()}
        if word == "in":
            return {"field": name, "op": "not in" if negated else "in", "value": self.values()}
        if word == "matches":
            self.expect("punct", "(", "'('")
            self.expect("word", "id", "id")
            self.expect("op", "=", "'='")
            product = self.value()
            self.expect("punct", ")", "')'")
            return {"field": name, "op": "not contains" if negated else "contains", "value": product}
        raise QuerySyntaxError(position, f"expected an operator after {name}, got {value!r}")

    def values(self) -> list[Any]:
        self.expect("punct", "(", "'('")
        items = [self.value()]
        while self.peek()[:2] == ("punct", ","):
            self.take()
            items.append(self.value())
        self.expect("punct", ")", "')' or ','")
        return items

    def value(self) -> Any:
        kind, value, position = self.take()
        if kind == "string":
            return re.sub(r"\\(.)", r"\1", value[1:-1])
        if kind in ("number", "date", "relative"):
            return value
        if kind == "word" and value.lower() in ("today", "yesterday"):
            return value.lower()
        raise QuerySyntaxError(position, f"expected a value (a 'quoted text', number or date), got {value!r}")
