"""Small builders for the learning tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from railab.web.accounts.models import User
from railab.web.core.tenancy import Visibility
from railab.web.learning.models import (
    Choice,
    Course,
    Event,
    EventKind,
    ExpertProfile,
    Module,
    Question,
    QuestionKind,
)
from railab.web.resources.models import Term


def make_event(**overrides: Any) -> Event:
    start = timezone.now() + timedelta(days=10)
    fields: dict[str, Any] = {
        "kind": EventKind.WORKSHOP,
        "title": "Workshop on face recognition audits",
        "description": "We compare **error rates** between groups.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "time_zone": "Europe/Paris",
        "location": "Lyon",
        "languages": ["en", "fr"],
        "capacity": 10,
        "visibility": Visibility.PUBLIC,
    }
    fields.update(overrides)
    return Event.objects.create(**fields)


def paris(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo("Europe/Paris"))


def make_course(slug: str = "basics", modules: int = 2, **overrides: Any) -> Course:
    """A course whose module n has one single-choice question (answer: "Right") and,
    for n = 2, a multiple-choice one (answers: "A" and "C"); a last module without quiz
    when ``modules`` > 2."""
    fields: dict[str, Any] = {
        "slug": slug,
        "title": f"Course {slug}",
        "summary": "What this course is about.",
        "visibility": Visibility.PUBLIC,
    }
    fields.update(overrides)
    course = Course.objects.create(**fields)
    for n in range(1, modules + 1):
        module = Module.objects.create(
            course=course, position=n, slug=f"m{n}", title=f"Module {n}", body=f"# Text {n}"
        )
        if n > 2:
            continue
        q = Question.objects.create(
            module=module,
            position=1,
            kind=QuestionKind.SINGLE,
            text=f"Question {n}.1",
            explanation="Because it is right.",
        )
        Choice.objects.create(question=q, position=1, text="Wrong", correct=False)
        Choice.objects.create(question=q, position=2, text="Right", correct=True)
        if n == 2:
            q2 = Question.objects.create(
                module=module,
                position=2,
                kind=QuestionKind.MULTIPLE,
                text="Question 2.2",
                explanation="A and C both hold.",
            )
            for i, (text, correct) in enumerate([("A", True), ("B", False), ("C", True)]):
                Choice.objects.create(question=q2, position=i + 1, text=text, correct=correct)
    return course


def choice_ids(question: Question, *texts: str) -> list[int]:
    return [c.pk for c in question.choices.all() if c.text in texts]


def make_expert(user: User | None = None, **overrides: Any) -> ExpertProfile:
    fields: dict[str, Any] = {
        "user": user,
        "name": "Amina Diallo",
        "organisation": "University of Dakar",
        "country": "SN",
        "languages": ["fr", "en"],
        "bio": "Researcher on biometric systems and their evaluation in policing.",
    }
    fields.update(overrides)
    expert = ExpertProfile.objects.create(**fields)
    expert.expertise.set(
        Term.objects.filter(vocabulary="technology", code__in=["face_recognition", "biometrics"])
    )
    return expert
