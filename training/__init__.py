"""Annotations (:mod:`.corpus`, :mod:`.validate`, other tools' formats in :mod:`.formats`), the
report generator (:mod:`.synth`), pretraining, training and evaluation. Imports both siblings."""
