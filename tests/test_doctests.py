"""Run every module's doctests against the installed package (the examples are documentation
that must stay true)."""

import doctest
import importlib
import pkgutil

import pytest

SUBPACKAGES = ("gongkai.model", "gongkai.inference", "gongkai.training")


def _modules():
    # Walk each subpackage: editable installs map them from their own folders.
    for sub in SUBPACKAGES:
        package = importlib.import_module(sub)
        yield sub
        for info in pkgutil.walk_packages(package.__path__, prefix=sub + "."):
            yield info.name


@pytest.mark.parametrize("name", sorted(_modules()))
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
