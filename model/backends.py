"""Which computation tags: the backend (torch or an ONNX export), the precision (fp32 or bf16) and
the window stride, and the record that says which of them may replace the reference.

The reference is the model as training left it: transformers' own forward in float32, windows
overlapping by a quarter. ``gongkai verify-backends DIR`` (and ``gongkai export-onnx DIR``, which
runs it after exporting) tags the gold texts with the reference and with each candidate — a
smaller overlap, torch's compact forward (:mod:`.fast_modernbert`), bf16 where the CPU has the
units, the ONNX exports — and writes ``backends.json`` beside the model: per candidate, the
characters whose tag differs from the reference, the texts whose record differs, the cell
accuracy, the CPU time, and the setting ``auto`` should use (the fastest acceptable one: by
default, every tag identical; :mod:`gongkai.training.verify_backends`). ``auto`` trusts that
record only while the model files still match its fingerprint and, for bf16, only on a CPU with
the same bf16 units it was verified on; otherwise it runs the reference.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .closed_set import ClosedSet


class Backend(ClosedSet):
    """What ``--backend`` accepts: ``auto`` what the record verified (else the reference), ``torch``,
    ``onnx`` the verified ONNX variant (else fp32), ``reference`` the reference itself (what the
    verification compares against); the others force one. A :class:`Setting` runs ``torch`` or
    ``onnx``."""

    AUTO = "auto"
    TORCH = "torch"
    ONNX = "onnx"
    ONNX_FP32 = "onnx-fp32"
    ONNX_INT8 = "onnx-int8"
    REFERENCE = "reference"


class Precision(ClosedSet):
    """A tagger's number format: ``fp32``, ``bf16`` (torch on a CPU with bf16 units), ``bf16-checked``
    (bf16, and fp32 again for every window where bf16 leaves some character's call close) or ``int8``
    (the dynamically quantised ONNX export); ``auto`` as ``--backend auto``."""

    AUTO = "auto"
    FP32 = "fp32"
    BF16 = "bf16"
    BF16_CHECKED = "bf16-checked"
    INT8 = "int8"


class Forward(ClosedSet):
    """Torch's forward: transformers' own (``reference``) or :mod:`.fast_modernbert`'s (``compact``)."""

    REFERENCE = "reference"
    COMPACT = "compact"


log = logging.getLogger(__name__)

#: The verification record written by ``gongkai verify-backends``.
#: Windows of 512 characters per forward batch, by default. Four keep a one-thread worker's
#: activations (4 × 512 × 1,024 of the MLP) in its cache: on the bench (48 reports of 10k
#: characters, 2 workers) bf16-checked runs 6.3 reports/s at 4 against 5.6 at 8, fp32 4.4 against
#: 4.1; 16 and 32 are slower still.
BATCH_SIZE = 4
RECORD_FILE = "backends.json"
#: The exported ONNX files, by variant.
ONNX_FILES = {Precision.FP32: "model.onnx", Precision.INT8: "model.int8.onnx"}
#: What ``--backend`` accepts.
BACKENDS = tuple(Backend)
#: What ``--precision`` accepts (torch only; an ONNX variant carries its own precision).
PRECISIONS = (Precision.AUTO, Precision.FP32, Precision.BF16, Precision.BF16_CHECKED)
#: The precisions that need a CPU with bf16 units.
ON_BF16_UNITS = (Precision.BF16, Precision.BF16_CHECKED)
#: The model files whose bytes the fingerprint covers.
FINGERPRINTED = ("config.json", "model.safetensors", "tokenizer.json")


@dataclass(frozen=True)
class Setting:
    """One way to run the tagger. ``forward`` is ``compact`` (torch's :mod:`.fast_modernbert`)
    or ``reference`` (transformers' own forward); ``stride`` None is the tagger's default."""

    backend: Backend = Backend.TORCH  # torch | onnx
    precision: Precision = Precision.FP32  # fp32 | bf16 | int8 (ONNX int8 only)
    stride: int | None = None
    forward: Forward = Forward.REFERENCE  # reference | compact (torch only)

    @property
    def name(self) -> str:
        """``torch-fp32``, ``torch-bf16``, ``onnx-int8`` …: what records and benchmarks show.

        >>> Setting("onnx", "int8").name, Setting(precision="bf16").name
        ('onnx-int8', 'torch-bf16')
        """
        return f"{self.backend}-{self.precision}"

    def to_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "precision": self.precision, "stride": self.stride, "forward": self.forward}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Setting:
        return cls(
            Backend(d["backend"]),
            Precision(d["precision"]),
            d.get("stride"),
            Forward(d.get("forward", Forward.REFERENCE)),
        )


REFERENCE = Setting()


def fingerprint(model_dir: str | Path) -> str:
    """SHA-256 over the model's config, weights and tokenizer (names and bytes)."""
    model_dir = Path(model_dir)
    h = hashlib.sha256()
    for name in FINGERPRINTED:
        path = model_dir / name
        if not path.is_file():
            raise FileNotFoundError(f"no {name} in {model_dir}: not a saved gongkai tagger")
        h.update(name.encode() + b"\0")
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def cpu_flags() -> set[str]:
    """The CPU feature flags the kernel reports (``/proc/cpuinfo``); empty where there is none."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


@lru_cache(maxsize=1)
def bf16_units() -> str | None:
    """``amx`` or ``avx512_bf16`` when this CPU has matrix or vector units for bf16, else None.

    Both torch's own CPUID probe and the kernel must say so: a virtual machine may hide AMX
    from the kernel (no tile state) while CPUID still reports it, and then bf16 runs emulated,
    slower than fp32.
    """
    import torch

    probe = getattr(torch, "cpu", None)
    flags = cpu_flags()
    if platform.machine().lower() not in ("x86_64", "amd64") or probe is None:
        return None
    if "amx_bf16" in flags and getattr(probe, "_is_amx_tile_supported", lambda: False)():
        return "amx"
    if "avx512_bf16" in flags and getattr(probe, "_is_avx512_bf16_supported", lambda: False)():
        return "avx512_bf16"
    return None


def read_record(model_dir: str | Path) -> dict[str, Any] | None:
    """The verification record in ``model_dir``, or None where there is none."""
    path = Path(model_dir) / RECORD_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not valid JSON ({exc}); run `gongkai verify-backends {model_dir}` again") from None


@dataclass(frozen=True)
class Verified:
    """What a record vouches for, for the model files as they are now: the stride and forward
    every candidate was checked with, and the setting ``auto`` uses (None: the reference)."""

    stride: int | None
    forward: Forward
    default: Setting | None


def verified(model_dir: str | Path) -> Verified | None:
    """What ``model_dir``'s record vouches for, or None where there is no record or the model
    files changed since it was written (the fingerprint differs).

    Its ``default`` is None where it accepted nothing or the ONNX file it names is gone; a bf16
    default becomes torch in fp32 on a CPU with other bf16 units (or none) than it was verified on.
    """
    record = read_record(model_dir)
    if not record:
        return None
    if record.get("fingerprint") != fingerprint(model_dir):
        log.info("%s: %s was written for other model files; it vouches for nothing", model_dir, RECORD_FILE)
        return None
    stride, forward = record.get("stride"), Forward(record.get("forward", Forward.REFERENCE))
    default = Setting.from_dict(record["default"]) if record.get("default") else None
    if (
        default
        and default.backend == Backend.ONNX
        and not ((Path(model_dir) / ONNX_FILES[default.precision]).is_file() and onnxruntime_available())
    ):
        log.info("%s: the verified %s cannot run here (file or onnxruntime missing)", model_dir, default.name)
        default = None
    if (
        default
        and default.precision in ON_BF16_UNITS
        and (bf16_units() is None or record.get("machine", {}).get("bf16_units") != bf16_units())
    ):
        log.info(
            "%s: bf16 was verified on other bf16 units than this CPU's (%s); running fp32", model_dir, bf16_units()
        )
        default = Setting(Backend.TORCH, Precision.FP32, stride, forward)
    return Verified(stride, forward, default)


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def _on_cpu(device: str | None) -> bool:
    if device is not None:
        return device == "cpu"
    import torch

    return not torch.cuda.is_available()


def resolve(
    model_dir: str | Path, backend: str = Backend.AUTO, precision: str = Precision.AUTO, device: str | None = None
) -> Setting:
    """The :class:`Setting` for a ``--backend`` and ``--precision`` (see :data:`BACKENDS`, :data:`PRECISIONS`).

    On CPU, ``auto`` for both takes the record's default (:func:`verified`), or else the
    reference. An explicit precision means torch; explicit choices are honoured, with the stride
    and forward the record verified. Off the CPU, ``auto`` is torch in fp32.

    >>> resolve("/nonexistent", "torch", "fp32")
    Setting(backend='torch', precision='fp32', stride=None, forward='reference')
    >>> resolve("/nonexistent", "tensorflow")
    Traceback (most recent call last):
    ValueError: unknown backend 'tensorflow'; choose one of auto, torch, onnx, onnx-fp32, onnx-int8, reference
    >>> resolve("/nonexistent", "onnx", "bf16")
    Traceback (most recent call last):
    ValueError: --precision bf16 runs on torch only; an ONNX export has its own precision (onnx-fp32, onnx-int8)
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
    backend, precision = Backend(backend), Precision(precision)
    onnx = backend in (Backend.ONNX, Backend.ONNX_FP32, Backend.ONNX_INT8)
    if onnx and precision in ON_BF16_UNITS:
        raise ValueError(
            f"--precision {precision} runs on torch only; an ONNX export has its own precision (onnx-fp32, onnx-int8)"
        )
    if backend == Backend.REFERENCE:
        if precision in ON_BF16_UNITS:
            raise ValueError("the reference runs in fp32; for bf16 use --backend torch")
        return REFERENCE
    on_cpu = _on_cpu(device)
    facts = verified(model_dir) if on_cpu and Path(model_dir, RECORD_FILE).is_file() else None
    stride, forward = (facts.stride, facts.forward) if facts else (None, Forward.REFERENCE)
    default = facts.default if facts else None
    if backend == Backend.AUTO and precision == Precision.AUTO:
        return default or Setting(Backend.TORCH, Precision.FP32, stride, forward)
    if onnx:
        if not on_cpu:
            raise ValueError(f"the ONNX backend runs on the CPU only, not on device {device!r}; use --backend torch")
        variant = (
            Precision(backend.removeprefix("onnx-"))
            if backend != Backend.ONNX
            else (default.precision if default and default.backend == Backend.ONNX else Precision.FP32)
        )
        if not (Path(model_dir) / ONNX_FILES[variant]).is_file():
            raise FileNotFoundError(
                f"no {ONNX_FILES[variant]} in {model_dir}: run `gongkai export-onnx {model_dir}` first"
            )
        return Setting(Backend.ONNX, variant, stride)
    if precision == Precision.AUTO:  # --backend torch
        precision = default.precision if default and default.backend == Backend.TORCH else Precision.FP32
    if precision in ON_BF16_UNITS and on_cpu and bf16_units() is None:
        raise ValueError(
            f"--precision {precision} needs a CPU with bf16 units (AMX or AVX-512 BF16); this one has "
            "none, so bf16 would run emulated and slower than fp32: use --precision fp32"
        )
    return Setting(Backend.TORCH, precision, stride, forward)
