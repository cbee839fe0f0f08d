"""Validate a rule tree and bring it to its canonical form; errors name the exact path and reason.

A tree is a group `{"op": "and"|"or", "children": [...]}`, a negation `{"op": "not", "children":
[node]}` or a leaf `{"field", "op", "value"}`. The canonical form flattens nested groups of the same
operator and groups of one child, cancels double negations and writes every value one way, so
`text.parse(text.format(t)) == t` for every canonical tree `t`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from xsight.errors import BadRequest
from xsight.services.segments.fields import FIELDS, MEMBERSHIP, NULLS

MAX_DEPTH = 12
MAX_NODES = 250
MAX_LIST = 500
GROUP_OPS = ("and", "or")
RELATIVE = re.compile(r"([+-])(\d{1,5})([dwmy])")
ABSOLUTE = re.compile(r"\d{4}-\d{2}-\d{2}")
PRODUCT_GID = re.compile(r"gid://shopify/Product/(\d{1,20})")
EVERYONE: dict[str, Any] = {"op": "and", "children": []}


class InvalidRules(BadRequest):
    """A rule tree is invalid; the message starts with the path of the offending part."""

    code = "invalid_rules"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}", details={"path": path})


def canonical(tree: Any, path: str = "rules") -> dict[str, Any]:
    """Return the canonical form of `tree`, or raise InvalidRules naming what is wrong and where."""
    counter = [0]
    return _node(tree, path, 0, counter)


def _node(node: Any, path: str, depth: int, counter: list[int]) -> dict[str, Any]:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise InvalidRules(path, f"a rule may have at most {MAX_NODES} conditions and groups")
    if depth > MAX_DEPTH:
        raise InvalidRules(path, f"groups may be nested at most {MAX_DEPTH} deep")
    if not isinstance(node, dict):
        raise InvalidRules(path, f"expected a group or a condition object, got {_show(node)}")
    if "field" in node:
        return _leaf(node, path)
    op = node.get("op")
    if op not in (*GROUP_OPS, "not"):
        raise InvalidRules(f"{path}.op", f'expected "and", "or" or "not", got {_show(op)}')
    children = node.get("children")
    if not isinstance(children, list):
        raise InvalidRules(f"{path}.children", f"expected a list, got {_show(children)}")
    unknown = set(node) - {"op", "children"}
    if unknown:
        raise InvalidRules(path, f"unexpected key {sorted(unknown)[0]!r}")
    kids = [_node(c, f"{path}.children[{i}]", depth + 1, counter) for i, c in enumerate(children)]
    if op == "not":
        if len(kids) != 1:
            raise InvalidRules(f"{path}.children", f'"not" takes exactly one child, got {len(kids)}')
        child = kids[0]
        return child["children"][0] if child.get("op") == "not" else {"op": "not", "children": [child]}
    if not kids:
        if path == "rules" and op == "and":
            return dict(EVERYONE)
        raise InvalidRules(f"{path}.children", "a group needs at least one condition")
    flat: list[dict[str, Any]] = []
    for kid in kids:
        flat.extend(kid["children"] if kid.get("op") == op else [kid])
    return flat[0] if len(flat) == 1 else {"op": op, "children": flat}


def _leaf(node: dict[str, Any], path: str) -> dict[str, Any]:
    unknown = set(node) - {"field", "op", "value"}
    if unknown:
        raise InvalidRules(path, f"unexpected key {sorted(unknown)[0]!r}")
    name = node["field"]
    field = FIELDS.get(name) if isinstance(name, str) else None
    if field is None:
        raise InvalidRules(f"{path}.field", f"unknown field {_show(name)}")
    op = node.get("op")
    if not isinstance(op, str) or op.lower() not in field.ops:
        raise InvalidRules(f"{path}.op", f"{name} supports {', '.join(field.ops)}; got {_show(op)}")
    op = op.lower()
    if op in NULLS:
        if node.get("value") is not None:
            raise InvalidRules(f"{path}.value", f'"{op}" takes no value')
        return {"field": name, "op": op}
    vpath, raw = f"{path}.value", node.get("value")
    if op == "between":
        if not isinstance(raw, list) or len(raw) != 2:
            raise InvalidRules(vpath, f"between takes a list of two values, got {_show(raw)}")
        value: Any = [_value(field.kind, field.values, v, f"{vpath}[{i}]") for i, v in enumerate(raw)]
    elif op in MEMBERSHIP:
        if not isinstance(raw, list) or not raw or len(raw) > MAX_LIST:
            raise InvalidRules(vpath, f"{op} takes a list of 1 to {MAX_LIST} values, got {_show(raw)}")
        items = [_value(field.kind, field.values, v, f"{vpath}[{i}]") for i, v in enumerate(raw)]
        value = list(dict.fromkeys(items))
    else:
        value = _value(field.kind, field.values, raw, vpath)
    return {"field": name, "op": op, "value": value}


def _value(kind: str, allowed: tuple[str, ...], raw: Any, path: str) -> Any:
    if kind in ("money", "integer", "number"):
        number = _number(raw, path)
        if kind == "integer":
            if number != number.to_integral_value():
                raise InvalidRules(path, f"expected a whole number, got {_show(raw)}")
            return int(number)
        if kind == "money":
            if number.as_tuple().exponent < -4:  # type: ignore[operator]
                raise InvalidRules(path, f"expected at most 4 decimal places, got {_show(raw)}")
            return _decimal_text(number)
        return float(number)
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 255:
        raise InvalidRules(path, f"expected a text value, got {_show(raw)}")
    text = raw.strip()
    if kind in ("date", "datetime"):
        return _date(text, raw, path)
    if kind == "enum":
        match = [v for v in allowed if v.lower() == text.lower()]
        if not match:
            raise InvalidRules(path, f"expected one of {', '.join(allowed)}, got {_show(raw)}")
        return match[0]
    if kind == "text":
        return text.upper()
    if kind == "product":
        found = PRODUCT_GID.fullmatch(text) or re.fullmatch(r"(\d{1,20})", text)
        if not found:
            raise InvalidRules(path, f"expected a product id like gid://shopify/Product/1, got {_show(raw)}")
        return f"gid://shopify/Product/{int(found.group(1))}"
    return text  # tags


def _number(raw: Any, path: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise InvalidRules(path, f"expected a number, got {_show(raw)}")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise InvalidRules(path, f"expected a finite number, got {_show(raw)}")
    try:
        number = Decimal(str(raw).strip()) if isinstance(raw, str) else Decimal(repr(raw))
    except InvalidOperation:
        raise InvalidRules(path, f"expected a number, got {_show(raw)}") from None
    if not number.is_finite() or abs(number) >= Decimal("1e15"):
        raise InvalidRules(path, f"expected a number below 10^15, got {_show(raw)}")
    return number


def _decimal_text(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _date(text: str, raw: Any, path: str) -> str:
    lowered = text.lower()
    if lowered in ("today", "yesterday"):
        return lowered
    relative = RELATIVE.fullmatch(lowered)
    if relative:
        return f"{relative.group(1)}{int(relative.group(2))}{relative.group(3)}"
    if ABSOLUTE.fullmatch(text):
        from datetime import date
        try:
            date.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text
    raise InvalidRules(path, f"expected a date like 2026-01-31, today, yesterday or -30d, got {_show(raw)}")


def _show(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return '"' + shown.replace('"', '\\"') + '"'
    if value is None:
        return "nothing"
    if isinstance(value, (bool, int, float)):
        return repr(value).lower() if isinstance(value, bool) else repr(value)
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__
