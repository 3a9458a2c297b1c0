"""The model layer: the report-format knowledge (:mod:`.template`), the label set
(:mod:`.labels`) and the character tagger. Imports neither sibling subpackage."""
