"""Talking to the GitHub Actions runner: step outputs, the step summary, annotations, and the
run's own context (``GITHUB_RUN_ID`` ...) for evidence and links.

The runner reads workflow commands from stdout and files named by environment variables;
values are escaped the way the runner unescapes them, so a message with a newline or a comma
cannot end an annotation early or inject another command.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from fivesafes.adapters.github.env import server_url_from_env
from fivesafes.core.facts.values import RunContext


def in_actions(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return env.get("GITHUB_ACTIONS") == "true"


def run_context(env: Mapping[str, str] | None = None) -> RunContext:
    """The ``github.*`` context of this run (empty values outside Actions)."""
    env = os.environ if env is None else env
    server = server_url_from_env(env)
    repository = env.get("GITHUB_REPOSITORY", "")
    run_id = env.get("GITHUB_RUN_ID", "")
    attempt = env.get("GITHUB_RUN_ATTEMPT", "1")
    url = f"{server}/{repository}/actions/runs/{run_id}" if run_id and repository else ""
    return RunContext(run_id=run_id, run_attempt=int(attempt) if attempt.isdigit() else 1,
                      run_url=url, server_url=server, repository=repository)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, file: str | None = None, line: int | None = None,
               title: str = "") -> str:
    """``::error file=F,line=L,title=T::message`` with the runner's escaping."""
    props = []
    if file:
        props.append(f"file={_escape_property(file)}")
    if line:
        props.append(f"line={int(line)}")
    if title:
        props.append(f"title={_escape_property(title)}")
    head = f"::{level}" + (" " + ",".join(props) if props else "")
    return f"{head}::{_escape_data(message)}"


def emit_annotation(level: str, message: str, file: str | None = None, line: int | None = None,
                    title: str = "", stream: TextIO | None = None) -> None:
    print(annotation(level, message, file, line, title), file=stream or sys.stdout, flush=True)


def _append(variable: str, text: str, env: Mapping[str, str]) -> bool:
    target = env.get(variable)
    if not target:
        return False
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(text)
    return True


def append_summary(markdown: str, env: Mapping[str, str] | None = None) -> bool:
    """Add ``markdown`` to the step summary; False when not running in Actions."""
    env = os.environ if env is None else env
    return _append("GITHUB_STEP_SUMMARY", markdown.rstrip("\n") + "\n\n", env)


def write_output(name: str, value: str, env: Mapping[str, str] | None = None) -> bool:
    """Set step output ``name`` (multi-line safe); False when not running in Actions."""
    env = os.environ if env is None else env
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"invalid output name {name!r}")
    delimiter = f"fivesafes_{secrets.token_hex(8)}"
    while delimiter in value:
        delimiter = f"fivesafes_{secrets.token_hex(8)}"
    return _append("GITHUB_OUTPUT", f"{name}<<{delimiter}\n{value}\n{delimiter}\n", env)
