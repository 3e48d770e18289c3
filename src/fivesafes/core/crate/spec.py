"""The Five Safes RO-Crate of a request: a pure function of the request, its record and policy.

``build_crate`` returns the JSON-LD document as a plain dict; writing it (byte-stable JSON and
the HTML preview) is :mod:`fivesafes.adapters.release.crate_writer`'s job. The same inputs
always give the same dict: every ``@id`` comes from the inputs, every list has a fixed order,
and no clock is read (``datePublished`` is the publication's, else the record's latest time,
else the project's start date).

Results are the outputs of the latest completed execution (or those given explicitly). They
are withheld, from ``hasPart`` and from the CreateAction, when the latest disclosure check
failed. Files that are not inside the crate (the working record in git never holds output
data) get a local ``#outputs/...`` id with ``localPath``, as RO-Crate 1.2 asks of
deliberately absent files; pass ``attached_results=True`` when they are in the payload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from fivesafes.core.crate import profile_04 as p
from fivesafes.core.crate.actions import (
    PHASE_ORDER,
    Context,
    add_phase_action,
    scrub,
    secret_words,
)
from fivesafes.core.crate.engine import add_engine_run
from fivesafes.core.crate.entities import (
    DEFAULT_LICENSE,
    Entity,
    Graph,
    Published,
    Software,
    add_inputs,
    add_license,
    add_organisation,
    add_profile,
    add_project,
    add_requester,
    add_software,
    add_workflow,
    ref,
    refs,
)
from fivesafes.core.crate.output_checks import add_output_checks, approved_paths
from fivesafes.core.crate.outputs import add_results, result_id
from fivesafes.core.crate.people import add_agreements, add_researchers
from fivesafes.core.crate.safe_data import add_requested_data
from fivesafes.core.ids import derived_urn
from fivesafes.core.ledger.queries import completed, current_entries, latest_time
from fivesafes.core.request.parsed import Request
from fivesafes.models.ledger import ActionEntry, ActionRecord, Result
from fivesafes.models.policy import DEFAULT_AUTOMATION, Policy

__all__ = ["Published", "Software", "build_crate", "crate_results"]


def crate_results(
    record: ActionRecord, results: Sequence[Result] | None = None
) -> tuple[list[Result], bool]:
    """The results the crate lists, and whether a failed disclosure withholds them."""
    current = current_entries(record)
    disclosure = current.get("disclosure")
    withheld = disclosure is not None and disclosure.status == "failed"
    if results is None:
        done = completed(record, "execution")
        results = done[-1].results if done else []
    approved = approved_paths(disclosure) if disclosure and disclosure.status == "completed" \
        else None
    if approved is not None:  # per-output decisions: withheld outputs are not results
        results = [r for r in results if (r.path, r.sha512) in approved]
    return ([] if withheld else list(results)), withheld


def build_crate(
    request: Request,
    record: ActionRecord,
    policy: Policy | None,
    *,
    software: Software,
    results: Sequence[Result] | None = None,
    published: Published | None = None,
    attached_results: bool = False,
) -> dict[str, Any]:
    """The crate's JSON-LD: descriptor and root first, then every entity sorted by ``@id``.

    ``results`` replaces the record's (the latest completed execution's) output list;
    ``attached_results`` says the output files are inside the crate (a release carrying
    data). ``published`` describes a publication being written now, before its entry is in
    the record (the crate inside the release zip); the crate committed after publication is
    built from the record alone, so that ``crate build --check`` agrees with it.
    """
    graph = Graph()
    current = current_entries(record)
    words = secret_words(request.access)
    agreements = add_agreements(graph, request)
    project_id = add_project(graph, request, agreements)
    requester = add_requester(graph, request, project_id)
    researchers = add_researchers(graph, request, project_id)
    tre = _add_tre(graph, policy)
    software_id = add_software(graph, automation_of(software, policy), tre)
    retrieval = current.get("workflow-retrieval")
    retrieved = retrieval.end if retrieval and retrieval.status == "completed" else None
    workflow = add_workflow(graph, request.workflow.workflow, retrieved)
    distribution = request.workflow.workflow.distribution
    ctx = Context(request, policy, software_id, project_id, workflow, distribution,
                  tuple(agreements))
    listed, _ = crate_results(record, results)
    result_ids = add_results(graph, listed, attached=attached_results)

    mentions: list[str] = []
    for phase in PHASE_ORDER:
        if phase == "execution":
            action_id = _create_action(graph, ctx, current.get(phase), requester,
                                       result_ids, words, researchers)
            mentions.append(action_id)
            engine_run = add_engine_run(graph, current.get(phase), action_id, workflow,
                                        software_id)
            if engine_run:
                mentions.append(engine_run)
        elif phase in current:
            action = add_phase_action(graph, ctx, current[phase], results=result_ids,
                                      words=words)
            if action:
                mentions.append(action)
            if action and phase == "disclosure" and current[phase].outputs:
                files = {r.path: result_id(r.path, attached=attached_results) for r in listed}
                policy_id = derived_urn("agreement-policy", request.project.project.id,
                                        "disclosure")  # the disclosure action's instrument
                mentions += add_output_checks(graph, current[phase], action, files, policy_id)

    root: Entity = {
        "@id": p.ROOT, "@type": "Dataset", "name": request.project.project.title,
        "description": request.project.project.description.strip(),
        "datePublished": _date_published(request, record, published),
        "license": ref(add_license(graph, policy.publication.license if policy
                                   else DEFAULT_LICENSE)),
        "conformsTo": ref(add_profile(graph)), "mainEntity": ref(workflow),
        "hasPart": refs([workflow, *result_ids]) if result_ids else ref(workflow),
        "mentions": refs(mentions), "sourceOrganization": ref(project_id),
    }
    if tre and (published or _was_published(current)):
        root["publisher"] = ref(tre)
    descriptor: Entity = {
        "@id": p.METADATA_FILE, "@type": "CreativeWork", "about": ref(p.ROOT),
        "conformsTo": ref(p.RO_CRATE),
    }
    publication = current.get("publication")
    if published:
        _note_release(root, published.tag, published.zip_sha512)
    elif publication and publication.status == "completed" and publication.release:
        _note_release(root, publication.release.tag, publication.release.sha512)
    return {"@context": p.CONTEXT, "@graph": [descriptor, root, *graph.entities()]}


def _add_tre(graph: Graph, policy: Policy | None) -> str | None:
    """The TRE (its own URL as id) and, through parentOrganization, the ROR organisation."""
    if policy is None:
        return None
    tre = policy.tre
    entity: Entity = {"@id": tre.url, "@type": "Organization", "name": tre.name, "url": tre.url}
    operator = tre.organisation()
    if operator is not None:
        if operator.ror not in graph:
            add_organisation(graph, operator.model_copy(
                update={"name": f"Organisation operating {tre.name}"}))
        entity["parentOrganization"] = ref(operator.ror)
    return graph.add(entity)


SANDBOXED = {
    "bubblewrap": "Its processes ran sandboxed (bubblewrap): they saw the approved inputs and "
                  "their staging folder, nothing else of the TRE's runner.",
    "unshare": "Its processes ran sandboxed (Linux namespaces): they saw the approved inputs "
               "and their staging folder, nothing else of the TRE's runner.",
    "none": "Its processes ran without a sandbox, as the TRE's policy allowed "
            "(sandbox = none).",
}


def _create_action(
    graph: Graph, ctx: Context, execution: ActionEntry | None, requester: str,
    results: Sequence[str], words: Sequence[str], researchers: Sequence[str] = (),
) -> str:
    """The request's CreateAction: Potential until executed, then as the execution went.
    The requester is its agent; the project's other researchers take part (``participant``)."""
    status = p.POTENTIAL
    if execution is not None:
        status = p.action_status(execution.status) or p.POTENTIAL
    wf = ctx.request.workflow.workflow
    entity: Entity = {
        "@id": derived_urn("create-action", ctx.request.id), "@type": "CreateAction",
        "name": f"Run of {wf.name} for {ctx.request.project.project.title}",
        "description": "The workflow run this request asks for, on the approved data.",
        "agent": ref(requester), "instrument": ref(ctx.workflow), "actionStatus": status,
    }
    if researchers:
        entity["participant"] = refs(researchers)
    inputs = add_inputs(graph, ctx.request, ctx.workflow)
    inputs += add_requested_data(graph, ctx.request, ctx.workflow)  # the approved data
    if inputs:
        entity["object"] = refs(inputs)
    if execution is not None and execution.evidence.sandbox:
        entity["description"] += f" {SANDBOXED[execution.evidence.sandbox]}"
    if execution is not None and status != p.POTENTIAL:
        entity["startTime"] = execution.start
        if execution.end:
            entity["endTime"] = execution.end
    if status == p.FAILED:
        reason = scrub(execution.reason, words) if execution and execution.reason else ""
        entity["error"] = reason or "The workflow run failed."
    if results:
        entity["result"] = refs(results)
    return graph.add(entity)


def _was_published(current: dict[Any, ActionEntry]) -> bool:
    publication = current.get("publication")
    return publication is not None and publication.status == "completed"


def _date_published(request: Request, record: ActionRecord, published: Published | None) -> str:
    if published:
        return published.date_published
    current = current_entries(record)
    publication = current.get("publication")
    if publication is not None and publication.status == "completed":
        return publication.end or publication.start
    return latest_time(record) or request.project.project.start_date.isoformat()


def _note_release(root: Entity, tag: str, zip_sha512: str | None) -> None:
    text = f" Released as {tag}"
    if zip_sha512:
        text += f" (zip sha-512 {zip_sha512})"
    root["description"] = root["description"] + text + "."


def automation_of(software: Software, policy: Policy | None) -> Software:
    """The automation as the policy names it: a fork or mirror replaces the upstream URL."""
    repository = policy.automation.repository if policy is not None else DEFAULT_AUTOMATION
    if repository == DEFAULT_AUTOMATION or not software.url.endswith("/" + DEFAULT_AUTOMATION):
        return software
    return replace(software, url=software.url.removesuffix(DEFAULT_AUTOMATION) + repository)
