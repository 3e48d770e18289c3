"""Per-output decisions written in a review: the output checker's own words, parsed.

A checker decides each output in the body of their pull request review, in a fenced block
(or with one ``/fivesafes`` command per line)::

    ```fivesafes
    approve counts_by_region.csv
    reject notes.txt: free text with a patient's e-mail address
    changes counts_by_sex.csv: suppress the cells under 10 and a second cell in each row
    override min-cell-count@summary.csv:3:n: the figure is published by the ONS
    ```

``approve``/``reject``/``changes`` name an output path (``*`` for every output), optionally
followed by the first 8 or more hex digits of its sha-512; ``override`` names a finding id of
the manifest. The text after ``: `` is the reason; ``reject``, ``changes`` and ``override``
need one. Everything else in the body is the review's free text, kept as its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Verb = Literal["approve", "reject", "changes", "override"]
BLOCK = re.compile(r"```fivesafes[^\n]*\n(.*?)```", re.DOTALL)
COMMAND = re.compile(r"^\s*/fivesafes\s+(.+)$", re.MULTILINE)
HEX = re.compile(r"^(?:sha512:)?([0-9a-f]{8,128})$")
VERBS = ("approve", "reject", "changes", "override")


@dataclass(frozen=True)
class Said:
    verb: Verb
    target: str  # an output path, "*", or (override) a finding id
    reason: str = ""
    sha_prefix: str | None = None


@dataclass(frozen=True)
class Parsed:
    said: tuple[Said, ...]
    problems: tuple[str, ...]  # lines that could not be read, with why
    text: str  # the free text of the body (outside the block and commands)


def _line(line: str) -> Said | str | None:
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    verb, _, rest = line.partition(" ")
    verb = verb.lower()
    if verb not in VERBS:
        return f"'{line[:60]}': starts with none of {', '.join(VERBS)}"
    target, _, reason = rest.partition(": ")
    target, reason = target.strip().rstrip(":"), reason.strip()
    prefix = None
    if verb != "override" and " " in target:
        head, _, last = target.rpartition(" ")
        match = HEX.match(last.lower())
        if match:
            target, prefix = head.strip(), match.group(1)
    if not target:
        return f"'{line[:60]}': names no output or finding"
    if verb != "approve" and not reason:
        return f"'{line[:60]}': {verb} needs a reason after ': '"
    return Said(verb, target, reason, prefix)  # type: ignore[arg-type]


def parse(body: str) -> Parsed:
    """The statements of a review body, the lines that could not be read, and its free text."""
    lines: list[str] = []
    for block in BLOCK.findall(body):
        lines += block.splitlines()
    lines += COMMAND.findall(body)
    said: list[Said] = []
    problems: list[str] = []
    for line in lines:
        result = _line(line)
        if isinstance(result, Said):
            said.append(result)
        elif result:
            problems.append(result)
    text = COMMAND.sub("", BLOCK.sub("", body))
    return Parsed(tuple(said), tuple(problems), " ".join(text.split()))
