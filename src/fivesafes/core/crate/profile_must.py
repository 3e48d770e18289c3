"""The MUST requirements of Five Safes RO-Crate 0.4, as the profile's SHACL shapes state them.

One function per shape file of the profile (``must/*.ttl``); messages are the shapes' own.
Keeping every 0.4-specific rule here (and the SHOULDs in :mod:`profile_should`) lets a 1.0
checker sit beside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fivesafes.core.crate.graph import STATUSES, Entity, Graph

Add = Callable[[str, str, str], None]  # (rule, entity id, message)
PROFILE = "https://w3id.org/5s-crate/0.4"
RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}([.|,][0-9]+)?"
    r"(Z|z|[+-][0-9]{2}:[0-9]{2})$"
)
CRATE_VERSION = re.compile(r"https://w3id\.org/ro/crate/(1\.[2-9](-DRAFT)?)")
WORKFLOW_CRATE = "https://w3id.org/workflowhub/workflow-ro-crate"


def _name_ok(entity: Entity, min_length: int = 1) -> bool:
    names = entity.get("name")
    return isinstance(names, str) and len(names) >= min_length


def _status(g: Graph, add: Add, entity: Entity, rule: str, label: str, required: bool) -> None:
    raw = entity.get("actionStatus")
    if raw is None:
        if required:
            add(rule, entity["@id"], f"{label} MUST have an actionStatus with an allowed value "
                "(see https://schema.org/ActionStatusType).")
        return
    values = Graph.values(entity, "actionStatus")
    if any(not isinstance(v, str) or v not in STATUSES for v in values):
        add(rule, entity["@id"], f"The actionStatus of {label} MUST be one of the plain strings "
            "http://schema.org/{Potential,Active,Completed,Failed}ActionStatus.")


def _assess(g: Graph, add: Add, kind: str, min_name: int, status_required: bool) -> None:
    for entity in g.with_additional_type(kind):
        eid = entity["@id"]
        if "AssessAction" not in g.types(entity):
            add(f"5s.{kind}.type", eid, f"{kind} MUST be a `AssessAction`.")
        name = entity.get("name")
        required = name is not None or min_name > 1 or kind == "SignOff"
        if required and not _name_ok(entity, min_name):
            add(f"5s.{kind}.name", eid, f"{kind} MUST have a human readable name string"
                + (f" of at least {min_name} characters." if min_name > 1 else "."))
        _status(g, add, entity, f"5s.{kind}.status", kind, status_required)


def root_entity(g: Graph, add: Add) -> None:
    """1_root_data_entity, 15_metadata_file and 6_workflow_reference."""
    root, rid = g.root, g.root_id
    conforms = g.ids(g.descriptor, "conformsTo")
    if not any(CRATE_VERSION.search(c) for c in conforms):
        add("5s.descriptor.conforms-to", "ro-crate-metadata.json",
            "The RO-Crate metadata file descriptor MUST have a `conformsTo` property with "
            "RO-Crate specification version 1.2 or later minor version")
    sources = g.ids(root, "sourceOrganization")
    if not Graph.values(root, "sourceOrganization"):
        add("5s.root.source-organization", rid,
            "The Root Data Entity MUST have a `sourceOrganization` property.")
    if any(not g.is_a(s, "Project") for s in sources) or len(sources) < len(
        Graph.values(root, "sourceOrganization")
    ):
        add("5s.root.source-organization", rid, "The `sourceOrganization` property of the "
            "RootDataEntity MUST point to a Project entity.")
    mains = Graph.values(root, "mainEntity")
    main_ids = g.ids(root, "mainEntity")
    if len(mains) != 1 or len(main_ids) != 1:
        add("5s.root.main-entity", rid,
            "The RootDataEntity MUST have exactly one mainEntity property that is an IRI.")
    for main in main_ids:
        if not g.is_a(main, "Dataset"):
            add("5s.root.main-entity", rid,
                "The mainEntity pointed to by the RootDataEntity MUST be of type Dataset")
        conforms_to = Graph.values(g.get(main), "conformsTo")
        iris = g.ids(g.get(main), "conformsTo")
        if len(conforms_to) != 1:
            add("5s.main-entity.conforms-to", main,
                "mainEntity MUST have one and only one `conformsTo` property.")
        if any(not i.startswith(WORKFLOW_CRATE) for i in iris) or len(iris) < len(conforms_to):
            add("5s.main-entity.conforms-to", main,
                f"conformsTo IRI must start with {WORKFLOW_CRATE}")


def agents_and_projects(g: Graph, add: Add) -> None:
    """1_requesting_agent, 1_responsible_project and 2_requesting_agent."""
    sources = set(g.ids(g.root, "sourceOrganization"))
    for action in g.of_type("CreateAction"):
        aid = action["@id"]
        agents = g.ids(action, "agent")
        if not agents or len(agents) < len(Graph.values(action, "agent")):
            add("5s.create-action.agent", aid,
                "CreateAction MUST have at least one agent that is a contextual entity.")
        for agent_id in agents:
            agent = g.get(agent_id)
            if not g.is_a(agent_id, "Person"):
                add("5s.create-action.agent", aid,
                    "Each CreateAction agent MUST be typed as Person.")
            for org in Graph.values(agent, "affiliation"):
                oid = org.get("@id") if isinstance(org, dict) else None
                if not isinstance(oid, str) or not g.is_a(oid, "Organization"):
                    add("5s.agent.affiliation", agent_id, "The affiliation of a CreateAction's "
                        "agent MUST be a contextual entity with type Organization.")
            projects = g.ids(agent, "memberOf")
            if any(not g.is_a(p, "Project") for p in projects):
                add("5s.agent.member-of", agent_id,
                    "The 'memberOf' property of an agent MUST be of type Project.")
            if projects and not sources.intersection(projects):
                add("5s.agent.project", agent_id, "At least one Project referenced by Agent -> "
                    "memberOf MUST be included in the set of Projects referenced by "
                    "RootDataEntity -> sourceOrganization.")
            for project_id in projects:
                project = g.get(project_id)
                if any(not g.is_a(f, "Grant") for f in g.ids(project, "funding")):
                    add("5s.project.funding", project_id, "The property 'funding' of the "
                        "Responsible Project MUST be of type Grant.")
                if any(not g.is_a(m, "Organization", "Person") for m in g.ids(project, "member")):
                    add("5s.project.member", project_id, "The property 'member' of the "
                        "Responsible Project MUST be of type schema:Organization or Person.")


def create_actions(g: Graph, add: Add) -> None:
    """7_requested_workflow_run and 11_workflow_execution_phase."""
    mains = set(g.ids(g.root, "mainEntity"))
    if not any(g.is_a(m, "CreateAction") for m in g.mentioned()):
        add("5s.root.mentions", g.root_id, "`RootDataEntity` MUST reference at least one "
            "`CreateAction` through `mentions`")
    for action in g.of_type("CreateAction"):
        aid = action["@id"]
        instruments = g.ids(action, "instrument")
        if not Graph.values(action, "instrument"):
            add("5s.create-action.instrument", aid,
                "`CreateAction` MUST have the `instrument` property")
        elif any(i not in mains for i in instruments) or len(instruments) < len(
            Graph.values(action, "instrument")
        ):
            add("5s.create-action.instrument", aid, "`CreateAction` --> `instrument` MUST "
                "reference the same entity as `Root Data Entity` --> `mainEntity`")
        for obj in g.ids(action, "object"):
            if not g.types(g.get(obj)):
                add("5s.create-action.object", aid,
                    f"Each `object` in `CreateAction` MUST reference an existing entity ({obj}).")
        if not _name_ok(action, 10):
            add("5s.create-action.name", aid,
                "Workflow (CreateAction) MUST have a name string of at least 10 characters.")
        _status(g, add, action, "5s.create-action.status", "WorkflowExecution", True)


def phases(g: Graph, add: Add) -> None:
    """4_sign_off, 8_disclosure, 12_check, 13_validation, 14_retrieval, 16_publishing."""
    _assess(g, add, "CheckValue", 1, False)
    _assess(g, add, "ValidationCheck", 1, True)
    _assess(g, add, "SignOff", 1, False)
    _assess(g, add, "DisclosureCheck", 10, False)
    mains = set(g.ids(g.root, "mainEntity"))
    downloads = g.of_type("DownloadAction")
    for action in downloads:
        names = Graph.values(action, "name")
        if len(names) != 1 or not isinstance(names[0], str):
            add("5s.download.name", action["@id"],
                "DownloadAction MUST have a human readable name string.")
        _status(g, add, action, "5s.download.status", "DownloadAction", False)
        for result in g.ids(action, "result"):
            if not g.is_a(result, "Dataset"):
                continue
            if not mains.intersection(g.ids(g.get(result), "sameAs")):
                add("5s.download.same-as", result, "The property `sameAs` of the entity "
                    "representing the downloaded workflow MUST point to the same entity as "
                    "`RootDataEntity` --> `mainEntity`.")
            dist = set(g.ids(g.get(result), "distribution"))
            if any(not dist.intersection(g.ids(d, "object")) for d in downloads):
                add("5s.download.distribution", result, "DownloadedWorkflow --> `distribution` "
                    "MUST reference the same entity as `DownloadAction` --> `object`.")
    mentioned = g.mentioned()
    for action in g.of_type("AssessAction"):
        if action["@id"] not in mentioned:
            add("5s.publication.mentions", action["@id"], "All AssessAction entities in the "
                "crate MUST be referenced from the Root Dataset via `mentions`.")


def timestamps(g: Graph, add: Add) -> None:
    """3_timestamp_format."""
    for entity in g:
        for prop in ("startTime", "endTime"):
            for value in Graph.values(entity, prop):
                if not isinstance(value, str) or not RFC3339.match(value):
                    add("5s.timestamp", entity["@id"], f"{prop} {value!r}: All `startTime` and "
                        "`endTime` values MUST follow the RFC 3339 standard "
                        "(YYYY-MM-DD'T'hh:mm:ss[.fraction](Z | ±hh:mm)).")


def check_must(g: Graph, add: Add) -> None:
    for rule in (root_entity, agents_and_projects, create_actions, phases, timestamps):
        rule(g, add)
