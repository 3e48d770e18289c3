"""``fivesafes publish [PROJECT_DIR]``: release what the output checkers approved."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import click

from fivesafes.adapters.git import lifecycle as lifecycle_git
from fivesafes.adapters.ledger.append import refresh_crate
from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.errors import failing
from fivesafes.cli.handback_flag import handback_option, refuse_recording
from fivesafes.cli.output import Output, json_option
from fivesafes.core import layout
from fivesafes.core.ledger.chain import entry_fields
from fivesafes.services.attempt import RunOptions
from fivesafes.services.publish import PublishOptions, PublishResult
from fivesafes.services.publish import publish as run_publish
from fivesafes.services.software import software


def commit_release(root: Path, result: PublishResult, push: bool) -> str | None:
    """Commit the final record and crate: on origin by compare-and-swap, or locally."""
    message = f"fivesafes: publication {result.tag} recorded"
    if not push:
        return lifecycle_git.commit_paths(root, [layout.ACTIONS, layout.CRATE_DIR], message)
    entry = entry_fields(read_record(root).action[-1])
    return lifecycle_git.record_remotely(
        root, [entry], message, lambda work: refresh_crate(work, software()))


@click.command()
@click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--to", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of the `directory` target (default: $FIVESAFES_PUBLISH_DIR or "
                   "publication.directory in the policy).")
@click.option("--staging-dir", type=click.Path(file_okay=False, path_type=Path),
              help="The staging folder the execution used (see `fivesafes execute`).")
@click.option("--keep", "keep", type=click.Path(file_okay=False, path_type=Path),
              help="Also leave a copy of the public release zip and its .sha512 in this folder "
                   "(the publish action attests it there).")
@click.option("--commit/--no-commit", default=None,
              help="Commit the record and crate (default: in a git checkout).")
@click.option("--push", is_flag=True,
              help="Record on origin's branch instead, by compare-and-swap (the automation).")
@handback_option("publish to the TRE folder only and hand back the publication entry and "
                 "the public zip in this folder; the hosted job puts it on the GitHub Release "
                 "and records it (`fivesafes handback`).")
@json_option
def publish(project_dir: Path, directory: Path | None, staging_dir: Path | None,
            keep: Path | None, commit: bool | None, push: bool,
            handback_dir: Path | None, as_json: bool) -> None:
    """Publish the outputs the checkers approved to the policy's targets.

    Refuses (exit 1) unless the record holds a completed disclosure of exactly the
    outputs/manifest.toml present, and unless every staged output still matches it byte for
    byte. Verifies the release zip (a BagIt bag of the crate) as a recipient would, then
    writes it to each target, the publication to the record (with the zip's and the bag's
    sha-512, which `verify --record` checks), and the final crate; prints where it went.
    """
    refuse_recording(handback_dir, {"--push": push, "--commit": commit})
    kept = Path(tempfile.mkdtemp(prefix="fivesafes-zip-")) if handback_dir else keep
    options = PublishOptions(software=software(), run=RunOptions(staging_root=staging_dir),
                             directory=directory, keep=kept, defer_github=bool(handback_dir))
    with failing("publish"):
        result = run_publish(project_dir, options)
    out = Output(as_json)
    data = "with the outputs" if result.includes_data else "without data (checksums only)"
    out.line(f"published {result.tag} {data}; zip sha-512 {result.sha512}")
    for location in result.locations:
        out.line(f"  {location}")
    out.result({"tag": result.tag, "date-published": result.date_published,
                "sha512": result.sha512, "includes-data": result.includes_data,
                "locations": list(result.locations),
                "handback": str(handback_dir) if handback_dir else None})
    if handback_dir is not None:
        assert kept is not None
        out.line(hand_back(handback_dir, project_dir, result, kept))
        return
    if commit is None:
        commit = lifecycle_git.is_repo(project_dir)
    if commit or push:
        with failing("publish: the release is out but the record was not committed"):
            commit_release(project_dir, result, push)


def hand_back(folder: Path, project_dir: Path, result: PublishResult, kept: Path) -> str:
    """The publication entry, and the public zip when a GitHub Release is to carry it."""
    from fivesafes.adapters.files import handback
    from fivesafes.adapters.files.project import load_project
    from fivesafes.core.lifecycle.handback import Handback
    from fivesafes.services.publish import release_text

    try:
        project = load_project(project_dir)
        entry = project.record.action[-1]
        assert entry.release is not None
        zip_path: Path | None = None
        release = None
        if "github-release" in project.policy.publication.targets:
            zip_path = kept / entry.release.file
            title, body = release_text(project, result.version, result.tag,
                                       entry.release.file)
            release = {"file": entry.release.file, "sha512": entry.release.sha512,
                       "tag": result.tag, "title": title, "body": body}
        handback.write(folder, Handback(
            "publication", project.request.id, (entry_fields(entry),),
            f"fivesafes: publication {result.tag} recorded", release=release), zip_path)
    finally:
        shutil.rmtree(kept, ignore_errors=True)
    return f"handed back the publication of {result.tag} in {folder}"
