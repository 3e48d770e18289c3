"""Checks of the policy's people registry (``[people.<login>]``) beyond its schema.

The registry decides whose decisions count, so a typo in it must be a finding on its line,
never a silently uncounted approver: logins that are not GitHub logins or are listed twice,
ORCID iDs with a wrong check digit, ROR ids, e-mail addresses, accreditations that expire
before they are awarded, and required accreditations that nobody in the registry holds.
"""

from __future__ import annotations

from fivesafes.core.decisions.people import registered
from fivesafes.core.findings import Finding
from fivesafes.core.request import values as checks
from fivesafes.core.request.project_rules import ror
from fivesafes.core.request.toml_doc import Doc
from fivesafes.models.policy import Policy
from fivesafes.models.project import ProjectFile


def people(doc: Doc, model: Policy) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[str, str] = {}
    orcids: dict[str, str] = {}
    for login, person in model.people.items():
        base = ("people", login)
        problem = checks.login_problem(login)
        if problem:
            out.append(doc.at(base, "people.login", f"people.{login}: {login!r} {problem}",
                              "name each [people.<login>] table by the person's GitHub login"))
        if login.lower() in seen:
            out.append(doc.at(base, "people.duplicate",
                              f"people.{login} is also listed as people.{seen[login.lower()]} "
                              "(logins are case-insensitive)", "keep one of the two tables"))
        seen.setdefault(login.lower(), login)
        problem = checks.orcid_problem(person.orcid)
        if problem:
            out.append(doc.at((*base, "orcid"), "people.orcid",
                              f"orcid {checks.orcid_bare(person.orcid)} of @{login} {problem}",
                              "copy the iD from their ORCID record, e.g. "
                              "https://orcid.org/0000-0002-1825-0097"))
        else:
            bare = checks.orcid_bare(person.orcid)
            if bare in orcids and orcids[bare] != login:
                out.append(doc.at((*base, "orcid"), "people.orcid-shared",
                                  f"@{login} has the same ORCID iD as @{orcids[bare]}",
                                  "one person, one login: remove the other entry", "warning"))
            orcids.setdefault(bare, login)
        if person.affiliation is not None:
            out += ror(doc, (*base, "affiliation"), person.affiliation)
        if person.email is not None and checks.email_problem(person.email):
            out.append(doc.at((*base, "email"), "people.email",
                              f"email {person.email!r} of @{login} is not an e-mail address",
                              "write it as name@example.org"))
        for i, accreditation in enumerate(person.accreditation):
            if accreditation.awarded and accreditation.awarded > accreditation.expires:
                out.append(doc.at((*base, "accreditation", i, "expires"), "people.dates",
                                  f"@{login}'s {accreditation.name} expires on "
                                  f"{accreditation.expires}, before it was awarded "
                                  f"({accreditation.awarded})", "correct the dates"))
    out += _required(doc, model)
    return out


def _required(doc: Doc, model: Policy) -> list[Finding]:
    """A required accreditation that no registered person holds cannot ever be met."""
    held = {a.name.casefold() for p in model.people.values() for a in p.accreditation}
    where: list[tuple[tuple[str | int, ...], list[str]]] = [
        (("phases", phase, "requires-accreditation"),
         model.phases.rule("sign-off" if phase == "sign-off" else "disclosure")
         .requires_accreditation)
        for phase in ("sign-off", "disclosure")
    ]
    where.append((("researchers", "requires-accreditation"),
                  model.researchers.requires_accreditation))
    out: list[Finding] = []
    for path, names in where:
        for i, name in enumerate(names):
            if name.casefold() not in held:
                out.append(doc.at((*path, i), "people.accreditation-unknown",
                                  f"{name!r} is required but nobody in [people] holds it, so "
                                  "no decision can count", "register the accredited people "
                                  "([[people.<login>.accreditation]]) or fix the name",
                                  "warning"))
    return out


def team(doc: Doc, project: ProjectFile, policy: Policy) -> list[Finding]:
    """project.toml: researchers the registry cannot show accredited (warnings, as expiry is
    judged on the day of the sign-off and of the execution, not at validation)."""
    required = policy.researchers.requires_accreditation
    if not required:
        return []
    where: list[tuple[tuple[str | int, ...], str]] = [(("requester", "github"),
                                                       project.requester.github)]
    where += [(("researchers", i, "github"), r.github) for i, r in enumerate(project.researchers)]
    out: list[Finding] = []
    for path, login in where:
        person = registered(policy.people, login)
        held = {a.name.casefold() for a in person.accreditation} if person else set()
        missing = [name for name in required if name.casefold() not in held]
        if not missing:
            continue
        why = ("is not in the TRE's people registry" if person is None
               else f"holds no {' and '.join(missing)} in the TRE's people registry")
        out.append(doc.at(path, "people.researcher",
                          f"researcher @{login} {why}, which the policy requires of every "
                          "researcher; no sign-off can count until it does",
                          "ask the TRE to register the accreditation", "warning"))
    return out
