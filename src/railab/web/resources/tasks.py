"""Background work of the resource bank: embeddings and link checks."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django_tasks import task

from railab.web.jobs.services import job_run
from railab.web.resources import semantic
from railab.web.resources.models import Entry, EntryStatus, LinkStatus


@task()
def embed_entries_task(entry_ids: list[int] | None = None, job_id: str | None = None) -> int:
    """Embed the given entries, or every published entry without a current embedding."""
    if not semantic.available():
        return 0
    ids = entry_ids or list(
        Entry.objects.filter(status=EntryStatus.APPROVED).values_list("id", flat=True)
    )
    if job_id is None:
        return semantic.embed_entries(ids)

    def work(progress: Callable[[int, int | None, str], None]) -> int:
        return semantic.embed_entries(ids, progress=lambda d, t: progress(d, t, ""))

    changed: int = job_run(job_id, work)
    return changed


def check_link(url: str, *, timeout: float = 10.0) -> bool:
    """Whether ``url`` answers with a success or a redirect (HEAD, then GET if refused)."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(  # noqa: S310  (http(s) only, validated by the form)
            url, method=method, headers={"User-Agent": "railab-link-check/1"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                if response.status < 400:
                    return True
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in {403, 405, 501}:
                continue  # some servers refuse HEAD: try GET
            return False
        except (urllib.error.URLError, TimeoutError, ValueError, OSError):
            return False
    return False


@task()
def check_links_task(
    job_id: str | None = None, entry_ids: list[int] | None = None
) -> dict[str, Any]:
    qs = Entry.objects.exclude(url="").filter(status=EntryStatus.APPROVED)
    if entry_ids:
        qs = qs.filter(id__in=entry_ids)
    items = list(qs.values_list("id", "url"))

    def work(progress: Callable[[int, int | None, str], None]) -> dict[str, Any]:
        broken = 0
        for done, (pk, url) in enumerate(items, start=1):
            ok = check_link(url)
            broken += not ok
            Entry.objects.filter(pk=pk).update(
                link_status=LinkStatus.OK if ok else LinkStatus.BROKEN,
                link_checked_at=timezone.now(),
            )
            progress(done, len(items), "")
        return {"checked": len(items), "broken": broken}

    if job_id is None:
        return work(lambda *_: None)
    result: dict[str, Any] = job_run(job_id, work)
    return result
