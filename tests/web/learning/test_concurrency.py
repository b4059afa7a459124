"""Two people take the last seat at the same moment: exactly one gets it.

Real threads with their own database connections (committed data). The count of taken
seats is slowed down so that, without the lock on the event row, both would read "one
seat left" before either writes; SQLite serialises on its IMMEDIATE write lock,
PostgreSQL on ``select_for_update``.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from railab.web.learning import services
from railab.web.learning.models import Registration, RegistrationStatus
from tests.conftest import World
from tests.factories import UserFactory
from tests.web.learning.conftest import make_event

pytestmark = pytest.mark.django_db(transaction=True)


def _race(monkeypatch: pytest.MonkeyPatch, action, users) -> list[object]:  # type: ignore[no-untyped-def]
    original = services._confirmed_count

    def slow_count(event):  # type: ignore[no-untyped-def]
        n = original(event)
        time.sleep(0.3)
        return n

    monkeypatch.setattr(services, "_confirmed_count", slow_count)
    barrier = threading.Barrier(len(users))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(user) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            results.append(action(user))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_people_take_the_last_seat_at_once(world: World, monkeypatch) -> None:
    event = make_event(capacity=2)
    services.registration_register(event=event, user=world.admin)  # one seat left
    a, b = world.viewer, world.assessor
    results = _race(
        monkeypatch, lambda user: services.registration_register(event=event, user=user), [a, b]
    )
    assert sorted(r.status for r in results) == [  # type: ignore[attr-defined]
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    ]
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2


def test_a_freed_seat_goes_to_one_person_only(world: World, monkeypatch) -> None:
    event = make_event(capacity=1)
    holder = UserFactory()
    services.registration_register(event=event, user=holder)
    services.registration_register(event=event, user=world.viewer)  # first in line
    # The holder cancels while someone new registers: the seat goes to the first in line,
    # and the newcomer waits.
    results = _race(
        monkeypatch,
        lambda user: (
            services.registration_cancel(event=event, user=user)
            if user == holder
            else services.registration_register(event=event, user=user)
        ),
        [holder, world.assessor],
    )
    assert len(results) == 2
    statuses = dict(Registration.objects.filter(event=event).values_list("user_id", "status"))
    assert statuses == {
        holder.pk: "cancelled",
        world.viewer.pk: "confirmed",
        world.assessor.pk: "waitlisted",
    }
