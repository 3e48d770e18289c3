"""The people registry in validation: researchers the policy requires to be accredited."""

from __future__ import annotations

from pathlib import Path

from fivesafes.core import layout
from fivesafes.core.request.validate import validate_policy, validate_request

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "project-repo"
REQUIRE = b'\n[researchers]\nrequires-accreditation = ["Safe Researcher Training"]\n'
ALEX = b'''
[people.alex-researcher]
name = "Alex Researcher"
orcid = "https://orcid.org/0000-0002-1825-0097"
[[people.alex-researcher.accreditation]]
name = "Safe Researcher Training"
expires = 2025-01-31
'''


def _files() -> dict[str, bytes]:
    return {p.relative_to(TEMPLATE).as_posix(): p.read_bytes()
            for p in (TEMPLATE / "resources").rglob("*") if p.is_file()}


def _warnings(policy_text: bytes) -> list[str]:
    policy, found = validate_policy((TEMPLATE / layout.POLICY).read_bytes() + policy_text)
    assert policy is not None, found
    result = validate_request(_files(), policy)
    assert result.ok
    return [f.render() for f in result.findings if f.rule == "people.researcher"]


def test_an_unregistered_requester_is_a_warning_on_their_line() -> None:
    (warning,) = _warnings(REQUIRE)
    assert warning.startswith(f"{layout.PROJECT}:42:")
    assert "researcher @alex-researcher is not in the TRE's people registry" in warning


def test_a_registered_requester_is_fine_whatever_the_expiry() -> None:
    # expiry is judged on the day of the sign-off and of the execution, not at validation
    assert _warnings(REQUIRE + ALEX) == []
    assert _warnings(ALEX) == []
