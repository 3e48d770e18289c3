"""The parts of GitHub event payloads the engine reads, validated before it reads them.

:mod:`fivesafes.core.facts.events` is lenient on purpose about what it does not handle (a new
action type is ``ignored``, never an error). What it does read must have GitHub's form: a
pull request number that is a string, a review id that is null, a numeric ``merged_at`` or a
``merged`` that is not a boolean is a malformed payload (exit 2, naming the key), not an
event to guess about. Keys GitHub sends as null may be null; unknown keys are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from fivesafes.core.facts.wire import FormatError, Stamp, Wire, explain


class PayloadFormatError(FormatError):
    """The event payload does not have GitHub's form."""


class UserP(Wire):
    login: str
    type: str | None = None


class RepoP(Wire):
    full_name: str | None = None
    default_branch: str | None = None


class SideP(Wire):
    ref: str | None = None
    sha: str | None = None
    repo: RepoP | None = None


class LabelP(Wire):
    name: str


class PullP(Wire):
    number: int | None = None
    state: str | None = None
    merged: bool | None = None
    merged_at: Stamp | None = None
    closed_at: Stamp | None = None
    merge_commit_sha: str | None = None
    head: SideP | None = None
    base: SideP | None = None
    user: UserP | None = None


class ReviewP(Wire):
    id: int
    state: str | None = None
    commit_id: str | None = None
    user: UserP | None = None
    submitted_at: Stamp | None = None


class Common(Wire):
    action: str | None = None
    sender: UserP | None = None
    repository: RepoP | None = None


class PullRequestPayload(Common):
    number: int | None = None
    pull_request: PullP | None = None
    label: LabelP | None = None
    review: ReviewP | None = None


class PushPayload(Common):
    ref: str | None = None
    after: str | None = None
    deleted: bool | None = None


class DispatchPayload(Common):
    ref: str | None = None
    inputs: dict[str, str | int | float | bool | None] | None = None


class RunP(Wire):
    event: str | None = None
    head_sha: str | None = None
    head_branch: str | None = None
    head_repository: RepoP | None = None


class WorkflowRunPayload(Common):
    workflow_run: RunP | None = None


MODELS: dict[str, type[Common]] = {
    "pull_request": PullRequestPayload,
    "pull_request_target": PullRequestPayload,
    "pull_request_review": PullRequestPayload,
    "push": PushPayload,
    "workflow_dispatch": DispatchPayload,
    "workflow_run": WorkflowRunPayload,
}


def check_payload(name: str, payload: Mapping[str, Any]) -> None:
    """Raise :class:`PayloadFormatError` when a key the engine reads has the wrong form."""
    model = MODELS.get(name)
    if model is None:
        return  # an event the engine does not handle: ignored, whatever it holds
    try:
        model.model_validate(dict(payload))
    except ValidationError as exc:
        raise PayloadFormatError(str(explain(f"the {name} payload", exc))) from None
