"""Every term that is specific to Five Safes RO-Crate 0.4 on RO-Crate 1.2, in one place.

The crate builder (:mod:`fivesafes.core.crate.spec`) asks this module which ``@type``,
``additionalType`` and ``actionStatus`` a recorded phase action takes, and which profile and
context URLs to write. Five Safes RO-Crate 1.0 changes exactly these (Authorize/Reject actions,
IRI statuses), so a ``profile_10`` module with the same names can sit beside this one and the
builder can be pointed at either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: `verify` reads the terms without loading the models
    from fivesafes.models.ledger import Phase, Status

PROFILE = "https://w3id.org/5s-crate/0.4"
PROFILE_NAME = "Five Safes RO-Crate 0.4"
PROFILE_VERSION = "0.4"

RO_CRATE = "https://w3id.org/ro/crate/1.2"
CONTEXT = "https://w3id.org/ro/crate/1.2/context"
METADATA_FILE = "ro-crate-metadata.json"
ROOT = "./"

# The profile requires the workflow (root mainEntity) to be a Workflow RO-Crate.
WORKFLOW_CRATE = "https://w3id.org/workflowhub/workflow-ro-crate/1.0"
ANY_RO_CRATE = "https://w3id.org/ro/crate"
SHA512 = "https://www.iana.org/assignments/named-information#sha-512"
SHA512_NAME = "sha-512 algorithm"

SHP = "https://w3id.org/shp#"
CHECK_VALUE = SHP + "CheckValue"
VALIDATION_CHECK = SHP + "ValidationCheck"
SIGN_OFF = SHP + "SignOff"
DISCLOSURE_CHECK = SHP + "DisclosureCheck"
GENERATE_CHECK_VALUE = SHP + "GenerateCheckValue"

# 0.4 writes statuses as plain strings, not as {"@id": ...} references.
POTENTIAL = "http://schema.org/PotentialActionStatus"
ACTIVE = "http://schema.org/ActiveActionStatus"
COMPLETED = "http://schema.org/CompletedActionStatus"
FAILED = "http://schema.org/FailedActionStatus"


@dataclass(frozen=True)
class ActionKind:
    """How one phase is typed in the crate."""

    type: str
    additional_type: str | None
    label: str


# The execution phase is not an action of its own: it is the status of the request's
# CreateAction (Potential before execution, then Active, Completed or Failed).
PHASE_KINDS: dict[Phase, ActionKind] = {
    "check": ActionKind("AssessAction", CHECK_VALUE, "Check of the request files"),
    "validation": ActionKind(
        "AssessAction", VALIDATION_CHECK, "Validation of the request against Five Safes RO-Crate"
    ),
    "workflow-retrieval": ActionKind("DownloadAction", None, "Retrieval of the workflow"),
    "sign-off": ActionKind("AssessAction", SIGN_OFF, "Sign-off of the request"),
    "execution": ActionKind("CreateAction", None, "Execution of the workflow"),
    "disclosure": ActionKind("AssessAction", DISCLOSURE_CHECK, "Disclosure check of the results"),
    "publication": ActionKind(
        "UpdateAction", GENERATE_CHECK_VALUE, "Publication of the release with BagIt checksums"
    ),
}

_STATUS: dict[Status, str] = {
    "potential": POTENTIAL,
    "active": ACTIVE,
    "completed": COMPLETED,
    "failed": FAILED,
}

_OUTCOME: dict[str, str] = {
    POTENTIAL: "not started",
    ACTIVE: "in progress",
    COMPLETED: "completed",
    FAILED: "failed",
}


def action_status(status: Status, *, decided_by: int = 0) -> str | None:
    """The 0.4 ``actionStatus`` of a recorded status; ``None`` for a refused attempt.

    ``pending`` is a decision that waits for approvers: Potential while nobody has approved,
    Active once some (not yet enough) have. A refused attempt is no action of the request.
    """
    if status == "refused":
        return None
    if status == "pending":
        return ACTIVE if decided_by else POTENTIAL
    return _STATUS[status]


def phase_of(action_type: str, additional_type: str | None) -> str | None:
    """The phase an action of the crate records (reading a crate back), if it is one of ours."""
    for phase, kind in PHASE_KINDS.items():
        if kind.type == action_type and kind.additional_type == additional_type:
            return phase
    return None


def outcome(status: str) -> str:
    """A short human word for an ``actionStatus`` value (names and the preview)."""
    return _OUTCOME.get(status, status)
