"""Hostile and defective release zips: each is refused (exit 1 or 2) and nothing is written."""

from __future__ import annotations

import json
import stat
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.release import (
    EPOCH,
    central_offsets,
    edit_crate,
    members,
    package,
    patch,
    record,
    rewrite,
    run,
    verify_rules,
    warning_rules,
    write_members,
)

from fivesafes.adapters.ledger.file import write_record


@pytest.fixture(autouse=True)
def _nothing_written(tmp_path: Path) -> Iterator[None]:
    """verify must never write or extract: the folder holds the same files afterwards."""
    yield
    before = sorted(p.name for p in tmp_path.rglob("*"))
    for zip_path in tmp_path.glob("*.zip"):
        run("verify", str(zip_path))
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def _refused(path: Path, rule: str, *extra: str) -> None:
    code, rules = verify_rules(path, *extra)
    assert code == 1, rules
    assert rule in rules, rules


def test_the_good_release_verifies(release: Path) -> None:
    code, text = run("verify", str(release))
    assert code == 0, text
    assert text.strip().splitlines()[-1].startswith("OK: release.zip: 0 error(s)")


def _with_member(release: Path, dst: Path, name: str, data: bytes = b"x",
                 mode: int | None = None) -> Path:
    files = members(release)
    files[name] = data
    attrs = {name: mode} if mode is not None else None
    write_members(dst, files, attrs)
    return dst


@pytest.mark.parametrize(("name", "rule"), [
    ("{bag}/../evil.txt", "zip.path-escape"),
    ("/etc/evil.txt", "zip.absolute-path"),
    ("{bag}\\data\\evil.txt", "zip.backslash"),
    ("{bag}/data/./evil.txt", "zip.bad-name"),
    ("other-folder/evil.txt", "zip.top-level"),
    ("{bag}/DATA/outputs/Figure.png", "zip.duplicate"),
])
def test_bad_member_names(release: Path, tmp_path: Path, name: str, rule: str) -> None:
    bag = next(iter(members(release))).split("/", 1)[0]
    if rule == "zip.duplicate":
        bag_files = members(release)
        name = next(n for n in bag_files if n.endswith("figure.png")).upper()
        name = bag + name[len(bag):]
    _refused(_with_member(release, tmp_path / "bad.zip", name.format(bag=bag)), rule)


def test_exact_duplicate_name(release: Path, tmp_path: Path) -> None:
    files = members(release)
    name = next(n for n in files if n.endswith("report.md"))
    dst = tmp_path / "dup.zip"
    write_members(dst, files)
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(dst, "a") as archive:
        archive.writestr(name, b"# other report\n")
    _refused(dst, "zip.duplicate")


@pytest.mark.parametrize(("mode", "rule"), [
    (stat.S_IFLNK | 0o777, "zip.symlink"),
    (stat.S_IFIFO | 0o644, "zip.special-file"),
    (stat.S_IFCHR | 0o644, "zip.special-file"),
])
def test_links_and_special_files(release: Path, tmp_path: Path, mode: int, rule: str) -> None:
    bag = next(iter(members(release))).split("/", 1)[0]
    dst = _with_member(release, tmp_path / "link.zip", f"{bag}/data/link", b"/etc/passwd",
                       mode << 16)
    _refused(dst, rule)


def test_encrypted_member(release: Path, tmp_path: Path) -> None:
    dst = tmp_path / "encrypted.zip"
    data = bytearray(release.read_bytes())
    with zipfile.ZipFile(release) as archive:
        local = archive.infolist()[1].header_offset
    # the general purpose flags of the second entry, in its local and central headers
    offsets = [local + 6, central_offsets(bytes(data))[1] + 8]
    for offset in offsets:
        flags = struct.unpack_from("<H", data, offset)[0]
        struct.pack_into("<H", data, offset, flags | 1)
    dst.write_bytes(bytes(data))
    _refused(dst, "zip.encrypted")


def test_bomb_by_ratio(release: Path, tmp_path: Path) -> None:
    files = members(release)
    bag = next(iter(files)).split("/", 1)[0]
    dst = tmp_path / "bomb.zip"
    write_members(dst, files)
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{bag}/data/zeros.csv", bytes(30 * 1024 * 1024))
    _refused(dst, "zip.ratio")


def test_bomb_by_total_size(release: Path) -> None:
    _refused(release, "zip.size", "--max-total-bytes", "10000")


def test_bomb_by_member_count(release: Path) -> None:
    _refused(release, "zip.members", "--max-members", "3")


def test_size_field_that_lies(release: Path, tmp_path: Path) -> None:
    data = bytearray(release.read_bytes())
    with zipfile.ZipFile(release) as archive:
        info = next(i for i in archive.infolist() if i.filename.endswith("figure.png"))
    struct.pack_into("<L", data, info.header_offset + 22, info.file_size - 100)
    dst = tmp_path / "lying.zip"
    dst.write_bytes(bytes(data))
    _refused(dst, "zip.local-header")


@pytest.mark.parametrize("where", ["stored", "deflated", "crate", "tag"])
def test_flipped_byte(release: Path, tmp_path: Path, where: str) -> None:
    with zipfile.ZipFile(release) as archive:
        suffix = {"stored": "figure.png", "deflated": "counts_by_region.csv",
                  "crate": "ro-crate-metadata.json", "tag": "bag-info.txt"}[where]
        info = next(i for i in archive.infolist() if i.filename.endswith(suffix))
    data = bytearray(release.read_bytes())
    at = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    data[at] ^= 0x10
    dst = tmp_path / "flipped.zip"
    dst.write_bytes(bytes(data))
    _refused(dst, "zip.corrupt")


def test_file_missing_from_payload(release: Path, tmp_path: Path) -> None:
    def drop(files: dict[str, bytes], bag: str) -> None:
        del files[f"{bag}/data/outputs/figure.png"]

    _refused(rewrite(release, tmp_path / "missing.zip", drop, seal=False), "bagit.missing-file")
    _refused(rewrite(release, tmp_path / "missing2.zip", drop), "crate.missing-file")


def test_file_not_in_manifest(release: Path, tmp_path: Path) -> None:
    def add(files: dict[str, bytes], bag: str) -> None:
        files[f"{bag}/data/outputs/extra.csv"] = b"a,b\n1,2\n"

    _refused(rewrite(release, tmp_path / "unlisted.zip", add, seal=False),
             "bagit.unlisted-file")


def test_old_bagit_version(release: Path, tmp_path: Path) -> None:
    def old(files: dict[str, bytes], bag: str) -> None:
        files[f"{bag}/bagit.txt"] = b"BagIt-Version: 0.93\nTag-File-Character-Encoding: UTF-8\n"

    _refused(rewrite(release, tmp_path / "old.zip", old), "bagit.version")


def test_bagit_097_as_bagit_python_writes_it_is_a_warning(release: Path, tmp_path: Path) -> None:
    def old(files: dict[str, bytes], bag: str) -> None:
        files[f"{bag}/bagit.txt"] = b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"

    code, rules = verify_rules(rewrite(release, tmp_path / "old.zip", old))
    assert (code, rules) == (0, set())
    assert "bagit.version" in warning_rules(tmp_path / "old.zip")


def test_lower_case_bagit_label(release: Path, tmp_path: Path) -> None:
    def lower(files: dict[str, bytes], bag: str) -> None:
        files[f"{bag}/bagit.txt"] = b"BagIt-version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

    _refused(rewrite(release, tmp_path / "lower.zip", lower), "bagit.label-case")


@pytest.mark.parametrize("value", [None, "release-1", "urn:uuid:not-a-uuid"])
def test_external_identifier_missing_or_wrong_is_a_warning(release: Path, tmp_path: Path,
                                                           value: str | None) -> None:
    """The 0.4 profile recommends a urn:uuid External-Identifier; RFC 8493 asks for none."""
    def change(files: dict[str, bytes], bag: str) -> None:
        lines = files[f"{bag}/bag-info.txt"].decode().splitlines()
        kept = [line for line in lines if not line.startswith("External-Identifier")]
        if value:
            kept.append(f"External-Identifier: {value}")
        files[f"{bag}/bag-info.txt"] = ("\n".join(kept) + "\n").encode()

    dst = rewrite(release, tmp_path / "ident.zip", change)
    assert verify_rules(dst) == (0, set())
    assert "bagit.external-identifier" in warning_rules(dst)


def test_payload_oxum_that_does_not_add_up(release: Path, tmp_path: Path) -> None:
    def change(files: dict[str, bytes], bag: str) -> None:
        name = f"{bag}/bag-info.txt"
        files[name] = patch(files[name], b"Payload-Oxum: ", b"Payload-Oxum: 1")

    def keep_oxum(files: dict[str, bytes], bag: str) -> None:
        change(files, bag)

    dst = rewrite(release, tmp_path / "oxum.zip", keep_oxum, seal=False)
    code, rules = verify_rules(dst)
    assert code == 1
    assert "bagit.payload-oxum" in rules


@pytest.mark.parametrize("ref", ["../../etc/passwd", "/etc/passwd", "file:///etc/passwd",
                                 "outputs/../../secret.csv"])
def test_crate_reference_outside_the_root(release: Path, tmp_path: Path, ref: str) -> None:
    def outside(crate: dict[str, Any]) -> None:
        crate["@graph"].append({"@id": ref, "@type": "File", "name": "escape"})
        root = next(e for e in crate["@graph"] if e["@id"] == "./")
        root["hasPart"] = [*root["hasPart"], {"@id": ref}]

    dst = rewrite(release, tmp_path / "outside.zip",
                  lambda files, bag: edit_crate(files, bag, outside))
    _refused(dst, "crate.outside-root")


def test_crate_result_checksum_that_differs(release: Path, tmp_path: Path) -> None:
    def wrong(crate: dict[str, Any]) -> None:
        for entity in crate["@graph"]:
            if entity.get("propertyID", "").endswith("#sha-512"):
                entity["value"] = "0" * 128

    dst = rewrite(release, tmp_path / "claims.zip",
                  lambda files, bag: edit_crate(files, bag, wrong))
    _refused(dst, "crate.checksum")


def test_crate_that_is_not_json(release: Path, tmp_path: Path) -> None:
    def garble(files: dict[str, bytes], bag: str) -> None:
        files[f"{bag}/data/ro-crate-metadata.json"] = b"{not json"

    _refused(rewrite(release, tmp_path / "garbled.zip", garble), "crate.json")


@pytest.mark.parametrize(("statuses", "rule"), [
    ({"sign_off": "failed"}, "action.sign-off-failed"),
    ({"sign_off": "pending"}, "action.sign-off-pending"),
    ({"disclosure": "failed"}, "action.rejected-results-shipped"),
    ({"disclosure": "pending"}, "action.disclosure-pending"),
    ({"disclosure": None}, "action.disclosure-missing"),
])
def test_actions_that_did_not_complete(release_project: Path, outputs: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       statuses: dict[str, Any], rule: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    write_record(release_project, record(**statuses))
    info = package(release_project, outputs, tmp_path / "unapproved.zip")
    _refused(info.path, rule)


def test_pending_sign_off_in_text_report(release_project: Path, outputs: Path,
                                         tmp_path: Path) -> None:
    write_record(release_project, record(sign_off="pending"))
    info = package(release_project, outputs, tmp_path / "pending.zip")
    code, text = run("verify", str(info.path))
    assert code == 1
    assert any(line.startswith("action.sign-off-pending: ") for line in text.splitlines())
    assert text.strip().splitlines()[-1].startswith("FAILED: pending.zip:")


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + bytes(100)])
def test_not_a_zip(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.zip"
    path.write_bytes(content)
    code, text = run("verify", str(path))
    assert code == 2, text
    code, text = run("verify", str(path), "--json")
    assert code == 2
    assert json.loads(text[text.index("{"):text.index("}") + 1])["ok"] is False


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    assert run("verify", str(tmp_path / "absent.zip"))[0] == 2


def test_truncated_zip(release: Path, tmp_path: Path) -> None:
    dst = tmp_path / "truncated.zip"
    dst.write_bytes(release.read_bytes()[: release.stat().st_size // 2])
    assert run("verify", str(dst))[0] in (1, 2)


def test_bytes_appended_or_prepended(release: Path, tmp_path: Path) -> None:
    data = release.read_bytes()
    (tmp_path / "after.zip").write_bytes(data + b"extra")
    (tmp_path / "before.zip").write_bytes(b"MZ stub" + data)
    assert run("verify", str(tmp_path / "after.zip"))[0] in (1, 2)
    assert run("verify", str(tmp_path / "before.zip"))[0] in (1, 2)


def test_crate_nested_too_deeply(release: Path, tmp_path: Path) -> None:
    def deep(files: dict[str, bytes], bag: str) -> None:
        files[f"{bag}/data/ro-crate-metadata.json"] = b"[" * 100_000 + b"]" * 100_000

    _refused(rewrite(release, tmp_path / "deep.zip", deep), "crate.json")


def test_payload_file_the_crate_does_not_describe(release: Path, tmp_path: Path) -> None:
    def add(files: dict[str, bytes], bag: str) -> None:
        files[f"{bag}/data/outputs/smuggled.csv"] = b"id,name\n1,someone\n"

    _refused(rewrite(release, tmp_path / "smuggled.zip", add), "crate.undescribed-file")
