"""The portal's Argon2 hasher, noting each hash it computes (accounts/tests/test_bursts.py)."""

from __future__ import annotations

from django.conf import settings

from accounts.hashers import OwaspArgon2PasswordHasher


class NotingArgon2Hasher(OwaspArgon2PasswordHasher):
    """Appends a line to settings.HASH_LOG for every hash: a new one or a check."""

    def note(self) -> None:
        # A setting of the burst servers alone (accounts/tests/burst_settings.py).
        with open(settings.HASH_LOG, "a") as log:  # type: ignore[misc]
            log.write("hash\n")

    def encode(self, password: str, salt: str) -> str:
        self.note()
        return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        self.note()
        return super().verify(password, encoded)
