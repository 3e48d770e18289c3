"""What ran the workflow: the engine, its run id and the workflow's language, in the crate.

Recorded by the ``wes`` and ``cwl`` executors in the execution entry (``engine``), and written
the way Workflow Run Crate describes an engine: the engine is a SoftwareApplication with its
version, the ``instrument`` of an OrganizeAction whose ``result`` is the request's
CreateAction (whose ``instrument`` stays the workflow, as the Five Safes profile requires).
A WES run id becomes an ``identifier`` of the CreateAction, and the workflow gets its
``programmingLanguage`` (CWL, with the version its file declares). No host of the engine is
written: the crate says what ran, never where the TRE runs it.
"""

from __future__ import annotations

from fivesafes.core.crate import profile_04 as p
from fivesafes.core.crate.entities import Entity, Graph, ref
from fivesafes.core.ids import derived_urn
from fivesafes.models.ledger import ActionEntry

CWL = "https://w3id.org/workflowhub/workflow-ro-crate#cwl"
WES_SPEC = "https://github.com/ga4gh/workflow-execution-service-schemas"
ENGINE_URLS = {
    "toil": "https://toil.readthedocs.io/",
    "cwltool": "https://github.com/common-workflow-language/cwltool",
}


def add_language(graph: Graph, workflow: str, language: str, version: str | None) -> None:
    """The workflow's ``programmingLanguage`` (CWL gets the Workflow RO-Crate's term)."""
    bare = (version or "").removeprefix("v")
    if language.upper() == "CWL":
        entity: Entity = {
            "@id": CWL, "@type": "ComputerLanguage", "name": "Common Workflow Language",
            "alternateName": "CWL", "url": ref("https://www.commonwl.org/"),
        }
        if version:
            entity["identifier"] = ref(f"https://w3id.org/cwl/{version}/")
    else:
        entity = {"@id": derived_urn("language", language), "@type": "ComputerLanguage",
                  "name": language}
    if bare:
        entity["version"] = bare
    graph.add({"@id": workflow, "programmingLanguage": ref(graph.add(entity))})


def add_engine_run(graph: Graph, execution: ActionEntry | None, create_action: str,
                   workflow: str, automation: str) -> str | None:
    """The OrganizeAction of the engine that ran the CreateAction, or None without one."""
    engine = execution.engine if execution is not None else None
    if execution is None or engine is None:
        return None
    app: Entity = {
        "@id": derived_urn("workflow-engine", engine.name, engine.version),
        "@type": "SoftwareApplication", "name": engine.name, "version": engine.version,
        "description": f"The workflow engine that ran the request's workflow ({engine.name} "
                       f"{engine.version}).",
    }
    # the validator asks every SoftwareApplication for a url; CWL's list names every engine
    app["url"] = ENGINE_URLS.get(engine.name.lower(), "https://www.commonwl.org/implementations/")
    if engine.language:
        add_language(graph, workflow, engine.language, engine.language_version)
    run: Entity = {
        "@id": derived_urn("engine-run", create_action, engine.run_id or engine.version),
        "@type": "OrganizeAction",
        "name": f"{engine.name} {engine.version} ran the workflow",
        "agent": ref(automation), "instrument": ref(graph.add(app)),
        "result": ref(create_action), "startTime": execution.start,
        "actionStatus": p.action_status(execution.status) or p.ACTIVE,
    }
    if execution.end:
        run["endTime"] = execution.end
    if engine.run_id:
        identifier = graph.add({
            "@id": derived_urn("wes-run-id", engine.run_id), "@type": "PropertyValue",
            "name": "WES run id", "propertyID": WES_SPEC, "value": engine.run_id,
        })
        graph.add({"@id": create_action, "identifier": ref(identifier)})
        run["identifier"] = ref(identifier)
    return graph.add(run)
