"""The key-path locator and the single-value checks."""

from __future__ import annotations

import string
import tomllib

import pytest
import tomlkit
from hypothesis import given, settings
from hypothesis import strategies as st

from fivesafes.core.request import values as checks
from fivesafes.core.request.secret_scan import credential_kind, looks_secret_key
from fivesafes.core.request.toml_locate import duplicates, index, line_of, locate

DOC = '''# comment
title = "x"
[dataset]
name = "patients"
description = """
several
lines"""
"quoted key".inner = 1

[[dataset.tables]]
name = "first"
columns = [
  { name = "a", datatype = "INTEGER" },
  { name = "b" },  # comment, with a comma
]

[[dataset.tables]]
name = "second"
tags = [{ column = "a", op = "in", value = [1, 2, [3]] }]

[[dataset.tables.filters]]
column = "b"
'''


@pytest.mark.parametrize(("path", "line"), [
    (("title",), 2),
    (("dataset",), 3),
    (("dataset", "description"), 5),
    (("dataset", "quoted key", "inner"), 8),
    (("dataset", "tables", 0, "name"), 11),
    (("dataset", "tables", 0, "columns", 1, "name"), 14),
    (("dataset", "tables", 0, "columns", 1), 14),
    (("dataset", "tables", 1, "name"), 18),
    (("dataset", "tables", 1, "tags", 0, "op"), 19),
    (("dataset", "tables", 1, "tags", 0, "value", 2, 0), 19),
    (("dataset", "tables", 1, "filters", 0, "column"), 22),
    (("dataset", "tables", 1, "filters", 0), 21),
    (("dataset", "tables", 0, "columns", 7, "name"), 12),
    (("nowhere",), 1),
])
def test_lines_of_key_paths(path: tuple[str | int, ...], line: int) -> None:
    assert line_of(DOC, path) == line


def test_sample_is_valid_toml() -> None:
    assert tomllib.loads(DOC)["dataset"]["tables"][1]["filters"] == [{"column": "b"}]


def test_columns_are_one_based() -> None:
    assert locate(DOC, ("dataset", "tables", 0, "columns", 1, "name")) == (14, 5)


def test_broken_text_maps_what_it_can() -> None:
    found = index('a = 1\nb = "unclosed\nc = 3\n')
    assert found[("a",)] == (1, 1)


def test_duplicates_are_found() -> None:
    assert duplicates("[x]\ny = 1\ny = 2\n") == [(("x", "y"), (3, 1))]


KEYS = st.text(alphabet=string.ascii_lowercase + "-_", min_size=1, max_size=8)
SCALARS = st.one_of(st.integers(), st.booleans(), st.text(max_size=12))
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(KEYS, inner, min_size=1, max_size=3)),
    max_leaves=12,
)


def _paths(data: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=4))
def test_every_path_of_generated_documents_is_found(data: dict[str, object]) -> None:
    text = tomlkit.dumps(data)
    found = index(text)
    for path in _paths(data):
        assert path in found, (path, text)
        line = text.split("\n")[found[path][0] - 1]
        if isinstance(path[-1], str):
            assert path[-1] in line


@pytest.mark.parametrize(("value", "ok"), [
    ("https://orcid.org/0000-0002-1825-0097", True),
    ("0000-0002-1825-0097", True),
    ("0000-0002-1694-233X", True),
    ("0000-0001-9842-9711", False),
    ("http://orcid.org/0000-0002-1825-0097", False),
    ("0000000218250097", False),
])
def test_orcid(value: str, ok: bool) -> None:
    assert (checks.orcid_problem(value) is None) is ok


@pytest.mark.parametrize(("value", "ok"), [
    ("https://ror.org/027m9bs27", True),
    ("https://ror.org/02jx3x895", True),
    ("https://ror.org/027m9bs28", False),
    ("https://ror.org/127m9bs27", False),
    ("https://ror.org/027m9bi27", False),
    ("027m9bs27", False),
])
def test_ror(value: str, ok: bool) -> None:
    assert (checks.ror_problem(value) is None) is ok


def test_email_login_and_https() -> None:
    assert checks.email_problem("a.b+c@example.org") is None
    assert checks.email_problem("a@b") is not None
    assert checks.login_problem("alex-researcher") is None
    assert checks.login_problem("@alex") is not None
    assert checks.https_problem("https://user:pw@example.org/") is not None
    assert checks.is_versioned("https://workflowhub.eu/workflows/1?version=2")
    assert not checks.is_versioned("https://workflowhub.eu/workflows/1")


def test_did_you_mean() -> None:
    assert checks.did_you_mean("titel", ["title", "description"]) == "title"
    assert checks.did_you_mean("start_date", ["start-date", "end-date"]) == "start-date"
    assert checks.did_you_mean("zzz", ["title"]) is None


@pytest.mark.parametrize("value", [
    "ghp_4fR8mK2pQ9xL7vN3tB6yH1cJ5wZ0aE8sD2gU",
    "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS",
    "AKIAIOSFODNN7EXAMPLE",
    "xoxb-1234567890-abcdefghij",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "mysql://root:hunter2@10.0.0.5:3306/db",
    "Server=db;Database=x;User Id=u;Password=hunter2;",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "9f86d081884c7d659a2feaa0c55ad015",
])
def test_credentials_are_recognised(value: str) -> None:
    assert credential_kind(value) is not None


@pytest.mark.parametrize("value", [
    "https://orcid.org/0000-0002-1825-0097",
    "urn:uuid:3b9e4a56-1f0c-4d7e-8a2b-5c6d7e8f9a01",
    "postgresql://alex@db.example.org/cohort",
    "postgresql://alex:${DB_PASSWORD}@db.example.org/cohort",
    "PersonIdentifierHashedV2ColumnName12",
    "SOURCE_DATABASE_URL",
    "Counts of hospital admissions by region",
])
def test_ordinary_values_are_not_credentials(value: str) -> None:
    assert credential_kind(value) is None


def test_secret_key_names() -> None:
    for key in ("password", "api-key", "private_key", "token", "client-secret", "key"):
        assert looks_secret_key(key), key
    for key in ("monkey", "name", "description", "keywords", "sort-key"):
        assert not looks_secret_key(key), key
