"""Annotations, synthetic reports, training and evaluation. Imports both siblings."""
