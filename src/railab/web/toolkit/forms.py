"""Forms of the toolkit, and reading one answer from a posted question form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from railab.toolkit import Question
from railab.web.accounts.models import Agency, User
from railab.web.toolkit.models import ActionStatus, UseCase


def _int(text: str, label: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError(_("%(label)s must be a whole number.") % {"label": label}) from None


def answer_from_post(question: Question, data: QueryDict) -> Any:
    """The JSON value of one answer as the library expects it, from a question's form.

    Only the shape is read here; the library checks the value against the question.
    """
    raw = data.get("value", "")
    if question.type in ("single_choice", "yes_no_unknown", "date"):
        return raw.strip() or None
    if question.type == "multiple_choice":
        return [v for v in data.getlist("value") if v]
    if question.type == "scale":
        return _int(raw, _("The answer"))
    if question.type == "number":
        text = raw.strip().replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise ValidationError(_("Enter a number, e.g. 12 or 3.5.")) from None
        return int(number) if number.is_integer() and "." not in text else number
    if question.type == "text":
        return raw.strip() or None
    if question.type == "risk":
        value: dict[str, Any] = {}
        likelihood = _int(data.get("likelihood", ""), _("Likelihood"))
        impact = _int(data.get("impact", ""), _("Impact"))
        if likelihood is not None:
            value["likelihood"] = likelihood
        if impact is not None:
            value["impact"] = impact
        mitigations = [m for m in data.getlist("mitigations") if m]
        if mitigations:
            value["mitigations"] = mitigations
        note = data.get("note", "").strip()
        if note:
            value["note"] = note
        return value or None
    raise ValidationError(_("This kind of question cannot be answered here."))


class StartForm(forms.Form):
    instrument = forms.ChoiceField(label=gettext_lazy("Instrument"))
    use_case = forms.ModelChoiceField(
        label=gettext_lazy("AI use case"),
        queryset=UseCase.objects.none(),
        required=False,
        empty_label=gettext_lazy("— a new use case —"),
        to_field_name="public_id",
    )
    new_name = forms.CharField(
        label=gettext_lazy("Name of the new use case"), max_length=200, required=False
    )
    new_description = forms.CharField(
        label=gettext_lazy("What it does, for whom"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(
        self, *args: Any, agency: Agency, instruments: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments  # type: ignore[attr-defined]
        self.fields["use_case"].queryset = UseCase.objects.filter(  # type: ignore[attr-defined]
            agency=agency
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Exported assessment (JSON)"),
        help_text=gettext_lazy("A file exported from railab, or the railab toolkit command."),
    )
    use_case = forms.ModelChoiceField(
        label=gettext_lazy("AI use case"),
        queryset=UseCase.objects.none(),
        required=False,
        empty_label=gettext_lazy("— as named in the file —"),
        to_field_name="public_id",
    )

    MAX_BYTES = 2_000_000

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["use_case"].queryset = UseCase.objects.filter(  # type: ignore[attr-defined]
            agency=agency
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB; this is not an export."))
        return upload


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Approve")),
            ("return", gettext_lazy("Send back for changes")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ActionForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"), queryset=User.objects.none(), required=False
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=ActionStatus.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members  # type: ignore[attr-defined]


class ReassessForm(forms.Form):
    reassess_on = forms.DateField(
        label=gettext_lazy("Re-assess on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
