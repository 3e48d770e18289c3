"""Checks of project.toml beyond its schema: who asks, for which project, from where.

ORCID check digits, e-mail and login forms, ROR ids (``ror`` is shared with the policy's
checks), date order, the project id (never the template's placeholder), https funding and
agreement URLs, and each researcher listed once. Each function takes the parsed file and its
model and returns findings on the offending line.
"""

from __future__ import annotations

from fivesafes.core.findings import Finding
from fivesafes.core.ids import is_urn_uuid
from fivesafes.core.request import values as checks
from fivesafes.core.request.toml_doc import Doc
from fivesafes.models.project import Project, ProjectFile, Requester

TEMPLATE_ID = "urn:uuid:3b9e4a56-1f0c-4d7e-8a2b-5c6d7e8f9a01"


def project(doc: Doc, model: ProjectFile) -> list[Finding]:
    return (project_table(doc, model.project) + requester_table(doc, model.requester)
            + researchers(doc, model))


def researchers(doc: Doc, model: ProjectFile) -> list[Finding]:
    """Each ``[[researchers]]`` entry: ORCID check digit, login, ROR, each login once."""
    out: list[Finding] = []
    seen = {model.requester.github.lower()}
    for i, r in enumerate(model.researchers):
        base = ("researchers", i)
        problem = checks.orcid_problem(r.orcid)
        if problem:
            out.append(doc.at((*base, "orcid"), "researcher.orcid",
                              f"orcid {checks.orcid_bare(r.orcid)} of {r.name} {problem}",
                              "copy the iD from their ORCID record"))
        problem = checks.login_problem(r.github)
        if problem:
            out.append(doc.at((*base, "github"), "researcher.github",
                              f"github {r.github!r} {problem}", "write the login without @"))
        elif r.github.lower() in seen and r.github.lower() != model.requester.github.lower():
            out.append(doc.at((*base, "github"), "researcher.duplicate",
                              f"researcher {r.github!r} is listed twice", "remove one entry"))
        elif r.github.lower() == model.requester.github.lower() and (
                checks.orcid_bare(r.orcid) != checks.orcid_bare(model.requester.orcid)):
            out.append(doc.at((*base, "orcid"), "researcher.requester",
                              f"{r.github} is the requester, but with another ORCID iD",
                              "give the requester's ORCID iD, or remove this entry"))
        seen.add(r.github.lower())
        out += ror(doc, (*base, "affiliation", "ror"), r.affiliation.ror)
    for what in ("data-sharing-agreement", "ethics-approval"):
        agreement = getattr(model.project, what.replace("-", "_"))
        if agreement is not None and agreement.url is not None \
                and str(agreement.url).split(":", 1)[0] != "https":
            out.append(doc.at(("project", what, "url"), "project.agreement",
                              f"{what} url {agreement.url} is not an https URL",
                              "link the agreement's https address", "warning"))
    return out


def project_table(doc: Doc, p: Project) -> list[Finding]:
    out: list[Finding] = []
    if not is_urn_uuid(p.id):
        out.append(doc.at(("project", "id"), "project.id",
                          f"project id {p.id!r} is not a urn:uuid",
                          "let `fivesafes init` assign it, or write urn:uuid: and a new uuid4"))
    elif p.id == TEMPLATE_ID:
        out.append(doc.at(("project", "id"), "project.template-id",
                          "project id is still the template's placeholder",
                          "create projects with `fivesafes init` so each gets its own id",
                          "warning"))
    if p.end_date <= p.start_date:
        out.append(doc.at(("project", "end-date"), "project.dates",
                          f"end-date {p.end_date} is not after start-date {p.start_date}",
                          "swap the dates or correct the end-date"))
    for i, funding in enumerate(p.funding):
        if str(funding.id).split(":", 1)[0] != "https":
            out.append(doc.at(("project", "funding", i, "id"), "project.funding",
                              f"funding id {funding.id} is not an https URL",
                              "use the https address of the award page", "warning"))
    for i, member in enumerate(p.members):
        out += ror(doc, ("project", "members", i, "ror"), member.ror)
    return out


def requester_table(doc: Doc, r: Requester) -> list[Finding]:
    out: list[Finding] = []
    problem = checks.orcid_problem(r.orcid)
    if problem:
        out.append(doc.at(("requester", "orcid"), "requester.orcid",
                          f"orcid {checks.orcid_bare(r.orcid)} {problem}",
                          "copy the iD from your ORCID record, e.g. "
                          "https://orcid.org/0000-0002-1825-0097"))
    if checks.email_problem(r.email):
        out.append(doc.at(("requester", "email"), "requester.email",
                          f"email {r.email!r} is not an e-mail address",
                          "write it as name@example.org"))
    problem = checks.login_problem(r.github)
    if problem:
        out.append(doc.at(("requester", "github"), "requester.github",
                          f"github {r.github!r} {problem}", "write the login without @"))
    out += ror(doc, ("requester", "affiliation", "ror"), r.affiliation.ror)
    return out


def ror(doc: Doc, path: tuple[str | int, ...], value: str) -> list[Finding]:
    problem = checks.ror_problem(value)
    if not problem:
        return []
    return [doc.at(path, "ror", f"ror {value!r} {problem}",
                   "find the organisation at https://ror.org and copy its id URL")]
