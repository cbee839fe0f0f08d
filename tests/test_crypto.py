"""Tokens at rest: AES-256-GCM, bound to their context, rotatable."""

from __future__ import annotations

import pytest

from xsight.config import new_encryption_key
from xsight.crypto import DecryptionError, Sealed, TokenCipher


def test_round_trip_and_fresh_nonces() -> None:
    cipher = TokenCipher(new_encryption_key())
    a = cipher.encrypt("shpat_secret", "shop.myshopify.com:access_token")
    b = cipher.encrypt("shpat_secret", "shop.myshopify.com:access_token")
    assert a.blob != b.blob
    assert b"shpat_secret" not in a.blob
    assert cipher.decrypt(a, "shop.myshopify.com:access_token") == "shpat_secret"


def test_ciphertext_is_bound_to_its_context() -> None:
    cipher = TokenCipher(new_encryption_key())
    sealed = cipher.encrypt("shpat_secret", "a.myshopify.com:access_token")
    with pytest.raises(DecryptionError):
        cipher.decrypt(sealed, "b.myshopify.com:access_token")


def test_tampering_is_detected() -> None:
    cipher = TokenCipher(new_encryption_key())
    sealed = cipher.encrypt("shpat_secret", "ctx")
    flipped = bytes([sealed.blob[0] ^ 1]) + sealed.blob[1:]
    with pytest.raises(DecryptionError, match="integrity"):
        cipher.decrypt(Sealed(sealed.key_id, flipped), "ctx")


def test_previous_keys_decrypt_and_unknown_keys_are_named() -> None:
    old, new = new_encryption_key(), new_encryption_key()
    sealed = TokenCipher(old).encrypt("t", "ctx")
    rotated = TokenCipher(new, previous_keys=old)
    assert rotated.decrypt(sealed, "ctx") == "t"
    assert rotated.needs_rotation(sealed.key_id)
    with pytest.raises(DecryptionError, match="ENCRYPTION_KEY_PREVIOUS"):
        TokenCipher(new).decrypt(sealed, "ctx")
