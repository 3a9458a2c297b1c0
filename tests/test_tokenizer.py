"""The character tokenizer: one token per character, layout included, loadable offline."""

import pytest
from transformers import AutoTokenizer

from gongkai.model.tokenizer import SPECIAL_TOKENS, build_tokenizer, char_vocab, encode_chars, save_tokenizer

TRAIN_TEXT = "一、总体情况\n| 规章 | 0 |  |\n\t本年新增主动公开信息815条。\u3000"
# Newline, tab, runs of spaces, an ideographic space, an unseen character, a character outside the BMP.
PROBE = "规章 |\n\t  0\u3000鬱𠀀|\r\n"


def test_one_token_per_character_with_exact_offsets():
    tok = build_tokenizer([TRAIN_TEXT])
    enc = tok(PROBE, add_special_tokens=False, return_offsets_mapping=True)
    assert len(enc["input_ids"]) == len(PROBE)
    assert enc["offset_mapping"] == [(i, i + 1) for i in range(len(PROBE))]


def test_layout_characters_are_tokens_and_unknowns_are_unk():
    tok = build_tokenizer([TRAIN_TEXT])
    ids = tok(PROBE, add_special_tokens=False)["input_ids"]
    tokens = tok.convert_ids_to_tokens(ids)
    assert tokens[:6] == ["规", "章", " ", "|", "\n", "\t"]
    # 鬱, the astral character and \r were never seen: [UNK], each keeping its own position.
    assert [tokens[PROBE.index(c)] for c in "鬱𠀀\r"] == ["[UNK]"] * 3


def test_special_tokens_wrap_a_sequence():
    tok = build_tokenizer([TRAIN_TEXT])
    tokens = tok.convert_ids_to_tokens(tok("规章")["input_ids"])
    assert tokens == ["[CLS]", "规", "章", "[SEP]"]
    assert tok.convert_ids_to_tokens(list(range(5))) == list(SPECIAL_TOKENS)


def test_min_frequency_drops_rare_characters():
    vocab = char_vocab(["aaab", "a b  c"], min_freq=2)
    assert vocab[len(SPECIAL_TOKENS) :] == ["a", " ", "b"]  # most frequent first
    with pytest.raises(ValueError, match="min_freq"):
        char_vocab(["a"], min_freq=0)


def test_encode_chars_matches_the_tokenizer_and_ignores_special_token_spellings():
    tok = build_tokenizer([TRAIN_TEXT])
    assert encode_chars(tok, PROBE) == tok(PROBE, add_special_tokens=False)["input_ids"]
    text = "规[SEP]章"
    assert len(encode_chars(tok, text)) == len(text)


def test_saved_tokenizer_loads_offline_with_autotokenizer(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    tok = build_tokenizer([TRAIN_TEXT])
    save_tokenizer(tok, tmp_path)
    # A class transformers 4 knows too (transformers 5 would write its TokenizersBackend).
    assert '"tokenizer_class": "PreTrainedTokenizerFast"' in (tmp_path / "tokenizer_config.json").read_text()
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    assert loaded(PROBE)["input_ids"] == tok(PROBE)["input_ids"]
    assert loaded(PROBE, return_offsets_mapping=True, add_special_tokens=False)["offset_mapping"] == [
        (i, i + 1) for i in range(len(PROBE))
    ]
    assert loaded.unk_token == "[UNK]" and loaded.pad_token_id == 0
