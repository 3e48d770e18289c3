"""Runner I/O (outputs, summary, annotations, run context) and co-author trailers."""

from __future__ import annotations

from pathlib import Path

import pytest

from fivesafes.adapters.github.trailers import co_authors, login_from_email
from fivesafes.adapters.runner.actions import (
    annotation,
    append_summary,
    in_actions,
    run_context,
    write_output,
)
from fivesafes.core.facts.values import CoAuthor


def test_annotation_escapes_what_would_end_it_early() -> None:
    assert annotation("error", "bad value\nsecond line 50%", "resources/a,b.toml", 3,
                      "rule: x") == (
        "::error file=resources/a%2Cb.toml,line=3,title=rule%3A x::bad value%0Asecond line "
        "50%25")
    assert annotation("notice", "plain") == "::notice::plain"


def test_outputs_and_summary(tmp_path: Path) -> None:
    out, summary = tmp_path / "out", tmp_path / "summary"
    env = {"GITHUB_OUTPUT": str(out), "GITHUB_STEP_SUMMARY": str(summary)}
    assert write_output("plan", '{"a": 1}\nsecond', env)
    lines = out.read_text().splitlines()
    assert lines[0].startswith("plan<<fivesafes_")
    assert lines[1:3] == ['{"a": 1}', "second"]
    assert lines[3] == lines[0].split("<<")[1]
    assert append_summary("## one", env)
    assert append_summary("## two\n", env)
    assert summary.read_text() == "## one\n\n## two\n\n"
    assert not write_output("x", "y", {})
    assert not append_summary("x", {})
    with pytest.raises(ValueError):
        write_output("bad name", "y", env)


def test_run_context() -> None:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_SERVER_URL": "https://ghe.example",
           "GITHUB_REPOSITORY": "acme/project", "GITHUB_RUN_ID": "42",
           "GITHUB_RUN_ATTEMPT": "2"}
    run = run_context(env)
    assert (run.run_id, run.run_attempt, run.server_url, run.repository) == (
        "42", 2, "https://ghe.example", "acme/project")
    assert run.run_url == "https://ghe.example/acme/project/actions/runs/42"
    assert in_actions(env)
    assert not in_actions({})
    assert run_context({}).run_url == ""


def test_co_author_trailers() -> None:
    message = ("Add dataset\n\nSome text.\n\nCo-authored-by: Ada L <123+ada@users.noreply."
               "github.com>\nco-authored-by:Bob <bob@example.org>\nCo-Authored-By: Ada L "
               "<123+ada@users.noreply.github.com>\nCo-authored-by: bot "
               "<41898282+github-actions[bot]@users.noreply.github.com>\n")
    assert co_authors(message) == (
        CoAuthor("Ada L", "123+ada@users.noreply.github.com", "ada"),
        CoAuthor("Bob", "bob@example.org", None),
        CoAuthor("bot", "41898282+github-actions[bot]@users.noreply.github.com",
                 "github-actions[bot]"))
    assert co_authors("no trailers") == ()
    assert login_from_email("carol@users.noreply.github.com") == "carol"
    assert login_from_email("carol@example.org") is None
