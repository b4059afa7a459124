"""railab.audit and railab.toolkit are libraries: they import where Django cannot."""

from __future__ import annotations

import subprocess
import sys

import pytest

BLOCK_DJANGO = """
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith(("django.", "railab.web")):
            raise ImportError(f"{name} is blocked in this test")
        return None

sys.meta_path.insert(0, Block())
import {module}
assert not any(m == "django" or m.startswith("django.") for m in sys.modules), "django loaded"
print("ok")
"""


@pytest.mark.parametrize("module", ["railab.audit", "railab.toolkit"])
def test_library_imports_without_django(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_DJANGO.replace("{module}", module)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_lint_rule_bans_django_in_libraries() -> None:
    """The ruff rule in src/railab/{audit,toolkit}/ruff.toml rejects a Django import."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    probe = root / "src" / "railab" / "toolkit" / "_lint_probe.py"
    probe.write_text("from __future__ import annotations\n\nimport django  # noqa: F401\n")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--select", "TID251", str(probe)],
            capture_output=True,
            text=True,
            check=False,
            cwd=root,
        )
    finally:
        probe.unlink()
    assert result.returncode == 1
    assert "TID251" in result.stdout
