"""A release checked against the record that published it: the genuine zip passes, a forgery
made with the product's own `package` is refused, also beside the genuine checksum file, and
an honest re-zip of the genuine bag is recognised while an altered payload byte is not."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.github_server import GitHubServer
from tests.support.execution import decide_disclosure, publish_options, sign_off

from fivesafes.adapters.ledger.file import read_record
from fivesafes.cli.main import cli
from fivesafes.core import layout
from fivesafes.services.attempt import RunOptions
from fivesafes.services.disclose import prepare
from fivesafes.services.execute import execute
from fivesafes.services.publish import publish


def _run(*args: str) -> tuple[int, str]:
    done = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return done.exit_code, done.output


def _verify(zip_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, output = _run("verify", str(zip_path), "--json", *extra)
    return code, json.loads(output[output.index("{"):])


def _errors(report: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in report["findings"] if f["severity"] == "error"}


@pytest.fixture
def published(tre_project: Path, staging: Path, data_dir: Path, tmp_path: Path) -> Path:
    """The project after a real publication; returns the published zip (with its .sha512)."""
    sign_off(tre_project)
    entry = execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    assert entry.status == "completed", entry.reason
    prepare(tre_project, RunOptions(staging_root=staging))
    decide_disclosure(tre_project)
    kept = tmp_path / "kept"
    options = replace(publish_options(staging, tmp_path / "release"), keep=kept)
    result = publish(tre_project, options)
    zip_path = Path(result.locations[0])
    # the copy the publish action attests is the published zip, with its checksum file
    assert (kept / zip_path.name).read_bytes() == zip_path.read_bytes()
    assert (kept / (zip_path.name + ".sha512")).is_file()
    return zip_path


def _outputs(staging: Path) -> Path:
    return next(p for p in staging.rglob("outputs") if p.is_dir())


def _forge(tre_project: Path, staging: Path, tmp_path: Path) -> Path:
    """`fivesafes package` on altered outputs: its crate claims every recorded approval."""
    altered = tmp_path / "altered"
    shutil.copytree(_outputs(staging), altered)
    csv = next(altered.rglob("*.csv"))
    csv.write_text(csv.read_text().replace("1", "7"))
    forged = tmp_path / "forged" / "release.zip"
    code, output = _run("package", str(tre_project), "--outputs", str(altered),
                        "--out", str(forged))
    assert code == 0, output
    return forged


def test_publication_records_the_bag_and_writes_mode_0644(published: Path,
                                                         tre_project: Path) -> None:
    release = read_record(tre_project).action[-1].release
    assert release is not None
    assert release.bag_sha512
    assert published.stat().st_mode & 0o777 == 0o644
    with zipfile.ZipFile(published) as archive:
        name = next(n for n in archive.namelist() if n.endswith("/tagmanifest-sha512.txt"))
        assert hashlib.sha512(archive.read(name)).hexdigest() == release.bag_sha512


def test_genuine_release_passes_against_the_record(published: Path, tre_project: Path) -> None:
    code, report = _verify(published, "--record", str(tre_project))
    assert code == 0, report
    assert report["checked"]["same_bytes"] is True
    assert report["checked"]["checksum_file"] == published.name + ".sha512"
    code, text = _run("verify", str(published), "--record", str(tre_project))
    assert code == 0
    assert "this is " in text
    assert "(the same bytes)" in text


def test_without_a_record_verify_says_it_checked_integrity_only(published: Path) -> None:
    code, text = _run("verify", str(published))
    assert code == 0
    assert "checked: integrity only" in text
    assert "gh attestation verify" in text


def test_forgery_made_with_package_is_refused(published: Path, tre_project: Path, staging: Path,
                                              tmp_path: Path) -> None:
    forged = _forge(tre_project, staging, tmp_path)
    assert _verify(forged)[0] == 0  # integrity holds: that is why a record is needed
    code, report = _verify(forged, "--record", str(tre_project))
    assert code == 1
    assert "record.not-published" in _errors(report)


def test_forgery_beside_the_genuine_checksum_file_is_refused(
        published: Path, tre_project: Path, staging: Path, tmp_path: Path) -> None:
    forged = _forge(tre_project, staging, tmp_path)
    shutil.copyfile(forged, published)  # same name, the genuine .sha512 beside it
    code, report = _verify(published)
    assert code == 1
    assert "release.checksum-file" in _errors(report)


def _rezip(src: Path, dst: Path, change: bytes | None = None,
           extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as archive:
        files = {i.filename: archive.read(i) for i in archive.infolist()}
    bag = next(iter(files)).split("/", 1)[0]
    files.update({f"{bag}/{k}": v for k, v in (extra or {}).items()})
    if change is not None:  # alter a payload file and reseal every manifest
        name = next(n for n in files if n.endswith(".csv"))
        files[name] = files[name].replace(b"1", change, 1)
        from tests.support.release import reseal

        files = reseal(files, bag)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return dst


def test_honest_rezip_is_recognised(published: Path, tre_project: Path, tmp_path: Path) -> None:
    code, report = _verify(_rezip(published, tmp_path / "rezip.zip"), "--record", str(tre_project))
    assert code == 0, report
    assert report["checked"]["same_bytes"] is False
    assert "record.rezipped" in {f["rule"] for f in report["findings"]}


def test_rezip_with_an_added_tag_file_is_refused(published: Path, tre_project: Path,
                                                 tmp_path: Path) -> None:
    added = _rezip(published, tmp_path / "added.zip", extra={"notes.txt": b"trust me\n"})
    code, report = _verify(added, "--record", str(tre_project))
    assert code == 1
    assert "record.extra-file" in _errors(report)


def test_rezip_with_an_altered_payload_byte_is_refused(published: Path, tre_project: Path,
                                                       tmp_path: Path) -> None:
    altered = _rezip(published, tmp_path / "altered.zip", change=b"9")
    assert _verify(altered)[0] == 1  # the crate's recorded sha-512 of the result differs
    code, report = _verify(altered, "--record", str(tre_project))
    assert code == 1
    assert "record.not-published" in _errors(report)


@pytest.mark.parametrize("prefix", ["", "/api/v3"])
def test_record_read_through_the_github_api(published: Path, tre_project: Path, staging: Path,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            prefix: str) -> None:
    """--repo reads the default branch's record; /api/v3 is how GitHub Enterprise Server
    serves its API (GITHUB_API_URL)."""
    forged = _forge(tre_project, staging, tmp_path)
    with GitHubServer(prefix=prefix) as server:
        server.world.repo("example-tre/cohort-study", files={
            layout.ACTIONS: (tre_project / layout.ACTIONS).read_text()})
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        code, report = _verify(published, "--repo", "example-tre/cohort-study")
        assert code == 0, report
        assert report["checked"]["record"].startswith("example-tre/cohort-study")
        code, report = _verify(forged, "--repo", "example-tre/cohort-study")
        assert code == 1
        assert "record.not-published" in _errors(report)
        code, text = _run("verify", str(published), "--repo", "example-tre/absent")
        assert code == 3, text
        assert "example-tre/absent" in text
        assert server.env()["GITHUB_API_URL"].endswith(prefix or "")
        assert any(line.endswith("/repos/example-tre/cohort-study/contents/"
                                 "resources/governance/actions.toml?ref=main")
                   for line in server.lines())
        server.assert_clean()


def test_the_tre_folder_copy_with_the_data_is_recognised(
        tre_project: Path, staging: Path, data_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The public zip carries checksums only; the TRE folder's has the data: both are named."""
    import fivesafes.adapters.release.targets as targets

    policy = tre_project / layout.POLICY
    policy.write_text(policy.read_text().replace('targets = ["directory"]',
                                                 'targets = ["directory", "github-release"]'))
    sent: list[Path] = []

    def fake_release(zip_path: Path, sha512: str, **_: object) -> str:
        sent.append(tmp_path / "github" / zip_path.name)
        sent[-1].parent.mkdir(exist_ok=True)
        shutil.copyfile(zip_path, sent[-1])
        return "https://github.example/release"

    monkeypatch.setattr(targets, "to_github_release", fake_release)
    sign_off(tre_project)
    execute(tre_project, RunOptions(staging_root=staging, data_dir=data_dir, env={}))
    prepare(tre_project, RunOptions(staging_root=staging))
    decide_disclosure(tre_project)
    result = publish(tre_project, publish_options(staging, tmp_path / "release"))
    release = read_record(tre_project).action[-1].release
    assert release is not None
    assert release.full_sha512
    assert release.full_bag_sha512
    for zip_path in (sent[0], Path(result.locations[0])):
        code, report = _verify(zip_path, "--record", str(tre_project))
        assert code == 0, report
