"""Chunked, resumable uploads verified by SHA-256.

The client sends the file in chunks, each with its offset and its SHA-256. The database
row's ``received`` is the single truth of how far the upload got: a chunk must start
exactly there, and the file is cut back to it before each write (so bytes written by a
request that died before its commit are overwritten). The whole-file SHA-256 is kept
incrementally in this process; another process (or a restart) catches up by hashing the
part already on disk once. A chunk whose hash does not match, or a completion whose size
or hash does not match, cancels the upload and removes its data.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
import uuid
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from railab.web.auditlog.services import audit_record
from railab.web.evaluations import storage
from railab.web.evaluations.models import Dataset, DatasetSource, DatasetStatus

if TYPE_CHECKING:
    from railab.web.accounts.models import Agency, User

MAX_CHUNK = 16 * 1024 * 1024
MAX_FILE = 64 * 1024**3
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_READ = 4 * 1024 * 1024


class UploadError(Exception):
    """A refused request; ``status`` is the HTTP status, ``offset`` the current offset."""

    def __init__(self, message: str, *, status: int = 400, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.offset = offset


_lock = threading.Lock()
_hashers: dict[int, tuple[int, Any]] = {}


def _hasher_at(dataset: Dataset) -> Any:
    """The running SHA-256 of the first ``dataset.received`` bytes."""
    with _lock:
        cached = _hashers.get(dataset.pk)
    if cached is not None and cached[0] == dataset.received:
        # A copy: if the caller's transaction fails, the cached state stays valid.
        return cached[1].copy()
    hasher = hashlib.sha256()
    remaining = dataset.received
    path = storage.upload_path(dataset.path)
    if remaining:
        with path.open("rb") as handle:
            while remaining:
                block = handle.read(min(_READ, remaining))
                if not block:
                    break
                hasher.update(block)
                remaining -= len(block)
    return hasher


def _forget(dataset_pk: int) -> None:
    with _lock:
        _hashers.pop(dataset_pk, None)


def _check_hex(value: str, what: str) -> str:
    value = value.strip().lower()
    if not _HEX64.match(value):
        raise UploadError(_("The %(what)s is not a SHA-256 in hexadecimal.") % {"what": what})
    return value


def upload_start(*, user: User, agency: Agency, name: str, size: int) -> Dataset:
    name = name.strip().replace("/", "_").replace("\\", "_")[:255]
    file_format = storage.format_of(name)
    if file_format is None:
        raise UploadError(_("Only CSV (.csv) and Parquet (.parquet) files can be evaluated."))
    if size <= 0:
        raise UploadError(_("The file is empty."))
    if size > MAX_FILE:
        raise UploadError(_("The file is larger than 64 GB; place it in a server directory."))
    root = storage.data_root()
    (root / "uploads").mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(root).free < size:
        raise UploadError(_("The server does not have enough free disk space for this file."))
    relative = f"uploads/{uuid.uuid4()}.part"
    storage.upload_path(relative).touch()
    with transaction.atomic():
        return Dataset.objects.create(
            agency=agency,
            name=name,
            format=file_format,
            source=DatasetSource.UPLOAD,
            size=size,
            path=relative,
            created_by=user,
        )


def upload_abort(dataset: Dataset) -> None:
    """Remove an unfinished upload: its row and its partial file."""
    _forget(dataset.pk)
    storage.remove_quietly(storage.upload_path(dataset.path))
    Dataset.objects.filter(pk=dataset.pk, status=DatasetStatus.UPLOADING).delete()


def upload_chunk(*, dataset: Dataset, offset: int, chunk_sha256: str, data: bytes) -> int:
    """Append one chunk at ``offset`` after checking its hash; returns the new offset."""
    expected = _check_hex(chunk_sha256, _("chunk hash"))
    if len(data) > MAX_CHUNK:
        raise UploadError(_("A chunk may not exceed 16 MB."), status=413)
    tampered = False
    with transaction.atomic():
        current = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if current.status != DatasetStatus.UPLOADING:
            raise UploadError(_("This upload is already complete."), status=409)
        if offset != current.received:
            raise UploadError(
                _(
                    "The chunk starts at byte %(offset)s but the server has %(received)s bytes; "
                    "resume from there."
                )
                % {"offset": offset, "received": current.received},
                status=409,
                offset=current.received,
            )
        if not data or offset + len(data) > current.size:
            raise UploadError(
                _("The chunk is empty or goes past the declared size of the file."),
                offset=current.received,
            )
        if hashlib.sha256(data).hexdigest() != expected:
            tampered = True
        else:
            hasher = _hasher_at(current)
            with storage.upload_path(current.path).open("r+b") as handle:
                handle.truncate(offset)
                handle.seek(offset)
                handle.write(data)
            hasher.update(data)
            current.received = offset + len(data)
            current.save(update_fields=["received"])
            new_offset = current.received
            transaction.on_commit(lambda: _remember(current.pk, new_offset, hasher))
    if tampered:
        upload_abort(dataset)
        raise UploadError(
            _(
                "The chunk at byte %(offset)s does not match its SHA-256: it was altered on the "
                "way. The upload was cancelled and its data removed; please upload the file "
                "again."
            )
            % {"offset": offset},
            status=422,
        )
    return new_offset


def _remember(pk: int, offset: int, hasher: Any) -> None:
    with _lock:
        _hashers[pk] = (offset, hasher)


def upload_complete(*, dataset: Dataset, user: User, sha256: str) -> Dataset:
    """Check the total size and the whole-file SHA-256, then make the file available."""
    expected = _check_hex(sha256, _("file hash"))
    problem = ""
    with transaction.atomic():
        current = Dataset.objects.select_for_update().get(pk=dataset.pk)
        if current.status != DatasetStatus.UPLOADING:
            return current
        path = storage.upload_path(current.path)
        if current.received != current.size or path.stat().st_size < current.size:
            problem = _(
                "The upload is incomplete: %(received)s of %(size)s bytes arrived. It was "
                "cancelled and its data removed; please upload the file again."
            ) % {"received": current.received, "size": current.size}
        elif _hasher_at(current).hexdigest() != expected:
            problem = _(
                "The file that arrived does not match its SHA-256: it was truncated or altered. "
                "The upload was cancelled and its data removed; please upload the file again."
            )
        else:
            with path.open("r+b") as handle:
                handle.truncate(current.size)
            final = f"uploads/{current.public_id}.{current.format}"
            path.rename(storage.upload_path(final))
            current.path = final
            current.sha256 = expected
            current.status = DatasetStatus.READY
            current.completed_at = timezone.now()
            current.save(update_fields=["path", "sha256", "status", "completed_at"])
            audit_record(
                actor=user,
                action="evaluation.dataset_upload",
                obj=current,
                agency=current.agency,
                after={"name": current.name, "size": current.size, "sha256": expected},
            )
    if problem:
        upload_abort(dataset)
        raise UploadError(problem, status=422)
    _forget(current.pk)
    return current


def dataset_from_server(*, user: User, agency: Agency, key: str) -> Dataset:
    """Register a file of an allowed server directory (it is read in place, not copied)."""
    path = storage.resolve_server_file(key)
    if path is None:
        raise UploadError(_("This file is not in a directory the administrator allowed."))
    file_format = storage.format_of(path.name)
    assert file_format is not None
    with transaction.atomic():
        dataset = Dataset.objects.create(
            agency=agency,
            name=path.name,
            format=file_format,
            source=DatasetSource.SERVER,
            status=DatasetStatus.READY,
            size=path.stat().st_size,
            received=path.stat().st_size,
            path=str(path),
            created_by=user,
            completed_at=timezone.now(),
        )
        audit_record(
            actor=user,
            action="evaluation.dataset_server",
            obj=dataset,
            agency=agency,
            after={"name": dataset.name, "path": str(path)},
        )
    return dataset


def dataset_file(dataset: Dataset) -> str:
    if dataset.source == DatasetSource.SERVER:
        return dataset.path
    return str(storage.upload_path(dataset.path))
