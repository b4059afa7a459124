"""Where evaluation files live, and which server directories an administrator allowed."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
MAX_LISTED = 500


def data_root() -> Path:
    """Private directory of uploads and reports (not under MEDIA_URL: never served as is)."""
    return Path(settings.DATA_DIR) / "evaluations"


def upload_path(relative: str) -> Path:
    return data_root() / relative


def run_dir(run_key: str) -> Path:
    return data_root() / "runs" / run_key


def remove_quietly(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def format_of(name: str) -> str | None:
    return SUFFIXES.get(Path(name).suffix.lower())


def allowed_dirs() -> list[Path]:
    """Directories named in the ``RAILAB_EVALUATION_DIRS`` setting; only existing ones."""
    dirs = [Path(p).expanduser() for p in settings.RAILAB_EVALUATION_DIRS]
    return [d.resolve() for d in dirs if d.is_dir()]


@dataclass(frozen=True)
class ServerFile:
    root: int  # index into allowed_dirs()
    relative: str
    size: int

    @property
    def key(self) -> str:
        return f"{self.root}:{self.relative}"


def server_files() -> list[ServerFile]:
    """CSV and Parquet files in the allowed directories (symbolic links that lead out of
    a directory are left out)."""
    found: list[ServerFile] = []
    for index, root in enumerate(allowed_dirs()):
        for path in sorted(root.rglob("*")):
            if len(found) >= MAX_LISTED:
                return found
            if format_of(path.name) is None or not path.is_file():
                continue
            if not path.resolve().is_relative_to(root):
                continue
            found.append(ServerFile(index, path.relative_to(root).as_posix(), path.stat().st_size))
    return found


def resolve_server_file(key: str) -> Path | None:
    """The file named by ``key`` ("<directory index>:<relative path>") if it lies inside
    an allowed directory; ``None`` for anything else (traversal, links out, other types)."""
    index_text, sep, relative = key.partition(":")
    roots = allowed_dirs()
    if not sep or not index_text.isdigit() or int(index_text) >= len(roots) or not relative:
        return None
    if "\x00" in relative or Path(relative).is_absolute():
        return None
    root = roots[int(index_text)]
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    if format_of(candidate.name) is None:
        return None
    return candidate
