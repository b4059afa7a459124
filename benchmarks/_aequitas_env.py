"""Aequitas in its own virtualenv: it pins pandas<3, which railab's environment does not.

Used by ``audit_classification.py``; the virtualenv lives in ``benchmarks/.venv-aequitas``.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-aequitas"
WORKER = HERE / "_aequitas_worker.py"


def aequitas_python() -> Path:
    """Path of the virtualenv's python, creating the virtualenv on first use."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} (aequitas, pandas<3)", file=sys.stderr)
        venv.EnvBuilder(with_pip=True).create(VENV)
    check = subprocess.run([python, "-c", "import aequitas"], capture_output=True)
    if check.returncode != 0:
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "aequitas>=1.0", "pyarrow"], check=True
        )
    return python


def run_aequitas(parquet: Path, out: Path, repeat: int) -> None:
    """Time aequitas on ``parquet`` in its virtualenv; results land in ``out`` (JSON)."""
    subprocess.run([aequitas_python(), WORKER, str(parquet), str(out), str(repeat)], check=True)
