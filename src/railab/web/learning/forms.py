"""Forms of the learning area. Each validates fully: bad input never reaches a service."""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from railab.web.accounts.models import Agency, User
from railab.web.core.tenancy import Visibility
from railab.web.learning import timezones
from railab.web.learning.models import LANGUAGE_CHOICES, EventKind, Question, QuestionKind
from railab.web.resources.models import Entry
from railab.web.resources.selectors import entries_visible_to
from railab.web.resources.taxonomy import VOCABULARIES

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def _zone_choices() -> list[tuple[str, str]]:
    return [(z, z.replace("_", " ")) for z in timezones.all_zones()]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time without a zone: the form attaches the event's own zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
    input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def to_python(self, value: Any) -> datetime | None:
        result = super().to_python(value)
        if result is not None and timezone.is_aware(result):
            # Undo Django's conversion to the active zone: this is a wall-clock reading.
            result = timezone.make_naive(result, timezone.get_current_timezone())
        return result


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("Markdown: **bold**, lists, links."),
    )
    starts = LocalDateTimeField(label=_("Starts (local time of the event)"))
    ends = LocalDateTimeField(label=_("Ends (local time of the event)"))
    time_zone = forms.ChoiceField(label=_("Time zone of the event"), choices=_zone_choices)
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(
        label=_("Online link"), max_length=500, required=False, assume_scheme="https"
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    capacity = forms.IntegerField(
        label=_("Seats"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may see and join it"),
        choices=Visibility.choices,
        initial=Visibility.LAW_ENFORCEMENT,
    )
    agency = forms.ChoiceField(label=_("Host agency"), required=False)
    organisers = forms.CharField(
        label=_("Other organisers"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("E-mail addresses of platform users, one per line."),
    )
    materials = forms.CharField(
        label=_("Materials from the resource bank"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Links to resource-bank entries, one per line."),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        agencies: list[Agency],
        lab_option: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.agencies = {a.slug: a for a in agencies}
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        # Only Lab staff host events for the Lab; agency administrators host for theirs.
        lab = [("", _("The Responsible AI Lab"))] if lab_option else []
        field.choices = lab + [(a.slug, a.name) for a in agencies]
        field.required = not lab_option

    def clean_organisers(self) -> list[User]:
        emails = [e.strip().lower() for e in self.cleaned_data["organisers"].split() if e.strip()]
        found = {u.email.lower(): u for u in User.objects.filter(email__in=emails, is_active=True)}
        missing = [e for e in emails if e not in found]
        if missing:
            raise forms.ValidationError(
                _("No platform user with the address %(emails)s.") % {"emails": ", ".join(missing)}
            )
        return list(found.values())

    def clean_materials(self) -> list[Entry]:
        ids = UUID_RE.findall(self.cleaned_data["materials"])
        lines = [x for x in self.cleaned_data["materials"].split() if x.strip()]
        if len(ids) != len(lines):
            raise forms.ValidationError(
                _("Each line must be the link of a resource-bank entry (it contains its id).")
            )
        entries = list(entries_visible_to(self.user).filter(public_id__in=ids))
        if len(entries) != len(set(i.lower() for i in ids)):
            raise forms.ValidationError(
                _("Some links do not lead to a published entry you can see.")
            )
        return entries

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone_name = data.get("time_zone")
        starts, ends = data.get("starts"), data.get("ends")
        if zone_name and starts and ends:
            zone = zoneinfo.ZoneInfo(zone_name)
            data["starts_at"] = starts.replace(tzinfo=zone)
            data["ends_at"] = ends.replace(tzinfo=zone)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("ends", _("The event must end after it starts."))
        if not data.get("location") and not data.get("online_url"):
            self.add_error("location", _("Give a place, an online link, or both."))
        slug = data.get("agency") or ""
        data["agency_obj"] = self.agencies.get(slug)
        if data.get("visibility") == Visibility.AGENCY and data["agency_obj"] is None:
            self.add_error(
                "agency", _("An event for one agency's members needs a host agency: choose it.")
            )
        return data

    @classmethod
    def initial_from(cls, event: Any) -> dict[str, Any]:
        zone = event.zone
        return {
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "starts": event.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends": event.ends_at.astimezone(zone).replace(tzinfo=None),
            "time_zone": event.time_zone,
            "location": event.location,
            "online_url": event.online_url,
            "languages": event.languages,
            "capacity": event.capacity,
            "visibility": event.visibility,
            "agency": event.agency.slug if event.agency else "",
            "organisers": "\n".join(u.email for u in event.organisers.all()),
            "materials": "\n".join(str(e.public_id) for e in event.materials.all()),
        }


class TimeZoneForm(forms.Form):
    prefix = "tz"
    time_zone = forms.ChoiceField(
        label=_("Show times in"),
        choices=_zone_choices,
        widget=forms.Select(attrs={"data-autosubmit": ""}),
    )


class AttendanceForm(forms.Form):
    """One yes / no / unknown per confirmed registration."""

    CHOICES = [("", _("Not recorded")), ("yes", _("Attended")), ("no", _("Absent"))]

    def __init__(self, *args: Any, registrations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for registration in registrations:
            initial = {True: "yes", False: "no"}.get(registration.attended, "")
            self.fields[f"r{registration.pk}"] = forms.ChoiceField(
                label=str(registration.user),
                choices=self.CHOICES,
                required=False,
                initial=initial,
            )

    def attended(self) -> dict[int, bool | None]:
        values = {"yes": True, "no": False, "": None}
        return {r.pk: values[self.cleaned_data.get(f"r{r.pk}", "")] for r in self.registrations}


class AnswerForm(forms.Form):
    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(c.pk), c.text) for c in question.choices.all()]
        self.single = question.kind == QuestionKind.SINGLE
        field: forms.Field
        if self.single:
            field = forms.TypedChoiceField(
                label=question.text,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer.")},
            )
        else:
            field = forms.TypedMultipleChoiceField(
                label=question.text,
                choices=choices,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": _("Choose at least one answer.")},
            )
        self.fields["choice"] = field

    def chosen(self) -> list[int]:
        value = self.cleaned_data["choice"]
        return [value] if self.single else list(value)


def expertise_titles() -> list[tuple[str, str]]:
    return [
        ("function", str(_("Policing function"))),
        ("technology", str(_("Technology"))),
        ("lifecycle", str(_("Life-cycle stage"))),
        ("principle", str(_("Principle or risk"))),
    ]


def _expertise_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    titles = dict(expertise_titles())
    return [
        (str(titles[name]), [(f"{name}:{value}", str(label)) for value, label in vocab.choices])
        for name, vocab in VOCABULARIES.items()
    ]


def _country_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in countries]


class ExpertProfileForm(forms.Form):
    name = forms.CharField(label=_("Name as shown"), max_length=150)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices)
    languages = forms.MultipleChoiceField(
        label=_("Languages you can work in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = forms.MultipleChoiceField(
        label=_("Areas of expertise"),
        choices=_expertise_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From the resource bank's vocabularies; choose up to 12."),
    )
    bio = forms.CharField(
        label=_("Short biography"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=1500,
        min_length=40,
        help_text=_("What you have done and what you can help with (40 to 1,500 characters)."),
    )
    listed = forms.BooleanField(
        label=_("List my profile in the directory"), required=False, initial=True
    )

    def clean_expertise(self) -> list[str]:
        value: list[str] = self.cleaned_data["expertise"]
        if len(value) > 12:
            raise forms.ValidationError(_("Choose at most 12 areas."))
        return value


class ExpertSearchForm(forms.Form):
    q = forms.CharField(label=_("Search experts"), max_length=200, required=False)
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"), choices=_expertise_choices, required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *LANGUAGE_CHOICES], required=False
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", _("Any country")), *_country_choices()],
        required=False,
    )
    verified = forms.BooleanField(label=_("Verified by the Lab only"), required=False)


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=20,
        max_length=3000,
        help_text=_(
            "Say who you are, what you are working on and what you would like to ask. "
            "Do not include operational or personal data."
        ),
    )


class ContactAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("accept", _("Accept")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label=_("Message to the person who asked"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
        help_text=_(
            "Only this text is sent; your e-mail address is not. If you accept, say how you "
            "would like to continue."
        ),
    )


class CertificateLookupForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40)

    def clean_code(self) -> str:
        raw = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(raw) != 16 or not raw.startswith("RAIL"):
            raise forms.ValidationError(_("A code looks like RAIL-7K3M-Q9XD-2F8B."))
        return raw
