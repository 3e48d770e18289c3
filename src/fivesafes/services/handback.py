"""Records a TRE job's hand-back: the hosted half of execution, publication and retention.

The TRE runner holds no token, so what it did reaches GitHub only through this: a hosted job
(which holds the automation's App token, behind the deployment environment) checks the
hand-back against the default branch's record and policy, then records its entries by
compare-and-swap, opens the disclosure pull request with the manifest, or puts the approved
release zip on a GitHub Release. Each check refuses what the TRE side could not have made
honestly: entries of another phase or request, an execution of files other than the signed-off
ones, a manifest that lists outputs the execution did not record, a zip whose bytes or bag do
not verify, data on GitHub that the policy keeps in the TRE.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from fivesafes.adapters.files.project import LoadedProject, load_project
from fivesafes.adapters.ledger.append import manifest_digest
from fivesafes.adapters.release.authentic import file_sha512
from fivesafes.adapters.release.verify import Limits, verify_release
from fivesafes.core.findings import errors
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.ledger.queries import latest
from fivesafes.core.lifecycle.handback import Handback, checked_entries
from fivesafes.core.lifecycle.steps import publication_gate
from fivesafes.errors import FindingsError
from fivesafes.models.ledger import ActionEntry
from fivesafes.models.manifest import OutputsManifest


class HandbackRefused(FindingsError):
    """The hand-back may not be recorded; the message lists why."""


@dataclass(frozen=True)
class Checked:
    handback: Handback
    project: LoadedProject
    entries: tuple[ActionEntry, ...]
    already: bool  # its entries are in the record already (a re-run of the hosted job)
    release_zip: Path | None


def check(root: Path, handback: Handback, release_zip: Path | None) -> Checked:
    """The hand-back checked against the project at ``root``; HandbackRefused otherwise."""
    project = load_project(root)
    sign_off = latest(project.record, "sign-off")
    entries, found = checked_entries(handback, project.request.id,
                                     sign_off.evidence.digest if sign_off is not None else None)
    if found:
        raise HandbackRefused("the hand-back is refused: " + "; ".join(found))
    already = bool(entries) and ledger.delivered(project.record,
                                                 entries[-1].evidence.delivery)
    if handback.manifest is not None:
        found += _manifest_problems(handback.manifest, entries)
    if handback.kind == "publication" and not already:
        found += _publication_problems(root, project, entries, handback, release_zip)
    if found:
        raise HandbackRefused("the hand-back is refused: " + "; ".join(found))
    return Checked(handback, project, entries, already, release_zip)


def parsed_manifest(text: str) -> OutputsManifest:
    return OutputsManifest.from_toml(text)


def _manifest_problems(text: str, entries: tuple[ActionEntry, ...]) -> list[str]:
    """A manifest may list only what the handed-back execution recorded, byte for byte."""
    try:
        manifest = parsed_manifest(text)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        return [f"its manifest is not an outputs manifest ({type(exc).__name__})"]
    execution = next((e for e in reversed(entries)
                      if e.phase == "execution" and e.status == "completed"), None)
    if execution is None or manifest.execution != execution.id:
        return ["its manifest is not of the execution it hands back"]
    recorded = {(r.path, r.size, r.sha512) for r in execution.results}
    listed = [(r.path, r.size, r.sha512) for r in manifest.output] + [
        (x.path, x.size, x.sha512) for x in manifest.excluded]
    return [f"its manifest lists {path} ({size} bytes), which the execution did not record"
            for path, size, digest in listed if (path, size, digest) not in recorded]


def _publication_problems(root: Path, project: LoadedProject, entries: tuple[ActionEntry, ...],
                          handback: Handback, release_zip: Path | None) -> list[str]:
    digest = manifest_digest(root)
    shut = publication_gate(project.record, digest)
    if shut:
        return [shut]
    entry = next((e for e in entries if e.status == "completed"), None)
    if entry is None or entry.release is None:
        return ["it records no completed publication"]
    if entry.evidence.digest != digest:
        return ["its publication is not of the manifest the checkers approved"]
    pub = project.policy.publication
    if "github-release" not in pub.targets:
        return [] if release_zip is None else [
            "it carries a release zip, but the policy publishes to the TRE folder only"]
    if release_zip is None or handback.release is None:
        return ["the policy publishes a GitHub Release, but no release zip was handed back"]
    if handback.release.get("sha512") != entry.release.sha512 or \
            handback.release.get("file") != entry.release.file:
        return ["its release zip is not the one its publication entry records"]
    if file_sha512(release_zip) != entry.release.sha512:
        return [f"{release_zip.name} does not have the sha-512 its publication entry records"]
    if entry.release.includes_data and not pub.releasable_results:
        return [f"{release_zip.name} carries output data, which the policy keeps in the TRE "
                "(publication.releasable-results is not set)"]
    report = verify_release(release_zip, Limits(), progress=False)
    if not report.ok:
        return [f"{release_zip.name} does not verify: " + "; ".join(
            f"{f.rule}: {f.message}" for f in errors(report.findings)[:5])]
    return []


def publish_release(checked: Checked, env: Mapping[str, str] | None = None) -> str | None:
    """Put the handed-back zip on a GitHub Release; its URL (None when there is no zip)."""
    from fivesafes.adapters.release.targets import to_github_release

    release, path = checked.handback.release, checked.release_zip
    if release is None or path is None or checked.already:
        return None
    environment = dict(os.environ) if env is None else dict(env)
    return to_github_release(path, str(release["sha512"]), tag=str(release["tag"]),
                             title=str(release["title"]), body=str(release["body"]),
                             target=environment.get("GITHUB_SHA") or "main", env=environment)
