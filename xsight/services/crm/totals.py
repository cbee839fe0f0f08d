"""Count a list's matches once per version of the shop's facts: exact totals, cached between pages.

Every write to a shop's `customer_facts` (and its tag rows) replaces the shop's version token
(`bump`, called by `xsight.services.crm.facts` in the writing transaction). A total is cached under
(shop, token, filter key), so an entry can only be read while the facts it counted are unchanged.
The token is random rather than a counter: a rolled-back write restores the old token, and a counter
would then hand its next value, already seen inside the rolled-back transaction, to different data.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from xsight.models import CustomerFactsVersion

MAX_ENTRIES = 4096  # (shop, token, filter) totals kept per process; the oldest go first

_cache: OrderedDict[tuple[int, int, Hashable], int] = OrderedDict()
_lock = threading.Lock()


def bump(session: Any, shop_id: int) -> None:
    """Give the shop's facts a new version token (call in the transaction that writes the facts)."""
    table = CustomerFactsVersion.__table__
    token = secrets.randbits(63)
    changed = session.execute(update(table).where(table.c.shop_id == shop_id).values(token=token))
    if changed.rowcount == 0:
        session.execute(_insert_once(session, table).values(shop_id=shop_id, token=token))


def _insert_once(session: Any, table: Any) -> Any:
    """Return an INSERT that replaces the token when a concurrent writer created the row first."""
    maker: Any = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = maker(table)
    return statement.on_conflict_do_update(index_elements=[table.c.shop_id],
                                           set_={"token": statement.excluded.token})


def version(session: Any, shop_id: int) -> int | None:
    """Return the shop's current facts version token (None before its facts were first written)."""
    table = CustomerFactsVersion.__table__
    return session.scalar(select(table.c.token).where(table.c.shop_id == shop_id))


def total(session: Any, shop_id: int, key: Hashable | None, count: Callable[[], int]) -> int:
    """Return `count()`, from the cache when this filter was counted on the same facts version.

    `key` identifies the filter (None: always count). The token is read before counting: a write
    committed in between then files a newer count under the older token, which no reader asks for
    once the write is visible; counting first could file an old count under the new token.
    """
    if key is None:
        return count()
    token = version(session, shop_id)
    if token is None:
        return count()
    entry = (shop_id, token, key)
    with _lock:
        found = _cache.get(entry)
        if found is not None:
            _cache.move_to_end(entry)
            return found
    counted = count()
    with _lock:
        _cache[entry] = counted
        while len(_cache) > MAX_ENTRIES:
            _cache.popitem(last=False)
    return counted


def clear() -> None:
    """Forget every cached total (tests, and a process that wants a cold start)."""
    with _lock:
        _cache.clear()

