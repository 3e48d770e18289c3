"""Find and rewrite the ``uses:`` pins of workflow files, leaving everything else as it was.

ruamel.yaml's round-trip loader tells where each ``uses:`` value sits (line and column); the
new ref is written into the original text at exactly that place, so comments, quoting, key
order, indentation and blank lines all survive byte for byte. Files are replaced atomically.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from fivesafes.adapters.files.toml_edit import write_atomic
from fivesafes.core.admin.pins import Uses, upgraded
from fivesafes.errors import UsageError

WORKFLOWS = ".github/workflows"


class WorkflowError(UsageError):
    """A workflow file is not YAML; the message names the file and line."""


def workflow_files(project: Path) -> list[Path]:
    folder = project / WORKFLOWS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def _walk(node: Any) -> Iterator[tuple[CommentedMap, Any]]:
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if key == "uses" and isinstance(value, str):
                yield node, value
            yield from _walk(value)
    elif isinstance(node, CommentedSeq):
        for item in node:
            yield from _walk(item)


def find_uses(text: str, path: str) -> list[Uses]:
    """Every ``uses:`` value in ``text`` with its position and trailing comment."""
    try:
        doc = YAML(typ="rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise WorkflowError(f"{path}{line}: not valid YAML ({exc}); fix the syntax") from exc
    lines = text.splitlines()
    found = []
    for mapping, value in _walk(doc):
        line, column = mapping.lc.value("uses")
        source = lines[line]
        if source[column:column + 1] in ("'", '"'):
            column += 1
        rest = source[column + len(value):]
        comment = rest[rest.index("#"):].strip() if "#" in rest else ""
        found.append(Uses(path, line + 1, column, value, comment))
    return found


def rewrite(text: str, uses: list[Uses], tag: str, sha: str | None) -> tuple[str, int]:
    """``text`` with our pins moved to ``tag`` (or ``sha`` commented ``# tag``); (text, count)."""
    lines = text.splitlines(keepends=True)
    count = 0
    for item in uses:
        change = upgraded(item, tag, sha)
        if change is None:
            continue
        value, comment = change
        source = lines[item.line - 1]
        body = source.rstrip("\r\n")
        ending = source[len(body):]
        start, end = item.column, item.column + len(item.value)
        head = body[:start] + value
        tail = body[end:]
        closing = tail[:1] if tail[:1] in ("'", '"') else ""
        after = tail[len(closing):]
        if item.comment:
            spacing = after[:after.index("#")]
            after = spacing + comment if comment else ""
        elif comment:
            after = after.rstrip() + " " + comment
        lines[item.line - 1] = (head + closing + after).rstrip() + ending
        count += 1
    return "".join(lines), count


def upgrade_project(project: Path, tag: str, sha: str | None) -> list[tuple[Path, int]]:
    """Move every pin of this repository in the project's workflows; (file, changes) each.

    Every file is parsed and rewritten in memory first, so a broken file stops the upgrade
    before anything is written.
    """
    planned = []
    for path in workflow_files(project):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(project).as_posix()
        new, count = rewrite(text, find_uses(text, rel), tag, sha)
        if count:
            find_uses(new, rel)  # the result must still parse
            planned.append((path, new, count))
    for path, new, _ in planned:
        write_atomic(path, new)
    return [(path, count) for path, _, count in planned]
