"""The model layer: the report-format knowledge (:mod:`.template`), the label set
(:mod:`.labels`) and the character tagger. Imports neither sibling subpackage."""

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    """The installed gongkai version, recorded in every output record and model card."""
    try:
        return version("gongkai")
    except PackageNotFoundError:
        return "0+unknown"
