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

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from xsight.errors import BulkOperationError, ShopifyNetworkError

logger = logging.getLogger(__name__)

PARENT_KEY = "__parentId"
# Lines a root waits for late children. 10k BulkOrders lines are ~35 MB of Python objects
# (bench/client_bench.py); a child later than this still arrives, as a late Group.
DEFAULT_WINDOW_LINES = 10_000
# Tries per download, resuming after the last complete line; waits 1 s, then 2 s between them.
DOWNLOAD_ATTEMPTS = 3
DOWNLOAD_RETRY_SECONDS = 1.0


@dataclass
class Group:
    """A root object with its children, or (root=None) late children of an already yielded root."""

    root: dict[str, Any] | None
    parent_id: str
    children: list[dict[str, Any]] = field(default_factory=list)


def stream_jsonl(http: httpx.Client, url: str, *, attempts: int = DOWNLOAD_ATTEMPTS,
                 sleep: Callable[[float], None] = time.sleep) -> Iterator[dict[str, Any]]:
    """Download a JSONL result file streamingly and yield one parsed object per line.

    A broken connection resumes after the last complete line (see `stream_bytes`), so no object is
    yielded twice.
    """
    return parse_lines(lines(stream_bytes(http, url, attempts=attempts, sleep=sleep)))


def stream_bytes(http: httpx.Client, url: str, *, attempts: int = DOWNLOAD_ATTEMPTS,
                 sleep: Callable[[float], None] = time.sleep) -> Iterator[bytes]:
    """Download a JSONL result file streamingly and yield its bytes, each chunk ending at a line's end.

    A broken connection resumes after the last complete line (a Range request; if the server
    ignores Range, the bytes already read are skipped), so no byte is yielded twice.
    """
    consumed = 0  # bytes of the complete lines already yielded
    for attempt in range(attempts):
        try:
            headers = {"Range": f"bytes={consumed}-"} if consumed else {}
            with http.stream("GET", url, headers=headers) as response:
                skip = _bytes_to_skip(response, consumed)
                pending = b""
                for chunk in response.iter_bytes():
                    if skip:
                        dropped = min(skip, len(chunk))
                        chunk, skip = chunk[dropped:], skip - dropped
                    data = pending + chunk
                    cut = data.rfind(b"\n") + 1
                    pending = data[cut:]
                    if cut:
                        consumed += cut
                        yield data[:cut]
                if pending:
                    yield pending
                return
        except httpx.TransportError as exc:
            if attempt == attempts - 1:
                raise ShopifyNetworkError(
                    f"The bulk result download broke off {attempts} times ({type(exc).__name__}); "
                    "download it again.") from None
            logger.warning("bulk download broke off after %d bytes (%s); resuming", consumed,
                           type(exc).__name__)
            sleep(DOWNLOAD_RETRY_SECONDS * 2 ** attempt)


def _bytes_to_skip(response: httpx.Response, consumed: int) -> int:
    if response.status_code == 206 and response.headers.get("Content-Range", "").startswith(
            f"bytes {consumed}-"):
        return 0
    if response.status_code == 200:
        return consumed
    raise BulkOperationError(
        f"Downloading the bulk result failed with HTTP {response.status_code}; "
        "the signed URL may have expired (7 days), so poll the operation for a fresh one.")


def parse_lines(lines: Iterable[str | bytes], skip: int = 0) -> Iterator[dict[str, Any]]:
    """Parse JSONL lines (e.g. an open file) into objects, skipping blank lines.

    The first `skip` objects (non-blank lines) are passed over unparsed: a resumed load's start.
    """
    loads = orjson.loads
    for number, line in enumerate(lines, start=1):
        if skip:
            if line.strip():
                skip -= 1
            continue
        try:  # inline: 3 million lines per 10^6 orders
            obj = loads(line)
        except orjson.JSONDecodeError:
            if not line.strip():
                continue  # a blank line
            raise BulkOperationError(f"Line {number} of the bulk result is not valid JSON.") from None
        if not isinstance(obj, dict):
            raise BulkOperationError(f"Line {number} of the bulk result is not a JSON object.")
        yield obj


def lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the lines of JSONL bytes arriving in chunks that may end anywhere."""
    pending = b""
    for chunk in chunks:
        *complete, pending = (pending + chunk).split(b"\n")
        yield from complete
    if pending:
        yield pending


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
