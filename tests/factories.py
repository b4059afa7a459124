from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from railab.web.accounts.models import Agency, AgencyKind, Membership, Role, User

PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency

    slug = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Test Police {n}")
    country = "FR"
    kind = AgencyKind.NATIONAL_POLICE
    verified = True


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@police.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")

    @factory.post_generation
    def password(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.VIEWER
