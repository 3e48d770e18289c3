"""Safe People: who a login is (the policy's people registry) and whether they may act today.

Being allow-listed says someone may decide a phase; the registry says whether they are, on the
day of the decision, what the TRE requires of a decider: each accreditation the phase names
(``requires-accreditation``), awarded and not expired. The researchers must hold what
``[researchers] requires-accreditation`` names on the day of the sign-off and again on the day
of the execution. A decision that fails either, or a sign-off outside the project's dates
(:mod:`fivesafes.core.decisions.projects`), is not counted: the gates turn it into a refusal
with the reason, which is shown, and recorded when it was the triggering attempt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from fivesafes.core.decisions import projects
from fivesafes.models.people import RegisteredPerson
from fivesafes.models.phases import DecisionPhase
from fivesafes.models.policy import Policy
from fivesafes.models.project import ProjectFile

if TYPE_CHECKING:  # a type only: facts.values imports the policy rules, which import this
    from fivesafes.core.decisions.context import Context


def registered(people: Mapping[str, RegisteredPerson], login: str) -> RegisteredPerson | None:
    """The registry entry of a GitHub login (logins are case-insensitive)."""
    found = people.get(login)
    if found is not None:
        return found
    folded = login.lower()
    return next((p for key, p in sorted(people.items()) if key.lower() == folded), None)


def accreditation_problem(login: str, person: RegisteredPerson | None,
                          required: Sequence[str], day: dt.date) -> str | None:
    """Why ``login`` does not hold every ``required`` accreditation on ``day``, or None."""
    if not required:
        return None
    if person is None:
        names = " and ".join(required)
        return (f"@{login} is not in the policy's people registry, so their {names} cannot be "
                "shown; ask the maintainers to register them ([people] in the policy)")
    for name in required:
        held = [a for a in person.accreditation if a.name.casefold() == name.casefold()]
        if not held:
            return f"@{login} holds no {name} in the policy's people registry"
        if any((a.awarded is None or a.awarded <= day) and day <= a.expires for a in held):
            continue
        latest = max(held, key=lambda a: a.expires)
        if latest.awarded is not None and latest.awarded > day:
            return f"@{login}'s {name} was awarded only on {latest.awarded}, after {day}"
        return f"@{login}'s {name} expired on {latest.expires}"
    return None


def team_problem(project: ProjectFile, policy: Policy, day: dt.date) -> str | None:
    """Why the project's researchers are not all accredited on ``day``, or None."""
    required = policy.researchers.requires_accreditation
    for researcher in project.team() if required else ():
        why = accreditation_problem(researcher.github, registered(policy.people,
                                                                   researcher.github),
                                    required, day)
        if why is not None:
            return f"researcher {why}"
    return None


def barred(login: str, phase: DecisionPhase, ctx: Context, at: str | None,
           verdict: str = "approve") -> str | None:
    """Why a decision by an otherwise eligible ``login`` at ``at`` does not count, or None.

    Accreditation applies to every decision; the project's dates and its researchers only to
    approvals (a rejection or a hold stops a request whenever it comes).
    """
    day = projects.day_of(at)
    policy = ctx.policy
    required = policy.phases.rule(phase).requires_accreditation
    if required:
        if day is None:
            return (f"the time of @{login}'s decision is unknown, so their accreditation "
                    "cannot be checked")
        why = accreditation_problem(login, registered(policy.people, login), required, day)
        if why is not None:
            return why
    if phase != "sign-off" or verdict != "approve":
        return None
    project = ctx.project
    if project is None:
        return None  # validation fails on it, and nothing is signed off
    if day is None:
        return f"the time of @{login}'s decision is unknown, so the project's dates cannot " \
               "be checked"
    why = projects.sign_off_date_problem(project.project, day)
    if why is None:
        why = team_problem(project, policy, day)
        if why is not None:
            why += "; no sign-off counts until the registry shows it"
    return why


def execution_barred(project: ProjectFile, policy: Policy, day: dt.date) -> str | None:
    """Why a signed-off request may not be executed on ``day``, or None."""
    why = projects.execution_problem(project.project, day)
    if why is None:
        why = team_problem(project, policy, day)
        if why is not None:
            why += " (checked again at execution); nothing runs until it is renewed"
    return why


def never_accredited(policy: Policy, phase: DecisionPhase) -> set[str]:
    """Allow-listed logins (lower case) the registry does not show holding the phase's
    required accreditations at all: whoever else may approve, it is not them."""
    required = policy.phases.rule(phase).requires_accreditation
    out: set[str] = set()
    for entry in policy.phases.rule(phase).approvers if required else ():
        if entry.startswith("@"):
            continue
        person = registered(policy.people, entry)
        held = {a.name.casefold() for a in person.accreditation} if person else set()
        if any(name.casefold() not in held for name in required):
            out.add(entry.lower())
    return out
