"""Resource-bank search latency on 100,000 entries, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/search.py                    # SQLite and PostgreSQL
    .venv/bin/python benchmarks/search.py --engines sqlite --entries 20000

Generates a synthetic corpus (fixed seed) from a vocabulary of policing and AI terms,
loads it through the ORM (so the full-text triggers run as in production), then times
full-text and hybrid searches *with facets*, as the search page runs them, for an
anonymous visitor and for a signed-in agency member (visibility filter). Hybrid search
embeds each query with the real model; the 100,000 stored vectors are random unit
vectors, because vector-search time does not depend on their content and embedding
100,000 texts would dominate the run. Targets (SQLite): full text p95 < 50 ms, hybrid
p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

QUERIES = [
    "face recognition",
    "bias",
    '"risk assessment"',
    "predictive policing -patrol",
    "deepfake detection",
    "transaction monitoring alerts",
    "border biometrics",
    "human oversight",
    "facial",
    "recog",
    "data protection impact",
    "drones type:guidance",
    "accuracy country:FR",
    "child abuse classifier",
    "evaluation demographic",
    "language translation",
    "network analysis",
    "anomaly",
    "transparency register",
    "proportionality necessity",
]
WORDS = [
    "face",
    "recognition",
    "biometric",
    "bias",
    "accuracy",
    "fairness",
    "audit",
    "police",
    "agency",
    "risk",
    "assessment",
    "predictive",
    "policing",
    "patrol",
    "hotspot",
    "deepfake",
    "detection",
    "video",
    "image",
    "classifier",
    "child",
    "abuse",
    "material",
    "transaction",
    "monitoring",
    "money",
    "laundering",
    "alerts",
    "border",
    "migration",
    "speech",
    "language",
    "translation",
    "network",
    "analysis",
    "anomaly",
    "drone",
    "robot",
    "transparency",
    "register",
    "oversight",
    "human",
    "review",
    "evaluation",
    "demographic",
    "differential",
    "false",
    "match",
    "rate",
    "threshold",
    "proportionality",
    "necessity",
    "legality",
    "data",
    "protection",
    "impact",
    "privacy",
    "surveillance",
    "public",
    "order",
    "traffic",
    "licence",
    "plate",
    "forensics",
    "evidence",
    "court",
    "judgment",
    "guidance",
    "policy",
    "law",
    "regulation",
    "ethics",
    "procurement",
    "vendor",
    "pilot",
    "deployment",
    "monitoring",
    "incident",
    "harm",
    "wrongful",
    "arrest",
    "complaint",
]


def _setup(engine: str, workdir: Path) -> None:
    os.environ["RAILAB_DATA_DIR"] = str(workdir)
    os.environ["RAILAB_ENV"] = "local"
    if engine == "postgresql":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS railab_bench")
            c.execute("CREATE DATABASE railab_bench")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/railab_bench"
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "railab.web.config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _vocabulary(rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """Domain words plus 30,000 made-up words, drawn with a Zipf-like law (as in real text,
    a few words are everywhere and most are rare); the domain words sit in the middle
    ranks, so a query matches a realistic 0.5-5 % of the corpus rather than half of it."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vi", "zo", "pe", "da", "shi", "gu"]
    made_up = {"".join(rng.choice(syllables, size=int(rng.integers(2, 5)))) for _ in range(60_000)}
    words = sorted(made_up)[:30_000]
    rng.shuffle(words)
    for i, word in enumerate(WORDS):
        words.insert(40 + i * 7, word)
    ranks = np.arange(1, len(words) + 1, dtype=np.float64)
    weights = 1.0 / ranks**1.05
    return words, weights / weights.sum()


def _load(n: int, rng: np.random.Generator) -> None:
    from django.db import transaction

    from railab.web.accounts.models import Agency, Membership, User
    from railab.web.resources.models import Entry, EntryEmbedding, EntryStatus, Term
    from railab.web.resources.taxonomy import EntryType

    agency = Agency.objects.create(
        slug="bench", name="Bench Police", country="FR", kind="other", verified=True
    )
    user = User.objects.create_user("bench@example.org", "x" * 20, full_name="Bench")
    Membership.objects.create(user=user, agency=agency, role="viewer")
    terms = list(Term.objects.all())
    types = EntryType.values
    countries = ["FR", "GB", "US", "KE", "BR", "IN", "DE", "ES", "MA", "JP"]
    visibilities = ["public"] * 8 + ["law_enforcement", "agency"]
    batch = 5000
    vocabulary, weights = _vocabulary(rng)

    def text(low: int, high: int) -> str:
        size = int(rng.integers(low, high))
        return " ".join(vocabulary[i] for i in rng.choice(len(vocabulary), size=size, p=weights))

    with transaction.atomic():
        for start in range(0, n, batch):
            entries = []
            picks = []
            for _ in range(min(batch, n - start)):
                title = text(4, 10)
                summary = text(40, 90)
                visibility = str(rng.choice(visibilities))
                chosen = [terms[i] for i in rng.choice(len(terms), size=3, replace=False)]
                entries.append(
                    Entry(
                        type=str(rng.choice(types)),
                        title=title.capitalize(),
                        summary=summary.capitalize() + ".",
                        language=str(rng.choice(["en", "en", "en", "fr", "es", "ar"])),
                        year=int(rng.integers(2005, 2026)),
                        country=str(rng.choice(countries)),
                        tags=[str(w) for w in rng.choice(WORDS, size=2)],
                        visibility=visibility,
                        agency=agency if visibility == "agency" else None,
                        status=EntryStatus.APPROVED,
                        term_keys=" ".join(sorted(str(t) for t in chosen)),
                    )
                )
                picks.append(chosen)
            created = Entry.objects.bulk_create(entries)
            through = Entry.terms.through
            links = []
            for entry, chosen_terms in zip(created, picks, strict=True):
                for term in chosen_terms:
                    links.append(through(entry_id=entry.pk, term_id=term.pk))
            through.objects.bulk_create(links, ignore_conflicts=True)
            vectors = rng.standard_normal((len(created), 384)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            EntryEmbedding.objects.bulk_create(
                [
                    EntryEmbedding(
                        entry_id=e.pk, model="all-MiniLM-L6-v2", text_hash="-", vector=v.tobytes()
                    )
                    for e, v in zip(created, vectors, strict=True)
                ]
            )
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
            cursor.execute(
                "INSERT INTO resources_entry_fts(resources_entry_fts) VALUES('optimize')"
            )
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # steady state, as autovacuum keeps it


def _time(fn, repeat: int) -> list[float]:
    fn()  # warm up (model load, caches)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _measure(engine: str, n: int, repeat: int) -> list[tuple[str, str, str, float, float, float]]:
    from django.contrib.auth.models import AnonymousUser

    from railab.web.accounts.models import User
    from railab.web.resources import semantic
    from railab.web.resources.search import search

    member = User.objects.get(email="bench@example.org")
    rows = []
    modes = [("full text", False)]
    if semantic.available():
        modes.append(("hybrid", True))
    for who, user in (("anonymous", AnonymousUser()), ("agency member", member)):
        for mode, use_semantic in modes:
            samples: list[float] = []
            totals = []
            for query in QUERIES:
                result_holder: dict[str, object] = {}

                def run(
                    q: str = query,
                    u: object = user,
                    sem: bool = use_semantic,
                    out: dict[str, object] = result_holder,
                ) -> None:
                    out["r"] = search(user=u, query=q + " ", semantic_search=sem)

                samples += _time(run, repeat)
                totals.append(result_holder["r"].total)  # type: ignore[attr-defined]
            samples.sort()
            p50 = statistics.median(samples)
            p95 = samples[int(0.95 * (len(samples) - 1))]
            rows.append((engine, mode, who, p50, p95, float(np.mean(totals))))
        # Browsing with facets, no text.
        samples = _time(lambda u=user: search(user=u, query=""), repeat * 5)
        samples.sort()
        rows.append(
            (
                engine,
                "browse",
                who,
                statistics.median(samples),
                samples[int(0.95 * (len(samples) - 1))],
                float(n),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if len(args.engines) > 1:
        # Django configures itself once per process: run each engine in a child process.
        import subprocess

        for engine in args.engines:
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--entries",
                    str(args.entries),
                    "--engines",
                    engine,
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
            )
        return
    engine = args.engines[0]
    with tempfile.TemporaryDirectory(prefix="railab-search-bench-") as tmp:
        _setup(engine, Path(tmp))
        rng = np.random.default_rng(20261122)
        start = time.perf_counter()
        _load(args.entries, rng)
        load_s = time.perf_counter() - start
        rows = _measure(engine, args.entries, args.repeat)
    print(
        f"\n{engine}: {args.entries:,} entries loaded in {load_s:.1f} s "
        f"({len(QUERIES)} queries x {args.repeat} runs each, facets included)"
    )
    print("| engine | search | user | p50 | p95 | mean results |")
    print("|---|---|---|---|---|---|")
    for engine_name, mode, who, p50, p95, mean_total in rows:
        print(
            f"| {engine_name} | {mode} | {who} | {p50:.1f} ms | {p95:.1f} ms | {mean_total:,.0f} |"
        )


if __name__ == "__main__":
    main()
