"""Safe Projects: a project's dates and agreements, as the decisions and the execution see them.

A sign-off means "this project may use this data", which holds only while the project runs:
an approval given before the start date or after the end date, or once its data sharing
agreement or ethics approval has expired, is not counted. The execution
happens later, so it asks again: after the end date, or once the data sharing agreement or the
ethics approval has expired, nothing runs. Pure: project models and a day in, reasons out.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ValidationError

from fivesafes.core import layout
from fivesafes.models.project import Agreement, Project, ProjectFile


def day_of(stamp: str | None) -> dt.date | None:
    """The UTC day of an RFC 3339 time (None when absent or unreadable)."""
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).date()


def project_file(table: dict[str, object] | None) -> ProjectFile | None:
    """project.toml at the pull request's head (its parsed table), when it is valid
    (validation says otherwise)."""
    if table is None:
        return None
    try:
        return ProjectFile.model_validate(table)
    except ValidationError:
        return None


def sign_off_date_problem(project: Project, day: dt.date) -> str | None:
    """Why an approval on ``day`` falls outside the project's dates or agreements, or None."""
    if day < project.start_date:
        return (f"it was given on {day}, before the project starts on {project.start_date} "
                f"({layout.PROJECT}); approve again once the project has started")
    if day > project.end_date:
        return (f"it was given on {day}, after the project ended on {project.end_date} "
                f"({layout.PROJECT}); the project must be extended first")
    expired = (agreement_problem("data sharing agreement", project.data_sharing_agreement, day)
               or agreement_problem("ethics approval", project.ethics_approval, day))
    return f"it was given on {day}, but {expired}" if expired else None


def agreement_problem(what: str, agreement: Agreement | None, day: dt.date) -> str | None:
    if agreement is None or agreement.expires is None or day <= agreement.expires:
        return None
    return (f"the {what} {agreement.identifier} expired on {agreement.expires}; renew it and "
            f"record the new one in {layout.PROJECT} through a new request")


def execution_problem(project: Project, day: dt.date) -> str | None:
    """Why the project allows no execution on ``day`` (ended, an agreement expired), or None."""
    if day > project.end_date:
        return (f"the project ended on {project.end_date} ({layout.PROJECT}); a signed-off "
                "request of an ended project is not executed")
    if day < project.start_date:
        return f"the project starts only on {project.start_date} ({layout.PROJECT})"
    return (agreement_problem("data sharing agreement", project.data_sharing_agreement, day)
            or agreement_problem("ethics approval", project.ethics_approval, day))
