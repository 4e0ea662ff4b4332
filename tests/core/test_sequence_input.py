import torch

from core.sequence_input import MAX_TOKENS, embed_tokens, split_tokens, token_vector


def test_split_spaced_and_cjk():
    assert split_tokens("我 爱 北京 天安门") == ["我", "爱", "北京", "天安门"]
    assert split_tokens("我爱北京") == ["我", "爱", "北", "京"]
    assert split_tokens("  the cat sat ") == ["the", "cat", "sat"]
    assert split_tokens("   ") == []
    assert len(split_tokens(" ".join(["a"] * 100))) == MAX_TOKENS


def test_unspaced_scripts_split_into_characters_with_their_marks():
    assert split_tokens("ขอบคุณ") == ["ข", "อ", "บ", "คุ", "ณ"]  # Thai: the vowel sign stays on its consonant
    assert split_tokens("ありがとう") == ["あ", "り", "が", "と", "う"]  # kana alone
    assert split_tokens("我爱北京，天安门！") == ["我", "爱", "北", "京", "，", "天", "安", "门", "！"]  # as typed
    assert split_tokens("यह फिल्म अच्छी है") == ["यह", "फिल्म", "अच्छी", "है"]  # spaced: words, marks and all


def test_same_token_same_vector_and_seed_changes_it():
    first = token_vector("北京", 3, seed=0)
    assert torch.equal(first, token_vector("北京", 3, seed=0))
    assert not torch.equal(first, token_vector("北京", 3, seed=1))
    assert not torch.equal(first, token_vector("天安门", 3, seed=0))


def test_embed_shapes():
    sequence = embed_tokens(["a", "b", "a"], 5, seed=3)
    assert sequence.shape == (3, 5)
    assert torch.equal(sequence[0], sequence[2])
    assert embed_tokens([], 5, seed=3).shape == (0, 5)
