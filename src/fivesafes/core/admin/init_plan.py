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
    # what a maintainer sets (issue 13): the TRE, maintainers, executor, publication, the
    # central policy extended, and the repository of the automation (a fork)
    maintainers: tuple[str, ...] = ()
    tre_name: str | None = None
    tre_url: str | None = None
    tre_ror: str | None = None
    executor: str | None = None
    publication: tuple[str, ...] = ()
    extends: str | None = None
    automation: str | None = None


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
    policy += _maintainer_edits(options)
    edits: FileEdits = {layout.PROJECT: project}
    if policy:
        edits[layout.POLICY] = policy
    return edits


EXECUTORS = ("local", "extract", "http")
TARGETS = ("directory", "github-release")
REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")


def _maintainer_edits(options: InitOptions) -> list[tuple[KeyPath, object]]:
    """The policy keys of ``--maintainer``, ``--tre-*``, ``--executor``, ``--publication``
    and ``--automation``; each value is checked so a typo is an option error, not a finding."""
    out: list[tuple[KeyPath, object]] = []
    if options.maintainers:
        out.append((("maintainers", "owners"), list(dict.fromkeys(
            approver_slug(v, "--maintainer") for v in options.maintainers))))
    if options.extends and (options.tre_name or options.tre_url or options.tre_ror
                            or options.executor or options.publication or options.automation):
        raise InitOptionError("--extends: the TRE, executor, publication and automation are "
                              "the organisation's policy's; leave out --tre-*, --executor, "
                              "--publication and --automation")
    for key, value in (("name", options.tre_name), ("url", options.tre_url),
                       ("ror", options.tre_ror)):
        if value is not None:
            out.append((("tre", key), value))
    if options.executor is not None:
        if options.executor not in EXECUTORS:
            raise InitOptionError(f"--executor {options.executor!r}: use one of "
                                  f"{', '.join(EXECUTORS)}")
        out.append((("executor", "kind"), options.executor))
    if options.publication:
        wrong = [t for t in options.publication if t not in TARGETS]
        if wrong:
            raise InitOptionError(f"--publication {wrong[0]!r}: use one of "
                                  f"{', '.join(TARGETS)}")
        out.append((("publication", "targets"), list(dict.fromkeys(options.publication))))
    if options.automation is not None:
        if not REPO.match(options.automation):
            raise InitOptionError(f"--automation {options.automation!r}: give ORG/REPO")
        out.append((("automation", "repository"), options.automation))
    return out


def extending_policy(extends: str, edits: list[tuple[KeyPath, object]]) -> str:
    """The policy of a project that extends the organisation's: the reference and only what
    the options tightened (approvers, checkers, maintainers), each with why it may be set."""
    lines = [
        "#:schema ../.schemas/policy.schema.json",
        "# The policy of this project repository. It extends the organisation's central policy",
        "# (the TRE, approver teams, thresholds, executor, publication) and may only tighten it:",
        "# more approvers required, fewer approvers, stricter disclosure thresholds, narrower",
        "# workflow sources. A loosening is refused naming both files and lines. Read from the",
        "# DEFAULT branch only; maintainers own it.",
        f"extends = {_toml_string(extends)}",
    ]
    tables: dict[tuple[str, ...], list[str]] = {}
    for path, value in edits:
        table, key = tuple(str(k) for k in path[:-1]), str(path[-1])
        tables.setdefault(table, []).append(f"{key} = {_toml_value(value)}")
    for table, pairs in tables.items():
        lines += ["", f"[{'.'.join(table)}]", *pairs]
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_value(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _toml_string(str(value))
