"""The Workflow RO-Crates shipped in the package, zipped the same way every time.

A crate is published as a zip; the same crate must always give the same bytes, because its
sha-512 is what the action record keeps of a retrieved workflow (and a re-run refuses bytes
that changed). So members are sorted, dated with the crate's fixed date rather than the clock,
and given fixed permissions. :func:`add_to_mirror` places a crate in a TRE workflow mirror
under the name the retrieval looks for: the demo's TRE and the tests use it the way TRE staff
would place an approved crate by hand.
"""

from __future__ import annotations

import zipfile
from importlib import resources
from pathlib import Path

from fivesafes.adapters.files import atomic
from fivesafes.core.lifecycle.retrieval import mirror_name

COUNTS_BY_REGION = "counts-by-region"
# The demo analysis as published: the template's workflow.toml names this URL.
COUNTS_BY_REGION_URL = "https://workflowhub.eu/workflows/1234/ro_crate?version=3"
CWL_COUNTS = "cwl-counts"
# The shipped CWL example (wes and cwl executors), as a TRE's mirror would hold it.
CWL_COUNTS_ID = "https://workflowhub.eu/workflows/4321?version=1"
CWL_COUNTS_URL = "https://workflowhub.eu/workflows/4321/ro_crate?version=1"
ZIP_DATE = (2026, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16


def bundled_workflow(name: str) -> Path:
    """The folder of a Workflow RO-Crate shipped in the package (e.g. ``counts-by-region``)."""
    return Path(str(resources.files("fivesafes") / "workflows" / name))


def zip_crate(folder: Path, target: Path) -> Path:
    """Zip every file of ``folder`` (sorted, fixed dates and modes) into ``target``, atomically."""
    files = sorted(p for p in folder.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    with atomic.atomic_output(target) as handle, zipfile.ZipFile(handle, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), ZIP_DATE)
            info.create_system = 3
            info.external_attr = FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return target


def add_to_mirror(mirror: Path, url: str, folder: Path) -> Path:
    """Place the zipped crate of ``folder`` in ``mirror`` as the retrieval of ``url`` finds it."""
    return zip_crate(folder, mirror / mirror_name(url))
