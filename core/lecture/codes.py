"""Room codes and presenter secrets.

A room code is what students type or scan, so it is short and made of characters nobody confuses on a projector:
no 0/O/Q/D-like pairs, no 1/I/L, no 2/Z, 5/S, 8/B, G/6. With 23 symbols, 5 characters give 23⁵ ≈ 6.4 million codes,
plenty for the few hundred rooms a server holds at once; guessing one gives only a follower's view anyway.

Behind several app processes (``deploy/serve.sh``) a room lives in the process whose lecturer opened it, so a code
also says where: replica ``i`` of ``K`` only mints codes whose first character has an alphabet index ``≡ i (mod K)``,
and nginx sends any request carrying ``?lecture=CODE`` to that replica by the same rule (:class:`ReplicaShare`).

The presenter secret is a separate, long random token: it lives only in the lecturer's URL (``key=``), so a reload or
the lecturer's second device keeps presenter rights, and it is compared in constant time.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass

CODE_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
CODE_LENGTH = 5
SHORTEST_CODE, LONGEST_CODE = 4, 6
SECRET_BYTES = 18  # 24 URL-safe characters, 144 bits


REPLICA_VARIABLE = "RNN_EXPLORER_REPLICA"  # "i/K": this process is replica i (0-based) of K behind the proxy


@dataclass(frozen=True)
class ReplicaShare:
    """Which codes this process may mint: those whose first character's alphabet index is ``index`` mod ``count``."""

    index: int = 0
    count: int = 1

    def __post_init__(self):
        if not 1 <= self.count <= len(CODE_ALPHABET) or not 0 <= self.index < self.count:
            raise ValueError(f"replica {self.index} of {self.count}: 1 to {len(CODE_ALPHABET)} replicas")

    @property
    def first_characters(self) -> str:
        return CODE_ALPHABET[self.index::self.count]

    def owns(self, code: str) -> bool:
        return bool(code) and code[0] in self.first_characters

    @classmethod
    def from_environment(cls, environment=os.environ) -> "ReplicaShare":
        """``RNN_EXPLORER_REPLICA=i/K`` as ``deploy/serve.sh`` sets it; one process (all codes) when unset."""
        value = environment.get(REPLICA_VARIABLE, "").strip()
        if not value:
            return cls()
        index, _, count = value.partition("/")
        try:
            return cls(int(index), int(count))
        except ValueError as error:
            raise ValueError(f"{REPLICA_VARIABLE} must be i/K with 0 <= i < K <= {len(CODE_ALPHABET)}, "
                             f"not {value!r}") from error


def new_code(length: int = CODE_LENGTH, share: ReplicaShare = ReplicaShare()) -> str:
    """A random room code of ``length`` unambiguous characters (cryptographic randomness: codes are not guessable
    from one another), its first character one that ``share`` owns."""
    if not SHORTEST_CODE <= length <= LONGEST_CODE:
        raise ValueError(f"a room code has {SHORTEST_CODE} to {LONGEST_CODE} characters, not {length}")
    return secrets.choice(share.first_characters) + "".join(
        secrets.choice(CODE_ALPHABET) for _ in range(length - 1))


def normalise_code(typed: object) -> str | None:
    """The code a person meant (spaces dropped, upper case), or None when it cannot be a room code at all.

    A hostile or mistyped link (``?lecture=<script>``, 10 kB of text) is answered here, before any lookup.
    """
    if not isinstance(typed, str) or len(typed) > 3 * LONGEST_CODE:
        return None
    code = "".join(typed.split()).upper()
    if not SHORTEST_CODE <= len(code) <= LONGEST_CODE or any(character not in CODE_ALPHABET for character in code):
        return None
    return code


def new_secret() -> str:
    """A fresh presenter secret, safe to put in a URL."""
    return secrets.token_urlsafe(SECRET_BYTES)


def secret_matches(expected: str, offered: object) -> bool:
    """Whether ``offered`` is the presenter secret, compared in constant time; anything else (None, a number,
    non-ASCII text) is simply not the secret."""
    if not isinstance(offered, str):
        return False
    return hmac.compare_digest(expected.encode("utf-8"), offered.encode("utf-8"))
