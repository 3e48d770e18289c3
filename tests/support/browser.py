"""A real headless Chromium (the distribution's package) for looking at generated pages.

Each run gets a fresh profile folder and every background service of the browser switched
off, so nothing is fetched from the network; pages are loaded from ``file://``. Skips with the
reason when no Chromium is installed locally (CI installs the ``chromium`` package).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--virtual-time-budget=5000")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no chromium on this machine (apt-get install chromium); CI installs it")


def run(url: str, *extra: str) -> str:
    """Chromium's output (stdout) for ``url`` with ``extra`` flags."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, url],
                              capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(page: Path, fragment: str = "") -> str:
    """The DOM after load, as the browser serialises it."""
    return run(page.resolve().as_uri() + fragment, "--dump-dom")


def screenshot(page: Path, png: Path) -> None:
    run(page.resolve().as_uri(), f"--screenshot={png}", "--window-size=1280,1600")


class Table(HTMLParser):
    """The rows of ``table#requests`` as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_table = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", "requests") in attrs:
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._in_table = False
        elif tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(dom: str) -> list[list[str]]:
    parser = Table()
    parser.feed(dom)
    return parser.rows
