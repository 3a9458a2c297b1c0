"""The size flags of a model that trains in seconds (CLI tests of train and pretrain)."""

TINY_ARGS = ["--hidden", "32", "--layers", "1", "--heads", "2", "--intermediate", "64", "--max-positions", "66"]
