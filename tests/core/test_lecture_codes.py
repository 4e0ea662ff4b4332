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
