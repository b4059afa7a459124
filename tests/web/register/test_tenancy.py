from __future__ import annotations

from railab.web.register.models import AISystem, Feedback
from tests.conftest import World
from tests.helpers.tenancy import Expect, check_app_access

OPEN = Expect(anonymous=200, other_agency=200, viewer=200, admin=200)
MEMBER_PAGE = Expect(anonymous=302, other_agency=404, viewer=403, admin=200)


def test_register_urls(world: World, system: AISystem) -> None:
    """A draft record: another agency must get 404 on every page about it."""
    feedback = Feedback.objects.create(system=system, message="Hello")
    check_app_access(
        world,
        "register",
        url_kwargs={
            "system_id": system.public_id,
            "feedback_id": feedback.public_id,
            "fmt": "json",
        },
        expectations={
            "register:index": OPEN,
            "register:open_data": OPEN,
            "register:create": Expect(anonymous=302, other_agency=200, viewer=403, admin=200),
            "register:detail": Expect(anonymous=404, other_agency=404, viewer=200, admin=200),
            "register:export": Expect(
                anonymous=404, other_agency=404, viewer=200, admin=200, kwargs={"fmt": "atrs"}
            ),
            "register:edit": MEMBER_PAGE,
            "register:visibility": MEMBER_PAGE,
            "register:link_assessment": MEMBER_PAGE,
            "register:versions": Expect(anonymous=302, other_agency=404, viewer=200, admin=200),
            "register:transition": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"action": "submit"},
            ),
            "register:waiver": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"justification": "A justification long enough to be a sentence."},
            ),
            # Feedback is for published records only.
            "register:feedback": Expect(
                anonymous=404,
                other_agency=404,
                viewer=404,
                admin=404,
                method="post",
                data={"message": "Hi"},
            ),
            "register:moderate": Expect(
                anonymous=302,
                other_agency=404,
                viewer=403,
                admin=302,
                method="post",
                data={"status": "shown"},
            ),
        },
    )
