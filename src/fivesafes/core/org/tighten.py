"""May only tighten: each value a project policy sets, against the organisation's.

A project may ask for more approvers, name fewer of the organisation's approvers, separate
more phases, set stricter disclosure thresholds, allow fewer workflow sources and publication
targets, and remind sooner. It may not change who the TRE is, which automation runs, or how
and where workflows execute. Each loosening is an error on the project's line that also names
the organisation's file and line, so both maintainers can see the conflict.
"""

from __future__ import annotations

from collections.abc import Sequence

from fivesafes.core.findings import Finding
from fivesafes.core.request.toml_doc import Doc, show
from fivesafes.core.request.toml_locate import KeyPath, line_of
from fivesafes.models.policy import Policy

SAME_AS_ORG = ("tre", "automation", "executor")
EXECUTOR_FREE = ("timeout",)


class _Check:
    def __init__(self, org_doc: Doc, doc: Doc) -> None:
        self.org_doc = org_doc
        self.doc = doc
        self.found: list[Finding] = []

    def set_here(self, path: KeyPath) -> bool:
        node: object = self.doc.data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return False
            node = node[key]
        return True

    def loosen(self, path: KeyPath, message: str, fix: str) -> None:
        org_at = f"{self.org_doc.file}:{line_of(self.org_doc.text, path)}"
        finding = self.doc.at(path, "policy.loosens",
                              f"{show(path)} {message}, which loosens the organisation's "
                              f"policy ({org_at})", fix)
        self.found.append(finding)


def _lower(values: Sequence[str]) -> set[str]:
    return {v.lower() for v in values}


def _phases(c: _Check, org: Policy, mine: Policy) -> None:
    for phase in ("sign-off", "disclosure"):
        ours = org.phases.rule("sign-off" if phase == "sign-off" else "disclosure")
        rule = mine.phases.rule("sign-off" if phase == "sign-off" else "disclosure")
        base: KeyPath = ("phases", phase)
        if rule.required < ours.required:
            c.loosen((*base, "required"), f"= {rule.required} asks for fewer approvers than "
                     f"{ours.required}", f"require at least {ours.required}")
        extra = sorted(_lower(rule.approvers) - _lower(ours.approvers))
        if extra:
            c.loosen((*base, "approvers"), f"adds {', '.join(extra)}, not allowed to decide "
                     f"{phase} by the organisation",
                     f"name only approvers the organisation lists: {', '.join(ours.approvers)}")
        missing = sorted(set(ours.distinct_from) - set(rule.distinct_from))
        if missing:
            c.loosen((*base, "distinct-from"), f"drops the separation from {', '.join(missing)}",
                     f"keep {', '.join(missing)} in distinct-from")


def _disclosure(c: _Check, org: Policy, mine: Policy) -> None:
    ours, rule = org.disclosure, mine.disclosure
    if rule.min_cell_count < ours.min_cell_count:
        c.loosen(("disclosure", "min-cell-count"), f"= {rule.min_cell_count} is below "
                 f"{ours.min_cell_count}", f"use {ours.min_cell_count} or more")
    if rule.max_file_bytes > ours.max_file_bytes:
        c.loosen(("disclosure", "max-file-bytes"), f"= {rule.max_file_bytes} is above "
                 f"{ours.max_file_bytes}", f"use {ours.max_file_bytes} or less")
    extra = sorted(set(rule.allowed_types) - set(ours.allowed_types))
    if extra:
        c.loosen(("disclosure", "allowed-types"), f"adds {', '.join(extra)}",
                 "allow only media types the organisation allows")


def _workflows(c: _Check, org: Policy, mine: Policy) -> None:
    for i, prefix in enumerate(mine.workflows.allowed_sources):
        if not any(prefix.startswith(p) for p in org.workflows.allowed_sources):
            allowed = ", ".join(org.workflows.allowed_sources) or "none"
            c.loosen(("workflows", "allowed-sources", i), f"{prefix!r} is not within the "
                     f"organisation's sources ({allowed})",
                     "use one of them or a longer prefix of one")


def _publication(c: _Check, org: Policy, mine: Policy) -> None:
    extra = sorted(set(mine.publication.targets) - set(org.publication.targets))
    if extra:
        c.loosen(("publication", "targets"), f"adds {', '.join(extra)}",
                 "publish only to the organisation's targets")
    if mine.publication.releasable_results and not org.publication.releasable_results:
        c.loosen(("publication", "releasable-results"), "= true lets results onto GitHub",
                 "remove it (the organisation keeps data in the TRE)")
    if mine.publication.directory != org.publication.directory:
        c.loosen(("publication", "directory"), "moves the release folder",
                 "remove it: the folder is the organisation's")


def _same(c: _Check, org: Policy, mine: Policy) -> None:
    for table in SAME_AS_ORG:
        theirs = getattr(org, table).model_dump(by_alias=True)
        ours = getattr(mine, table).model_dump(by_alias=True)
        for key in sorted(ours):
            if table == "executor" and key in EXECUTOR_FREE:
                continue
            if ours[key] != theirs[key] and c.set_here((table, key)):
                c.loosen((table, key), f"differs from the organisation's ({theirs[key]!r})",
                         f"remove it: [{table}] is set by the organisation")
    if mine.executor.timeout > org.executor.timeout:
        c.loosen(("executor", "timeout"), f"= {mine.executor.timeout} runs longer than "
                 f"{org.executor.timeout}", f"use {org.executor.timeout} or less")
    if mine.reminders.remind_after > org.reminders.remind_after:
        c.loosen(("reminders", "remind-after"), f"= {mine.reminders.remind_after} reminds "
                 f"later than {org.reminders.remind_after} days",
                 f"use {org.reminders.remind_after} or fewer")


def loosenings(org_doc: Doc, org: Policy, doc: Doc, merged: Policy) -> list[Finding]:
    """Every value of project policy ``doc`` that makes ``merged`` looser than ``org``."""
    check = _Check(org_doc, doc)
    for step in (_same, _phases, _disclosure, _workflows, _publication):
        step(check, org, merged)
    return check.found
