"""Build the in-memory instrument from validated data; translations checked on the way."""

from __future__ import annotations

from typing import Any

from railab.toolkit._diagnostics import Checker
from railab.toolkit._model import (
    Escalation,
    Instrument,
    Level,
    Migration,
    Mitigation,
    Option,
    Principle,
    Question,
    Recommendation,
    Requirement,
    RiskMatrix,
    Section,
    Text,
)
from railab.toolkit._yaml import Path, YamlDocument

__all__ = ["DEFAULT_MEDIA_TYPES", "YES_NO_UNKNOWN", "Builder"]

YES_NO_UNKNOWN: dict[str, Text] = {
    "yes": Text({"en": "Yes", "fr": "Oui", "es": "Sí", "ar": "نعم"}),
    "no": Text({"en": "No", "fr": "Non", "es": "No", "ar": "لا"}),
    "unknown": Text({"en": "Unknown", "fr": "Inconnu", "es": "Se desconoce", "ar": "غير معروف"}),
}
DEFAULT_YNU_SCORES: dict[str, float | None] = {"yes": 1.0, "no": 0.0, "unknown": 0.0}


def _text(raw: Any) -> Text:
    return Text({"en": raw}) if isinstance(raw, str) else Text(dict(raw))


class Builder:
    def __init__(self, doc: YamlDocument, checker: Checker) -> None:
        self.doc = doc
        self.c = checker
        self.data: dict[str, Any] = doc.data
        self.languages: tuple[str, ...] = tuple(self.data["languages"])
        self.option_sets: dict[str, Any] = self.data.get("option_sets", {})
        self.ids: dict[str, Path] = {}

    def text(self, raw: Any, path: Path) -> Text:
        text = _text(raw)
        missing = [lang for lang in self.languages if not text.values.get(lang)]
        if missing:
            english = text.values["en"]
            shown = english if len(english) <= 40 else english[:37] + "..."
            self.c.add(
                path,
                f"is not translated into {', '.join(missing)} ({shown!r}); "
                f"add {', '.join(f'{m}: ...' for m in missing)}",
            )
        return text

    def opt_text(self, raw: Any, path: Path) -> Text | None:
        return None if raw is None else self.text(raw, path)

    def unique(self, ident: str, path: Path) -> None:
        first = self.ids.get(ident)
        if first is not None:
            line = self.doc.line(first)
            self.c.add((*path, "id"), f"{ident!r} is used twice (also on line {line}); rename one")
        else:
            self.ids[ident] = (*path, "id")

    def options(self, raw: Any, path: Path) -> tuple[Option, ...]:
        base = path
        if isinstance(raw, str):
            if raw not in self.option_sets:
                known = ", ".join(sorted(self.option_sets)) or "none defined"
                self.c.add(path, f"names option set {raw!r}, which does not exist ({known})")
                return ()
            base = ("option_sets", raw)
            raw = self.option_sets[raw]
        out: list[Option] = []
        seen: set[str] = set()
        for i, o in enumerate(raw):
            p = (*base, i)
            if o["value"] in seen:
                self.c.add((*p, "value"), f"{o['value']!r} is used twice; option values are unique")
            seen.add(o["value"])
            score = o.get("score")
            out.append(
                Option(
                    value=o["value"],
                    label=self.text(o["label"], (*p, "label")),
                    score=None if score is None else float(score),
                    help=self.opt_text(o.get("help"), (*p, "help")),
                    exclusive=bool(o.get("exclusive", False)),
                )
            )
        return tuple(out)

    def question(self, raw: dict[str, Any], path: Path, section: str, index: int) -> Question:
        qtype = raw["type"]
        options: tuple[Option, ...] = ()
        if qtype in ("single_choice", "multiple_choice"):
            options = self.options(raw["options"], (*path, "options"))
        elif "options" in raw:
            self.c.add((*path, "options"), f"is only for choice questions, not {qtype}")
        if qtype == "yes_no_unknown":
            scores = {**DEFAULT_YNU_SCORES, **raw.get("scores", {})}
            options = tuple(
                Option(value=v, label=t, score=None if scores[v] is None else float(scores[v]))
                for v, t in YES_NO_UNKNOWN.items()
            )
        elif "scores" in raw:
            self.c.add((*path, "scores"), "is only for yes_no_unknown questions")
        for i, o in enumerate(options):
            if o.exclusive and qtype != "multiple_choice":
                self.c.add((*path, "options", i, "exclusive"), "is only for multiple choice")
        scale = raw.get("scale", {})
        if scale and scale["min"] >= scale["max"]:
            self.c.add((*path, "scale"), f"min ({scale['min']}) must be below max ({scale['max']})")
        lo, hi = raw.get("min"), raw.get("max")
        if lo is not None and hi is not None and lo > hi:
            self.c.add((*path, "min"), f"({lo}) must not be above max ({hi})")
        columns: list[Question] = []
        col_ids: set[str] = set()
        for i, col in enumerate(raw.get("columns", [])):
            if col["id"] in col_ids:
                self.c.add((*path, "columns", i, "id"), f"{col['id']!r} is used twice")
            col_ids.add(col["id"])
            columns.append(self.question(col, (*path, "columns", i), section, index))
        mitigations: list[Mitigation] = []
        for i, m in enumerate(raw.get("mitigations", [])):
            mp = (*path, "mitigations", i)
            self.unique(f"{raw['id']}.{m['id']}", mp)
            mitigations.append(
                Mitigation(
                    id=m["id"],
                    label=self.text(m["label"], (*mp, "label")),
                    likelihood=int(m["reduces"].get("likelihood", 0)),
                    impact=int(m["reduces"].get("impact", 0)),
                    when=m.get("when"),
                )
            )
        if mitigations and qtype != "risk":
            self.c.add((*path, "mitigations"), "is only for risk questions")
        prefill = raw.get("prefill_from")
        return Question(
            id=raw["id"],
            type=qtype,
            title=self.text(raw["title"], (*path, "title")),
            section=section,
            index=index,
            help=self.opt_text(raw.get("help"), (*path, "help")),
            required=bool(raw.get("required", True)),
            weight=float(raw.get("weight", 1.0)),
            principles=tuple(raw.get("principles", ())),
            show_if=raw.get("show_if"),
            options=options,
            max_score=raw.get("max_score"),
            scale_min=int(scale.get("min", 0)),
            scale_max=int(scale.get("max", 0)),
            min_label=self.opt_text(scale.get("min_label"), (*path, "scale", "min_label")),
            max_label=self.opt_text(scale.get("max_label"), (*path, "scale", "max_label")),
            reverse=bool(scale.get("reverse", False)),
            min=lo,
            max=hi,
            max_length=raw.get("max_length"),
            columns=tuple(columns),
            min_rows=int(raw.get("min_rows", 0)),
            max_rows=raw.get("max_rows"),
            media_types=tuple(raw.get("media_types", DEFAULT_MEDIA_TYPES)),
            max_size_mb=float(raw.get("max_size_mb", 20.0)),
            max_files=int(raw.get("max_files", 10)),
            mitigations=tuple(mitigations),
            prefill_from=(prefill["instrument"], prefill["question"]) if prefill else None,
        )

    def build(self, source: str) -> Instrument:
        d = self.data
        principles = []
        for i, p in enumerate(d.get("principles", [])):
            path: Path = ("principles", i)
            self.unique(p["id"], path)
            principles.append(
                Principle(
                    id=p["id"],
                    title=self.text(p["title"], (*path, "title")),
                    description=self.opt_text(p.get("description"), (*path, "description")),
                )
            )
        sections = []
        index = 0
        for i, s in enumerate(d["sections"]):
            spath: Path = ("sections", i)
            self.unique(s["id"], spath)
            questions = []
            for j, q in enumerate(s["questions"]):
                qpath: Path = (*spath, "questions", j)
                self.unique(q["id"], qpath)
                questions.append(self.question(q, qpath, s["id"], index))
                index += 1
            sections.append(
                Section(
                    id=s["id"],
                    title=self.text(s["title"], (*spath, "title")),
                    description=self.opt_text(s.get("description"), (*spath, "description")),
                    principles=tuple(s.get("principles", ())),
                    weight=float(s.get("weight", 1.0)),
                    show_if=s.get("show_if"),
                    questions=tuple(questions),
                )
            )
        matrix = None
        if "risk_matrix" in d:
            m = d["risk_matrix"]
            cells = m.get("cells")
            matrix = RiskMatrix(
                likelihood=tuple(
                    self.text(t, ("risk_matrix", "likelihood", i))
                    for i, t in enumerate(m["likelihood"])
                ),
                impact=tuple(
                    self.text(t, ("risk_matrix", "impact", i)) for i, t in enumerate(m["impact"])
                ),
                cells=tuple(tuple(row) for row in cells) if cells is not None else None,
            )
        levels_raw = d.get("levels", {})
        levels = []
        for i, lv in enumerate(levels_raw.get("items", [])):
            lpath: Path = ("levels", "items", i)
            self.unique(lv["id"], lpath)
            levels.append(
                Level(
                    id=lv["id"],
                    label=self.text(lv["label"], (*lpath, "label")),
                    colour=lv["colour"],
                    min=float(lv["min"]),
                    description=self.opt_text(lv.get("description"), (*lpath, "description")),
                )
            )
        escalations = []
        for i, e in enumerate(levels_raw.get("escalations", [])):
            epath: Path = ("levels", "escalations", i)
            ident = e.get("id", f"escalation_{i + 1}")
            self.unique(ident, epath)
            escalations.append(
                Escalation(
                    id=ident,
                    when=e["when"],
                    level=e["level"],
                    reason=self.text(e["reason"], (*epath, "reason")),
                )
            )
        recommendations = []
        for i, r in enumerate(d.get("recommendations", [])):
            rpath: Path = ("recommendations", i)
            self.unique(r["id"], rpath)
            recommendations.append(
                Recommendation(
                    id=r["id"],
                    when=r["when"],
                    text=self.text(r["text"], (*rpath, "text")),
                    priority=r.get("priority", "medium"),
                    section=r.get("section"),
                )
            )
        requirements = []
        for i, r in enumerate(d.get("requirements", [])):
            rpath = ("requirements", i)
            self.unique(r["id"], rpath)
            requirements.append(
                Requirement(
                    id=r["id"],
                    levels=tuple(r["levels"]),
                    when=r.get("when"),
                    text=self.text(r["text"], (*rpath, "text")),
                )
            )
        migrations = [
            Migration(
                from_version=m["from"],
                to_version=m["to"],
                renamed=dict(m.get("renamed", {})),
                split={k: tuple(v) for k, v in m.get("split", {}).items()},
                removed=tuple(m.get("removed", ())),
                values={k: dict(v) for k, v in m.get("values", {}).items()},
            )
            for m in d.get("migrations", [])
        ]
        basis = levels_raw.get("basis", "score")
        scoring = d.get("scoring", {})
        return Instrument(
            id=d["id"],
            version=d["version"],
            title=self.text(d["title"], ("title",)),
            description=self.opt_text(d.get("description"), ("description",)),
            subject=d.get("subject"),
            languages=self.languages,
            principles=tuple(principles),
            sections=tuple(sections),
            method=scoring.get("method", "weighted_average"),
            weakest=int(scoring.get("weakest", 3)),
            risk_matrix=matrix,
            levels=tuple(levels),
            level_basis=basis,
            higher_is_better=levels_raw.get("higher_is", "better" if basis == "score" else "worse")
            == "better",
            escalations=tuple(escalations),
            recommendations=tuple(recommendations),
            requirements=tuple(requirements),
            migrations=tuple(migrations),
            source=source,
            raw=d,
        )


DEFAULT_MEDIA_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
)
