"""Publishes approved outputs: the publication phase.

Runs only when the action record holds a completed disclosure bound to the digest of the
``outputs/manifest.toml`` present, and only if every staged output still has the size and
sha-512 the checkers approved (a file changed after approval stops everything). Then it
records the publication (UpdateAction, GenerateCheckValue), writes the release zip, verifies
it as a recipient would, sends it to the policy's targets, and records the zip's digest and
its bag's (the tag manifest's), which ``verify --record`` checks a received zip against. Data
goes into a GitHub Release only when the policy marks the outputs as releasable results;
otherwise the public zip carries the crate and checksums without the data, which goes to the
TRE folder only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fivesafes.adapters.executors.http import publish_remote
from fivesafes.adapters.files.project import LoadedProject, load_project
from fivesafes.adapters.ledger.append import manifest_digest, refresh_crate, run_evidence
from fivesafes.adapters.ledger.file import write_record
from fivesafes.adapters.release import targets as publication_targets
from fivesafes.adapters.release.crate_writer import render_crate
from fivesafes.adapters.release.verify import Limits, verify_release
from fivesafes.adapters.release.writer import ReleaseInfo, write_release
from fivesafes.adapters.runner import clock
from fivesafes.core import layout
from fivesafes.core.crate.spec import Published, Software, build_crate
from fivesafes.core.findings import errors
from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger import chain as ledger
from fivesafes.core.ledger.queries import latest
from fivesafes.core.lifecycle.steps import agents_of, changed_outputs, publication_gate
from fivesafes.models.ledger import ActionRecord, EntryDraft, Evidence, Release, Result
from fivesafes.models.manifest import OutputsManifest
from fivesafes.services.attempt import GateClosed, RunOptions
from fivesafes.services.disclose import staged_results

PUBLISH_DIR_ENV = "FIVESAFES_PUBLISH_DIR"


@dataclass(frozen=True)
class PublishOptions:
    software: Software
    run: RunOptions = field(default_factory=RunOptions)
    directory: Path | None = None
    env: Mapping[str, str] | None = None
    keep: Path | None = None  # also leave a copy of the public zip here (for an attestation)
    # On the TRE runner, which holds no token: leave the github-release target to the hosted
    # job that records the hand-back (services/handback.py) and keep the zip for it.
    defer_github: bool = False


@dataclass(frozen=True)
class PublishResult:
    tag: str
    date_published: str
    sha512: str
    includes_data: bool
    locations: tuple[str, ...]
    version: int  # the request's release number: its tag is <uuid>/v<version>


def _manifest(root: Path) -> OutputsManifest:
    data = (root / layout.OUTPUTS_MANIFEST).read_text(encoding="utf-8")
    return OutputsManifest.from_toml(data)


def _entry(project: LoadedProject, version: int, now: str, digest: str,
           env: Mapping[str, str], release: dict[str, Any] | None) -> EntryDraft:
    draft = EntryDraft(
        id=derived_urn(project.request.id, "publication", version), phase="publication",
        status="completed", start=now, end=now, agents=agents_of(()),
        reason=f"published release v{version}",
        evidence=Evidence.model_validate(run_evidence("publication", f"v{version}", env,
                                                      digest)))
    if release:
        draft = draft.model_copy(update={"release": Release.model_validate(release)})
    return draft


def staged_outputs(root: Path, project: LoadedProject, manifest: OutputsManifest,
                   options: RunOptions) -> Path | None:
    """The staged outputs folder, verified byte for byte against the approved manifest."""
    execution = next((e for e in project.record.action if e.id == manifest.execution
                      and e.status == "completed"), None)
    if execution is None:
        raise GateClosed(f"the manifest names execution {manifest.execution}, which the record "
                         "does not hold as completed")
    if project.policy.executor.kind == "http":
        return None
    outputs, current = staged_results(root, project.policy, project.request.id, execution,
                                      options)
    listed = [*manifest.output, *(Result(path=x.path, size=x.size, sha512=x.sha512,
                                         media_type="application/octet-stream")
                                  for x in manifest.excluded)]
    changed = changed_outputs(listed, list(current))
    if changed:
        raise GateClosed("staged outputs differ from the approved manifest (changed, missing "
                         "or added since approval): " + ", ".join(changed))
    return outputs


def approved_outputs(record: ActionRecord, manifest: OutputsManifest) -> list[Result]:
    """The outputs the recorded disclosure approved: each listed as approved with the same
    sha-512 (a disclosure recorded before per-output decisions approved the whole manifest)."""
    disclosure = latest(record, "disclosure")
    if disclosure is None or not disclosure.outputs:
        return list(manifest.output)
    ok = {(o.path, o.sha512) for o in disclosure.outputs if o.outcome == "approved"}
    return [r for r in manifest.output if (r.path, r.sha512) in ok]


def _zip(project: LoadedProject, out: Path, outputs: Path | None, include: bool,
         record: ActionRecord, published: Published, software: Software,
         approved: Sequence[Result]) -> ReleaseInfo:
    def crate_for(results: list[Result]) -> dict[str, bytes]:
        listed = results if outputs is not None else list(approved)
        return render_crate(build_crate(project.request, record, project.policy,
                                        software=software, results=listed,
                                        published=published, attached_results=include))

    return write_release(out, bag_name=out.stem, external_id=project.request.id,
                         outputs=outputs if outputs is not None else None,
                         crate_for=crate_for, include_data=include, progress=False,
                         only=[r.path for r in approved])


def _verified(info: ReleaseInfo) -> str | None:
    """Verify the zip as a recipient would, before it goes anywhere; its bag's sha-512."""
    report = verify_release(info.path, Limits(), progress=False)
    if not report.ok:
        raise GateClosed(f"the release zip {info.path.name} does not verify: " + "; ".join(
            f"{f.rule}: {f.message}" for f in errors(report.findings)[:5]))
    return report.bag_sha512


def _folder(options: PublishOptions, env: Mapping[str, str], configured: str | None) -> Path:
    if options.directory is not None:
        return options.directory
    if env.get(PUBLISH_DIR_ENV):
        return Path(env[PUBLISH_DIR_ENV])
    if configured:
        return Path(configured)
    raise GateClosed(f"the directory target needs a folder: --to, ${PUBLISH_DIR_ENV} or "
                     "publication.directory in the policy")


def release_text(project: LoadedProject, version: int, tag: str, name: str) -> tuple[str, str]:
    """Title and body of the GitHub Release of ``tag``."""
    return (f"{project.request.project.project.title} v{version}",
            f"Five Safes release {tag}. Check it with `fivesafes verify {name}`.")


def publish(root: Path, options: PublishOptions) -> PublishResult:
    """Verify, record, package, send to every target; what was published where."""
    env = dict(os.environ) if options.env is None else dict(options.env)
    project = load_project(root)
    digest = manifest_digest(root)
    reason = publication_gate(project.record, digest)
    if reason or digest is None:
        raise GateClosed(reason or "no manifest")
    manifest = _manifest(root)
    outputs = staged_outputs(root, project, manifest, options.run)
    approved = approved_outputs(project.record, manifest)
    if not approved:
        raise GateClosed("the recorded disclosure approved no output; nothing is published")
    pub = project.policy.publication
    folder = _folder(options, env, pub.directory) if "directory" in pub.targets else None
    version = 1 + sum(1 for e in project.record.action
                      if e.phase == "publication" and e.status == "completed")
    uuid = project.request.id.removeprefix("urn:uuid:")
    tag, name, now = f"{uuid}/v{version}", f"{uuid}-v{version}.zip", clock.stamp()
    record = ledger.append(project.record, _entry(project, version, now, digest, env, None))
    published = Published(date_published=now, tag=tag)
    # The public zip carries data only when the outputs are releasable results, or when the
    # only target is the TRE folder; otherwise it lists the outputs with their checksums.
    public_data = outputs is not None and (pub.releasable_results
                                           or "github-release" not in pub.targets)
    locations: list[str] = []
    if outputs is None:
        locations.append(publish_remote(project.policy, env, project.request, approved,
                                        digest))
    with tempfile.TemporaryDirectory(prefix="fivesafes-release-") as tmp:
        public = _zip(project, Path(tmp) / name, outputs, public_data, record, published,
                      options.software, approved)
        bag_sha512 = _verified(public)
        full_copy: dict[str, str | None] = {}
        if options.keep is not None:
            publication_targets.to_directory(public.path, public.sha512, options.keep)
        if folder is not None:
            full = public if public_data or outputs is None else _zip(
                project, Path(tmp) / "full" / name, outputs, True, record, published,
                options.software, approved)
            if full is not public:
                full_bag = _verified(full)
                full_copy = {"full-sha512": full.sha512, "full-bag-sha512": full_bag}
            locations.append(str(publication_targets.to_directory(full.path, full.sha512,
                                                                  folder)))
        if "github-release" in pub.targets and options.defer_github:
            locations.append(f"github-release {tag}: handed back to the hosted job")
        elif "github-release" in pub.targets:
            title, body = release_text(project, version, tag, name)
            locations.append(publication_targets.to_github_release(
                public.path, public.sha512, tag=tag, title=title, body=body,
                target=env.get("GITHUB_SHA") or "main", env=env))
    release = {"tag": tag, "sha512": public.sha512, "file": name, "targets": list(pub.targets),
               "includes-data": public.includes_data}
    if bag_sha512:
        release["bag-sha512"] = bag_sha512
    release.update({k: v for k, v in full_copy.items() if v})
    write_record(root, ledger.append(project.record,
                                     _entry(project, version, now, digest, env, release)))
    refresh_crate(root, options.software)  # from the record alone, as `crate build` does
    return PublishResult(tag, now, public.sha512, public.includes_data, tuple(locations),
                         version)
