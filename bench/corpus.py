"""A generator of realistic synthetic assets for the search benchmark.

Text is drawn from real Spanish word frequencies (the ``wordfreq`` package),
so frequent, mid-frequency and rare words have the document frequencies they
would have in a real archive: titles of about 7 words, descriptions of about
35, one to five tags from a list of 300, 40 agencies, a few thousand events,
photographers with accented surnames, and the kind/year/status mix of a
communication office. The same seed always gives the same corpus.
"""

from __future__ import annotations

import os
import pickle
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from search_index import AssetDocument
from search_index.analysis import SPANISH_STOP_WORDS, fold

__all__ = ["Vocabulary", "cached", "generate", "tag_pool", "vocabulary"]

_AGENCY_NAMES = [
    "Secretaría de Salud",
    "Secretaría de Educación",
    "Secretaría de Gobierno",
    "Secretaría de Hacienda",
    "Secretaría de Obras Públicas",
    "Secretaría de Cultura",
    "Secretaría de Turismo",
    "Secretaría de Seguridad",
    "Secretaría de Desarrollo Social",
    "Secretaría de Medio Ambiente",
    "Secretaría de Movilidad",
    "Secretaría de Economía",
    "Secretaría de Trabajo",
    "Secretaría de las Mujeres",
    "Secretaría de Vivienda",
    "Secretaría de Agricultura",
    "Secretaría de Energía",
    "Secretaría de la Juventud",
    "Secretaría del Deporte",
    "Secretaría de Ciencia y Tecnología",
    "Instituto del Agua",
    "Instituto de Vivienda",
    "Instituto de Cultura",
    "Instituto del Deporte",
    "Instituto de la Mujer",
    "Instituto de Transparencia",
    "Protección Civil",
    "Dirección de Comunicación Social",
    "Oficina de Imagen Institucional",
    "Coordinación de Comunicación",
    "Procuraduría Ambiental",
    "Fiscalía General",
    "Contraloría General",
    "Registro Civil",
    "Catastro Municipal",
    "Bomberos",
    "Policía Municipal",
    "Hospital General",
    "Universidad Pública",
    "Biblioteca Central",
]
_FIRST = [
    "José",
    "María",
    "Juan",
    "Ana",
    "Luis",
    "Sofía",
    "Carlos",
    "Lucía",
    "Jorge",
    "Valentina",
    "Andrés",
    "Camila",
    "Raúl",
    "Inés",
    "Óscar",
    "Mónica",
    "Iván",
    "Verónica",
    "Julián",
    "Renée",
]
_LAST = [
    "Pérez",
    "González",
    "Rodríguez",
    "Hernández",
    "López",
    "Martínez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Flores",
    "Gómez",
    "Díaz",
    "Núñez",
    "Muñoz",
    "Jiménez",
    "Álvarez",
    "Romero",
    "Castañeda",
    "Ordóñez",
    "Peña",
    "Cortés",
    "Ibáñez",
    "Méndez",
    "Vázquez",
    "Herrera",
    "Ruiz",
    "Domínguez",
    "Ortiz",
    "Chávez",
    "Morales",
]
_KINDS = (("image", 0.70), ("document", 0.10), ("vector", 0.08), ("video", 0.08), ("audio", 0.04))
_ORIENT = (("horizontal", 0.6), ("vertical", 0.3), ("square", 0.1))
_COMPLIANCE = (("pass", 0.5), ("warn", 0.15), ("fail", 0.1), ("unchecked", 0.25))
_STATUS = (("approved", 0.55), ("draft", 0.2), ("in_review", 0.15), ("archived", 0.1))
_WORD = re.compile(r"^[a-záéíóúüñ]+$")


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@dataclass(frozen=True)
class Vocabulary:
    """Spanish words with their relative frequencies, most frequent first."""

    words: list[str]
    probabilities: np.ndarray

    def content_words(self) -> list[str]:
        """Words that survive the stop-word filter, most frequent first."""
        return [w for w in self.words if fold(w) not in SPANISH_STOP_WORDS and len(w) > 2]


def vocabulary(size: int = 20_000) -> Vocabulary:
    """The ``size`` most frequent Spanish words (letters only) and their frequencies."""
    from wordfreq import top_n_list, word_frequency

    words = [w for w in top_n_list("es", size) if _WORD.match(w)]
    freqs = np.array([word_frequency(w, "es") for w in words], dtype=np.float64)
    return Vocabulary(words, freqs / freqs.sum())


def tag_pool(vocab: Vocabulary) -> list[str]:
    """The 300 tags assets draw from, most used first."""
    return [w for w in vocab.content_words()[300:3000] if len(w) >= 5][:300]


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...], n: int) -> list[str]:
    names = [name for name, _ in table]
    weights = np.array([w for _, w in table])
    return [names[i] for i in rng.choice(len(names), size=n, p=weights / weights.sum())]


def _sentences(rng: np.random.Generator, vocab: Vocabulary, n: int, mean: int) -> list[str]:
    lengths = np.clip(rng.poisson(mean, size=n), 2, None)
    flat = rng.choice(len(vocab.words), size=int(lengths.sum()), p=vocab.probabilities)
    out, start = [], 0
    for length in lengths:
        chunk = [vocab.words[i] for i in flat[start : start + length]]
        start += length
        out.append(" ".join(chunk).capitalize())
    return out


def generate(n: int, seed: int = 7, vocab: Vocabulary | None = None) -> Iterator[AssetDocument]:
    """Yield ``n`` assets; ids run from 1 to ``n``."""
    rng = np.random.default_rng(seed)
    vocab = vocab or vocabulary()
    pool = tag_pool(vocab)
    tag_weights = 1.0 / np.arange(1, len(pool) + 1) ** 0.8
    tag_weights /= tag_weights.sum()
    agencies = [slug(a) for a in _AGENCY_NAMES]
    events = [e + f" {2012 + i % 14}" for i, e in enumerate(_sentences(rng, vocab, 3000, 4))]
    collections = _sentences(rng, vocab, 150, 3)
    people = [f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {rng.choice(_LAST)}" for _ in range(200)]

    batch = 5000
    for base in range(0, n, batch):
        m = min(batch, n - base)
        titles = _sentences(rng, vocab, m, 7)
        descriptions = _sentences(rng, vocab, m, 35)
        kinds = _pick(rng, _KINDS, m)
        orientations = _pick(rng, _ORIENT, m)
        compliance = _pick(rng, _COMPLIANCE, m)
        statuses = _pick(rng, _STATUS, m)
        years = rng.integers(2012, 2026, size=m)
        seconds = rng.integers(0, 365 * 86400, size=m)
        for i in range(m):
            doc_id = base + i + 1
            kind = kinds[i]
            year = int(years[i])
            created = datetime(year, 1, 1, tzinfo=UTC).timestamp() + int(seconds[i])
            ntags = int(rng.integers(1, 6))
            tags = tuple(
                dict.fromkeys(pool[j] for j in rng.choice(len(pool), size=ntags, p=tag_weights))
            )
            has_event = kind in ("image", "video") and rng.random() < 0.8
            ext = {
                "image": "JPG",
                "vector": "svg",
                "video": "mp4",
                "audio": "mp3",
                "document": "pdf",
            }[kind]
            yield AssetDocument(
                id=doc_id,
                title=titles[i],
                description=descriptions[i],
                tags=tags,
                credit=people[int(rng.integers(len(people)))] if kind != "document" else "",
                caption=titles[i] if kind == "image" and rng.random() < 0.3 else "",
                keywords=tags[:2],
                event=events[int(rng.integers(len(events)))] if has_event else "",
                collections=(collections[int(rng.integers(len(collections)))],)
                if rng.random() < 0.3
                else (),
                filename=f"IMG_{doc_id:06d}.{ext}",
                kind=kind,
                agency=agencies[int(rng.integers(len(agencies)))],
                year=year,
                orientation=orientations[i] if kind in ("image", "video", "vector") else None,
                compliance=compliance[i],
                status=statuses[i],
                public=bool(rng.random() < 0.4),
                created_at=datetime.fromtimestamp(created, UTC),
                captured_at=datetime.fromtimestamp(created - 3600, UTC)
                if kind in ("image", "video")
                else None,
            )


def cached(n: int, cache: Path, vocab: Vocabulary | None = None) -> Iterator[AssetDocument]:
    """The corpus of :func:`generate` for ``n``, written once under ``cache`` and read back after.

    The file holds pickled lists of 5,000 documents each (a million documents
    take minutes to generate and a few seconds to read). It is written to a
    temporary name and renamed when complete, so an interrupted run leaves
    nothing that looks finished.
    """
    path = cache / f"corpus-{n}.pickle"
    if path.exists():
        with open(path, "rb") as fh:
            while True:
                try:
                    yield from pickle.load(fh)
                except EOFError:
                    return
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    batch: list[AssetDocument] = []
    with open(tmp, "wb") as fh:
        for doc in generate(n, vocab=vocab):
            batch.append(doc)
            if len(batch) == 5000:
                pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
                yield from batch
                batch = []
        if batch:
            pickle.dump(batch, fh, protocol=pickle.HIGHEST_PROTOCOL)
            yield from batch
    os.replace(tmp, path)


if __name__ == "__main__":
    # python -m bench.corpus 1000000: generate and cache a corpus ahead of a benchmark.
    import sys
    import time

    size = int(sys.argv[1])
    started = time.perf_counter()
    count = sum(1 for _ in cached(size, Path(__file__).resolve().parent / ".cache"))
    print(f"{count} documents cached in {time.perf_counter() - started:.0f} s")
