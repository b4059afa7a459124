"""A small fixed corpus for relevance tests (titles are real documents; text is ours)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from railab.web.core.tenancy import Visibility
from railab.web.resources.models import Entry, EntryStatus
from railab.web.resources.services import _set_terms
from tests.conftest import World

CORPUS = [
    (
        "frvt",
        "research",
        "Face Recognition Vendor Test Part 3: Demographic Effects",
        "Measured false match and false non-match rates of many face recognition algorithms "
        "across age, sex and race; differentials were large for some algorithms.",
        ["face_recognition"],
        ["fairness"],
        "US",
        2019,
        "en",
    ),
    (
        "gender-shades",
        "research",
        "Gender Shades: Intersectional Accuracy Disparities",
        "Commercial gender classification systems erred far more often on darker-skinned women "
        "than on lighter-skinned men.",
        ["face_recognition"],
        ["fairness"],
        "US",
        2018,
        "en",
    ),
    (
        "machine-bias",
        "research",
        "Machine Bias",
        "A journalistic analysis of a recidivism risk scoring tool reporting unequal false "
        "positive rates between Black and white defendants.",
        ["risk_scoring"],
        ["fairness"],
        "US",
        2016,
        "en",
    ),
    (
        "bridges",
        "guidance",
        "R (Bridges) v Chief Constable of South Wales Police",
        "The Court of Appeal found the force's use of live facial recognition unlawful: "
        "too much discretion, a deficient data protection impact assessment and no check of "
        "the software for bias.",
        ["face_recognition"],
        ["legitimacy"],
        "GB",
        2020,
        "en",
    ),
    (
        "ai-act",
        "guidance",
        "Regulation (EU) 2024/1689 (Artificial Intelligence Act)",
        "The European Union's law on artificial intelligence classifies systems by risk and "
        "sets obligations for high-risk uses, including many law-enforcement applications.",
        ["predictive"],
        ["governance"],
        "",
        2024,
        "en",
    ),
    (
        "williams",
        "incident",
        "Wrongful arrest of Robert Williams in Detroit",
        "A man was arrested after a face recognition search returned him as a candidate; "
        "the investigation relied on the match without sufficient corroboration.",
        ["face_recognition"],
        ["human_autonomy"],
        "US",
        2020,
        "en",
    ),
    (
        "cnil",
        "guidance",
        "Reconnaissance faciale : pour un débat à la hauteur des enjeux",
        "La CNIL présente les enjeux de la reconnaissance faciale et appelle à fixer des "
        "lignes rouges avant tout déploiement.",
        ["face_recognition"],
        ["privacy"],
        "FR",
        2019,
        "fr",
    ),
    (
        "lum-isaac",
        "research",
        "To predict and serve?",
        "A simulation showing that a predictive policing algorithm trained on recorded drug "
        "crimes would concentrate patrols in neighbourhoods already heavily policed.",
        ["predictive"],
        ["fairness"],
        "US",
        2016,
        "en",
    ),
    (
        "deepfake",
        "dataset",
        "FaceForensics++",
        "A benchmark of manipulated facial videos used to train and evaluate detectors of "
        "deepfakes and other facial manipulations.",
        ["deepfake_detection"],
        ["robustness"],
        "DE",
        2019,
        "en",
    ),
    (
        "aml",
        "use_case",
        "Transaction monitoring for money laundering alerts",
        "An anomaly detection system ranks bank transactions for review by financial "
        "intelligence analysts.",
        ["anomaly_detection"],
        ["human_autonomy"],
        "NL",
        2021,
        "en",
    ),
]


def make_entry(key: str, **overrides: object) -> Entry:
    spec = next(c for c in CORPUS if c[0] == key)
    _, type_, title, summary, tech, principle, country, year, lang = spec
    fields: dict[str, object] = {
        "source_key": f"test:{key}",
        "type": type_,
        "title": title,
        "summary": summary,
        "country": country,
        "year": year,
        "language": lang,
        "status": EntryStatus.APPROVED,
        "visibility": Visibility.PUBLIC,
        "authors": ["Test Author"],
        "tags": [key],
        "published_at": timezone.now(),
    }
    fields.update(overrides)
    entry = Entry.objects.create(**fields)
    _set_terms(entry, {"technology": list(tech), "principle": list(principle)})
    return entry


@pytest.fixture
def corpus(world: World) -> dict[str, Entry]:
    return {key: make_entry(key) for key, *_ in CORPUS}
