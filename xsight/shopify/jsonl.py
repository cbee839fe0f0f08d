"""Stream a bulk operation's JSONL result and regroup children with their parents in bounded memory.

Shopify writes one object per line; every object of a nested connection is its own line carrying
`__parentId`, written after its parent but not necessarily next to it (a child may trail many
unrelated lines). Knowing that a parent is complete would need the whole file, so `assemble` works
in a sliding window instead:

* a root object waits in the window with the children that arrive for it;
* when `window` more lines have been read since the root arrived (or the file ends), the root is
  yielded as a `Group` with every child seen so far;
* a child whose root already left the window is yielded at once as a `Group(root=None, ...)`
  carrying its `parent_id`, so the database writer attaches it by id (upsert on the child's id).

Nothing is dropped and nothing is attached to the wrong parent: every child keeps its own
`__parentId`, and memory holds at most the objects of the last `window` lines, whatever the number
of roots. Children of children (two nested connections) are grouped under their root too.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from xsight.errors import BulkOperationError, ShopifyNetworkError

PARENT_KEY = "__parentId"
# Lines a root waits for late children: ~10k small objects, a few MB at most.
DEFAULT_WINDOW_LINES = 10_000
# Bytes per read of the download; lines are split from these chunks.
DOWNLOAD_CHUNK_BYTES = 256 * 1024


@dataclass
class Group:
    """A root object with its children, or (root=None) late children of an already yielded root."""

    root: dict[str, Any] | None
    parent_id: str
    children: list[dict[str, Any]] = field(default_factory=list)


def stream_jsonl(http: httpx.Client, url: str) -> Iterator[dict[str, Any]]:
    """Download a JSONL result file streamingly and yield one parsed object per line."""
    try:
        with http.stream("GET", url) as response:
            if response.status_code != 200:
                raise BulkOperationError(
                    f"Downloading the bulk result failed with HTTP {response.status_code}; "
                    "the signed URL may have expired (7 days), so poll the operation for a fresh one.")
            for number, line in enumerate(response.iter_lines(), start=1):
                if line.strip():
                    yield _parse_line(line, number)
    except httpx.TransportError as exc:
        raise ShopifyNetworkError(
            f"The bulk result download broke off ({type(exc).__name__}); download it again.") from None


def parse_lines(lines: Iterable[str | bytes]) -> Iterator[dict[str, Any]]:
    """Parse JSONL lines (e.g. an open file) into objects, skipping blank lines."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield _parse_line(line, number)


def assemble(objects: Iterable[dict[str, Any]], window: int = DEFAULT_WINDOW_LINES) -> Iterator[Group]:
    """Yield each root with its children, in file order, holding at most `window` lines of objects."""
    if window < 1:
        raise ValueError(f"window must be at least 1 line, got {window}.")
    pending: OrderedDict[str, tuple[int, Group]] = OrderedDict()
    owner: dict[str, str] = {}  # id of a buffered child -> id of its buffered root
    for position, obj in enumerate(objects):
        while pending:
            root_id, (seen_at, group) = next(iter(pending.items()))
            if position - seen_at < window:
                break
            del pending[root_id]
            _forget(owner, group)
            yield group
        parent_id = obj.get(PARENT_KEY)
        if parent_id is None:
            root_key = str(obj.get("id") or f"#line-{position + 1}")  # roots without id have no children
            pending[root_key] = (position, Group(root=obj, parent_id=root_key))
            continue
        parent_key = str(parent_id)
        home = parent_key if parent_key in pending else owner.get(parent_key)
        if home is None:
            yield Group(root=None, parent_id=parent_key, children=[obj])
            continue
        pending[home][1].children.append(obj)
        if "id" in obj:
            owner[str(obj["id"])] = home
    for _, group in pending.values():
        yield group


def _forget(owner: dict[str, str], group: Group) -> None:
    for child in group.children:
        owner.pop(str(child.get("id")), None)


def _parse_line(line: str | bytes, number: int) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except ValueError:
        raise BulkOperationError(f"Line {number} of the bulk result is not valid JSON.") from None
    if not isinstance(obj, dict):
        raise BulkOperationError(f"Line {number} of the bulk result is not a JSON object.")
    return obj
