import pytest

from core.textdata.tokenize import (PAD, PAD_ID, UNK, UNK_ID, Tokenizer, Vocabulary,
                                    suggest_max_length, tokenize)


def test_english_words_punctuation_and_numbers():
    assert tokenize("Free entry in 2 a wkly comp! Call 08452810075 now, £1.50/wk.") == [
        "free", "entry", "in", "2", "a", "wkly", "comp", "!", "call", "08452810075", "now", ",",
        "£", "1.50", "/", "wk", "."]


def test_contractions_decimals_and_alphanumerics_stay_whole():
    assert tokenize("Don't pay 3.14 or 1,000 at 10:30 for mp3s") == [
        "don't", "pay", "3.14", "or", "1,000", "at", "10:30", "for", "mp3s"]


def test_lowercase_is_optional():
    assert tokenize("Hello World", lowercase=False) == ["Hello", "World"]
    assert Tokenizer(lowercase=False)("Hello") == ["Hello"]
    assert Tokenizer()("Hello") == ["hello"]


def test_chinese_is_split_into_characters_with_punctuation():
    assert tokenize("房间很大，早餐太差。") == ["房", "间", "很", "大", ",", "早", "餐", "太", "差", "。"]


def test_mixed_chinese_and_english():
    assert tokenize("我爱 deep learning 很棒") == ["我", "爱", "deep", "learning", "很", "棒"]
    assert tokenize("用iPhone拍的4K视频") == ["用", "iphone", "拍", "的", "4k", "视", "频"]


def test_full_width_forms_are_normalised_and_emoji_kept():
    assert tokenize("ＡＢＣ１２３！😀") == ["abc123", "!", "😀"]


def test_japanese_kana_are_characters_and_other_scripts_are_words():
    assert tokenize("こんにちは") == list("こんにちは")
    assert tokenize("Привет, café") == ["привет", ",", "café"]


def test_whitespace_only_text_has_no_tokens():
    assert tokenize(" \n\t ") == []


def test_vocabulary_build_orders_by_frequency_and_respects_min_freq_and_max_size():
    texts = [["b", "a", "a"], ["c", "a", "b"], ["d"]]
    vocabulary = Vocabulary.build(texts, min_freq=1)
    assert vocabulary.tokens == [PAD, UNK, "a", "b", "c", "d"]  # ties (c, d) alphabetical
    assert Vocabulary.build(texts, min_freq=2).tokens == [PAD, UNK, "a", "b"]
    assert Vocabulary.build(texts, max_size=3).tokens == [PAD, UNK, "a"]


def test_encode_decode_and_unknown_tokens():
    vocabulary = Vocabulary.build([["hello", "world"]])
    assert vocabulary.encode(["hello", "mars", "world"]) == [vocabulary.tokens.index("hello"), UNK_ID,
                                                              vocabulary.tokens.index("world")]
    assert vocabulary.decode(vocabulary.encode(["world", "hello"])) == ["world", "hello"]
    assert vocabulary.encode([]) == []
    assert PAD_ID == 0 and vocabulary.tokens[PAD_ID] == PAD


def test_vocabulary_json_round_trip_keeps_unicode():
    vocabulary = Vocabulary.build([list("酒店很好"), ["ok"]])
    text = vocabulary.to_json()
    assert "酒" in text
    assert Vocabulary.from_json(text) == vocabulary
    assert Vocabulary.from_dict(vocabulary.to_dict()).encode(["店"]) == vocabulary.encode(["店"])


@pytest.mark.parametrize("tokens", [["a", "b"], [PAD, UNK, "x", "x"], [PAD, UNK, ""]])
def test_vocabulary_rejects_malformed_token_lists(tokens):
    with pytest.raises(ValueError):
        Vocabulary(tokens)


def test_suggest_max_length_uses_the_95th_percentile_and_clips():
    assert suggest_max_length(list(range(1, 101))) == 95
    assert suggest_max_length([3] * 50) == 16
    assert suggest_max_length([2000] * 10) == 512
    assert suggest_max_length([]) == 16


def test_tokenizer_settings_round_trip():
    assert Tokenizer.from_dict(Tokenizer(lowercase=False).to_dict()) == Tokenizer(lowercase=False)
    assert Tokenizer.from_dict(Tokenizer(rules=1).to_dict()) == Tokenizer(rules=1)
    assert Tokenizer.from_dict({"lowercase": True}) == Tokenizer(rules=1)  # saved before rules were numbered
    for settings in ({"lowercase": "yes"}, {"lowercase": True, "rules": 0}, {"lowercase": True, "rules": True},
                     {"lowercase": True, "rules": 2.0}):
        with pytest.raises(ValueError):
            Tokenizer.from_dict(settings)


@pytest.mark.parametrize("text, tokens", [
    ("यह फिल्म बहुत अच्छी है", ["यह", "फिल्म", "बहुत", "अच्छी", "है"]),  # Hindi: vowel signs and virama
    ("মুভিটা দারুণ ছিল", ["মুভিটা", "দারুণ", "ছিল"]),  # Bengali
    ("ఈ సినిమా చాలా బాగుంది", ["ఈ", "సినిమా", "చాలా", "బాగుంది"]),  # Telugu
    ("هذا رائع جدًا", ["هذا", "رائع", "جدًا"]),  # Arabic with a tanwin
    ("e\u0301te\u0301, cafe\u0301!", ["été", ",", "café", "!"]),  # decomposed accents (NFKC composes them)
    ("ไทยง่าย", ["ไ", "ท", "ย", "ง่", "า", "ย"]),  # Thai: no spaces, a letter and its marks a token
    ("ကောင်း", ["ကော", "င်း"]),  # Myanmar
])
def test_combining_marks_stay_on_their_letters(text, tokens):
    assert tokenize(text) == tokens


def test_rules_1_still_split_as_before():
    # a model trained before the rules were numbered keeps reading text the way it learnt it
    assert tokenize("यह फिल्म", rules=1) == ["यह", "फ", "ि", "ल", "्", "म"]
    assert tokenize("ไทยง่าย", rules=1) == ["ไทยง", "่", "าย"]


@pytest.mark.parametrize("text", ["我爱 deep learning 很棒!", "Don't pay £1,000.50 at 10:30 for mp3s 1.5x",
                                  "ＡＢＣ１２，酒店很好😀", "Это был отличный фильм", "이 영화 정말 좋아요",
                                  "tab\there_and_there o'clock rock’n’roll ❤️👍🏽"])
def test_the_rules_agree_on_text_without_combining_marks(text):
    assert tokenize(text) == tokenize(text, rules=1)
