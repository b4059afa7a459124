from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from railab.web.learning.demo import learning_demo_seed
from railab.web.learning.models import Course, Event, ExpertProfile, Module, Question
from tests.conftest import World


def test_demo_seed_is_complete_and_idempotent(world: World, as_user) -> None:
    learning_demo_seed()
    counts = (
        Course.objects.count(),
        Module.objects.count(),
        Question.objects.count(),
        Event.objects.count(),
        ExpertProfile.objects.count(),
    )
    learning_demo_seed()
    assert (
        Course.objects.count(),
        Module.objects.count(),
        Question.objects.count(),
        Event.objects.count(),
        ExpertProfile.objects.count(),
    ) == counts
    assert counts[0] == 2
    assert Question.objects.filter(kind="single").exists()
    assert Question.objects.filter(kind="multiple").exists()
    now = timezone.now()
    assert Event.objects.filter(ends_at__lt=now).exists()
    assert Event.objects.filter(starts_at__gt=now).count() >= 4
    assert Event.objects.exclude(online_url="").exists()
    assert len(set(Event.objects.values_list("time_zone", flat=True))) >= 4
    assert Event.objects.filter(ends_at__lt=now, materials__isnull=False).exists()
    experts = ExpertProfile.objects.all()
    assert len(experts) == 20
    assert all(e.is_demo and e.name.endswith("(demo)") for e in experts)
    for module in Module.objects.all():
        assert module.resources.exists(), module.slug

    # Every seeded page renders.
    client = as_user(world.viewer)
    for course in Course.objects.all():
        assert client.get(reverse("learning:course_detail", args=[course.slug])).status_code == 200
        for module in course.modules.all():
            url = reverse("learning:module", args=[course.slug, module.slug])
            assert client.get(url).status_code == 200
    for event in Event.objects.all():
        url = reverse("learning:event_detail", args=[event.public_id])
        assert client.get(url).status_code == 200
    assert client.get(reverse("learning:experts")).status_code == 200
    assert Client().get(reverse("learning:events_feed")).status_code == 200
