"""The character tokenizer: one token per character, whitespace and newlines included.

Layout is signal in these reports (``|`` separators, line breaks, runs of spaces), so
nothing is stripped, lower-cased or merged: the normaliser upstream has already decided
what the text is. The tokenizer is a ``tokenizers`` WordLevel model behind a pre-tokenizer
that isolates every character, wrapped as a ``transformers`` fast tokenizer so that
``AutoTokenizer.from_pretrained(model_dir)`` loads it offline.

>>> tok = build_tokenizer(["一、总体情况\\n|0 |"])
>>> tok.convert_ids_to_tokens(tok("情况\\n", add_special_tokens=False)["input_ids"])
['情', '况', '\\n']
>>> encode_chars(tok, "况x") == [tok.convert_tokens_to_ids("况"), tok.unk_token_id]
True
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tokenizers import Regex, Tokenizer, models, pre_tokenizers, processors

if TYPE_CHECKING:  # imported where used: tagging reads a saved vocabulary without transformers
    from transformers import PreTrainedTokenizerBase, PreTrainedTokenizerFast

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
#: The tokenizer class a saved tokenizer names. transformers 5 writes its ``TokenizersBackend``,
#: which transformers 4 cannot load; ``PreTrainedTokenizerFast`` loads in both (5 maps it to
#: ``TokenizersBackend``), over the same ``tokenizer.json``.
PORTABLE_CLASS = "PreTrainedTokenizerFast"
SPECIAL_TOKENS: tuple[str, ...] = (PAD, UNK, CLS, SEP, MASK)

# ``[\s\S]`` rather than ``.``: the tokenizers regex engine (Oniguruma) has no (?s) flag,
# and ``.`` would skip ``\n``, which must be a token of its own.
_EVERY_CHARACTER = Regex(r"[\s\S]")


def char_vocab(texts: Iterable[str], min_freq: int = 1) -> list[str]:
    """The special tokens, then every character seen at least ``min_freq`` times (most frequent first).

    >>> char_vocab(["aab", "b c"], min_freq=2)
    ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b']
    """
    if min_freq < 1:
        raise ValueError(f"min_freq must be at least 1, got {min_freq}")
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text)
    # Sort by count, then character, so one corpus always gives one vocabulary.
    chars = sorted(
        (c for c, n in counts.items() if n >= min_freq and c not in SPECIAL_TOKENS), key=lambda c: (-counts[c], c)
    )
    return [*SPECIAL_TOKENS, *chars]


def build_tokenizer(texts: Iterable[str], min_freq: int = 1, model_max_length: int = 512) -> PreTrainedTokenizerFast:
    """A character tokenizer whose vocabulary is the characters of ``texts`` (normalised text)."""
    return _char_tokenizer(char_vocab(texts, min_freq), model_max_length)


def extend_tokenizer(
    tokenizer: PreTrainedTokenizerBase, texts: Iterable[str], min_freq: int = 1
) -> tuple[PreTrainedTokenizerBase, int]:
    """The tokenizer with the characters of ``texts`` it lacks appended (existing ids unchanged),
    and how many were added — so fine-tuning a model on new reports learns their characters
    instead of reading them all as ``[UNK]``. The model's embeddings must then be resized.

    >>> tok, n = extend_tokenizer(build_tokenizer(["ab"]), ["abcc"], min_freq=2)
    >>> n, encode_chars(tok, "abc")[2] == tok.get_vocab()["c"]
    (1, True)
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(text)
    vocab = _vocab(tokenizer)
    new = sorted(
        (c for c, n in counts.items() if n >= min_freq and c not in vocab and c.lower() not in vocab),
        key=lambda c: (-counts[c], c),
    )
    if not new:
        return tokenizer, 0
    ordered = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    if ordered[: len(SPECIAL_TOKENS)] == list(SPECIAL_TOKENS) and vocab[ordered[-1]] == len(ordered) - 1:
        # One of ours: rebuild it with the new characters after the old ones (ids kept).
        return _char_tokenizer(ordered + new, tokenizer.model_max_length), len(new)
    tokenizer.add_tokens(new)  # a foreign tokenizer: added tokens keep its own model intact
    tokenizer._gongkai_char_vocab = None
    return tokenizer, len(new)


def _char_tokenizer(tokens: list[str], model_max_length: int) -> PreTrainedTokenizerFast:
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(tokens)}
    core = Tokenizer(models.WordLevel(vocab, unk_token=UNK))
    core.pre_tokenizer = pre_tokenizers.Split(_EVERY_CHARACTER, behavior="isolated")
    core.post_processor = processors.TemplateProcessing(
        single=f"{CLS} $A {SEP}",
        pair=f"{CLS} $A {SEP} $B {SEP}",
        special_tokens=[(CLS, vocab[CLS]), (SEP, vocab[SEP])],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=core,
        unk_token=UNK,
        pad_token=PAD,
        cls_token=CLS,
        sep_token=SEP,
        mask_token=MASK,
        model_max_length=model_max_length,
    )


def save_tokenizer(tokenizer: PreTrainedTokenizerBase, path: str | Path) -> None:
    """``tokenizer.save_pretrained(path)``, naming a class every transformers that
    ``pyproject.toml`` allows can load (see :data:`PORTABLE_CLASS`).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_tokenizer(build_tokenizer(["ab"]), d)
    ...     json.loads((Path(d) / "tokenizer_config.json").read_text())["tokenizer_class"]
    'PreTrainedTokenizerFast'
    """
    tokenizer.save_pretrained(path)
    config_file = Path(path) / "tokenizer_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    if config.get("tokenizer_class") == "TokenizersBackend":
        config["tokenizer_class"] = PORTABLE_CLASS
        config_file.write_text(
            json.dumps(config, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )


def encode_chars(tokenizer: PreTrainedTokenizerBase, text: str) -> list[int]:
    """One token id per character of ``text``, the unknown id for a character not in the vocabulary.

    Looks each character up in the vocabulary instead of running the tokenizer, which
    keeps one id per character for any character-level vocabulary (a user's Chinese BERT
    with a WordPiece tokenizer included) and cannot be fooled by text that spells a
    special token such as ``[SEP]``. A vocabulary that only has the lower-case form of a
    letter (uncased BERTs) gets that form.

    >>> tok = build_tokenizer(["ab"])
    >>> len(encode_chars(tok, "a[SEP]b")) == len("a[SEP]b")
    True
    """
    vocab = _vocab(tokenizer)
    unk = tokenizer.unk_token_id
    if unk is None:
        raise ValueError(f"tokenizer {tokenizer.name_or_path!r} has no unknown token; a character tagger needs one")
    out = []
    for ch in text:
        i = vocab.get(ch)
        if i is None:
            i = vocab.get(ch.lower(), unk)
        out.append(i)
    return out


def _vocab(tokenizer: PreTrainedTokenizerBase) -> dict[str, int]:
    # get_vocab() builds a fresh dict on every call; cache it on the tokenizer object.
    cached = getattr(tokenizer, "_gongkai_char_vocab", None)
    if cached is None:
        cached = tokenizer.get_vocab()
        tokenizer._gongkai_char_vocab = cached
    return cached


class CharVocab:
    """A saved tokenizer's vocabulary and special tokens, read without transformers: all that
    tagging needs (:func:`encode_chars` and the ids of [CLS], [SEP], [PAD]). Training and saving
    use the transformers tokenizer over the same ``tokenizer.json``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_tokenizer(build_tokenizer(["ab"]), d)
    ...     v = CharVocab.load(d)
    >>> encode_chars(v, "ba?") == [v.get_vocab()["b"], v.get_vocab()["a"], v.unk_token_id]
    True
    >>> (v.cls_token_id, v.sep_token_id, v.pad_token_id)
    (2, 3, 0)
    """

    def __init__(self, vocab: dict[str, int], special: dict[str, str], name_or_path: str = ""):
        self._vocab = vocab
        self.name_or_path = name_or_path
        self.unk_token_id, self.cls_token_id, self.sep_token_id, self.pad_token_id = (
            vocab[special[k]] for k in ("unk_token", "cls_token", "sep_token", "pad_token")
        )

    @classmethod
    def load(cls, path: str | Path) -> CharVocab | None:
        """The vocabulary saved in ``path``, or None where its files do not name every special
        token it needs (load the tokenizer with transformers then)."""
        path = Path(path)
        try:
            config = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
            vocab = Tokenizer.from_file(str(path / "tokenizer.json")).get_vocab(with_added_tokens=True)
        except Exception:  # missing, unreadable or foreign (tokenizers raises a bare Exception)
            return None
        special = {k: config.get(k) for k in ("unk_token", "cls_token", "sep_token", "pad_token")}
        if not all(isinstance(t, str) and t in vocab for t in special.values()):
            return None
        return cls(vocab, special, str(path))

    def get_vocab(self) -> dict[str, int]:
        return dict(self._vocab)
