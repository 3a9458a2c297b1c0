"""``gongkai pretrain``: masked-LM pretraining of the character encoder on unlabelled reports.

A thin command over :func:`gongkai.training.pretrain.pretrain`; torch, transformers and
datasets load only when it runs. ``gongkai train --base-model DIR`` fine-tunes a tagger
from the result.
"""

from __future__ import annotations

import itertools
import json
import shlex
import sys
from pathlib import Path

import typer


def pretrain(
    text: list[str] = typer.Option(None, "--text", "-t", help="Report files, directories (recursive: .txt, .html, "
                                   ".htm, .md, .jsonl), globs, '-' for stdin; .jsonl lines give their text or html. "
                                   "Repeat for more."),
    annotations: list[Path] = typer.Option(None, "--annotations", "-a", help="Annotation JSONL files or directories: "
                                           "their texts (spans ignored)."),
    synthetic: int = typer.Option(0, "--synthetic", min=0,
                                  help="Also pretrain on N generated reports (gongkai synth)."),
    synthetic_seed: int = typer.Option(0, "--synthetic-seed", help="Seed of the generated reports."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to save the encoder in."),
    base_model: Path = typer.Option(None, help="Continue from this local Hugging Face checkpoint and its tokenizer "
                                    "(a gongkai tagger or encoder, or a character-level BERT)."),
    architecture: str = typer.Option("modernbert", help="From-scratch architecture: 'modernbert' (rotary positions, "
                                     "local attention), 'bert' or 'roformer'."),
    hidden: int = typer.Option(256, help="Hidden size (from-scratch models)."),
    layers: int = typer.Option(4, help="Transformer layers."),
    heads: int = typer.Option(4, help="Attention heads."),
    intermediate: int = typer.Option(1024, help="Feed-forward size."),
    max_positions: int = typer.Option(512, help="Positions, so a window is this less 2 characters."),
    min_char_freq: int = typer.Option(1, help="Characters rarer than this in the text become [UNK]."),
    stride: int = typer.Option(None, help="Characters from one window's start to the next (default 3/4 window)."),
    epochs: float = typer.Option(1.0, help="Passes over the windows."),
    max_steps: int = typer.Option(-1, help="Stop after this many steps (overrides --epochs when > 0)."),
    lr: float = typer.Option(5e-4, help="Peak learning rate."),
    batch_size: int = typer.Option(16, min=1, help="Windows per batch."),
    seed: int = typer.Option(42, help="Random seed (weights, masks, data order)."),
    mlm_probability: float = typer.Option(0.15, help="Share of characters masked for prediction."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bars on stderr."),
) -> None:
    """Pretrain the character encoder (masked LM) on unlabelled report text; save model,
    tokenizer and model card to --out. Fine-tune a tagger from it with
    `gongkai train -a ANNOTATIONS --base-model OUT --out DIR`."""
    from gongkai.training.pretrain import (
        PretrainConfig,
        TextSourceError,
        annotation_texts,
        document_texts,
        pretrain as run,
        synthetic_texts,
    )

    if not text and not annotations and not synthetic:
        raise typer.BadParameter("give report text (--text PATH), annotation files (-a PATH) and/or --synthetic N",
                                 param_hint="--text")
    missing = [str(p) for p in annotations or [] if not p.exists()]
    if missing:
        raise typer.BadParameter(f"no such file or directory: {', '.join(missing)}", param_hint="--annotations")
    try:
        config = PretrainConfig(hidden=hidden, layers=layers, heads=heads, intermediate=intermediate,
                                max_positions=max_positions, base_model=str(base_model) if base_model else None,
                                min_char_freq=min_char_freq, stride=stride, mlm_probability=mlm_probability,
                                epochs=epochs, max_steps=max_steps, learning_rate=lr, batch_size=batch_size,
                                seed=seed, progress=progress, architecture=architecture)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    sources = itertools.chain(document_texts(text or []), annotation_texts(annotations or []),
                              synthetic_texts(synthetic, synthetic_seed))
    described = [*(f"--text {t}" for t in text or []), *(f"-a {a}" for a in annotations or [])]
    if synthetic:
        described.append(f"{synthetic} synthetic reports (seed {synthetic_seed})")
    try:
        result = run(sources, out, config, command=shlex.join(["gongkai", *sys.argv[1:]]), data="; ".join(described))
    except TextSourceError as exc:  # names the file (or line) that could not be read
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    except FileNotFoundError as exc:  # --base-model without a model in it
        raise typer.BadParameter(str(exc), param_hint="--base-model") from None
    except ValueError as exc:  # sizes that do not fit (hidden not a multiple of heads), no mask token
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(result.metrics, ensure_ascii=False, indent=2))
    typer.echo(f"saved to {result.out_dir}")
