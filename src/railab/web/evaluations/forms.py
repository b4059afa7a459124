from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from railab.web.core.tenancy import Visibility
from railab.web.evaluations.models import AuditKind

# Which columns each audit needs (required) and may use (optional).
REQUIRED: dict[str, tuple[str, ...]] = {
    AuditKind.CLASSIFICATION: ("label",),
    AuditKind.TRIAGE: ("label", "score"),
    AuditKind.VERIFICATION: ("score",),
    AuditKind.IDENTIFICATION: ("search", "rank", "score", "mated"),
}
COLUMN_FIELDS = (
    "label",
    "prediction",
    "score",
    "mated",
    "probe_subject",
    "reference_subject",
    "search",
    "rank",
    "mate",
)


def _numbers(text: str, *, integer: bool) -> list[Any]:
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return [int(p) if integer else float(p) for p in parts]
    except ValueError:
        raise forms.ValidationError(
            _("Write numbers separated by commas, e.g. %(example)s")
            % {"example": "1, 10" if integer else "0.3, 0.5"}
        ) from None


class MappingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Audit"), choices=AuditKind.choices)
    system: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("AI system"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("(none for now)"),
    )
    label = forms.ChoiceField(label=gettext_lazy("Ground truth (label)"), required=False)
    prediction = forms.ChoiceField(label=gettext_lazy("Decision (prediction)"), required=False)
    score = forms.ChoiceField(label=gettext_lazy("Score"), required=False)
    mated = forms.ChoiceField(label=gettext_lazy("Genuine or mated flag"), required=False)
    probe_subject = forms.ChoiceField(label=gettext_lazy("Probe subject id"), required=False)
    reference_subject = forms.ChoiceField(
        label=gettext_lazy("Reference subject id"), required=False
    )
    search = forms.ChoiceField(label=gettext_lazy("Search id"), required=False)
    rank = forms.ChoiceField(label=gettext_lazy("Candidate rank"), required=False)
    mate = forms.ChoiceField(label=gettext_lazy("Candidate is the mate"), required=False)
    groups = forms.MultipleChoiceField(
        label=gettext_lazy("Group columns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    intersect = forms.BooleanField(
        label=gettext_lazy("Also audit combinations of groups"), required=False
    )
    positive = forms.CharField(
        label=gettext_lazy("Positive label value"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Only when labels are not 0/1 or true/false."),
    )
    thresholds = forms.CharField(
        label=gettext_lazy("Score thresholds"), required=False, initial="0.5", max_length=200
    )
    capacity = forms.CharField(
        label=gettext_lazy("Review capacities (cases)"),
        required=False,
        initial="100",
        max_length=200,
    )
    ranks = forms.CharField(
        label=gettext_lazy("Ranks"), required=False, initial="1, 10", max_length=200
    )
    target_fmr = forms.CharField(
        label=gettext_lazy("Target false match rates"),
        required=False,
        initial="0.001, 0.0001",
        max_length=200,
    )
    bootstrap = forms.IntegerField(
        label=gettext_lazy("Bootstrap resamples"), min_value=0, max_value=10000, initial=1000
    )

    def __init__(
        self, *args: Any, columns: list[str], systems: QuerySet[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((c, c) for c in columns)]
        for name in COLUMN_FIELDS:
            self.fields[name].choices = choices  # type: ignore[attr-defined]
        self.fields["groups"].choices = [(c, c) for c in columns]  # type: ignore[attr-defined]
        self.fields["system"].queryset = systems  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if not kind:
            return data
        for name in REQUIRED[kind]:
            if not data.get(name):
                self.add_error(name, _("Choose the column for this audit."))
        if kind == AuditKind.CLASSIFICATION and bool(data.get("prediction")) == bool(
            data.get("score")
        ):
            self.add_error("score", _("Choose either a decision column or a score column."))
        has_subjects = bool(data.get("probe_subject") and data.get("reference_subject"))
        if kind == AuditKind.VERIFICATION and not data.get("mated") and not has_subjects:
            self.add_error(
                "mated",
                _("Choose a genuine flag, or both subject id columns (genuine when equal)."),
            )
        for name, integer in (
            ("thresholds", False),
            ("capacity", True),
            ("ranks", True),
            ("target_fmr", False),
        ):
            try:
                data[f"{name}_list"] = _numbers(data.get(name) or "", integer=integer)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        if (
            kind == AuditKind.TRIAGE
            and not data.get("capacity_list")
            and "capacity" not in self.errors
        ):
            self.add_error("capacity", _("Give at least one review capacity, e.g. 100."))
        return data

    def options(self) -> dict[str, Any]:
        """Keyword arguments of the library's audit function."""
        d = self.cleaned_data
        kind = d["kind"]
        groups = list(d.get("groups") or [])
        common: dict[str, Any] = {
            "groups": groups,
            "intersect": bool(d.get("intersect")) and len(groups) > 1,
            "bootstrap": d["bootstrap"],
        }
        cols = {name: d[name] for name in COLUMN_FIELDS if d.get(name)}
        if kind == AuditKind.CLASSIFICATION:
            out = {"label": cols["label"], **common}
            if cols.get("score"):
                out["score"] = cols["score"]
                out["thresholds"] = d["thresholds_list"] or [0.5]
            else:
                out["prediction"] = cols["prediction"]
            if d.get("positive"):
                out["positive"] = d["positive"]
            return out
        if kind == AuditKind.TRIAGE:
            out = {"label": cols["label"], "score": cols["score"], "capacity": d["capacity_list"]}
            if d.get("positive"):
                out["positive"] = d["positive"]
            return {**out, **common}
        if kind == AuditKind.VERIFICATION:
            out = {"score": cols["score"], "thresholds": d["thresholds_list"]}
            for name in ("mated", "probe_subject", "reference_subject"):
                if cols.get(name):
                    out[name] = cols[name]
            if d["target_fmr_list"]:
                out["target_fmr"] = d["target_fmr_list"]
            return {**out, **common}
        out = {
            "search": cols["search"],
            "rank": cols["rank"],
            "score": cols["score"],
            "mated": cols["mated"],
            "ranks": d["ranks_list"] or [1],
            "thresholds": d["thresholds_list"],
        }
        if cols.get("mate"):
            out["mate"] = cols["mate"]
        return {**out, **common}


class ServerFileForm(forms.Form):
    file = forms.ChoiceField(label=gettext_lazy("File on the server"))

    def __init__(self, *args: Any, files: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].choices = files  # type: ignore[attr-defined]


class AttachForm(forms.Form):
    system: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=gettext_lazy("AI system"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("(none)"),
    )

    def __init__(self, *args: Any, systems: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who may see the summary"),
        choices=Visibility.choices,
        initial=Visibility.AGENCY,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=gettext_lazy("Prepared from the results; edit before publishing."),
    )


_ALL = tuple(AuditKind.values)
FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "label": ("classification", "triage"),
    "prediction": ("classification",),
    "score": _ALL,
    "positive": ("classification", "triage"),
    "mated": ("verification", "identification"),
    "probe_subject": ("verification",),
    "reference_subject": ("verification",),
    "search": ("identification",),
    "rank": ("identification",),
    "mate": ("identification",),
    "thresholds": ("classification", "verification", "identification"),
    "capacity": ("triage",),
    "ranks": ("identification",),
    "target_fmr": ("verification",),
    "groups": _ALL,
    "intersect": _ALL,
    "bootstrap": _ALL,
}


def field_layout(form: MappingForm) -> list[tuple[Any, str]]:
    """Each kind-dependent field with the classes that show it for its audits (CSS)."""
    return [
        (form[name], " ".join(f"for-{kind}" for kind in kinds))
        for name, kinds in FIELD_KINDS.items()
    ]
