"""An inference-only forward of a ModernBERT tagger: the same weights and the same arithmetic as
transformers' ``ModernBertForTokenClassification``, without the work a tagger repeats for nothing.

transformers rebuilds, on every batch, the rotary cos/sin tables and a full ``L × L`` boolean mask
per attention kind, and its local-attention layers score every query against every key (a
512 × 512 matrix per head) only to mask all but 65 of each row. Here the rotary tables are
computed once per model, a batch without padding needs no mask at all, and a local layer scores
each block of queries against only the keys in its reach (:func:`local_attention`), which skips
work without changing what is summed: the masked keys weigh exactly zero either way.

The results are those of transformers' forward up to float rounding (a few 1e-6 in the logits,
from the different order of sums); `gongkai verify-backends` checks that the tags are identical
on the gold texts before ``auto`` uses it. On the shipped model it takes about 6% less CPU time
(the matrix products, the same in both, are most of the rest); exported to ONNX, it runs twice
as fast as transformers' graph does there.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F
from torch import nn

#: Queries per block of a local-attention layer; each block attends to ``BLOCK + 2 × reach`` keys.
BLOCK = 64


def supports(model) -> bool:
    """Whether :class:`FastModernBert` can run ``model`` (a ModernBERT token classifier with the
    layout this forward implements)."""
    config = model.config
    return (
        type(model).__name__ in ("ModernBertForTokenClassification", "CompactCheckpoint")
        and getattr(config, "hidden_activation", None) == "gelu"
        and getattr(config, "classifier_activation", None) == "gelu"
        and set(config.layer_types) <= {"full_attention", "sliding_attention"}
        and all(config.rope_parameters[t]["rope_type"] == "default" for t in set(config.layer_types))
    )


def band_mask(block: int, reach: int) -> torch.Tensor:
    """``[q, k]``: may query ``q`` of a block see key ``k`` of the block's key span (which starts
    ``reach`` positions before the block)? Exactly the keys within ``reach`` of the query.

    >>> band_mask(2, 1).int().tolist()
    [[1, 1, 1, 0], [0, 1, 1, 1]]
    """
    q = torch.arange(block)[:, None]
    k = torch.arange(block + 2 * reach)[None, :]
    return (k - q >= 0) & (k - q <= 2 * reach)


def additive(allowed: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """A boolean mask as the additive one attention applies: 0 where allowed, the dtype's lowest
    finite value elsewhere. Finite, so a row with no allowed key (padding) stays a number rather
    than NaN; a masked key still weighs exactly zero in any row that has an allowed one."""
    return (~allowed).to(dtype) * torch.finfo(dtype).min


def spans(x: torch.Tensor, reach: int, block: int = BLOCK) -> torch.Tensor:
    """For each block of ``block`` positions along axis 2 of ``x`` (``(batch, n, L, ...)``, ``L`` a
    multiple of ``block``), the positions ``reach`` before it to ``reach`` after it, zero beyond
    the ends: ``(batch, n × blocks, block + 2 × reach, ...)``. Reshapes and slices only (no
    ``unfold``), so it exports to ONNX with a dynamic length.

    >>> spans(torch.arange(1, 7).view(1, 1, 6), 1, block=3).tolist()
    [[[0, 1, 2, 3, 4], [3, 4, 5, 6, 0]]]
    """
    if reach > block:
        raise ValueError(f"a reach of {reach} needs blocks of at least {reach}, not {block}")
    batch, n, length, *rest = x.shape
    pad = [0, 0] * len(rest) + [block, block]
    b = F.pad(x, pad).reshape(batch, n, -1, block, *rest)  # (batch, n, blocks + 2, block, ...)
    out = torch.cat((b[:, :, :-2, block - reach :], b[:, :, 1:-1], b[:, :, 2:, :reach]), dim=3)
    return out.reshape(batch, -1, block + 2 * reach, *rest)


def local_mask(key_valid: torch.Tensor, heads: int, reach: int, dtype: torch.dtype, block: int = BLOCK) -> torch.Tensor:
    """The additive mask of :func:`local_attention` for ``key_valid`` (``(batch, L)``, 1 for a real
    key, ``L`` a multiple of ``block``): ``(batch, heads × blocks, block, span)``, computed once
    per batch and shared by every local layer."""
    valid = spans(key_valid.to(dtype)[:, None], reach, block) > 0  # (batch, blocks, span)
    allowed = band_mask(block, reach).to(valid.device)[None, None] & valid[:, :, None, :]
    return additive(allowed.repeat(1, heads, 1, 1), dtype)  # heads-major, like the query blocks


def local_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor, reach: int, scale: float, block: int = BLOCK
) -> torch.Tensor:
    """Attention of each position to the keys at most ``reach`` away (``(batch, heads, L, dim)``
    tensors, ``L`` a multiple of ``block``; ``mask`` from :func:`local_mask`).

    Queries go in blocks of ``block``; each block is scored against its ``block + 2 × reach``
    neighbouring keys instead of all ``L``.

    >>> _ = torch.manual_seed(0); q, k, v = (torch.randn(2, 3, 48, 8) for _ in range(3))
    >>> valid = torch.ones(2, 48); valid[1, 40:] = 0
    >>> near = (torch.arange(48)[:, None] - torch.arange(48)[None, :]).abs() <= 5
    >>> full = F.scaled_dot_product_attention(q, k, v, attn_mask=near & (valid[:, None, None, :] > 0))
    >>> mask = local_mask(valid, 3, 5, torch.float32, block=16)
    >>> got = local_attention(q, k, v, mask, 5, 8 ** -0.5, block=16)
    >>> torch.allclose(got[0], full[0], atol=1e-6), torch.allclose(got[1, :, :40], full[1, :, :40], atol=1e-6)
    (True, True)
    """
    batch, heads, length, dim = q.shape
    q = q.reshape(batch, heads * (length // block), block, dim)
    out = F.scaled_dot_product_attention(q, spans(k, reach, block), spans(v, reach, block), attn_mask=mask, scale=scale)
    return out.view(batch, heads, length, dim)


class FastModernBert(torch.nn.Module):
    """``model``'s logits for ``(input_ids, attention_mask)``, computed as described above; it
    shares (does not copy) the model's weights."""

    def __init__(self, model):
        super().__init__()
        if not supports(model):
            raise ValueError(f"{type(model).__name__} is not a ModernBERT token classifier this forward runs")
        config = model.config
        self.model = model
        self.heads = config.num_attention_heads
        self.head_dim = config.hidden_size // self.heads
        self.reach = config.sliding_window  # a local layer sees keys at most this far (inclusive)
        self.kinds = list(config.layer_types)
        # cos/sin exactly as transformers computes them per batch, once for every position.
        rotary = model.model.rotary_emb
        positions = torch.arange(-(-config.max_position_embeddings // BLOCK) * BLOCK)[None]
        anchor = torch.zeros(1, dtype=torch.float32)
        self.tables = {kind: rotary(anchor, positions, kind) for kind in set(self.kinds)}

    def _rotate(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        """transformers' rotary embedding: in float32 whatever the weights' dtype."""
        half = x.shape[-1] // 2
        y = x.float()
        return (y * cos + torch.cat((-y[..., half:], y[..., :half]), dim=-1) * sin).to(x.dtype)

    @torch.inference_mode()
    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        masked = attention_mask is not None and not bool(attention_mask.all())
        return self.logits(input_ids, attention_mask, masked=masked)

    def logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None, masked: bool = True) -> torch.Tensor:
        """The forward itself. ``masked`` False: every position is a real character (no mask for
        the full layers); the ONNX export always masks."""
        m = self.model.model
        batch, length = input_ids.shape
        # Local layers work on whole blocks: pad to a multiple of BLOCK (padding is masked as keys).
        extra = -length % BLOCK
        ids = F.pad(input_ids, (0, extra))
        valid = F.pad(attention_mask if masked else torch.ones_like(input_ids), (0, extra))
        padded = length + extra
        x = m.embeddings.norm(m.embeddings.tok_embeddings(ids))
        full_mask = additive(valid[:, None, None, :] > 0, x.dtype) if masked or extra else None
        near_mask = local_mask(valid, self.heads, self.reach, x.dtype) if "sliding_attention" in self.kinds else None
        scale = self.head_dim**-0.5
        for layer, kind in zip(m.layers, self.kinds):
            cos, sin = (t[:, None, :padded].to(x.device) for t in self.tables[kind])
            attn = layer.attn
            qkv = attn.Wqkv(layer.attn_norm(x)).view(batch, padded, 3, self.heads, self.head_dim)
            q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)  # each (batch, heads, L, dim)
            q, k = self._rotate(q, cos, sin), self._rotate(k, cos, sin)
            if kind == "sliding_attention":
                out = local_attention(q, k, v, near_mask, self.reach, scale)
            else:
                out = F.scaled_dot_product_attention(q, k, v, attn_mask=full_mask, scale=scale)
            x = x + attn.Wo(out.transpose(1, 2).reshape(batch, padded, -1))
            x = x + layer.mlp(layer.mlp_norm(x))
        x = m.final_norm(x[:, :length])
        return self.model.classifier(self.model.head(x))


# --------------------------------------------------------------------------- loading without transformers


class CheckpointConfig(SimpleNamespace):
    """A saved model's ``config.json`` as attributes, with what transformers' ``ModernBertConfig``
    derives from it (``sliding_window``: half of ``local_attention``)."""

    @property
    def sliding_window(self) -> int:
        return self.local_attention // 2

    def to_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k != "name_or_path"}


class _GLU(nn.Module):
    """transformers' ``ModernBertMLP`` at inference: ``Wo(gelu(a) * gate)``."""

    def __init__(self, hidden: int, inner: int, bias: bool):
        super().__init__()
        self.Wi = nn.Linear(hidden, 2 * inner, bias=bias)
        self.Wo = nn.Linear(inner, hidden, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, gate = self.Wi(x).chunk(2, dim=-1)
        return self.Wo(F.gelu(a) * gate)


class _Head(nn.Module):
    """transformers' ``ModernBertPredictionHead``: ``norm(gelu(dense(x)))``."""

    def __init__(self, hidden: int, bias: bool, norm: nn.Module):
        super().__init__()
        self.dense = nn.Linear(hidden, hidden, bias)
        self.norm = norm

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(F.gelu(self.dense(x)))


class _Rotary(nn.Module):
    """transformers' default rotary tables (``ModernBertRotaryEmbedding``). The inverse frequencies
    are buffers, so a model moved to bf16 rounds them as transformers' does."""

    def __init__(self, config: CheckpointConfig):
        super().__init__()
        dim = config.hidden_size // config.num_attention_heads
        for kind in sorted(set(config.layer_types)):
            theta = config.rope_parameters[kind]["rope_theta"]
            inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float) / dim))
            self.register_buffer(f"{kind}_inv_freq", inv_freq, persistent=False)

    def forward(self, x: torch.Tensor, positions: torch.Tensor, kind: str):
        inv_freq = getattr(self, f"{kind}_inv_freq").to(device=x.device, dtype=torch.float)
        freqs = positions[..., None].float() * inv_freq
        emb = torch.cat((freqs, freqs), dim=-1)
        return emb.cos().to(x.dtype), emb.sin().to(x.dtype)


class CompactCheckpoint(nn.Module):
    """A saved ModernBERT token classifier rebuilt from its ``config.json`` and safetensors weights
    alone, under transformers' parameter names, for :class:`FastModernBert` to run. Loading it
    skips importing transformers' modeling code (about a second of every worker's start); the
    weights and the arithmetic are the same, so the logits are identical."""

    def __init__(self, config: CheckpointConfig):
        super().__init__()
        h = config.hidden_size

        def norm() -> nn.LayerNorm:
            return nn.LayerNorm(h, eps=config.norm_eps, bias=config.norm_bias)

        self.config = config
        self.model = nn.Module()
        self.model.embeddings = nn.Module()
        self.model.embeddings.tok_embeddings = nn.Embedding(config.vocab_size, h, padding_idx=config.pad_token_id)
        self.model.embeddings.norm = norm()
        layers = []
        for i in range(config.num_hidden_layers):
            layer = nn.Module()
            layer.attn_norm = nn.Identity() if i == 0 else norm()  # the embeddings' norm serves layer 0
            layer.attn = nn.Module()
            layer.attn.Wqkv = nn.Linear(h, 3 * h, bias=config.attention_bias)
            layer.attn.Wo = nn.Linear(h, h, bias=config.attention_bias)
            layer.mlp_norm = norm()
            layer.mlp = _GLU(h, config.intermediate_size, config.mlp_bias)
            layers.append(layer)
        self.model.layers = nn.ModuleList(layers)
        self.model.final_norm = norm()
        self.model.rotary_emb = _Rotary(config)
        self.head = _Head(h, config.classifier_bias, norm())
        self.classifier = nn.Linear(h, len(config.id2label))


def _standalone(raw: dict) -> bool:
    """Whether a ``config.json`` spells out everything :class:`CompactCheckpoint` rebuilds (a
    checkpoint saved by transformers 5 does; older ones leave defaults to transformers)."""
    rope = raw.get("rope_parameters") or {}
    kinds = raw.get("layer_types") or []
    return (
        raw.get("architectures") == ["ModernBertForTokenClassification"]
        and raw.get("hidden_activation") == raw.get("classifier_activation") == "gelu"
        and len(kinds) == raw.get("num_hidden_layers")
        and set(kinds) <= {"full_attention", "sliding_attention"}
        and all(rope.get(k, {}).get("rope_type") == "default" and "rope_theta" in rope.get(k, {}) for k in set(kinds))
        and all(
            k in raw for k in ("norm_eps", "norm_bias", "attention_bias", "mlp_bias", "classifier_bias", "id2label")
        )
    )


def load_checkpoint(path: str | Path) -> CompactCheckpoint | None:
    """The model saved in ``path`` as a :class:`CompactCheckpoint` (in eval mode), or None where its
    config leaves something to transformers (load it with transformers then)."""
    from safetensors.torch import load_file

    path = Path(path)
    raw = json.loads((path / "config.json").read_text(encoding="utf-8"))
    if not _standalone(raw) or not (path / "model.safetensors").is_file():
        return None
    model = CompactCheckpoint(CheckpointConfig(**raw, name_or_path=str(path)))
    model.load_state_dict(load_file(path / "model.safetensors"), strict=True)
    return model.eval()
