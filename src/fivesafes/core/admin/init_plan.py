"""What ``fivesafes init`` changes in the template: options in, TOML edits out.

Pure, so the same options always give the same edits and the rendering can be tested without
touching a disk. The template's own values are the defaults: an option left out keeps them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fivesafes.core import layout
from fivesafes.errors import UsageError

KeyPath = tuple[str | int, ...]
FileEdits = dict[str, list[tuple[KeyPath, object]]]

LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
TEAM = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9][A-Za-z0-9_.-]*)$")


class InitOptionError(UsageError, ValueError):
    """An option value that cannot go into a request (message says which and why)."""


@dataclass(frozen=True)
class InitOptions:
    """Everything ``fivesafes init`` can set; ``None`` or empty keeps the template's value."""

    title: str | None = None
    requester_name: str | None = None
    requester_orcid: str | None = None
    requester_email: str | None = None
    requester_github: str | None = None
    approvers: tuple[str, ...] = ()
    checkers: tuple[str, ...] = ()
    project_id: str | None = None
    # Reserved for `fivesafes init --github ORG/NAME` (create the repository on GitHub).
    github: str | None = None


def approver_slug(value: str, option: str) -> str:
    """A login (``alice`` or ``@alice``) or a team (``org/team`` or ``@org/team``), normalised
    to ``alice`` and ``@org/team``."""
    text = value.strip()
    team = TEAM.match(text)
    if team:
        return f"@{team.group(1)}/{team.group(2)}"
    login = text.removeprefix("@")
    if LOGIN.match(login):
        return login
    raise InitOptionError(
        f"{option} {value!r} is neither a GitHub login nor an @org/team slug; "
        "give e.g. alice or @example-tre/sign-off-approvers"
    )


def _phase_edits(phase: str, values: tuple[str, ...], option: str,
                 required: int) -> list[tuple[KeyPath, object]]:
    slugs = list(dict.fromkeys(approver_slug(v, option) for v in values))
    logins = [s for s in slugs if not s.startswith("@")]
    if len(logins) == len(slugs) and len(slugs) < required:
        raise InitOptionError(
            f"the {phase} phase needs {required} distinct approvers but {option} names only "
            f"{len(slugs)}; give {option} {required} times or an @org/team slug"
        )
    return [(("phases", phase, "approvers"), slugs)]


def plan_edits(options: InitOptions, project_id: str, required: dict[str, int]) -> FileEdits:
    """The edits per template file. ``required`` is each phase's count in the template."""
    project: list[tuple[KeyPath, object]] = [(("project", "id"), project_id)]
    if options.title is not None:
        project.append((("project", "title"), options.title))
    requester = {
        "name": options.requester_name,
        "orcid": options.requester_orcid,
        "email": options.requester_email,
        "github": options.requester_github.removeprefix("@") if options.requester_github
        else None,
    }
    project += [(("requester", k), v) for k, v in requester.items() if v is not None]
    policy: list[tuple[KeyPath, object]] = []
    if options.approvers:
        policy += _phase_edits("sign-off", options.approvers, "--approver",
                               required.get("sign-off", 1))
    if options.checkers:
        policy += _phase_edits("disclosure", options.checkers, "--checker",
                               required.get("disclosure", 1))
    edits: FileEdits = {layout.PROJECT: project}
    if policy:
        edits[layout.POLICY] = policy
    return edits
