"""Releases handled by other tools, and bags from other producers, judged as their standards say.

An honest re-zip (Info-ZIP, Python's zipfile, Zip64 forms), a bag bagit-python wrote, RFC 8493
manifest forms and a complete bag with fetch.txt all verify; any wrong digest in any manifest
still fails; a highly compressible output that `package` wrote is no zip bomb.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path

import bagit
import pytest
from tests.support.release import (
    EPOCH,
    members,
    package,
    reseal,
    run,
    verify_rules,
    warning_rules,
    write_members,
)


def _unpack(release: Path, into: Path) -> Path:
    with zipfile.ZipFile(release) as archive:
        archive.extractall(into)
    return next(into.iterdir())


def _zip_folder(folder: Path, out: Path) -> Path:
    """Python's zipfile, deflating, as a recipient might re-zip what they unpacked."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            archive.write(path, path.relative_to(folder.parent).as_posix())
    return out


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP zip is not installed")
def test_rezip_by_info_zip(release: Path, tmp_path: Path) -> None:
    bag = _unpack(release, tmp_path / "unpacked")
    out = tmp_path / "rezipped.zip"
    subprocess.run(["zip", "-q", "-r", str(out), bag.name], cwd=bag.parent, check=True)
    assert verify_rules(out) == (0, set())
    assert "zip.form" in warning_rules(out)


def test_rezip_by_python_zipfile(release: Path, tmp_path: Path) -> None:
    bag = _unpack(release, tmp_path / "unpacked")
    assert verify_rules(_zip_folder(bag, tmp_path / "rezipped.zip")) == (0, set())


def test_zip64_directory_as_python_zipfile_writes_it(release: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Offsets past the (lowered) zip64 limit: version needed 45 centrally, 20 locally."""
    bag = _unpack(release, tmp_path / "unpacked")
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 2000)
    out = _zip_folder(bag, tmp_path / "zip64.zip")
    monkeypatch.undo()
    data = out.read_bytes()
    assert b"PK\x06\x06" in data
    central = data.index(b"PK\x01\x02", data.index(b"PK\x01\x02") + 1)
    last_local = data.rindex(b"PK\x03\x04")
    assert struct.unpack_from("<H", data, last_local + 4)[0] == 20
    assert 45 in {struct.unpack_from("<H", data, at + 6)[0]
                  for at in range(central, len(data)) if data[at:at + 4] == b"PK\x01\x02"}
    assert verify_rules(out) == (0, set())


def test_bag_written_by_bagit_python(release: Path, tmp_path: Path) -> None:
    bag = _unpack(release, tmp_path / "unpacked")
    folder = tmp_path / "rebagged" / "request-bag"
    shutil.copytree(bag / "data", folder)
    bagit.make_bag(str(folder), checksums=["sha256", "sha512"])
    assert (folder / "manifest-sha256.txt").is_file()
    out = _zip_folder(folder, tmp_path / "bagit-python.zip")
    assert verify_rules(out) == (0, set())
    assert "bagit.version" in warning_rules(out)  # bagit-python writes BagIt 0.97


def test_wrong_sha256_manifest_fails(release: Path, tmp_path: Path) -> None:
    bag = _unpack(release, tmp_path / "unpacked")
    folder = tmp_path / "rebagged" / "request-bag"
    shutil.copytree(bag / "data", folder)
    bagit.make_bag(str(folder), checksums=["sha256", "sha512"])
    manifest = folder / "manifest-sha256.txt"
    first = manifest.read_text().splitlines()[0]
    manifest.write_text(manifest.read_text().replace(first, "0" * 64 + first[64:]))
    for algorithm in ("sha256", "sha512"):  # the tag manifests agree with the wrong manifest
        tagmanifest = folder / f"tagmanifest-{algorithm}.txt"
        digest = hashlib.new(algorithm, manifest.read_bytes()).hexdigest()
        tagmanifest.write_text("".join(
            f"{digest}  manifest-sha256.txt\n" if line.endswith(" manifest-sha256.txt")
            else line + "\n" for line in tagmanifest.read_text().splitlines()))
    out = _zip_folder(folder, tmp_path / "wrong.zip")
    code, output = run("verify", str(out))
    assert code == 1
    assert "bagit.checksum: " in output
    assert "does not match its sha256" in output


def _edit_tags(release: Path, out: Path, manifest_edit: object = None, *,
               tagmanifest: bool = True, extra: dict[str, bytes] | None = None) -> Path:
    files = members(release)
    bag = next(iter(files)).split("/", 1)[0]
    files.update({f"{bag}/{k}": v for k, v in (extra or {}).items()})
    files = reseal(files, bag)
    name = f"{bag}/manifest-sha512.txt"
    if callable(manifest_edit):
        files[name] = manifest_edit(files[name])
    tags = {k[len(bag) + 1:]: v for k, v in files.items()
            if not k.startswith(f"{bag}/data/") and "tagmanifest" not in k}
    files[f"{bag}/tagmanifest-sha512.txt"] = "".join(
        f"{hashlib.sha512(v).hexdigest()}  {k}\n" for k, v in sorted(tags.items())).encode()
    if not tagmanifest:
        del files[f"{bag}/tagmanifest-sha512.txt"]
    write_members(out, files)
    return out


def test_tabs_and_upper_case_hex_in_manifests(release: Path, tmp_path: Path) -> None:
    def other_form(data: bytes) -> bytes:
        lines = [line.split("  ", 1) for line in data.decode().splitlines()]
        return "".join(f"{d.upper()}\t{p}\n" for d, p in lines).encode()

    assert verify_rules(_edit_tags(release, tmp_path / "tabs.zip", other_form)) == (0, set())


def test_missing_tag_manifest_is_a_warning(release: Path, tmp_path: Path) -> None:
    out = _edit_tags(release, tmp_path / "no-tagmanifest.zip", tagmanifest=False)
    assert verify_rules(out) == (0, set())
    assert "bagit.missing-tag" in warning_rules(out)


def test_complete_bag_with_fetch_txt_verifies(release: Path, tmp_path: Path) -> None:
    files = members(release)
    path = next(n for n in files if n.endswith("figure.png")).split("/", 1)[1]
    fetch = f"https://example.org/figure.png {len(files[next(iter(files))])} {path}\n"
    out = _edit_tags(release, tmp_path / "fetch.zip", extra={"fetch.txt": fetch.encode()})
    assert verify_rules(out) == (0, set())


def test_incomplete_bag_with_fetch_txt_fails(release: Path, tmp_path: Path) -> None:
    fetch = b"https://example.org/absent.csv 10 data/outputs/absent.csv\n"

    def listed(data: bytes) -> bytes:
        return data + f"{'0' * 128}  data/outputs/absent.csv\n".encode()

    out = _edit_tags(release, tmp_path / "fetch.zip", listed, extra={"fetch.txt": fetch})
    code, rules = verify_rules(out)
    assert code == 1
    assert "bagit.fetch" in rules


def test_highly_compressible_outputs_package_wrote_verify(
    release_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    (outputs / "zeros.csv").write_bytes(b"0," * (16 << 20))
    (outputs / "constant.csv").write_bytes(b"region,count\n" + b"north,10\n" * (3 << 20))
    info = package(release_project, outputs, tmp_path / "compressible.zip")
    assert verify_rules(info.path) == (0, set())


def test_unpacked_bag_folder_verifies_and_a_tampered_one_is_refused(release: Path,
                                                                   tmp_path: Path) -> None:
    bag = _unpack(release, tmp_path / "unpacked")
    assert verify_rules(bag) == (0, set())
    report = next(bag.rglob("report.md"))
    report.write_bytes(report.read_bytes().replace(b"region", b"REGION"))
    code, rules = verify_rules(bag)
    assert code == 1
    assert "bagit.checksum" in rules
    (bag / "data" / "link").symlink_to("/etc/passwd")
    assert "zip.symlink" in verify_rules(bag)[1]


def test_verify_starts_without_loading_the_models() -> None:
    """Start-up is part of verify's budget (1.2 x one sha-512 pass): pydantic loads only
    for --record / --repo."""
    import sys

    code = ("import sys, fivesafes.cli.verify_cmd, fivesafes.adapters.release.authentic; "
            "print('pydantic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
