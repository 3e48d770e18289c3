"""Properties: whatever the outputs, package then verify passes; any changed byte fails verify."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.support.release import EPOCH, HERE, package, record

from fivesafes.adapters.ledger.file import write_record
from fivesafes.adapters.release import bag_zip
from fivesafes.adapters.release.verify import Unreadable, verify_release

NAME = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,10}(\.(csv|txt|json|png|bin|parquet))?",
                     fullmatch=True)
PATH = st.lists(NAME, min_size=1, max_size=3).map("/".join)
CONTENT = st.one_of(
    st.binary(max_size=4000),
    st.text(max_size=3000).map(str.encode),
    st.tuples(st.binary(min_size=1, max_size=40), st.integers(1, 3000)).map(lambda t: t[0] * t[1]),
)


@pytest.fixture(scope="module")
def fixed_project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("prop") / "project"
    shutil.copytree(HERE.parent / "fixtures" / "project", root)
    write_record(root, record())
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    yield root
    if old is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = old


def _no_file_is_a_folder(paths: list[str]) -> bool:
    folders = {"/".join(p.split("/")[:i]) for p in paths for i in range(1, p.count("/") + 1)}
    return not folders.intersection(paths) and len({p.casefold() for p in paths}) == len(paths)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.dictionaries(PATH, CONTENT, max_size=5))
def test_package_then_verify_passes(fixed_project: Path, files: dict[str, bytes]) -> None:
    assume(_no_file_is_a_folder(list(files)))
    with tempfile.TemporaryDirectory() as tmp:
        outputs = Path(tmp) / "outputs"
        outputs.mkdir()
        for rel, data in files.items():
            (outputs / rel).parent.mkdir(parents=True, exist_ok=True)
            (outputs / rel).write_bytes(data)
        info = package(fixed_project, outputs, Path(tmp) / "release.zip")
        report = verify_release(info.path, progress=False)
        assert report.ok, [f.render() for f in report.findings]
        assert report.payload_files == len(files) + 2
        assert {r.path for r in info.results} == set(files)
        with zipfile.ZipFile(info.path) as archive:  # extracted in the test only
            archive.extractall(Path(tmp) / "extracted")
        (bag,) = (Path(tmp) / "extracted").iterdir()
        bagit.Bag(str(bag)).validate()


@pytest.fixture(scope="module", params=["classic", "zip64"])
def small_release(fixed_project: Path, tmp_path_factory: pytest.TempPathFactory,
                  request: pytest.FixtureRequest) -> Iterator[bytes]:
    """A small release; the zip64 one has zip64 fields in every header and end record."""
    with pytest.MonkeyPatch.context() as patch:
        if request.param == "zip64":
            patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
            patch.setattr(bag_zip, "ZIP64_ABOVE", -1)
        yield _small_release(fixed_project, tmp_path_factory)


def _small_release(fixed_project: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("flip")
    outputs = folder / "outputs"
    (outputs / "tables").mkdir(parents=True)
    (outputs / "tables" / "counts.csv").write_bytes(
        b"region,count\n" + b"".join(b"r%d,%d\n" % (i, i * 3) for i in range(300)))
    (outputs / "plot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    info = package(fixed_project, outputs, folder / "release.zip")
    assert verify_release(info.path, progress=False).ok
    return info.path.read_bytes()


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_flipped_byte_is_noticed(small_release: bytes, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(small_release) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    flipped = bytearray(small_release)
    flipped[index] ^= mask
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "release.zip"
        path.write_bytes(bytes(flipped))
        try:
            report = verify_release(path, progress=False)
        except Unreadable:
            return
        # A byte that changes no content (a header's time, version or attributes) departs
        # from the form releases are written in: a warning, as for any re-zip; the bag's
        # manifests judge the content and the record (verify --record) the zip's bytes.
        noticed = not report.ok or any(f.rule == "zip.form" for f in report.findings)
        assert noticed, f"byte {index} ^ {mask:#x} went unnoticed"
