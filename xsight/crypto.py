"""AES-256-GCM encryption of secrets at rest, with a key id beside each ciphertext."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from xsight.errors import XSightError

NONCE_BYTES = 12  # the GCM standard nonce size
KEY_ID_CHARS = 16


class DecryptionError(XSightError):
    """A ciphertext could not be decrypted with any configured key."""

    code = "decryption_error"


def key_id(key: bytes) -> str:
    """Return a stable, non-secret identifier for a key."""
    return hashlib.sha256(b"xsight-key-id:" + key).hexdigest()[:KEY_ID_CHARS]


def _decode_key(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.strip().encode())


@dataclass(frozen=True)
class Sealed:
    """A ciphertext (nonce + ciphertext + tag) and the id of the key that made it."""

    key_id: str
    blob: bytes


class TokenCipher:
    """Encrypt with the current key; decrypt with the current or any previous key."""

    def __init__(self, current_key: str, previous_keys: str = "") -> None:
        current = _decode_key(current_key)
        self.current_key_id = key_id(current)
        self._keys = {self.current_key_id: AESGCM(current)}
        for text in filter(None, (k.strip() for k in previous_keys.split(","))):
            raw = _decode_key(text)
            self._keys.setdefault(key_id(raw), AESGCM(raw))

    def encrypt(self, plaintext: str, context: str) -> Sealed:
        """Seal `plaintext`, bound to `context` (e.g. shop domain and field) as associated data."""
        nonce = os.urandom(NONCE_BYTES)
        ciphertext = self._keys[self.current_key_id].encrypt(
            nonce, plaintext.encode(), context.encode())
        return Sealed(self.current_key_id, nonce + ciphertext)

    def decrypt(self, sealed: Sealed, context: str) -> str:
        """Open a sealed value; fail if the key is unknown or the data or context was altered."""
        aead = self._keys.get(sealed.key_id)
        if aead is None:
            raise DecryptionError(
                f"No configured encryption key has id {sealed.key_id}; add the old key to "
                "ENCRYPTION_KEY_PREVIOUS until `flask xsight rotate-key` has run.")
        try:
            plain = aead.decrypt(sealed.blob[:NONCE_BYTES], sealed.blob[NONCE_BYTES:],
                                 context.encode())
        except InvalidTag:
            raise DecryptionError("A stored secret failed its integrity check.") from None
        return plain.decode()

    def needs_rotation(self, sealed_key_id: str | None) -> bool:
        """Return True when a value was sealed with a key other than the current one."""
        return sealed_key_id is not None and sealed_key_id != self.current_key_id
