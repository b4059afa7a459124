from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from railab.web.core.tenancy import Visibility
from railab.web.register.fields import FIELDS
from railab.web.register.models import AISystem

EDITABLE = [
    "name",
    "purpose",
    "policing_function",
    "technology",
    "vendor",
    "version",
    "deployment_context",
    "legal_basis",
    "data_used",
    "human_oversight",
    "can_override",
    "people_affected",
    "lifecycle_stage",
    "contact_point",
]


class SystemForm(forms.ModelForm):  # type: ignore[type-arg]
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("What did you change?"), required=False, max_length=300)

    class Meta:
        model = AISystem
        fields = EDITABLE
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "purpose",
                "deployment_context",
                "legal_basis",
                "data_used",
                "human_oversight",
                "people_affected",
            )
        }

    def changed_data_dict(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE}


class VisibilityForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, system: AISystem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in FIELDS:
            self.fields[field.name] = forms.ChoiceField(
                label=str(field.label),
                choices=Visibility.choices,
                initial=system.visibility_of(field.name),
            )


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ("submit", "approve", "send_back", "publish", "unpublish")]
    )
    reason = forms.CharField(required=False, max_length=2000)


class WaiverForm(forms.Form):
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "Why the system may be deployed without the usual evidence. Shown on the record."
        ),
    )


class FeedbackForm(forms.Form):
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=120)
    message = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot


class LinkAssessmentForm(forms.Form):
    assessment = forms.ChoiceField(label=_("Risk assessment"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assessment"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *choices]
