"""Types of the C extension `_copy_rows.c` (copy_rows.py calls it)."""

from collections.abc import Callable
from typing import Any

def order(
    node: dict[str, Any], tags: Callable[[Any], bytes], /
) -> tuple[str, bytes, str | None, bytes] | None: ...
def line_item(node: dict[str, Any], updated: bytes, /) -> tuple[str, bytes] | None: ...
def customer(node: dict[str, Any], tags: Callable[[Any], bytes], /) -> tuple[str, bytes] | None: ...
