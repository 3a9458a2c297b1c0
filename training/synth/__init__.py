"""The report generator: synthetic 政府信息公开工作年度报告 with exact labels.

:func:`generate` writes one whole report (:mod:`.report`) from the table numbers
(:mod:`.numbers`), the page and narrative text (:mod:`.page`, :mod:`.text`, :mod:`.phrases`),
the table layouts (:mod:`.layout`) and the damage real sources carry (:mod:`.damage`), every
piece written through a span-keeping :class:`~.builder.Builder`; :mod:`.realism` measures how
far the generated texts are from real ones.
"""

from .damage import DAMAGE_KINDS
from .layout import LAYOUTS
from .report import WRITE_DAMAGE, dataset_rows, generate, generate_many, iterable_dataset

__all__ = ["DAMAGE_KINDS", "LAYOUTS", "WRITE_DAMAGE", "dataset_rows", "generate", "generate_many", "iterable_dataset"]
