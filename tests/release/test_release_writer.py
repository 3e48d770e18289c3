"""The release writer: BagIt 1.0 layout, bagit-python's verdict, storage choices, determinism,
atomic writes, refused outputs, and the parallel deflater's stream."""

from __future__ import annotations

import os
import random
import zipfile
import zlib
from pathlib import Path

import bagit
import pytest
from tests.support.release import EPOCH, members, package, run

from fivesafes.adapters.release import bag_zip
from fivesafes.adapters.release.writer import ReleaseError, write_release
from fivesafes.adapters.release.zip_streams import BLOCK, ParallelDeflater
from fivesafes.core.release import bagit_text
from fivesafes.core.release.media_types import should_deflate


def test_bagit_txt_declares_version_1_0() -> None:
    assert bagit_text.bagit_txt() == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"


def test_release_is_one_bag_folder_in_bagit_1_0(release: Path) -> None:
    files = members(release)
    tops = {name.split("/", 1)[0] for name in files}
    assert len(tops) == 1
    bag = tops.pop()
    assert bag == "cardiovascular-outcomes-in-a-synthetic-c-6a1c2e4b"
    assert files[f"{bag}/bagit.txt"].splitlines()[0] == b"BagIt-Version: 1.0"
    info = files[f"{bag}/bag-info.txt"].decode()
    assert "External-Identifier: urn:uuid:6a1c2e4b-8d3f-4a5b-9c7d-0e1f2a3b4c5d" in info
    assert "Bagging-Date: 2026-01-01" in info
    payload = sorted(n for n in files if n.startswith(f"{bag}/data/"))
    assert payload == [f"{bag}/data/{p}" for p in (
        "outputs/counts_by_region.csv", "outputs/figure.png", "outputs/summary/report.md",
        "ro-crate-metadata.json", "ro-crate-preview.html")]
    oxum = f"{sum(len(files[p]) for p in payload)}.{len(payload)}"
    assert f"Payload-Oxum: {oxum}" in info
    assert set(files) == set(payload) | {f"{bag}/{t}" for t in (
        "bagit.txt", "bag-info.txt", "manifest-sha512.txt", "tagmanifest-sha512.txt")}


def test_bagit_python_validates_the_extracted_bag(release: Path, tmp_path: Path) -> None:
    target = tmp_path / "extracted"
    with zipfile.ZipFile(release) as archive:
        archive.extractall(target)  # in the test only: verify never extracts
    (folder,) = list(target.iterdir())
    bag = bagit.Bag(str(folder))
    bag.validate()
    assert bag.version_info == (1, 0)
    assert bag.algorithms == ["sha512"]


def test_entries_have_fixed_times_modes_and_fitting_compression(release: Path) -> None:
    with zipfile.ZipFile(release) as archive:
        infos = {i.filename.split("/", 1)[1]: i for i in archive.infolist()}
    for info in infos.values():
        assert info.date_time == (2026, 1, 1, 0, 0, 0)
        assert info.external_attr == 0o100644 << 16
        assert info.create_system == 3
    assert infos["data/outputs/figure.png"].compress_type == zipfile.ZIP_STORED
    assert infos["data/outputs/counts_by_region.csv"].compress_type == zipfile.ZIP_DEFLATED
    assert infos["data/ro-crate-metadata.json"].compress_type == zipfile.ZIP_DEFLATED


def test_storage_decision_by_name_and_by_sample() -> None:
    text = b"region,count\n" + b"north,12\n" * 1000
    noise = random.Random(7).randbytes(64 * 1024)
    assert should_deflate("a.csv", text)
    assert not should_deflate("a.parquet", text)
    assert not should_deflate("a.png", text)
    assert not should_deflate("a.bin", noise)
    assert should_deflate("a.bin", text)
    assert not should_deflate("a.csv", noise)


def test_two_runs_are_byte_identical(release_project: Path, outputs: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    assert run("package", str(release_project), "--outputs", str(outputs),
               "--out", str(first))[0] == 0
    copy = tmp_path / "elsewhere" / "outputs"
    copy.parent.mkdir()
    os.rename(outputs, copy)
    assert run("package", str(release_project), "--outputs", str(copy),
               "--out", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()


def test_multi_block_deflate_and_zip64_entries_verify(release_project: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(bag_zip, "ZIP64_ABOVE", 0)
    outputs = tmp_path / "out"
    outputs.mkdir()
    rows = b"".join(b"%d,%d,%s\n" % (i, i * 7 % 1000, b"abc" * (i % 5)) for i in range(300_000))
    (outputs / "big.csv").write_bytes(rows)
    assert len(rows) > 2 * BLOCK
    info = package(release_project, outputs, tmp_path / "big.zip")
    with zipfile.ZipFile(info.path) as archive:
        big = next(i for i in archive.infolist() if i.filename.endswith("big.csv"))
        assert big.compress_type == zipfile.ZIP_DEFLATED
        assert archive.read(big) == rows
    assert run("verify", str(info.path))[0] == 0


def test_parallel_deflater_is_one_valid_stream() -> None:
    from concurrent.futures import ThreadPoolExecutor

    data = b"".join(b"line %d of a text file\n" % i for i in range(200_000))
    with ThreadPoolExecutor(2) as pool:
        packer = ParallelDeflater(pool)
        stream = b"".join(packer.compress(data[i:i + 300_000])
                          for i in range(0, len(data), 300_000)) + packer.flush()
    inflater = zlib.decompressobj(-15)
    assert inflater.decompress(stream) + inflater.flush() == data
    assert inflater.eof
    assert not inflater.unused_data


def test_failure_leaves_nothing_behind(release_project: Path, outputs: Path,
                                      tmp_path: Path) -> None:
    out = tmp_path / "dist" / "release.zip"

    def broken(results: object) -> dict[str, bytes]:
        raise RuntimeError("crate renderer failed")

    with pytest.raises(RuntimeError):
        write_release(out, bag_name="b", external_id="urn:uuid:x", outputs=outputs,
                      crate_for=broken, progress=False)
    assert list(out.parent.iterdir()) == []


def test_symlinked_output_is_refused_and_nothing_written(release_project: Path, outputs: Path,
                                                         tmp_path: Path) -> None:
    (outputs / "secret.txt").symlink_to("/etc/hostname")
    out = tmp_path / "dist" / "release.zip"
    code, text = run("package", str(release_project), "--outputs", str(outputs), "--out", str(out))
    assert code == 2
    assert "symbolic link" in text
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    with pytest.raises(ReleaseError):
        package(release_project, outputs, out)


def test_release_without_data_lists_results_only(release_project: Path, outputs: Path,
                                                 tmp_path: Path) -> None:
    info = package(release_project, outputs, tmp_path / "nodata.zip", include_data=False)
    names = members(info.path)
    assert not any("/data/outputs/" in n for n in names)
    assert {r.path for r in info.results} == {
        "counts_by_region.csv", "figure.png", "summary/report.md"}
    crate = next(v for k, v in names.items() if k.endswith("ro-crate-metadata.json"))
    assert b"#outputs/counts_by_region.csv" in crate
    assert run("verify", str(info.path))[0] == 0


def test_zip_sha512_matches_the_file(release: Path, release_project: Path, outputs: Path,
                                     tmp_path: Path) -> None:
    import hashlib

    info = package(release_project, outputs, tmp_path / "again.zip")
    assert info.sha512 == hashlib.sha512(info.path.read_bytes()).hexdigest()
    assert info.size == info.path.stat().st_size


def test_package_without_outputs_lists_recorded_results(release_project: Path,
                                                        tmp_path: Path) -> None:
    out = tmp_path / "crate-only.zip"
    code, text = run("package", str(release_project), "--out", str(out), "--json")
    assert code == 0, text
    names = members(out)
    assert not any("/data/outputs/" in n for n in names)
    assert run("verify", str(out))[0] == 0


def test_unusual_names_survive_manifests_and_bagit(release_project: Path, tmp_path: Path) -> None:
    outputs = tmp_path / "odd"
    (outputs / "Ergebnisse für 2026").mkdir(parents=True)
    (outputs / "half of cases (n=10).csv").write_text("a,b\n1,2\n")
    (outputs / "Ergebnisse für 2026" / "résumé #1.txt").write_text("fine\n")
    (outputs / "empty.dat").write_bytes(b"")
    info = package(release_project, outputs, tmp_path / "odd.zip")
    assert run("verify", str(info.path))[0] == 0
    target = tmp_path / "extracted"
    with zipfile.ZipFile(info.path) as archive:
        archive.extractall(target)
    (folder,) = list(target.iterdir())
    bagit.Bag(str(folder)).validate()
    manifest = (folder / "manifest-sha512.txt").read_text(encoding="utf-8")
    assert "data/outputs/Ergebnisse für 2026/résumé #1.txt" in manifest


@pytest.mark.parametrize("name", ["50% done.csv", "line\nbreak.csv", "back\\slash.csv"])
def test_names_a_manifest_cannot_carry_are_refused(release_project: Path, tmp_path: Path,
                                                   name: str) -> None:
    outputs = tmp_path / "bad"
    outputs.mkdir()
    (outputs / name).write_text("x\n")
    with pytest.raises(ReleaseError, match="rename the file"):
        package(release_project, outputs, tmp_path / "bad.zip")
    assert not (tmp_path / "bad.zip").exists()


def test_zip64_end_records_verify(release_project: Path, outputs: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # As if the release had 65,535 members or more: zipfile writes the zip64 end records.
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    info = package(release_project, outputs, tmp_path / "zip64.zip")
    assert b"PK\x06\x06" in info.path.read_bytes()[-200:]
    code, text = run("verify", str(info.path))
    assert code == 0, text


def test_isal_deflates_reproducibly_and_zlib_gives_other_valid_bytes(
        release_project: Path, outputs: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from fivesafes.adapters.release import zip_streams

    assert zip_streams.DEFLATER == "isal"  # a dependency: every install deflates alike
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (outputs / "rows.csv").write_bytes(b"".join(b"%d,north,%d\n" % (i, i % 97)
                                                for i in range(400_000)))
    first = package(release_project, outputs, tmp_path / "a.zip").path.read_bytes()
    again = package(release_project, outputs, tmp_path / "b.zip").path.read_bytes()
    assert first == again
    monkeypatch.setattr(zip_streams, "_ENGINE", zlib)
    monkeypatch.setattr(bag_zip, "LEVEL", 1)
    monkeypatch.setattr(bag_zip, "TAG_LEVEL", 9)
    other = package(release_project, outputs, tmp_path / "c.zip").path
    assert other.read_bytes() != first
    assert members(other) == members(tmp_path / "a.zip")
    assert run("verify", str(other))[0] == 0
    assert run("verify", str(tmp_path / "a.zip"))[0] == 0


def test_zlib_is_chosen_on_purpose_with_fivesafes_deflate() -> None:
    import subprocess
    import sys

    code = "from fivesafes.adapters.release.zip_streams import DEFLATER; print(DEFLATER)"
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "FIVESAFES_DEFLATE": "zlib"}, check=True)
    assert chosen.stdout.strip() == "zlib"
