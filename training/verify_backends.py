"""Verify every way to run a saved tagger against the reference, and record which ``auto`` uses.

The reference is transformers' own forward in float32 with windows overlapping by a quarter
(:data:`gongkai.model.backends.REFERENCE`). On the gold texts (and any other texts given), in
this order:

1. the **window floor**: the reference again with windows overlapping twice as much. Where the
   model's tags depend on where a window starts, they change; that count says how far the
   reference's own tags are from settled;
2. torch's compact forward (:mod:`gongkai.model.fast_modernbert`): kept if it is acceptable;
3. smaller window overlaps (halving it each time): the smallest that is acceptable, with every
   larger one, is kept;
4. at that stride, the candidates — torch fp32, torch bf16 and bf16-checked (where the CPU has
   bf16 units), the ONNX exports — each timed in CPU seconds on one thread (other load on the machine barely
   moves CPU time, unlike wall time), the best of ``rounds`` interleaved runs.

Acceptable (``accept``): ``identical`` (the default) — every character's tag identical to the
reference's; or ``within-floor`` — no more tags differ than differ at the window floor. Either
way the gold cell accuracy must be the same, and a candidate (beside torch fp32) must take at
least :data:`MIN_GAIN` less CPU time than torch fp32. ``default`` is the fastest accepted one.
Every comparison also counts the texts whose extracted record (tables, figures, sections,
checks; confidences aside) differs. The record goes to ``backends.json`` beside the model
(:mod:`gongkai.model.backends`).
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gongkai.model.backends import BATCH_SIZE, ONNX_FILES, RECORD_FILE, REFERENCE, Setting, bf16_units, fingerprint

from .corpus import Record

#: A candidate must save at least this share of torch fp32's CPU time to be worth a default.
MIN_GAIN = 0.05
#: Overlaps tried after the reference's quarter window: halved each time, down to this.
MIN_OVERLAP = 16
#: The acceptance rules (see the module docstring).
ACCEPT = ("identical", "within-floor")


def cpu_name() -> str:
    """The CPU model as the kernel names it (``platform.processor()`` is often empty on Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_setting(model_dir: str | Path, setting: Setting):
    """A tagger running ``setting`` on the CPU."""
    if setting.backend == "onnx":
        from gongkai.model.onnx_backend import OnnxTagger

        return OnnxTagger.load(model_dir, setting.precision, threads=1, stride=setting.stride)
    from gongkai.model.tagger import Tagger

    return Tagger.load(
        model_dir, device="cpu", precision=setting.precision, stride=setting.stride, forward=setting.forward
    )


def overlaps(window: int) -> list[int]:
    """The strides tried, largest overlap first: the reference's quarter, then halved each time.

    >>> overlaps(510)
    [382, 446, 478, 494]
    """
    overlap = window - max(1, window * 3 // 4)
    out = []
    while overlap >= MIN_OVERLAP:
        out.append(window - overlap)
        overlap //= 2
    return out


class Verification:
    """The texts, and how a run of some setting compares with the reference's."""

    def __init__(
        self, model_dir: Path, gold: Sequence[Record], texts: Sequence[tuple[str, str | bytes]], batch_size: int
    ):
        from gongkai.inference.normalise import normalise

        self.model_dir, self.gold, self.batch_size = model_dir, list(gold), batch_size
        self.items = [(r.id, r.text) for r in gold] + list(texts)
        self.ids = [i for i, _ in self.items]
        self.texts = [normalise(t, name=i).text for i, t in self.items]
        self.reference: dict[str, Any] | None = None

    def run(self, setting: Setting, tagger=None) -> dict[str, Any]:
        """Tag every text with ``setting``: the tags, the records, and the CPU seconds."""
        tagger = tagger or load_setting(self.model_dir, setting)
        tagger.predict(self.texts[:1], batch_size=self.batch_size)  # warm up: lazy initialisation
        started = time.process_time()
        preds = tagger.predict(self.texts, batch_size=self.batch_size)
        seconds = time.process_time() - started
        return {"tagger": tagger, "preds": preds, "tags": [p.tags for p in preds], "cpu_seconds": seconds}

    def evaluate(self, run: dict[str, Any]) -> dict[str, Any]:
        """``run`` with its records and gold cell accuracy (computed once)."""
        if "records" not in run:
            run["records"], run["cell_accuracy"] = self._records(run["preds"]), self._cells(run["preds"])
        return run

    def _entities(self, preds):
        from gongkai.inference.entities import Entity

        return [[Entity(label, a, b, t[a:b], s) for a, b, label, s in p.spans()] for t, p in zip(self.texts, preds)]

    def _records(self, preds) -> list[dict]:
        from gongkai.inference.bench import without_confidence
        from gongkai.inference.pipeline import Extractor

        by_text = dict(zip(self.texts, self._entities(preds)))
        extractor = Extractor(lambda docs, ids: [by_text[d.text] for d in docs])
        return [without_confidence(r.to_dict()) for r in extractor.extract_many(self.items)]

    def _cells(self, preds) -> float | None:
        from .evaluate_pipeline import pipeline_scores

        if not self.gold:
            return None
        return pipeline_scores(self.gold, self._entities(preds[: len(self.gold)]))["cell_accuracy"]

    def compare(self, run: dict[str, Any]) -> dict[str, Any]:
        """Against the reference: characters whose tag differs, the texts they are in, the
        texts whose record differs, and the gold cell accuracy."""
        ref, run = self.evaluate(self.reference), self.evaluate(run)
        counts = [sum(a != b for a, b in zip(r, g)) + abs(len(r) - len(g)) for r, g in zip(ref["tags"], run["tags"])]
        return {
            "tags_differing": sum(counts),
            "texts_differing": [i for i, c in zip(self.ids, counts) if c],
            "records_differing": [i for i, a, b in zip(self.ids, ref["records"], run["records"]) if a != b],
            "cell_accuracy": run["cell_accuracy"],
            "cpu_seconds": round(run["cpu_seconds"], 3),
        }


def verify(
    model_dir: str | Path,
    gold: Sequence[Record],
    texts: Sequence[tuple[str, str | bytes]] = (),
    *,
    batch_size: int = BATCH_SIZE,
    rounds: int = 2,
    min_gain: float = MIN_GAIN,
    accept: str = "identical",
    log=lambda line: None,
) -> dict[str, Any]:
    """Verify the candidates for ``model_dir`` on ``gold`` records and ``texts`` (``(id, raw text)``
    pairs) and write the record; return its content. ``min_gain``: the share of torch fp32's CPU
    time a candidate must save (tests pass ``-inf`` to take timing out)."""
    import torch

    from gongkai.model import package_version
    from gongkai.model.backends import onnxruntime_available

    if not gold and not texts:
        raise ValueError("no gold records or texts to verify the candidates on")
    if accept not in ACCEPT:
        raise ValueError(f"unknown acceptance rule {accept!r}; choose one of {', '.join(ACCEPT)}")
    model_dir = Path(model_dir)
    check = Verification(model_dir, gold, texts, batch_size)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        found = _verify(check, rounds, min_gain, accept, log)
    finally:
        torch.set_num_threads(threads)
    tools = {"gongkai": package_version(), "torch": torch.__version__}
    if onnxruntime_available():
        import onnxruntime

        tools["onnxruntime"] = onnxruntime.__version__
    record = {
        "default": found.pop("default"),
        "accept": accept,
        "fingerprint": fingerprint(model_dir),
        "tools": tools,
        "machine": {"cpu": cpu_name(), "bf16_units": bf16_units(), "threads": 1},
        "verified_on": {
            "texts": len(check.ids),
            "characters": sum(map(len, check.texts)),
            "gold": [r.id for r in gold],
            "other": [i for i, _ in texts],
        },
        **found,
    }
    (model_dir / RECORD_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return record


def _verify(check: Verification, rounds: int, min_gain: float, accept: str, log) -> dict[str, Any]:
    from gongkai.model import fast_modernbert
    from gongkai.model.backends import onnxruntime_available

    model_dir = check.model_dir
    reference = check.reference = check.evaluate(check.run(REFERENCE))
    window, stride = reference["tagger"].window, reference["tagger"].stride
    log(
        f"reference (transformers forward, fp32, stride {stride}): {reference['cpu_seconds']:.2f} CPU s, "
        f"cell accuracy {reference['cell_accuracy']}"
    )
    out: dict[str, Any] = {"window": window}

    def describe(what: str, c: dict[str, Any]) -> str:
        return (
            f"{what}: {c['tags_differing']} tag(s) differ in {len(c['texts_differing'])} text(s), records differ "
            f"in {len(c['records_differing'])}, cell accuracy {c['cell_accuracy']}, {c['cpu_seconds']:.2f} CPU s"
        )

    floor_stride = max(1, window - 2 * (window - stride))
    floor = out["window_floor"] = {"stride": floor_stride, **check.compare(check.run(Setting(stride=floor_stride)))}
    log(describe(f"window floor (the reference, stride {floor_stride})", floor))

    def acceptable(c: dict[str, Any]) -> bool:
        limit = 0 if accept == "identical" else floor["tags_differing"]
        return c["tags_differing"] <= limit and c["cell_accuracy"] == reference["cell_accuracy"]

    # 1. The compact forward, at the reference stride.
    forward = "reference"
    if fast_modernbert.supports(reference["tagger"].model):
        c = out["compact_forward"] = check.compare(check.run(Setting(forward="compact")))
        forward = "compact" if acceptable(c) else "reference"
        log(describe("compact forward", c))

    # 2. Less overlap, as long as it stays acceptable.
    out["overlaps"] = []
    for s in overlaps(window)[1:]:
        c = {"stride": s, "overlap": window - s, **check.compare(check.run(Setting(stride=s, forward=forward)))}
        out["overlaps"].append(c)
        log(describe(f"stride {s} (overlap {window - s})", c))
        if not acceptable(c):
            break
        stride = s
    out.update(forward=forward, stride=stride)

    # 3. The candidates at that stride, timed in interleaved rounds.
    settings = {"torch-fp32": Setting("torch", "fp32", stride, forward)}
    if bf16_units():
        settings["torch-bf16"] = Setting("torch", "bf16", stride, forward)
        settings["torch-bf16-checked"] = Setting("torch", "bf16-checked", stride, forward)
    for variant, name in ONNX_FILES.items():
        if (model_dir / name).is_file() and onnxruntime_available():
            settings[f"onnx-{variant}"] = Setting("onnx", variant, stride)
    taggers = {k: load_setting(model_dir, s) for k, s in settings.items()}
    runs: dict[str, dict[str, Any]] = {}
    ref_seconds = reference["cpu_seconds"]
    for _ in range(rounds):
        ref_seconds = min(ref_seconds, check.run(REFERENCE, reference["tagger"])["cpu_seconds"])
        for k, tagger in taggers.items():
            run = check.run(settings[k], tagger)
            if k not in runs or run["cpu_seconds"] < runs[k]["cpu_seconds"]:
                runs[k] = run
    base = runs["torch-fp32"]["cpu_seconds"]
    candidates = {}
    for name, run in runs.items():
        c = check.compare(run)
        faster = name == "torch-fp32" or run["cpu_seconds"] <= (1 - min_gain) * base
        why = (
            "tags differ"
            if c["tags_differing"] and accept == "identical"
            else "more tags differ than at the window floor"
            if not acceptable(c) and c["tags_differing"]
            else "cell accuracy differs"
            if not acceptable(c)
            else "not faster than torch-fp32"
            if not faster
            else ""
        )
        candidates[name] = {
            "setting": settings[name].to_dict(),
            **c,
            "speedup": round(ref_seconds / run["cpu_seconds"], 3),
            "accepted": not why,
            **({"rejected": why} if why else {}),
        }
        log(describe(name, c) + f" ({candidates[name]['speedup']}x the reference) — {why or 'accepted'}")
    accepted = [k for k, v in candidates.items() if v["accepted"]]
    best = min(accepted, key=lambda k: candidates[k]["cpu_seconds"]) if accepted else None
    out["reference"] = {
        "setting": REFERENCE.to_dict(),
        "stride": reference["tagger"].stride,
        "cell_accuracy": reference["cell_accuracy"],
        "cpu_seconds": round(ref_seconds, 3),
    }
    out["candidates"] = candidates
    out["default"] = settings[best].to_dict() if best else None
    return out
