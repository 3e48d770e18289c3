"""A synthetic SQLite source for the demo and the tests.

Real health data never comes near a demo, so the demo needs a source that looks like one: about
2000 patients across a few regions with hospital admissions. Everything is drawn from a seeded
generator, so every run writes the same rows. One region is deliberately tiny so a count by
region and sex has a cell under the usual disclosure threshold of 10, which gives the
disclosure checks something to show.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from fivesafes.adapters.files import atomic

REGIONS = ("North West", "North East", "Yorkshire", "Midlands", "London", "South West")
SMALL_REGION = "Isles of Scilly"
# The tiny region: (sex, patients); the 6 men make the under-threshold cell.
SMALL_REGION_PATIENTS = (("F", 14), ("M", 6))
DIAGNOSES = ("I20.0", "I21.4", "I25.1", "I48.9", "I50.0", "I63.9", "E11.9", "J44.1")
DEFAULT_SEED = 20260101

SCHEMA = """
CREATE TABLE patients (
    person_id INTEGER PRIMARY KEY,
    birth_year INTEGER NOT NULL,
    sex TEXT NOT NULL,
    region TEXT NOT NULL,
    postcode TEXT
);
CREATE TABLE admissions (
    admission_id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES patients (person_id),
    admission_date TEXT NOT NULL,
    diagnosis_code TEXT NOT NULL
);
"""


def _patients(rng: random.Random, count: int) -> list[tuple[int, int, str, str, str]]:
    rows: list[tuple[int, int, str, str, str]] = []
    person_id = 100000
    for _ in range(count):
        person_id += rng.randint(1, 7)
        birth_year = rng.randint(1925, 2005)
        region = REGIONS[rng.randrange(len(REGIONS))]
        sex = "F" if rng.random() < 0.51 else "M"
        postcode = f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}ZZ"  # ZZ: never a real postcode
        rows.append((person_id, birth_year, sex, region, postcode))
    for sex, small in SMALL_REGION_PATIENTS:
        for _ in range(small):
            person_id += rng.randint(1, 7)
            birth_year = rng.randint(1945, 2000)
            rows.append((person_id, birth_year, sex, SMALL_REGION, "ZZ0 0ZZ"))
    return rows


def _admissions(
    rng: random.Random, patients: list[tuple[int, int, str, str, str]]
) -> list[tuple[int, int, str, str]]:
    rows: list[tuple[int, int, str, str]] = []
    admission_id = 1
    for person_id, *_ in patients:
        for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
            date = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            rows.append((admission_id, person_id, date, rng.choice(DIAGNOSES)))
            admission_id += 1
    return rows


def generate(path: Path, *, seed: int = DEFAULT_SEED, patients: int = 1980) -> dict[str, int]:
    """Write the synthetic source to ``path`` (replaced whole); returns the row count per table."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    patient_rows = _patients(rng, patients)
    admission_rows = _admissions(rng, patient_rows)
    with atomic.atomic_path(path) as tmp:
        connection = sqlite3.connect(tmp)
        try:
            connection.executescript(SCHEMA)
            connection.executemany("INSERT INTO patients VALUES (?, ?, ?, ?, ?)", patient_rows)
            connection.executemany("INSERT INTO admissions VALUES (?, ?, ?, ?)", admission_rows)
            connection.commit()
        finally:
            connection.close()
    return {"patients": len(patient_rows), "admissions": len(admission_rows)}
