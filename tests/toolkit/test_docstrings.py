"""The examples in the docstrings of railab.toolkit run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import railab.toolkit

MODULES = sorted(
    m.name
    for m in pkgutil.iter_modules(railab.toolkit.__path__, "railab.toolkit.")
    if m.name.rsplit(".", 1)[1] not in ("instruments", "schema")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
