"""The ids of a shop's rows by gid, read once into two sorted integer arrays (16 bytes a row).

The PostgreSQL bulk loader gives each new order its customer's id from here instead of a
sub-select per row (decision 086). Customer rows are never deleted while their shop exists (a
`customers/delete` marks them), so an id read here stays right for the whole load; a customer
stored after the read is not here, and its orders are linked at the end of the backfill.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np

from xsight.services.ingest.copy_rows import fast

FETCH_ROWS = 50_000  # rows per round trip while reading (a server-side cursor)
MAX_DIGITS = 18  # any number of this many digits fits in an int64


def number(gid: Any, prefix: str) -> int | None:
    """The number of a gid `prefix<digits>`; None for anything else."""
    if gid.__class__ is not str or not gid.startswith(prefix):
        return None
    tail = gid[len(prefix):]
    if not (tail.isdigit() and tail.isascii() and len(tail) <= MAX_DIGITS):
        return None
    if tail[0] == "0" and len(tail) > 1:
        return None  # "007" and "7" would be one number: only the exact form of a number matches
    return int(tail)


class GidIds:
    """Look up ids by gid among one table's rows of one shop, as read by `read`."""

    def __init__(self, prefix: str, numbers: np.ndarray, ids: np.ndarray) -> None:
        order = np.argsort(numbers, kind="stable")
        self.prefix, self.numbers_, self.ids_ = prefix, numbers[order], ids[order]

    @classmethod
    def read(cls, connection: Any, table: str, shop_id: int, prefix: str) -> GidIds:
        """Read (gid, id) of the shop's rows of `table` (ours: never input) through a server-side cursor."""
        numbers, ids = array("q"), array("q")  # 8 bytes an entry while reading (a list: ~40)
        with connection.cursor(name="xsight_gid_ids") as cursor:
            cursor.execute(f"SELECT shopify_gid, id FROM {table} WHERE shop_id = %s",  # noqa: S608
                           (shop_id,))
            while rows := cursor.fetchmany(FETCH_ROWS):
                for gid, row_id in rows:
                    found = number(gid, prefix)
                    if found is not None:
                        numbers.append(found)
                        ids.append(row_id)
        return cls(prefix, np.frombuffer(numbers, dtype=np.int64), np.frombuffer(ids, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.numbers_)

    def __call__(self, gids: Sequence[Any]) -> list[int | None]:
        """The id of each gid's row, None where it was not read (or is no gid of the prefix)."""
        if not len(self.numbers_) or not gids:
            return [None] * len(gids)
        prefix = self.prefix
        if fast is not None and gids.__class__ is list and prefix.isascii():  # `number` in C (decision 090)
            wanted = np.frombuffer(fast.gid_numbers(gids, prefix), dtype=np.int64)
        else:
            wanted = np.fromiter(((-1 if (n := number(g, prefix)) is None else n) for g in gids),
                                 dtype=np.int64, count=len(gids))
        at = np.minimum(np.searchsorted(self.numbers_, wanted), len(self.numbers_) - 1)
        hit = (self.numbers_[at] == wanted) & (wanted >= 0)
        return [int(row_id) if found else None
                for row_id, found in zip(self.ids_[at].tolist(), hit.tolist(), strict=True)]
