"""Checks of single values: ORCID, ROR, e-mail, GitHub login, URLs, names; did-you-mean.

Each check returns ``None`` when the value is fine, or the problem as a short phrase the
caller puts after the value (``orcid 0000-0001-9842-9711 has a wrong check digit``).
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

ORCID = re.compile(r"^(?:https://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
ROR = re.compile(r"^https://ror\.org/(0[0-9a-hj-km-np-tv-z]{6}[0-9]{2})$")
ROR_BARE = re.compile(r"^(?:https?://(?:www\.)?ror\.org/)?(0[0-9a-hj-km-np-tv-z]{6}[0-9]{2})/?$")
CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
TEAM = re.compile(r"^@[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9][A-Za-z0-9_.-]*$")
SECRET_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
VERSION_SEGMENT = re.compile(
    r"^(?:v\d+(?:\.\d+)*|\d+\.\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.]+)?|[0-9a-f]{40})$"
)
VERSION_QUERY = re.compile(r"(?:^|&)(?:version|ref|tag|commit)=[^&]+")


def orcid_check_digit(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid_problem(value: str) -> str | None:
    match = ORCID.match(value)
    if not match:
        return "is not an ORCID iD (16 digits as 0000-0000-0000-000X or its https://orcid.org/ URL)"
    digits = match.group(1).replace("-", "")
    if orcid_check_digit(digits[:15]) != digits[15]:
        return "has a wrong check digit"
    return None


def orcid_bare(value: str) -> str:
    """``0000-0002-1825-0097`` from either accepted form."""
    return value.removeprefix("https://orcid.org/")


def ror_check_digits(base: str) -> int:
    """ISO 7064 MOD 97-10 checksum of a ROR id's first seven (Crockford base32) characters."""
    number = 0
    for char in base:
        number = number * 32 + CROCKFORD.index(char)
    return 98 - (number * 100) % 97


def ror_problem(value: str) -> str | None:
    match = ROR.match(value)
    if not match:
        bare = ROR_BARE.match(value.strip().lower())
        if bare:
            return f"is not written as https://ror.org/{bare.group(1)}"
        return "is not a ROR id (https://ror.org/ then 0, six letters or digits, two digits)"
    ident = match.group(1)
    if ror_check_digits(ident[:7]) != int(ident[7:]):
        return "has a wrong checksum (its last two digits)"
    return None


def email_problem(value: str) -> str | None:
    return None if EMAIL.match(value) else "is not an e-mail address"


def login_problem(value: str) -> str | None:
    if LOGIN.match(value):
        return None
    return "is not a GitHub login (letters, digits and single hyphens, no @)"


def approver_problem(value: str) -> str | None:
    if TEAM.match(value) or LOGIN.match(value.removeprefix("@")):
        return None
    return "is neither a GitHub login nor an @org/team slug"


def https_problem(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme != "https":
        return "is not an https URL"
    if not parts.hostname or parts.username or parts.password:
        return "is not a plain https URL (it needs a host and no user or password)"
    return None


def engine_url_problem(value: str) -> str | None:
    """Like :func:`https_problem`, but plain http is allowed to a loopback address (an engine
    on the runner itself): the address an executor's token and workflow are sent to."""
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme == "http" and not (parts.username or parts.password):
        try:
            if host == "localhost" or ipaddress.ip_address(host).is_loopback:
                return None
        except ValueError:
            pass
        return "is plain http to an address that is not loopback"
    return https_problem(value)


def is_versioned(url: str) -> bool:
    """Whether a workflow URL pins a version (``?version=3``, ``/1.2.0``, a commit sha)."""
    parts = urlsplit(url)
    segments = [s for seg in parts.path.split("/") for s in seg.split("@")]
    return bool(VERSION_QUERY.search(parts.query)
                or any(VERSION_SEGMENT.match(seg) for seg in segments))


def prefix_problem(value: str) -> str | None:
    """An allowed-source prefix must be https and end in '/' so it cannot match other hosts."""
    problem = https_problem(value)
    if problem:
        return problem
    if not value.endswith("/"):
        return "does not end with '/', so it would also match other hosts or paths"
    return None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word``, if any is close."""
    pool = sorted(set(choices))
    folded = {c.lower().replace("_", "-"): c for c in pool}
    key = word.lower().replace("_", "-")
    if key in folded and folded[key] != word:
        return folded[key]
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def safe_relative(path: str) -> str | None:
    """Problem with a path that must stay inside the repository, or None."""
    if not path or path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return "is not a path relative to the repository root"
    if "\\" in path or any(part in ("..", "") for part in path.rstrip("/").split("/")):
        return "must be a plain relative path with '/' separators and no '..'"
    return None
