"""The shared offline validator accepts a packaged release at REQUIRED with zero issues."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.support.release import Validator


@pytest.mark.validator
def test_packaged_release_passes_the_shared_validator(release: Path, validator: Validator) -> None:
    report = validator(release, "required")
    issues = [f"{i['check']['identifier']}: {i['message']}" for i in report["issues"]]
    assert report["passed"], issues
    assert issues == []
