"""Pseudonymisation of CPR numbers: HMAC-SHA-256 with a key the workspace never stores.

Why HMAC inside DuckDB: the raw CPR number must never be stored, logged or echoed. Computing the
keyed hash in the same SQL statement that reads the file means the raw value only passes through
the query pipeline; no table, temporary or not, ever holds it. HMAC(K, m) is
SHA-256((K ⊕ opad) ‖ SHA-256((K ⊕ ipad) ‖ m)) (RFC 2104), built from DuckDB's `sha256`, which
agrees bit for bit with Python's `hmac` (tested).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from pejling.cpr import CPR_LIKE, CPR_LIKE_SQL, looks_like_cpr, mask
from pejling.errors import UserError

#: stored person ids are the first 20 hex digits (80 bits) of the HMAC
ID_LENGTH = 20
MIN_KEY_LENGTH = 16
#: the public key of the demo workspace: synthetic data only, never real CPR numbers
DEMO_KEY = "pejling-demo-key-synthetic-data-only"


class KeyMissing(UserError):
    """No pseudonymisation key is configured."""


@dataclass(frozen=True)
class PseudonymKey:
    """The key, kept in memory only, and a fingerprint that may be stored."""

    secret: bytes

    @classmethod
    def from_env(cls, env_var: str, lang: str = "en") -> PseudonymKey:
        """Read the key from the environment variable named in the settings."""
        value = os.environ.get(env_var, "")
        if len(value) < MIN_KEY_LENGTH and lang == "da":
            problem = "er ikke sat" if not value else f"er kortere end {MIN_KEY_LENGTH} tegn"
            raise KeyMissing(
                f"nøglen til pseudonymisering af CPR-numre {problem}: sæt miljøvariablen "
                f"{env_var} til en hemmelighed på mindst {MIN_KEY_LENGTH} tegn (den samme hver "
                "gang, ellers får samme person et nyt id). Variablens navn står i pejling.toml "
                "under [pseudonymisation] key_env."
            )
        if len(value) < MIN_KEY_LENGTH:
            problem = "is not set" if not value else f"is shorter than {MIN_KEY_LENGTH} characters"
            raise KeyMissing(
                f"the pseudonymisation key {problem}: set the environment variable {env_var} "
                f"to a secret of at least {MIN_KEY_LENGTH} characters (the same secret every "
                "time, or the same person gets a new id). The variable's name is set in "
                "pejling.toml under [pseudonymisation] key_env."
            )
        return cls(value.encode("utf-8"))

    def _block(self) -> bytes:
        key = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        return key.ljust(64, b"\0")

    @property
    def ipad(self) -> bytes:
        """K ⊕ 0x36…, the inner padding block (a query parameter, never stored)."""
        return bytes(b ^ 0x36 for b in self._block())

    @property
    def opad(self) -> bytes:
        """K ⊕ 0x5c…, the outer padding block."""
        return bytes(b ^ 0x5C for b in self._block())

    @property
    def fingerprint(self) -> str:
        """Identifies the key (so a re-import under another key is not 'unchanged')."""
        return hmac.new(self.secret, b"pejling key fingerprint", hashlib.sha256).hexdigest()[:16]

    def person_id(self, cpr: str) -> str:
        """The stored id of one CPR number (digits only); the Python twin of the SQL form."""
        digits = normalise_cpr(cpr)
        return hmac.new(self.secret, digits.encode("ascii"), hashlib.sha256).hexdigest()[:ID_LENGTH]


def normalise_cpr(text: str) -> str:
    """`010190-1234` and ` 0101901234` → `0101901234`."""
    return text.strip().replace("-", "")


__all__ = [
    "CPR_LIKE",
    "CPR_LIKE_SQL",
    "DEMO_KEY",
    "ID_LENGTH",
    "KeyMissing",
    "PseudonymKey",
    "looks_like_cpr",
    "mask",
    "normalise_cpr",
]
