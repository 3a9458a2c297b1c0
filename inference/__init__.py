"""Extraction: text → normalise → tag → assemble → reconcile → output.

Imports only :mod:`gongkai.model` (never :mod:`gongkai.training` nor training-only
packages such as datasets, seqeval or spaCy)."""
