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
from typing import Any

import typer

from gongkai.commands.options import build, setting_options
from gongkai.training.settings import PretrainConfig


def _sources(text: list[str], annotations: list[Path], synthetic: int, synthetic_seed: int):
    """The texts to pretrain on, in order, and how the model card describes them."""
    from gongkai.training.pretrain import annotation_texts, document_texts, synthetic_texts

    missing = [str(p) for p in annotations if not p.exists()]
    if missing:
        raise typer.BadParameter(f"no such file or directory: {', '.join(missing)}", param_hint="--annotations")
    sources = itertools.chain(
        document_texts(text), annotation_texts(annotations), synthetic_texts(synthetic, synthetic_seed)
    )
    described = [*(f"--text {t}" for t in text), *(f"-a {a}" for a in annotations)]
    if synthetic:
        described.append(f"{synthetic} synthetic reports (seed {synthetic_seed})")
    return sources, "; ".join(described)


#: The settings ``gongkai pretrain`` takes as options (the rest keep the dataclass's defaults).
PRETRAIN_SETTINGS = (
    "architecture",
    "hidden",
    "layers",
    "heads",
    "intermediate",
    "max_positions",
    "min_char_freq",
    "stride",
    "epochs",
    "max_steps",
    "learning_rate",
    "batch_size",
    "seed",
    "mlm_probability",
    "progress",
)


@setting_options(PretrainConfig, PRETRAIN_SETTINGS, batch_size={"min": 1})
def pretrain(
    text: list[str] = typer.Option(
        None,
        "--text",
        "-t",
        help="Report files, directories (recursive: .txt, .html, "
        ".htm, .md, .jsonl), globs, '-' for stdin; .jsonl lines give their text or html. "
        "Repeat for more.",
    ),
    annotations: list[Path] = typer.Option(
        None, "--annotations", "-a", help="Annotation JSONL files or directories: their texts (spans ignored)."
    ),
    synthetic: int = typer.Option(
        0, "--synthetic", min=0, help="Also pretrain on N generated reports (gongkai synth)."
    ),
    synthetic_seed: int = typer.Option(0, "--synthetic-seed", help="Seed of the generated reports."),
    out: Path = typer.Option(..., "--out", "-o", help="Directory to save the encoder in."),
    base_model: Path = typer.Option(
        None,
        help="Continue from this local Hugging Face checkpoint and its tokenizer "
        "(a gongkai tagger or encoder, or a character-level BERT).",
    ),
    *,
    settings: dict[str, Any],
) -> None:
    """Pretrain the character encoder (masked LM) on unlabelled report text; save model,
    tokenizer and model card to --out. Fine-tune a tagger from it with
    `gongkai train -a ANNOTATIONS --base-model OUT --out DIR`."""
    from gongkai.training.pretrain import TextSourceError, pretrain as run

    if not text and not annotations and not synthetic:
        raise typer.BadParameter(
            "give report text (--text PATH), annotation files (-a PATH) and/or --synthetic N", param_hint="--text"
        )
    sources, described = _sources(text or [], annotations or [], synthetic, synthetic_seed)
    config = build(PretrainConfig, **settings, base_model=str(base_model) if base_model else None)
    try:
        result = run(sources, out, config, command=shlex.join(["gongkai", *sys.argv[1:]]), data=described)
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
