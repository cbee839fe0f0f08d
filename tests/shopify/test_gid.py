"""Global ids: type names and numbers out, well-formed ids in."""

from __future__ import annotations

import pytest

from xsight.shopify.gid import gid_number, gid_type, make_gid


def test_round_trip() -> None:
    gid = make_gid("LineItem", 19435458986123)
    assert gid == "gid://shopify/LineItem/19435458986123"
    assert (gid_type(gid), gid_number(gid)) == ("LineItem", 19435458986123)


def test_query_suffix_is_ignored() -> None:
    assert gid_number("gid://shopify/MailingAddress/7?model_name=CustomerAddress") == 7


@pytest.mark.parametrize("bad", ["12345", "gid://other/Order/1", "gid://shopify/Order/abc", ""])
def test_bad_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="Shopify global id"):
        gid_number(bad)
    if not bad.startswith("gid://shopify/"):
        with pytest.raises(ValueError):
            gid_type(bad)
