from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from tests.conftest import World


def test_password_reset_by_email(world: World) -> None:
    client = Client()
    response = client.post("/password/reset/", {"email": world.viewer.email})
    assert response.status_code == 302
    # Unknown addresses get the same answer and no mail.
    assert Client().post("/password/reset/", {"email": "nobody@x.example"}).status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/password/reset/\S+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new pass phrase", "new_password2": "a brand new pass phrase"},
    )
    assert done.status_code == 302
    world.viewer.refresh_from_db()
    assert world.viewer.check_password("a brand new pass phrase")


def test_django_admin_is_for_lab_staff_with_second_factor(world: World, as_user) -> None:
    assert as_user(world.lab_admin).get("/admin/").status_code == 200
    unverified = Client()
    unverified.force_login(world.lab_admin)
    assert unverified.get("/admin/")["Location"].startswith("/two-factor/verify/")
    assert as_user(world.admin).get("/admin/").status_code == 302  # to the admin's own login
