"""One form validates an entry whether it comes from the page, the API or an import."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from railab.web.accounts.countries import MemberCountries
from railab.web.core.tenancy import Visibility
from railab.web.resources.taxonomy import TYPE_FIELDS, VOCABULARIES, EntryType, UseCaseStatus

DETAIL_LABELS: dict[str, Any] = {
    "venue": _("Venue (journal, conference, publisher)"),
    "agency_name": _("Agency that shared it"),
    "status": _("Status"),
    "outcome": _("Outcome"),
    "lessons": _("Lessons learned"),
    "vendor": _("Vendor or developer"),
    "capability": _("Capability"),
    "deployment_model": _("Deployment model"),
    "known_evaluations": _("Known evaluations"),
    "tool": _("Tool evaluated"),
    "method": _("Method"),
    "metrics": _("Metrics"),
    "results": _("Results"),
    "issuer": _("Issuer"),
    "jurisdiction": _("Jurisdiction"),
    "binding": _("Legally binding"),
    "what_happened": _("What happened"),
    "who_was_harmed": _("Who was harmed"),
    "sources": _("Sources"),
    "provider": _("Provider"),
    "format": _("Format"),
    "duration": _("Duration"),
    "publisher": _("Publisher"),
    "licence": _("Licence"),
    "size": _("Size"),
}
LONG_DETAILS = {"outcome", "lessons", "results", "what_happened", "who_was_harmed", "method"}
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ar", "العربية"),
    ("de", "Deutsch"),
    ("pt", "Português"),
    ("nl", "Nederlands"),
    ("it", "Italiano"),
    ("other", _("Other")),
]
DOI = re.compile(r"^10\.\d{4,9}/\S+$")


def _split(value: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}]", value) if part.strip()]


class EntryForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=EntryType.choices)
    title = forms.CharField(label=_("Title"), max_length=400)
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        help_text=_("In your own words: what it is, what it found or did, why it matters."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES, initial="en")
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100, required=False)
    authors = forms.CharField(
        label=_("Authors"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, or separated by semicolons."),
    )
    url = forms.URLField(label=_("Link"), required=False, max_length=600, assume_scheme="https")
    doi = forms.CharField(label=_("DOI"), required=False, max_length=200)
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", "—"), *((c.code, c.name) for c in MemberCountries())],
        required=False,
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    visibility = forms.ChoiceField(
        label=_("Who may see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for vocabulary, choices in VOCABULARIES.items():
            self.fields[f"terms_{vocabulary}"] = forms.MultipleChoiceField(
                label=choices.__name__,
                choices=choices.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["terms_function"].label = _("Policing function")
        self.fields["terms_technology"].label = _("Technology")
        self.fields["terms_lifecycle"].label = _("Life-cycle stage")
        self.fields["terms_principle"].label = _("Principle or risk")
        for name, label in DETAIL_LABELS.items():
            if name == "binding":
                self.fields[f"detail_{name}"] = forms.BooleanField(label=label, required=False)
            elif name == "status":
                self.fields[f"detail_{name}"] = forms.ChoiceField(
                    label=label, choices=[("", "—"), *UseCaseStatus.choices], required=False
                )
            else:
                self.fields[f"detail_{name}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 3}) if name in LONG_DETAILS else None,
                )

    def clean_doi(self) -> str:
        doi = str(self.cleaned_data.get("doi") or "").strip()
        doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
        if doi and not DOI.match(doi):
            raise forms.ValidationError(
                _("A DOI looks like 10.1234/abc (got “%(doi)s”).") % {"doi": doi}
            )
        return doi

    def clean_authors(self) -> list[str]:
        return _split(str(self.cleaned_data.get("authors") or ""), "\n;")[:100]

    def clean_tags(self) -> list[str]:
        return [t.lower() for t in _split(str(self.cleaned_data.get("tags") or ""), ",;\n")][:20]

    def details(self) -> dict[str, Any]:
        """The type-specific fields of the chosen type (others are dropped)."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in TYPE_FIELDS.get(data["type"], []):
            value = data.get(f"detail_{name}")
            if name == "binding":
                out[name] = bool(value)
            elif value:
                out[name] = value
        return out

    def terms(self) -> dict[str, list[str]]:
        return {v: list(self.cleaned_data.get(f"terms_{v}") or []) for v in VOCABULARIES}

    @classmethod
    def initial_from(cls, entry: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "type": entry.type,
            "title": entry.title,
            "summary": entry.summary,
            "language": entry.language,
            "year": entry.year,
            "authors": "\n".join(entry.authors),
            "url": entry.url,
            "doi": entry.doi,
            "country": entry.country.code or "",
            "tags": ", ".join(entry.tags),
            "visibility": entry.visibility,
        }
        for term in entry.terms.all():
            initial.setdefault(f"terms_{term.vocabulary}", []).append(term.code)
        for name, value in entry.details.items():
            initial[f"detail_{name}"] = value
        return initial


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve and publish")),
            ("request_changes", _("Ask for changes")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the submitter"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you ask for changes or reject."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in {"request_changes", "reject"} and not data.get("note"):
            self.add_error("note", _("Say what should change, or why it is rejected."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, JSON, BibTeX (.bib) or RIS (.ris), up to 5 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB; split it."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".json", ".bib", ".ris")):
            raise forms.ValidationError(
                _("Use a .csv, .json, .bib or .ris file (got “%(name)s”).") % {"name": upload.name}
            )
        return upload
