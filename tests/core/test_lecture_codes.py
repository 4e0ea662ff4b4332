"""Room codes students can read off a projector, and the presenter secret."""

import pytest

from core.lecture.codes import (CODE_ALPHABET, CODE_LENGTH, LONGEST_CODE, SHORTEST_CODE, new_code, new_secret,
                                normalise_code, secret_matches)

CONFUSABLE_GROUPS = ("0OQD", "1IL", "2Z", "5S", "8B", "6G")


def test_alphabet_holds_at_most_one_of_each_confusable_group():
    for group in CONFUSABLE_GROUPS:
        assert sum(character in CODE_ALPHABET for character in group) <= 1, group
    assert len(set(CODE_ALPHABET)) == len(CODE_ALPHABET)


def test_codes_are_short_unambiguous_and_do_not_repeat():
    codes = [new_code() for _ in range(2_000)]
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    # 23^5 ≈ 6.4 million codes: 2,000 draws collide with probability ≈ 0.3 %, more than a handful means bad randomness
    assert len(set(codes)) >= 1_995
    assert {len(new_code(length)) for length in (SHORTEST_CODE, LONGEST_CODE)} == {SHORTEST_CODE, LONGEST_CODE}
    with pytest.raises(ValueError):
        new_code(3)


@pytest.mark.parametrize("typed, expected", [
    ("acdef", "ACDEF"), (" ac def ", "ACDEF"), ("ACDE", "ACDE"), ("ACDEFH", "ACDEFH"),
    ("ACD", None), ("ACDEFHJ", None), ("AC0EF", None), ("<script>", None), ("A" * 10_000, None),
    (None, None), (12345, None), ("ÄCDEF", None),
])
def test_normalise_code_accepts_codes_and_refuses_anything_else(typed, expected):
    assert normalise_code(typed) == expected


def test_secret_is_long_url_safe_and_compared_exactly():
    secret = new_secret()
    assert len(secret) >= 24 and secret.replace("-", "").replace("_", "").isalnum()
    assert secret != new_secret()
    assert secret_matches(secret, secret)
    for wrong in (secret[:-1], secret + "x", secret.upper() if secret.upper() != secret else secret.lower(), "", None,
                  123, "ключ"):
        assert not secret_matches(secret, wrong)


def test_each_replica_mints_only_the_codes_routed_to_it():
    from core.lecture.codes import CODE_ALPHABET, ReplicaShare, new_code

    shares = [ReplicaShare(index, 3) for index in range(3)]
    # the first characters split the alphabet: every character belongs to exactly one replica
    assert sorted("".join(share.first_characters for share in shares)) == sorted(CODE_ALPHABET)
    for share in shares:
        codes = {new_code(share=share) for _ in range(200)}
        assert all(share.owns(code) for code in codes)
        assert all(not other.owns(code) for code in codes for other in shares if other != share)
        assert all(normalise_code(code) == code for code in codes)


def test_the_replica_share_comes_from_the_environment():
    from core.lecture.codes import ReplicaShare
    from core.lecture.registry import RoomRegistry

    assert ReplicaShare.from_environment({}) == ReplicaShare(0, 1)
    assert ReplicaShare.from_environment({"RNN_EXPLORER_REPLICA": "1/2"}) == ReplicaShare(1, 2)
    for bad in ("2/2", "x", "0/0", "1/99"):
        with pytest.raises(ValueError):
            ReplicaShare.from_environment({"RNN_EXPLORER_REPLICA": bad})
    registry = RoomRegistry(share=ReplicaShare(1, 2))
    assert all(ReplicaShare(1, 2).owns(registry.create().code) for _ in range(20))
