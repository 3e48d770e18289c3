"""``Co-authored-by`` trailers of a commit message, and the GitHub logins they reveal.

Whoever co-wrote a request may not approve it. Git only treats the last paragraph as
trailers, but a forged approval is the risk here, not an extra exclusion, so every line of
the message that reads like a co-author trailer counts. GitHub's no-reply addresses
(``12345+login@users.noreply.github.com``) name the login; other addresses give no login.
"""

from __future__ import annotations

import re

from fivesafes.core.facts.values import CoAuthor

TRAILER = re.compile(r"^\s*co-authored-by\s*:\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$",
                     re.IGNORECASE | re.MULTILINE)
NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[A-Za-z0-9-]+(?:\[bot\])?)@users\.noreply\."
                     r"(?:github\.com|[A-Za-z0-9.-]+)$", re.IGNORECASE)


def login_from_email(email: str) -> str | None:
    found = NOREPLY.match(email.strip())
    return found.group("login") if found else None


def co_authors(message: str) -> tuple[CoAuthor, ...]:
    """Every co-author named in ``message``, in order, without repeats."""
    seen: set[str] = set()
    out: list[CoAuthor] = []
    for match in TRAILER.finditer(message):
        email = match.group("email").strip()
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        out.append(CoAuthor(match.group("name").strip(), email, login_from_email(email)))
    return tuple(out)
