"""Times as instants: every comparison of two GitHub times goes through here.

GitHub writes RFC 3339 with ``Z``; a facts file or an Enterprise Server may write an offset
(``+02:00``) or fractions. Comparing such strings as text orders them wrongly (``10:00+02:00``
is before ``09:00Z``), so times are parsed into aware datetimes before any comparison, and an
unreadable time is never taken as "early enough": callers decide what unknown means, always
the fail-closed way.
"""

from __future__ import annotations

import datetime as dt

EPOCH = dt.datetime.min.replace(tzinfo=dt.UTC)


def moment(stamp: str | None) -> dt.datetime | None:
    """The instant an RFC 3339 string names (naive times are UTC); None when unreadable."""
    if not stamp:
        return None
    try:
        parsed = dt.datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def order(stamp: str | None) -> dt.datetime:
    """A sort key: the instant, unreadable times first."""
    return moment(stamp) or EPOCH


def not_before(stamp: str | None, limit: dt.datetime | None) -> bool:
    """Whether ``stamp`` is at or after ``limit`` (an unreadable stamp is taken as after).

    GitHub's times are to the second: a decision in the same second as a merge cannot be shown
    to precede it, so it is taken as made after it."""
    if limit is None:
        return False
    made = moment(stamp)
    return made is None or made >= limit


def earliest(*stamps: str | None) -> str | None:
    """The earliest readable time among ``stamps`` (None when none is readable)."""
    known = [(m, s) for s in stamps if s for m in [moment(s)] if m is not None]
    return min(known)[1] if known else None
