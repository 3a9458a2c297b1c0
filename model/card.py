"""The model card (``README.md``) saved beside a model, written with ``huggingface_hub``'s
:class:`~huggingface_hub.ModelCard`: Hugging Face metadata (license, language, library, task,
and the held-out scores as ``model-index`` results), what the model is and how it was made,
and how to run it — a plain ``pipeline("token-classification")`` does not read a report the way
gongkai does.

The held-out scores are the ones on the real reports kept out of training and tuning
(``annotations/heldout``); they are parameters (``heldout=``, or :func:`set_heldout_metrics`
on a saved card) because only a run of ``gongkai evaluate`` on a retrained model knows them.

>>> from types import SimpleNamespace as NS
>>> config = NS(model_type="modernbert", num_hidden_layers=3, hidden_size=128, num_attention_heads=4,
...             intermediate_size=512, max_position_embeddings=512, vocab_size=1102, id2label={0: "O"})
>>> card = ModelCard(model_card(config, heldout={"CELL F1": 0.98}))
>>> card.data.license, card.data.language, card.data.eval_results[0].metric_type
('apache-2.0', 'zh', 'f1')
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from huggingface_hub import EvalResult, ModelCard, ModelCardData

LICENSE = "apache-2.0"
TAGGER_NAME = "gongkai character tagger"
#: Where the held-out scores come from: real reports no model was trained or tuned on.
HELDOUT_DATASET = {
    "dataset_type": "gongkai-real-heldout",
    "dataset_name": "gongkai held-out real reports (annotations/heldout)",
}

USAGE = """## Use

A plain `transformers.pipeline("token-classification", model=...)` loads this model, but it
does not read a report as gongkai does. The model was trained on gongkai's *normalised* text
(simplified script, ASCII digits and punctuation, pinyin rubies and zero-width characters
removed, scraper `?` read as spaces, HTML rendered to `|` table rows), one token per
character, and it sees at most {window} characters at a time: a report must be normalised,
cut into overlapping windows whose tags are stitched back, decoded as well-formed IOB2 with
gongkai's rules, and mapped back to the characters of the input. gongkai does all of it:

```python
from gongkai.inference.pipeline import Extractor

extractor = Extractor.load("{path}", keep_entities=True)   # Extractor.load() for the shipped model
report = extractor.extract(open("report.txt", "rb").read(), id="report.txt").to_dict()
report["entities"]   # [{{"label", "start", "end", "score"}}]: offsets into the input as given
report["tables"]     # the tables, assembled and checked (see gongkai's SCHEMA.md)
```

The tags alone, for text you have normalised:

```python
from gongkai.inference.normalise import normalise
from gongkai.model.tagger import Tagger

norm = normalise(open("report.txt", "rb").read())
[prediction] = Tagger.load("{path}").predict([norm.text])
prediction.spans()    # (start, end, label, score) in norm.text; norm.to_source(start, end) → the input
```

Or in spaCy: `nlp = spacy.blank("zh"); nlp.add_pipe("gongkai", config={{"model": "{path}"}})`.
"""


def architecture_summary(config: Any) -> str:
    """One line for a model card: the model type and its sizes."""
    return (
        f"{config.model_type}, {config.num_hidden_layers} layers, hidden {config.hidden_size}, "
        f"{config.num_attention_heads} heads, intermediate {config.intermediate_size}, "
        f"{config.max_position_embeddings} positions, vocabulary {config.vocab_size}"
    )


def _metric_type(name: str) -> str:
    low = name.lower()
    return "f1" if "f1" in low else "accuracy" if "accuracy" in low else "_".join(low.split())


def card_data(*, pipeline_tag: str, name: str, heldout: Mapping[str, float] | None = None) -> ModelCardData:
    """The card's metadata; ``heldout`` (metric name → value, e.g. ``{"CELL F1": 0.98}``) becomes
    its ``model-index`` results on :data:`HELDOUT_DATASET`."""
    results = [
        EvalResult(
            task_type=pipeline_tag, metric_type=_metric_type(k), metric_value=float(v), metric_name=k, **HELDOUT_DATASET
        )
        for k, v in (heldout or {}).items()
    ]
    return ModelCardData(
        language="zh",
        license=LICENSE,
        library_name="transformers",
        pipeline_tag=pipeline_tag,
        tags=["gongkai", "chinese", "government-reports", "information-disclosure"],
        metrics=sorted({r.metric_type for r in results}) or ["f1"],
        model_name=name,
        eval_results=results or None,
    )


def card_lines(
    config: Any,
    *,
    pipeline_tag: str,
    title: str,
    intro: str,
    data: str = "",
    command: str = "",
    metrics: dict[str, Any] | None = None,
    metrics_note: str = "",
    base_model: str | None = None,
    heldout: Mapping[str, float] | None = None,
) -> list[str]:
    """The lines every model card starts with: metadata, what the model is, how it was made,
    its metrics table (``metrics``: the training run's own; ``heldout``: see :func:`card_data`)."""
    from gongkai import __version__

    meta = card_data(pipeline_tag=pipeline_tag, name=title, heldout=heldout)
    lines = [
        "---",
        *meta.to_yaml().splitlines(),
        "---",
        "",
        f"# {title}",
        "",
        intro,
        "",
        f"- gongkai version: {__version__}",
        f"- architecture: {architecture_summary(config)}",
        f"- started from: {base_model or 'scratch (random weights, character vocabulary of the training text)'}",
    ]
    if data:
        lines.append(f"- data: {data}")
    if command:
        lines.append(f"- command: `{command}`")
    if heldout:
        lines += ["", *_heldout_section(heldout)]
    if metrics:
        lines += [
            "",
            "## Metrics",
            "",
            *([metrics_note, ""] if metrics_note else []),
            "| metric | value |",
            "|---|---|",
        ]
        lines += [
            f"| {k} | {v:.4f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in sorted(metrics.items())
        ]
    return lines


def model_card(
    config: Any,
    *,
    data: str = "",
    command: str = "",
    metrics: dict[str, Any] | None = None,
    base_model: str | None = None,
    heldout: Mapping[str, float] | None = None,
    path: str = "MODEL_DIR",
) -> str:
    """The README.md saved beside a tagger: what it is, how it was made, how well it does, how to run it."""
    from .tagger import config_tags

    lines = card_lines(
        config,
        pipeline_tag="token-classification",
        title=TAGGER_NAME,
        intro="Tags each character of a normalised 政府信息公开工作年度报告 in IOB2 for "
        "gongkai; load it with `gongkai.model.tagger.Tagger.load(dir)`.",
        data=data,
        command=command,
        metrics=metrics,
        base_model=base_model,
        heldout=heldout,
    )
    lines += [
        "",
        USAGE.format(path=path, window=config.max_position_embeddings - 2).rstrip(),
        "",
        "## Label set",
        "",
        "Tags in id order (`config.json` `id2label`): " + ", ".join(config_tags(config)),
        "",
    ]
    return str(ModelCard("\n".join(lines)))


#: The held-out scores a card carries, from ``gongkai evaluate --json`` on the held-out real
#: reports: entity F1 of these labels, and these end-to-end scores (name → path in the result).
HELDOUT_LABELS = (
    "SECTION",
    "SUBSECTION",
    "TABLE_TITLE",
    "COL_HEADER",
    "ROW_LABEL",
    "CELL",
    "FIG_METRIC",
    "FIG_VALUE",
    "FIG_UNIT",
    "ORGAN",
    "YEAR",
)
HELDOUT_PIPELINE = {
    "non-blank cell accuracy": ("nonblank_accuracy",),
    "cell accuracy where the report decides": ("decided_accuracy",),
    "section F1": ("sections", "f1"),
    "figure recall": ("figures", "recall"),
    "year accuracy": ("year_accuracy",),
    "organ accuracy": ("organ_accuracy",),
}


def heldout_summary(result: Mapping[str, Any]) -> dict[str, float]:
    """The scores :func:`set_heldout_metrics` writes, picked out of an evaluation result.

    >>> heldout_summary({"labels": {"CELL": {"f1": 0.99}}, "pipeline": {"sections": {"f1": 1.0}}})
    {'CELL F1': 0.99, 'section F1': 1.0}
    """
    out = {
        f"{label} F1": result["labels"][label]["f1"] for label in HELDOUT_LABELS if label in result.get("labels", {})
    }
    for name, path in HELDOUT_PIPELINE.items():
        value: Any = result.get("pipeline", {})
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, (int, float)):
            out[name] = round(float(value), 4)
    return out


def _heldout_section(heldout: Mapping[str, float]) -> list[str]:
    """The card's held-out scores as Markdown lines, heading first."""
    return [
        "## Held-out scores",
        "",
        f"On {HELDOUT_DATASET['dataset_name']}: real reports no model was trained or tuned on.",
        "",
        "| metric | value |",
        "|---|---|",
        *(f"| {k} | {v:.4f} |" for k, v in heldout.items()),
    ]


def set_heldout_metrics(readme: str | Path, heldout: Mapping[str, float]) -> None:
    """Write held-out scores into a saved card (``model-index`` results and a table), e.g. after
    ``gongkai evaluate MODEL -a annotations/heldout --json`` on a retrained model; other
    content is kept."""
    path = Path(readme)
    card = ModelCard.load(path)
    name = card.data.model_name or TAGGER_NAME
    card.data = card_data(pipeline_tag=card.data.pipeline_tag or "token-classification", name=name, heldout=heldout)
    table = "\n".join(_heldout_section(heldout))
    text = card.content.split("---", 2)[2]
    if "## Held-out scores" in text:
        head, rest = text.split("## Held-out scores", 1)
        after = rest.find("\n## ")
        text = head + table + ("\n" + rest[after:] if after >= 0 else "\n")
    else:
        at = text.find("\n## ")
        text = text + "\n" + table + "\n" if at < 0 else text[:at] + "\n\n" + table + "\n" + text[at:]
    path.write_text(str(ModelCard("---\n" + card.data.to_yaml() + "\n---" + text)), encoding="utf-8")
