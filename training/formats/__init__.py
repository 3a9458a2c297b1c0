"""Annotation formats of other tools: :mod:`.importers` reads them into our records
(:mod:`gongkai.training.corpus`), :mod:`.exporters` writes ours out, one module per format
(:mod:`.labelstudio`, :mod:`.conll`, :mod:`.doccano`, :mod:`.bio`, :mod:`.cluener`,
:mod:`.docbin`, :mod:`.hf`), sharing the tag-sequence conversions of :mod:`.tags`."""
