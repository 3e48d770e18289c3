"""The policy's decision phases: who may decide each one, and the labels that ask for it.

``[phases.sign-off]`` and ``[phases.disclosure]`` name the approvers, how many must agree,
whom they must differ from and what they must be accredited for; ``[labels]`` the label
names that request a decision (requests, never proof).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from fivesafes.models.base import TomlModel

DecisionPhase = Literal["sign-off", "disclosure"]


class PhaseRule(TomlModel):
    """Who may decide a phase, how many must agree, and whom they must differ from."""

    approvers: list[str] = Field(
        min_length=1, description="GitHub logins and @org/team slugs allowed to decide."
    )
    required: int = Field(default=1, ge=1, description="Distinct approvers needed.")
    distinct_from: list[DecisionPhase] = Field(
        default_factory=list,
        description="Phases whose deciders may not decide here (separation of duties).",
    )
    requires_accreditation: list[str] = Field(
        default_factory=list,
        description="Accreditations (by name, as in [people]) each decider must hold, "
        "unexpired on the day of the decision.",
    )


class Phases(TomlModel):
    """Decision rules per phase.

    Disclosure defaults follow DESIGN.md: two distinct checkers, who must differ from the
    sign-off approvers, unless the policy says otherwise explicitly.
    """

    sign_off: PhaseRule
    disclosure: PhaseRule

    @field_validator("disclosure")
    @classmethod
    def _disclosure_defaults(cls, rule: PhaseRule) -> PhaseRule:
        update: dict[str, object] = {}
        if "required" not in rule.model_fields_set:
            update["required"] = 2
        if "distinct_from" not in rule.model_fields_set:
            update["distinct_from"] = ["sign-off"]
        return rule.model_copy(update=update) if update else rule

    def rule(self, phase: DecisionPhase) -> PhaseRule:
        return self.sign_off if phase == "sign-off" else self.disclosure


class Labels(TomlModel):
    """Label names that request a decision; labels are requests, never proof."""

    approve_sign_off: str = "5s:approve-sign-off"
    reject_sign_off: str = "5s:reject-sign-off"
    approve_disclosure: str = "5s:approve-disclosure"
    reject_disclosure: str = "5s:reject-disclosure"
    hold: str = "5s:hold"

    def decision_labels(self) -> set[str]:
        return {
            self.approve_sign_off,
            self.reject_sign_off,
            self.approve_disclosure,
            self.reject_disclosure,
            self.hold,
        }
