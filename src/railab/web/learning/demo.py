"""Demo data of the learning area: events (past and upcoming, in several time zones), the
two courses in ``content/courses/``, and fictional expert profiles marked as demo data.

Idempotent: what exists (matched by its key) is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from railab.web.accounts.models import LabRole, User
from railab.web.learning.models import (
    Choice,
    Course,
    Event,
    ExpertProfile,
    Module,
    Question,
    QuestionKind,
)
from railab.web.resources.models import Entry, Term
from railab.web.resources.seed import seed_resources

CONTENT = Path(__file__).parent / "content"
DEMO_KEY = "demo:"


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _entries(keys: list[str]) -> list[Entry]:
    by_key = {
        e.source_key: e for e in Entry.objects.filter(source_key__in=[f"seed:{k}" for k in keys])
    }
    return [by_key[f"seed:{k}"] for k in keys if f"seed:{k}" in by_key]


def load_course(path: Path) -> tuple[Course, bool]:
    """Create the course described in ``path`` unless it exists. Single-choice questions
    must have exactly one correct answer, multiple-choice ones at least one."""
    spec = _yaml(path)
    existing = Course.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing, False
    course = Course.objects.create(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"].strip(),
        language=spec.get("language", "en"),
        minutes=spec.get("minutes", 60),
        visibility=spec.get("visibility", "public"),
        source_key=f"{DEMO_KEY}course:{spec['slug']}",
    )
    for position, m in enumerate(spec["modules"], start=1):
        module = Module.objects.create(
            course=course, position=position, slug=m["slug"], title=m["title"], body=m["body"]
        )
        module.resources.set(_entries(m.get("resources", [])))
        for q_position, q in enumerate(m.get("questions", []), start=1):
            correct = sum(1 for c in q["choices"] if c.get("correct"))
            kind = QuestionKind(q["kind"])
            if (kind == QuestionKind.SINGLE and correct != 1) or correct < 1:
                raise ValueError(f"{path.name}: question {q['text']!r} has {correct} answers")
            question = Question.objects.create(
                module=module,
                position=q_position,
                kind=kind,
                text=q["text"],
                explanation=q["explanation"],
            )
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    position=c_position,
                    text=c["text"],
                    correct=bool(c.get("correct")),
                )
                for c_position, c in enumerate(q["choices"], start=1)
            )
    return course, True


def _event_times(spec: dict[str, Any], today: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(spec["time_zone"])
    day = (today + timedelta(days=int(spec["days"]))).date()
    hour, minute = (int(x) for x in spec["start"].split(":"))
    start = datetime.combine(day, time(hour, minute), tzinfo=zone)
    return start, start + timedelta(minutes=int(spec["minutes"]))


def _seed_events(organiser: User | None) -> None:
    existing = set(
        Event.objects.filter(source_key__startswith=DEMO_KEY).values_list("source_key", flat=True)
    )
    today = timezone.now()
    for spec in _yaml(CONTENT / "events.yaml")["events"]:
        key = f"{DEMO_KEY}event:{spec['key']}"
        if key in existing:
            continue
        starts_at, ends_at = _event_times(spec, today)
        event = Event.objects.create(
            source_key=key,
            kind=spec["kind"],
            title=spec["title"],
            description=spec["description"].strip(),
            starts_at=starts_at,
            ends_at=ends_at,
            time_zone=spec["time_zone"],
            location=spec.get("location", ""),
            online_url=f"https://meet.railab.example/{spec['key']}" if spec.get("online") else "",
            languages=spec.get("languages", []),
            capacity=spec.get("capacity"),
            visibility=spec.get("visibility", "law_enforcement"),
            created_by=organiser,
        )
        if organiser is not None:
            event.organisers.set([organiser])
        event.materials.set(_entries(spec.get("materials", [])))


def _seed_experts() -> None:
    existing = set(ExpertProfile.objects.filter(is_demo=True).values_list("source_key", flat=True))
    for spec in _yaml(CONTENT / "experts.yaml")["experts"]:
        key = f"{DEMO_KEY}expert:{spec['key']}"
        if key in existing:
            continue
        expert = ExpertProfile.objects.create(
            source_key=key,
            name=spec["name"],
            organisation=spec["organisation"],
            country=spec["country"],
            languages=spec["languages"],
            bio=spec["bio"],
            is_demo=True,
            listed=True,
            # Every other demo profile shows what a verified expert looks like.
            verified_at=timezone.now() if int(spec["key"][1:]) % 2 else None,
        )
        wanted = Q()
        for term in spec["expertise"]:
            vocabulary, _, code = term.partition(":")
            wanted |= Q(vocabulary=vocabulary, code=code)
        expert.expertise.set(Term.objects.filter(wanted))


@transaction.atomic
def learning_demo_seed() -> None:
    """Load the demo events, courses and expert profiles (idempotent)."""
    seed_resources()  # the courses and events link resource-bank entries
    organiser = (
        User.objects.filter(lab_role__in=[LabRole.CURATOR, LabRole.LAB_ADMIN])
        .order_by("id")
        .first()
    )
    for path in sorted((CONTENT / "courses").glob("*.yaml")):
        load_course(path)
    _seed_events(organiser)
    _seed_experts()
