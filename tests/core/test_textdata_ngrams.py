import numpy as np

from core.textdata.ngrams import distinct_hashes, encode_ngrams, hash_ngrams, ngram_hash, text_ngrams, to_buckets


def test_an_english_text_gives_its_word_1_2_grams_and_character_1_4_grams():
    # tokens: hi, you; characters of "hi you" (6), their 1- to 4-grams counted by hand: 6 + 5 + 4 + 3
    assert text_ngrams("Hi you") == {
        "w hi", "w you", "w hi you",
        "c h", "c i", "c  ", "c y", "c o", "c u",
        "c hi", "c i ", "c  y", "c yo", "c ou",
        "c hi ", "c i y", "c  yo", "c you",
        "c hi y", "c i yo", "c  you"}


def test_a_chinese_text_reads_each_character_as_a_word():
    grams = text_ngrams("酒店很好")
    assert {gram for gram in grams if gram.startswith("w ")} == {"w 酒", "w 店", "w 很", "w 好", "w 酒 店", "w 店 很",
                                                                 "w 很 好"}
    assert len([gram for gram in grams if gram.startswith("c ")]) == 4 + 3 + 2 + 1


def test_case_width_and_whitespace_are_read_like_the_tokenizer_reads_them():
    assert text_ngrams("ＨＩ\n\n  you ") == text_ngrams("Hi you")  # NFKC, lower-cased, whitespace collapsed
    assert "w Hi" in text_ngrams("Hi you", lowercase=False) and "w hi" not in text_ngrams("Hi you", lowercase=False)
    assert text_ngrams("aa aa") == {"w aa", "w aa aa", "c a", "c  ", "c aa", "c a ", "c  a", "c aa ", "c a a",
                                     "c  aa", "c aa a", "c a aa"}  # a repeated n-gram is one feature


def test_the_hash_is_the_standard_crc32_of_the_utf8_bytes():
    assert ngram_hash("123456789") == 0xCBF43926  # CRC-32's published check value
    assert ngram_hash("酒店") == ngram_hash("酒店") and ngram_hash("酒店") != ngram_hash("店酒")


def test_buckets_follow_the_hash_and_an_empty_text_has_none():
    buckets = 97
    encoded = encode_ngrams(["Hi you", "", "  "], buckets)
    assert encoded[0].tolist() == sorted({1 + ngram_hash(gram) % (buckets - 1) for gram in text_ngrams("Hi you")})
    assert all(1 <= bucket < buckets for bucket in encoded[0])
    assert encoded[0].dtype == np.int32  # compact: a text has hundreds of n-grams, a large upload millions
    assert encoded[1].size == 0 and encoded[2].size == 0


def test_one_hashing_pass_sizes_and_fills_the_table():
    texts = ["ab", "ab", "ba", ""]
    hashed = hash_ngrams(texts)
    assert hashed[0].tolist() == sorted({ngram_hash(gram) for gram in text_ngrams("ab")})
    assert distinct_hashes(hashed) == len(text_ngrams("ab") | text_ngrams("ba")) and distinct_hashes([]) == 0
    assert [row.tolist() for row in to_buckets(hashed, 7)] == [row.tolist() for row in encode_ngrams(texts, 7)]
    assert len(to_buckets(hashed, 2)[0]) == 1  # every n-gram in bucket 1: counted once


def test_word_grams_follow_the_tokenizer_rules_they_are_given():
    # a bundle trained under rules 1 reads its linear path's words as it learnt them (core/classifier/predict.py)
    words = {gram for gram in text_ngrams("फिल्म अच्छी") if gram.startswith("w ")}
    assert words == {"w फिल्म", "w अच्छी", "w फिल्म अच्छी"}
    old_words = {gram for gram in text_ngrams("फिल्म अच्छी", rules=1) if gram.startswith("w ")}
    assert "w फ" in old_words and "w फिल्म" not in old_words
    assert text_ngrams("Hi you", rules=1) == text_ngrams("Hi you")
