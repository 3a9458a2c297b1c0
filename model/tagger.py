"""The character tagger: a transformers token-classification model (ModernBERT by default) over
:mod:`.tokenizer`'s characters.

A saved tagger is a plain Hugging Face directory (``config.json``, ``model.safetensors``,
``tokenizer.json``, ``README.md``): ``AutoModelForTokenClassification.from_pretrained`` and
``AutoTokenizer.from_pretrained`` load it, and its config carries the tags
(``id2label``) so a model is never read with another label set.

Reports are longer than a model's positions, so :meth:`Tagger.predict` cuts each text
into overlapping windows and gives every character the tag of the window whose centre
is nearest, i.e. where the character sits farthest from an edge and has the most context.

A :class:`Tagger` runs transformers' own forward (``forward="reference"``) or, for ModernBERT,
the same arithmetic without its per-batch overheads (``"compact"``, :mod:`.fast_modernbert`), in
float32 or bf16 (``precision``); :mod:`.backends` says which one extraction runs.
"""

from __future__ import annotations

import copy
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

# transformers is imported where it is used: tagging with the compact forward never needs it
# (its import is most of a worker's start).
if TYPE_CHECKING:
    from transformers import PretrainedConfig, PreTrainedModel, PreTrainedTokenizerBase

from . import fast_modernbert
from .backends import BATCH_SIZE, Forward, Precision
from .labels import FIGURE_REACH, ID2TAG, OUTSIDE, SHAPES, TAG2ID, TAGS, UNBROKEN, check_label_set
from .tag_decoding import (
    drop_bare_values,
    drop_misshapen,
    drop_second_metric,
    drop_unattached,
    join_unbroken,
    split_shared,
    viterbi_iob2_many,
)
from .tokenizer import CharVocab, encode_chars, save_tokenizer

#: The precisions a torch tagger runs in, and their dtypes (``bf16-checked``: bf16, and float32
#: again for the windows bf16 leaves close; see :meth:`Tagger.log_probs`).
DTYPES = {Precision.FP32: torch.float32, Precision.BF16: torch.bfloat16, Precision.BF16_CHECKED: torch.bfloat16}
#: A window in which some character it decides has its two likeliest tags closer than this (in
#: log-probability) under bf16 runs again in float32 (``bf16-checked``). bf16 moves a
#: log-probability by 0.09 or less for 999 characters in 1,000 of the real reports, 0.29 at most,
#: so a margin moves by at most about 0.6: 1.0 covers that with room. 0.5 did not: a margin of
#: 0.53 under bf16 was 0.44 in fp32, and the decoder read the stretch (实验区) otherwise. Not a
#: proof: a decision the decoder makes over a stretch can still turn.
CHECK_MARGIN = 1.0

#: Default architecture: small enough for a 2-core CPU. See :func:`new_config`.
DEFAULT_SIZE: dict[str, int] = {"hidden": 256, "layers": 4, "heads": 4, "intermediate": 1024, "max_positions": 512}


@dataclass
class Prediction:
    """The tags of one text: one tag and its probability per character."""

    tags: list[str]
    scores: list[float]

    def spans(self) -> list[tuple[int, int, str, float]]:
        """``(start, end, LABEL, mean score)`` of each entity, decoded from IOB2.

        ``B-X`` opens an entity; ``I-X`` continues an open ``X`` and, after ``O`` or
        another label, opens one (a model's stray ``I-`` still marks text).

        >>> Prediction(["B-CELL", "I-CELL", "B-CELL", "O", "I-BLANK", "I-CELL"], [1, .5, 1, 1, 1, 1]).spans()
        [(0, 2, 'CELL', 0.75), (2, 3, 'CELL', 1.0), (4, 5, 'BLANK', 1.0), (5, 6, 'CELL', 1.0)]
        """
        out: list[tuple[int, int, str, float]] = []
        start, label = None, None

        def close(end: int) -> None:
            if label is not None:
                out.append((start, end, label, sum(self.scores[start:end]) / (end - start)))

        for i, tag in enumerate(self.tags):
            prefix, _, name = tag.partition("-")
            if tag == OUTSIDE:
                close(i)
                start, label = None, None
            elif prefix == "B" or name != label:
                close(i)
                start, label = i, name
        close(len(self.tags))
        return out


#: Architectures a tagger can be trained from scratch with. A window starts anywhere in a report,
#: so BERT's learned absolute positions say little; rotary (relative) positions make "the
#: character before" and "the start of this line" as easy to attend to at every offset.
ARCHITECTURES = ("modernbert", "bert", "roformer")
#: ModernBERT (rotary positions, local attention, pre-norm) fit 6 generated reports in 150 steps
#: (loss 0.04) where RoFormer reached 0.13 and BERT 0.31; it tags 1.4x faster than RoFormer.
DEFAULT_ARCHITECTURE = "modernbert"


def new_config(
    vocab_size: int,
    *,
    hidden: int = 256,
    layers: int = 4,
    heads: int = 4,
    intermediate: int = 1024,
    max_positions: int = 512,
    dropout: float = 0.1,
    architecture: str = DEFAULT_ARCHITECTURE,
) -> PretrainedConfig:
    """A config for a tagger trained from scratch, with our tags as its labels.

    >>> c = new_config(100, hidden=32, layers=1, heads=2, intermediate=64)
    >>> c.num_labels == len(TAGS), c.id2label[1], c.model_type
    (True, 'B-SECTION', 'modernbert')
    >>> new_config(100, hidden=32, layers=1, heads=2, intermediate=64, architecture="bert").model_type
    'bert'
    """
    from transformers import BertConfig, ModernBertConfig, RoFormerConfig

    if hidden % heads:
        raise ValueError(f"hidden size {hidden} must be a multiple of the number of heads {heads}")
    if architecture not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {architecture!r}: choose one of {', '.join(ARCHITECTURES)}")
    common = dict(
        vocab_size=vocab_size,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        intermediate_size=intermediate,
        max_position_embeddings=max_positions,
        id2label=dict(ID2TAG),
        label2id=dict(TAG2ID),
        pad_token_id=0,
    )
    if architecture == "modernbert":
        return ModernBertConfig(
            **common,
            embedding_dropout=dropout,
            mlp_dropout=dropout,
            attention_dropout=dropout,
            # Every third layer sees the whole window; the others 32 characters each side, which
            # covers a line and is cheaper.
            layer_types=["full_attention" if i % 3 == 0 else "sliding_attention" for i in range(layers)],
            local_attention=64,
            bos_token_id=None,
            eos_token_id=None,
            cls_token_id=None,
            sep_token_id=None,
        )
    dropouts = dict(hidden_dropout_prob=dropout, attention_probs_dropout_prob=dropout)
    return (RoFormerConfig if architecture == "roformer" else BertConfig)(**common, **dropouts)


def config_tags(config: Any) -> list[str]:
    """The tags of a model config, in id order."""
    id2label = {int(k): v for k, v in (config.id2label or {}).items()}
    return [id2label[i] for i in sorted(id2label)]


def windows(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    """Cut ``range(length)`` into windows of ``size`` characters, one starting every ``stride``.

    The last window ends at ``length`` (it may overlap its neighbour more), so all windows
    of a long text have the same size; a text shorter than ``size`` is one window.

    >>> windows(10, 4, 3)
    [(0, 4), (3, 7), (6, 10)]
    >>> windows(3, 4, 2), windows(0, 4, 2)
    ([(0, 3)], [(0, 0)])
    """
    if size < 1 or not 1 <= stride <= size:
        raise ValueError(f"need 1 <= stride <= size, got size={size}, stride={stride}")
    if length <= size:
        return [(0, length)]
    starts = list(range(0, length - size, stride)) + [length - size]
    return [(s, s + size) for s in starts]


def window_and_stride(max_positions: int, window: int | None = None, stride: int | None = None) -> tuple[int, int]:
    """``(window, stride)`` in characters for a model with ``max_positions`` positions: the window
    at most its positions less [CLS] and [SEP] (the most by default), the stride by default three
    quarters of the window (neighbouring windows share a quarter). Training and tagging cut the
    same windows.

    >>> window_and_stride(512), window_and_stride(512, 100), window_and_stride(128, 1000, 50)
    ((510, 382), (100, 75), (126, 50))
    """
    most = max_positions - 2
    window = min(window or most, most)
    stride = stride or max(1, window * 3 // 4)
    if not 1 <= stride <= window:
        raise ValueError(f"stride {stride} must be between 1 and the window {window}")
    return window, stride


def owners(bounds: Sequence[tuple[int, int]], length: int) -> list[tuple[int, int, int]]:
    """For each window, the characters it decides: ``(window index, start, end)``.

    A character belongs to the window whose centre is nearest (for windows of one size,
    the one where the character is farthest from an edge).

    >>> owners([(0, 4), (3, 7), (6, 10)], 10)  # character 3 is an edge of both: a tie goes right
    [(0, 0, 3), (1, 3, 6), (2, 6, 10)]
    >>> owners([(0, 8), (2, 10)], 10)
    [(0, 0, 5), (1, 5, 10)]
    """
    centres = [(a + b - 1) / 2 for a, b in bounds]
    cuts = [0]
    for left, right in zip(centres, centres[1:]):
        # Characters strictly nearer the left centre go left; a tie goes right.
        cuts.append(min(length, max(cuts[-1], math.ceil((left + right) / 2))))
    cuts.append(length)
    return [(w, cuts[w], cuts[w + 1]) for w in range(len(bounds))]


class WindowedTagger:
    """Windowing, batching and stitching shared by the backends (torch, ONNX Runtime).

    A backend gives :meth:`log_probs`: a padded batch of windows (``[CLS] chars [SEP]``) →
    the log-probability of every tag at every position. The stitched probabilities are
    decoded into well-formed IOB2 (:func:`~gongkai.model.tag_decoding.viterbi_iob2_many`). ``window`` is the number of
    characters the model sees at once (at most its positions less [CLS] and [SEP]);
    ``stride`` the step from one window's start to the next, so neighbouring windows share
    ``window - stride`` characters.
    """

    tokenizer: PreTrainedTokenizerBase
    #: Seconds spent in :meth:`log_probs` (the model forward) so far: benchmarks tell the
    #: model's share of the time from the windowing and decoding around it.
    forward_seconds: float = 0.0
    #: Positions the model ran so far, and how many of them were padding.
    positions: int = 0
    padding: int = 0

    def _set_windows(self, max_positions: int, window: int | None, stride: int | None) -> None:
        self.window, self.stride = window_and_stride(max_positions, window, stride)

    def log_probs(
        self, input_ids: np.ndarray, attention_mask: np.ndarray, kept: np.ndarray | None = None
    ) -> np.ndarray:
        """Tag log-probabilities, shape ``input_ids.shape + (len(TAGS),)``, for a padded batch.
        ``kept`` marks the positions whose log-probabilities the caller keeps (the others belong
        to a neighbouring window); a backend may spend less on the rest."""
        raise NotImplementedError

    def predict(self, texts: list[str], batch_size: int = BATCH_SIZE) -> list[Prediction]:
        """Tag each text (already normalised): one tag and probability per character."""
        out = []
        raw = self.char_log_probs(texts, batch_size)
        # Joined first, so a continuation read from a B- keeps B-'s probability as its score.
        logps = [join_unbroken(lp, TAGS, UNBROKEN) for lp in raw]
        for text, plain, logp, tag_ids in zip(texts, raw, logps, viterbi_iob2_many(logps, TAGS)):
            # Then the guideline's rules: two figures may share a stretch; fragments that cannot be
            # a heading or a number go; then a metric with no number left in reach goes, and one
            # before a figure whose own metric follows it; last, a number that counts nothing.
            tag_ids = split_shared(tag_ids, plain, text, TAGS, **FIGURE_REACH)
            tag_ids = drop_misshapen(tag_ids, text, TAGS, SHAPES)
            tag_ids = drop_unattached(tag_ids, text, TAGS, **FIGURE_REACH)
            tag_ids = drop_second_metric(tag_ids, text, TAGS, **FIGURE_REACH)
            tag_ids = drop_bare_values(tag_ids, text, TAGS, **FIGURE_REACH)
            scores = np.exp(logp[np.arange(len(tag_ids)), tag_ids]) if len(tag_ids) else tag_ids
            out.append(Prediction([ID2TAG[int(i)] for i in tag_ids], scores.tolist()))
        return out

    def char_log_probs(self, texts: list[str], batch_size: int = BATCH_SIZE) -> list[np.ndarray]:
        """Per text, the tag log-probabilities of every character (characters × tags), each
        character's row taken from the window where it sits farthest from an edge."""
        if isinstance(texts, str):
            raise TypeError("predict takes a list of texts; wrap a single text as [text]")
        tok = self.tokenizer
        ids = [encode_chars(tok, t) for t in texts]
        # Every window of every text, longest first: batches are length buckets that pad little.
        bounds_of = [windows(len(text), self.window, self.stride) for text in texts]
        jobs = [(t, a, b) for t, bounds in enumerate(bounds_of) for a, b in bounds]
        # The characters each window decides (its edges are its neighbours').
        owned = {
            (t, bounds[w][0]): (lo, hi)
            for t, bounds in enumerate(bounds_of)
            for w, lo, hi in owners(bounds, len(texts[t]))
        }
        jobs.sort(key=lambda j: j[1] - j[2])
        probs: dict[tuple[int, int], np.ndarray] = {}
        cls_id, sep_id, pad_id = tok.cls_token_id, tok.sep_token_id, tok.pad_token_id or 0
        for i in range(0, len(jobs), batch_size):
            batch = jobs[i : i + batch_size]
            width = max(b - a for _, a, b in batch) + 2
            input_ids = np.full((len(batch), width), pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            kept = np.zeros((len(batch), width), dtype=bool)
            for row, (t, a, b) in enumerate(batch):
                seq = [cls_id, *ids[t][a:b], sep_id]
                input_ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
                lo, hi = owned[(t, a)]
                kept[row, 1 + lo - a : 1 + hi - a] = True
            started = time.perf_counter()
            logp = self.log_probs(input_ids, mask, kept)
            self.forward_seconds += time.perf_counter() - started
            self.positions += mask.size
            self.padding += mask.size - int(mask.sum())
            for row, (t, a, b) in enumerate(batch):
                probs[(t, a)] = logp[row, 1 : 1 + b - a]
        out = []
        for t, (text, bounds) in enumerate(zip(texts, bounds_of)):
            parts = [
                probs.pop((t, bounds[w][0]))[lo - bounds[w][0] : hi - bounds[w][0]]
                for w, lo, hi in owners(bounds, len(text))
            ]
            out.append(np.concatenate(parts) if parts else np.zeros((0, len(TAGS)), dtype=np.float32))
        return out


class Tagger(WindowedTagger):
    """A torch token-classification model and its tokenizer, ready to tag normalised text
    (windows as in :class:`WindowedTagger`)."""

    def __init__(
        self,
        model: PreTrainedModel,
        tokenizer: PreTrainedTokenizerBase,
        *,
        window: int | None = None,
        stride: int | None = None,
        device: str | None = None,
        precision: str = Precision.FP32,
        forward: str = Forward.REFERENCE,
    ):
        check_label_set(config_tags(model.config), where=f"model {model.config.name_or_path or '(in memory)'}")
        if precision not in DTYPES:
            raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(DTYPES)}")
        self._set_windows(model.config.max_position_embeddings, window, stride)
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.precision = precision
        # bf16 runs a copy with bf16 weights (faster than autocast, which casts them per batch);
        # self.model stays float32 for saving and training.
        runner = copy.deepcopy(self.model).to(DTYPES[precision]) if precision != Precision.FP32 else self.model
        #: ``compact`` (:mod:`.fast_modernbert`, where the architecture allows) or ``reference``.
        self.forward = (
            Forward.COMPACT if forward == Forward.COMPACT and fast_modernbert.supports(model) else Forward.REFERENCE
        )
        self._run = self._runner(runner)
        self._run_fp32 = self._runner(self.model) if precision == Precision.BF16_CHECKED else None
        #: Windows run, and how many of them ran again in float32 (``bf16-checked``).
        self.windows = self.rechecked = 0

    def _runner(self, model):
        if self.forward == Forward.COMPACT:
            return fast_modernbert.FastModernBert(model)
        return lambda ids, mask: model(input_ids=ids, attention_mask=mask).logits

    @classmethod
    def load(cls, path: str | Path, device: str | None = None, **kwargs: Any) -> Tagger:
        """Load a saved tagger; raise LabelSetMismatch (with the fix) if its tags are not the code's."""
        path = Path(path)
        if not (path / "config.json").is_file():
            raise FileNotFoundError(f"no model in {path}: it has no config.json (train one with `gongkai train`)")
        # Check the tags before loading weights, so a mismatch says so instead of failing on shapes.
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        check_label_set(config_tags(SimpleNamespace(id2label=config.get("id2label"))), where=f"the model in {path}")
        if kwargs.get("forward") == Forward.COMPACT:
            # The compact forward needs only the weights and the vocabulary: transformers stays unloaded.
            model, vocab = fast_modernbert.load_checkpoint(path), CharVocab.load(path)
            if model is not None and vocab is not None:
                return cls(model, vocab, device=device, **kwargs)
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        model = AutoModelForTokenClassification.from_pretrained(path, use_safetensors=True)
        tokenizer = AutoTokenizer.from_pretrained(path)
        return cls(model, tokenizer, device=device, **kwargs)

    @classmethod
    def from_base_model(cls, path: str | Path, **kwargs: Any) -> Tagger:
        """Start from a user's local checkpoint (and its tokenizer) with a fresh classifier for our tags."""
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        path = local_checkpoint(path)
        model = AutoModelForTokenClassification.from_pretrained(
            path,
            num_labels=len(TAGS),
            id2label=dict(ID2TAG),
            label2id=dict(TAG2ID),
            ignore_mismatched_sizes=True,
            use_safetensors=True,
        )
        return cls(model, AutoTokenizer.from_pretrained(path), **kwargs)

    def save(self, path: str | Path, card: str | None = None) -> None:
        """Save model (safetensors), tokenizer and a model card (``card`` or a minimal one)."""
        if not hasattr(self.model, "save_pretrained"):
            raise TypeError(
                "a tagger loaded for the compact forward only runs; load it with forward='reference' to save it"
            )
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(path)  # safetensors is the only format transformers 5 writes
        save_tokenizer(self.tokenizer, path)
        from .card import model_card

        (path / "README.md").write_text(card or model_card(self.model.config), encoding="utf-8")

    @torch.inference_mode()
    def log_probs(
        self, input_ids: np.ndarray, attention_mask: np.ndarray, kept: np.ndarray | None = None
    ) -> np.ndarray:
        ids, mask = torch.from_numpy(input_ids).to(self.device), torch.from_numpy(attention_mask).to(self.device)
        logp = self._run(ids, mask).float().log_softmax(-1)
        self.windows += len(ids)
        if self._run_fp32 is not None:
            # Only a close call the caller keeps can change a tag: the window's edges are its
            # neighbours' to decide (a fifth fewer windows run again).
            keep = mask.bool() if kept is None else torch.from_numpy(kept).to(self.device)
            top2 = logp.topk(2, dim=-1).values
            close = ((top2[..., 0] - top2[..., 1]) < CHECK_MARGIN) & keep
            rows = close.any(dim=1).nonzero().flatten()
            if len(rows):
                logp[rows] = self._run_fp32(ids[rows], mask[rows]).float().log_softmax(-1)
                self.rechecked += len(rows)
        return logp.cpu().numpy()


def local_checkpoint(path: str | Path) -> Path:
    """``path`` if it holds a Hugging Face checkpoint; a missing one must never turn into a hub download."""
    if not (Path(path) / "config.json").is_file():
        raise FileNotFoundError(f"base model {str(path)!r} is not a local checkpoint directory (no config.json)")
    return Path(path)
