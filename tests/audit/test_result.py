"""AuditResult serialisation: JSON valid against the shipped schema, tables, doctests."""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys

import jsonschema
import pandas as pd
import pytest

from railab.audit import audit_classification, result_schema

X = " \N{MULTIPLICATION SIGN} "  # joins the groups of an intersection


@pytest.mark.parametrize("mode", ["prediction", "score"])
def test_to_dict_is_valid_against_the_shipped_schema(frame: pd.DataFrame, mode: str) -> None:
    kwargs = {"prediction": "prediction"} if mode == "prediction" else {"score": "score"}
    result = audit_classification(
        frame, label="label", groups=["race", "sex"], intersect=True, bootstrap=20, **kwargs
    )
    schema = result_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(result.to_dict(), schema)
    again = json.loads(result.to_json())
    assert again == json.loads(json.dumps(result.to_dict()))
    assert again["spec"]["reference"] == {"race": "a", "sex": "F", f"race{X}sex": f"a{X}F"}


def test_undefined_values_are_null_in_json() -> None:
    data = pd.DataFrame({"y": [0, 0], "p": [0, 1]})
    body = json.loads(audit_classification(data, label="y", prediction="p").to_json())
    tpr = next(m for m in body["metrics"] if m["metric"] == "tpr")
    assert tpr["value"] is None


@pytest.mark.parametrize(
    "module",
    [
        "railab.audit",
        "railab.audit._metrics",
        "railab.audit._scores",
        "railab.audit._sources",
        "railab.audit._counting",
        "railab.audit._result",
        "railab.audit._audit",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    failures, tried = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0


def test_library_imports_without_django() -> None:
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'django' or name.startswith(('django.', 'railab.web')):\n"
        "            raise ImportError(name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import railab.audit, railab.audit.cli\n"
        "assert not any(m.startswith('django') for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
