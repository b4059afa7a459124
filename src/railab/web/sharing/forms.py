"""Forms of the sharing app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from railab.web.sharing.services import MAX_TABLE_BYTES


class KeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who or what signs with it, e.g. “statistics unit, 2026”."),
    )


class TableUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Count table (JSON)"),
        help_text=_("The signed file made by “railab audit counts … --key FILE”; at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    capacity = forms.IntegerField(
        label=_("Review capacity"),
        min_value=1,
        required=False,
        help_text=_("Triage tables only: how many cases reviewers can check."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        # Checked here too, before reading the file into memory.
        if upload.size > MAX_TABLE_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than 5 MB; a count table holds counts, not rows: "
                    "check that you chose the count table, not the data."
                )
            )
        return upload
