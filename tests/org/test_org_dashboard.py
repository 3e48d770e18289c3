"""``fivesafes org dashboard``: the static site, looked at in a real headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.support.browser import dump_dom, screenshot, table_rows
from tests.support.org_projects import organisation

from fivesafes.cli.main import cli

# after load, the test copy of the page writes the states of the rows the CSS leaves visible
PROBE = """<script>
window.addEventListener("load", () => setTimeout(() => {
  document.body.setAttribute("data-visible", Array.from(
    document.querySelectorAll("table#requests tbody tr"))
    .filter(r => getComputedStyle(r).display !== "none")
    .map(r => r.dataset.state).join(","));
}, 100));
</script></body>"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1768471200")  # 2026-01-15T10:00:00Z
    folders = organisation(tmp_path / "checkouts")
    out = tmp_path / "site"
    args = [a for f in folders for a in ("--from", str(f))]
    result = CliRunner().invoke(cli, ["org", "dashboard", "acme", "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def test_page_is_static_and_deterministic(site: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert html.count("<svg") >= 2 + 4  # two charts, one phase diagram per request
    for title in ("Cohort study of asthma", "Influenza vaccine uptake", "Diabetes outcomes",
                  "A fresh request"):
        assert title in html
    assert (site / "projects.json").is_file()
    again = tmp_path / "again"
    folders = sorted(p for p in (tmp_path / "checkouts").iterdir())
    args = [a for f in folders for a in ("--from", str(f))]
    CliRunner().invoke(cli, ["org", "dashboard", "acme", "--out", str(again), *args])
    first = CliRunner().invoke(cli, ["org", "dashboard", "acme", "--out", str(site), *args])
    assert first.exit_code == 0
    assert (again / "index.html").read_bytes() == (site / "index.html").read_bytes()


def test_chromium_reads_the_table(site: Path) -> None:
    rows = table_rows(dump_dom(site / "index.html"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["title", "repository", "state"]
    by_title = {r[0]: r for r in body}
    assert set(by_title) == {"Cohort study of asthma", "Influenza vaccine uptake",
                             "Diabetes outcomes", "A fresh request"}
    assert by_title["Cohort study of asthma"][2] == "sign-off-pending stuck"
    assert by_title["Cohort study of asthma"][5] == "14"
    assert by_title["Diabetes outcomes"][2] == "published"


def test_state_filter_works_without_page_scripts(site: Path) -> None:
    page = (site / "index.html").read_text(encoding="utf-8")
    probe = site / "probe.html"
    probe.write_text(page.replace("</body>", PROBE), encoding="utf-8")

    def visible(fragment: str) -> list[str]:
        match = re.search(r'data-visible="([^"]*)"', dump_dom(probe, fragment))
        assert match, "the probe did not run"
        return sorted(filter(None, match.group(1).split(",")))

    assert visible("#state-published") == ["published"]
    assert visible("#stuck") == ["disclosure-pending", "sign-off-pending"]
    assert len(visible("#all")) == 4


def test_screenshot(site: Path, tmp_path: Path) -> None:
    png = tmp_path / "dashboard.png"
    screenshot(site / "index.html", png)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000
