"""Round-trip TOML edits keep every comment and all untouched text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from fivesafes.adapters.files.toml_edit import TomlEditError, edit_file, edit_text, get_in

SAMPLE = """#:schema ./x.schema.json
# A leading comment
[project]
# about the title
title = "Old"  # trailing comment
start-date = 2026-01-01

[[project.identifiers]]
name = "code"   # keep me
value = "A-1"

[requester.affiliation]
ror = "https://ror.org/027m9bs27"
"""


def test_values_change_and_everything_else_stays() -> None:
    out = edit_text(SAMPLE, [
        (("project", "title"), "New title"),
        (("project", "identifiers", 0, "value"), "B-2"),
        (("requester", "affiliation", "name"), "Uni"),
    ])
    data = tomllib.loads(out)
    assert data["project"]["title"] == "New title"
    assert data["project"]["identifiers"][0]["value"] == "B-2"
    assert data["requester"]["affiliation"]["name"] == "Uni"
    assert 'title = "New title"  # trailing comment' in out
    assert 'name = "code"   # keep me' in out
    for line in SAMPLE.splitlines():
        if line.startswith("#") or line in ("[project]", 'start-date = 2026-01-01'):
            assert line in out.splitlines()


def test_a_missing_table_is_created() -> None:
    out = edit_text("a = 1\n", [(("new", "key"), "v")])
    assert tomllib.loads(out) == {"a": 1, "new": {"key": "v"}}


def test_bad_index_is_an_error() -> None:
    with pytest.raises(TomlEditError):
        edit_text(SAMPLE, [(("project", "identifiers", 3, "value"), "x")])


def test_edit_file_is_atomic_and_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(SAMPLE)
    edit_file(path, [(("project", "title"), "Old")])
    assert path.read_text() == SAMPLE
    edit_file(path, [(("project", "title"), "New")])
    assert get_in(tomllib.loads(path.read_text()), ("project", "title")) == "New"
    assert [p.name for p in tmp_path.iterdir()] == ["p.toml"]
