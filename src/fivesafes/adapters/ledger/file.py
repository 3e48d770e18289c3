"""Reads and writes ``actions.toml`` (the automation owns it; rendering is deterministic)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomlkit
from pydantic import ValidationError

from fivesafes.adapters.files import atomic
from fivesafes.core import layout
from fivesafes.core.findings import Finding
from fivesafes.core.ledger.chain import entry_fields
from fivesafes.errors import UsageError
from fivesafes.models.ledger import ActionRecord

HEADER = (
    "# The append-only record of every Five Safes phase action of this project.\n"
    "# Written by the fivesafes automation only: never edit it by hand. Each entry carries the\n"
    "# sha-256 of the entry before it (prev); `fivesafes ledger verify` checks the chain.\n"
)


class LedgerError(UsageError):
    """The record cannot be read (malformed input: exit 2); ``ledger verify`` and project
    validation report it as the finding :meth:`finding` gives instead."""

    FIX = "restore it from git history"

    def __init__(self, problem: str) -> None:
        super().__init__(f"{layout.ACTIONS}: unreadable action record: {problem}; "
                         f"fix: {self.FIX}")
        self.problem = problem

    def finding(self) -> Finding:
        return Finding(layout.ACTIONS, None, None, "ledger.unreadable",
                       f"unreadable action record: {self.problem}", self.FIX)


def read_record(root: Path) -> ActionRecord:
    path = root / layout.ACTIONS
    if not path.exists():
        return ActionRecord()
    return parse_record(path.read_bytes())


def read_project_record(project_dir: Path) -> ActionRecord:
    """The record of the project in ``project_dir``, which must be a folder (the commands
    that read only the record: ``ledger``, ``status``)."""
    if not project_dir.is_dir():
        raise UsageError(f"{project_dir}: no such folder; fix: give the project folder")
    return read_record(project_dir)


def parse_record(data: bytes) -> ActionRecord:
    try:
        return ActionRecord.from_toml(data)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise LedgerError(str(exc)) from exc


def render_record(record: ActionRecord) -> str:
    doc = tomlkit.document()
    for line in HEADER.splitlines():
        doc.add(tomlkit.comment(line.removeprefix("# ")))
    actions = tomlkit.aot()
    for entry in record.action:
        actions.append(tomlkit.item(entry_fields(entry)))
    if record.action:
        doc.add("action", actions)
    return tomlkit.dumps(doc)


def write_record(root: Path, record: ActionRecord) -> None:
    path = root / layout.ACTIONS
    atomic.write_text(path, render_record(record))
