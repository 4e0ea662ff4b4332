import pytest

from core.textdata.subwords import (char_ngrams, distinct_ngrams, encode_subwords, fnv1a, ngram_bucket, subword_ids,
                                   token_ngrams)


def test_ngrams_of_a_word_carry_boundary_marks():
    assert char_ngrams("free") == ["<f", "fr", "re", "ee", "e>", "<fr", "fre", "ree", "ee>", "<fre", "free", "ree>"]
    # the prefix "<fr" of "free" differs from the "fr" inside "afraid"
    assert "<fr" not in char_ngrams("afraid") and "fr" in char_ngrams("afraid")


def test_a_single_character_token_is_read_without_ngrams():
    assert char_ngrams("我") == ["<我", "我>", "<我>"]  # they would only copy the character's own embedding
    assert token_ngrams("我") == [] and subword_ids("!", 101) == ()
    assert token_ngrams("我们") == char_ngrams("我们")
    assert encode_subwords([["我", "很", "ok"]], 101) == [[(), (), subword_ids("ok", 101)]]


def test_fnv1a_matches_the_published_32_bit_test_vectors():
    # FNV-1a 32-bit reference values (Fowler, Noll, Vo test suite)
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


def test_buckets_skip_the_padding_row_and_follow_the_hash():
    assert ngram_bucket("<fr", 1000) == 1 + fnv1a("<fr") % 999
    ids = subword_ids("unbelievably", 7)
    assert len(ids) == len(char_ngrams("unbelievably")) and set(ids) <= set(range(1, 7))


def test_texts_are_cut_like_their_ids_and_an_empty_text_gets_one_empty_token():
    encoded = encode_subwords([["free", "prize", "now"], [], ["free"]], 101, max_length=2)
    assert encoded[0] == [subword_ids("free", 101), subword_ids("prize", 101)]
    assert encoded[1] == [()]
    assert encoded[2][0] is encoded[0][0]  # a repeated token is hashed once


def test_distinct_ngrams_count_each_ngram_once():
    assert distinct_ngrams([["ab", "ab"], ["ba", "x"]]) == len(set(char_ngrams("ab")) | set(char_ngrams("ba")))


@pytest.mark.parametrize("buckets", [2, 3, 50_000])
def test_every_bucket_is_a_real_row(buckets):
    assert all(1 <= bucket < buckets for bucket in subword_ids("hello", buckets))
