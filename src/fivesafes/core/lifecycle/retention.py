"""Retention: when a finished request's staging folders may go, and the entry that says so.

Output data waits in the TRE's staging folder for the checkers and the publication; once the
request is published, or its project has ended without a publication, nothing needs it any
more, and the TRE's ``executor.retention-days`` says how long it is kept after that. This
module decides from the record and the project alone (pure: no clock, no files) and builds
the ``retention`` entry that records a removal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fivesafes.core.decisions.projects import day_of
from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger.queries import latest
from fivesafes.core.lifecycle.steps import agents_of
from fivesafes.models.ledger import ActionRecord, EntryDraft, Evidence
from fivesafes.models.project import Project


@dataclass(frozen=True)
class Retention:
    """Whether the staging folders may be removed on ``today``, and why (or why not)."""

    due: bool
    reason: str
    since: dt.date | None = None  # publication day, or the project's end
    until: dt.date | None = None  # first day the folders may be removed


def retention(record: ActionRecord, project: Project, days: int | None,
              today: dt.date) -> Retention:
    """Published, or the project ended: removable ``days`` days later."""
    if days is None:
        return Retention(False, "the policy sets no executor.retention-days, so staging "
                         "folders are kept")
    publication = latest(record, "publication")
    published = day_of(publication.end or publication.start) \
        if publication is not None and publication.status == "completed" else None
    if published is not None:
        since, what = published, f"published on {published}"
    elif today > project.end_date:
        since, what = project.end_date, f"its project ended on {project.end_date}"
    else:
        return Retention(False, "the request is neither published nor past its project's end "
                         f"({project.end_date}), so its staging folders are kept")
    until = since + dt.timedelta(days=days)
    if today < until:
        return Retention(False, f"{what}; its staging folders are kept until {until} "
                         f"(retention-days = {days})", since, until)
    return Retention(True, f"{what}, {days} day(s) of retention have passed", since, until)


def retention_entry(request_id: str, record: ActionRecord, due: Retention, *, now: str,
                    evidence: Mapping[str, Any], folders: int, size: int) -> EntryDraft:
    """The entry recording the removal."""
    return EntryDraft(
        id=derived_urn(request_id, "retention", len(record.action)), phase="retention",
        status="completed", start=now, end=now,
        reason=f"removed the request's staging folder ({folders} attempt folder(s), "
               f"{size} bytes): {due.reason}",
        agents=agents_of(()), evidence=Evidence.model_validate(evidence))
