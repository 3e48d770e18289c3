"""``fivesafes package``: the low-level packager of a release zip (no phase checks).

Builds the project's crate with the files of ``--outputs`` as its results and writes it,
bagged (BagIt 1.0) and zipped, in one streaming pass. ``publish`` is the phase-checked way
to release; this command is for operators, tests and benchmarks.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from fivesafes.adapters.files.project import load_project
from fivesafes.adapters.release.crate_writer import render_crate
from fivesafes.adapters.release.writer import write_release
from fivesafes.cli.errors import failing
from fivesafes.core.crate.spec import build_crate
from fivesafes.core.release.bagit_text import bag_name
from fivesafes.models.ledger import Result
from fivesafes.services.software import software


@click.command()
@click.argument("project_dir", default=".", type=click.Path(path_type=Path, file_okay=False))
@click.option("--outputs", "outputs", type=click.Path(path_type=Path, file_okay=False),
              help="Folder whose files become the crate's results under outputs/. Without it "
                   "the crate lists the results in the action record, without data.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The release zip to write (atomically: nothing is left on failure).")
@click.option("--no-data", is_flag=True,
              help="Hash and list the outputs but leave their bytes out of the zip.")
@click.option("--json", "as_json", is_flag=True,
              help="Print what was written as JSON, with the zip's sha-512.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: only on a terminal).")
def package(project_dir: Path, outputs: Path | None, out: Path, no_data: bool, as_json: bool,
            progress: bool | None) -> None:
    """Write PROJECT_DIR's crate and outputs as a zipped BagIt 1.0 bag.

    The zip holds one folder (the bag, named after the project) with bagit.txt,
    bag-info.txt (External-Identifier: the project's urn:uuid, Payload-Oxum, Bagging-Date),
    manifest-sha512.txt, tagmanifest-sha512.txt and data/ = the crate root
    (ro-crate-metadata.json, ro-crate-preview.html, outputs/...). Every output byte is read
    once; with SOURCE_DATE_EPOCH set the zip is byte-identical on every run. No phase is
    checked: `fivesafes verify` tells whether the result may be trusted.

    Exit 0 written, 1 the request is not valid, 2 usage or unusable outputs.
    """
    project = load_project(project_dir)
    include = outputs is not None and not no_data

    def crate_for(results: list[Result]) -> dict[str, bytes]:
        crate = build_crate(project.request, project.record, project.policy,
                            software=software(), results=results if outputs else None,
                            attached_results=include)
        return render_crate(crate)

    request = project.request
    with failing(fix="nothing was written"):
        info = write_release(out, bag_name=bag_name(request.project.project.title, request.id),
                             external_id=request.id, outputs=outputs, crate_for=crate_for,
                             include_data=include, progress=progress)
    if as_json:
        click.echo(json.dumps({
            "file": str(info.path), "sha512": info.sha512, "size": info.size,
            "bag": info.bag_name, "external_identifier": info.external_id,
            "includes_data": info.includes_data,
            "results": [r.model_dump(by_alias=True, exclude_none=True) for r in info.results],
        }, indent=2, sort_keys=True))
    else:
        click.echo(f"wrote {info.path} ({info.size} bytes, {len(info.results)} result(s), "
                   f"bag {info.bag_name})")
