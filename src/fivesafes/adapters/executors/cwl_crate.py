"""A CWL Workflow RO-Crate opened for an engine: unpacked, its main CWL file read, inputs staged.

The crate is the retrieved zip (its sha-512 already recorded) or a workflow folder of the
project. A zip is hostile until proven otherwise: members with absolute paths, ``..``, links or
special files are refused, and so are too many members or bytes. The crate's metadata must
name a ``mainEntity`` that is a file of the crate written in CWL (``programmingLanguage``), and
the file's ``cwlVersion`` is the language version the engine is asked for. Input files of the
request are copied into the attempt's ``work/inputs/<name>/`` under a plain name, so both an
engine that receives them as attachments and cwltool on the runner see the approved bytes.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from fivesafes.adapters.executors.base import ExecutionContext, ExecutorFailed
from fivesafes.adapters.files import atomic
from fivesafes.core.cwl.interface import CwlError, Interface, interface
from fivesafes.core.cwl.job import build_job
from fivesafes.core.cwl.references import remote_references

METADATA = "ro-crate-metadata.json"
MAX_MEMBERS = 2000
MAX_BYTES = 200 * 1024 * 1024
CWL_IDS = ("https://w3id.org/workflowhub/workflow-ro-crate#cwl", "#cwl")
CWL_NAMES = ("common workflow language", "cwl")


@dataclass(frozen=True)
class CwlCrate:
    folder: Path  # the crate's root on disk
    main: str  # the main CWL file, relative (posix)
    files: tuple[str, ...]  # every file of the crate, relative (posix), sorted
    interface: Interface

    @property
    def version(self) -> str:
        return self.interface.version


def _member_ok(info: zipfile.ZipInfo) -> bool:
    path = PurePosixPath(info.filename)
    mode = info.external_attr >> 16
    special = mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))
    return not (path.is_absolute() or ".." in path.parts or "\\" in info.filename or special)


def unpack(archive: Path, target: Path) -> Path:
    """Unpack the crate zip into ``target``, refusing anything a hostile zip could do."""
    try:
        with zipfile.ZipFile(archive) as crate:
            members = crate.infolist()
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_BYTES:
                raise ExecutorFailed("the Workflow RO-Crate is too large to unpack "
                                     f"(more than {MAX_MEMBERS} files or {MAX_BYTES} bytes)")
            for info in members:
                if not _member_ok(info):
                    raise ExecutorFailed(f"the Workflow RO-Crate holds {info.filename!r}, "
                                         "which is not a plain file inside the crate")
                if info.is_dir():
                    continue
                path = target / info.filename
                with crate.open(info) as source, atomic.atomic_output(path) as sink:
                    shutil.copyfileobj(source, sink)
    except zipfile.BadZipFile:
        raise ExecutorFailed("the retrieved Workflow RO-Crate is not a readable zip") from None
    return target


def _entities(folder: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((folder / METADATA).read_text(encoding="utf-8"))
        return {str(e["@id"]): e for e in data["@graph"] if isinstance(e, dict) and "@id" in e}
    except (OSError, ValueError, KeyError, TypeError):
        raise ExecutorFailed(f"the Workflow RO-Crate's {METADATA} is missing or not "
                             "RO-Crate JSON-LD") from None


def _ref(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id")
    return value if isinstance(value, str) else None


def _is_cwl(language: str | None, entities: dict[str, dict[str, Any]]) -> bool:
    if language is None:
        return False
    if language in CWL_IDS or language.lower().endswith("#cwl"):
        return True
    entity = entities.get(language, {})
    names = [str(entity.get(k, "")).lower() for k in ("name", "alternateName")]
    identifier = _ref(entity.get("identifier")) or ""
    return any(n in CWL_NAMES for n in names) or identifier.startswith("https://w3id.org/cwl/")


def main_entity(folder: Path) -> str:
    """The relative path of the crate's main CWL file; refused unless the crate says CWL."""
    entities = _entities(folder)
    descriptor = entities.get(METADATA, {})
    root = entities.get(_ref(descriptor.get("about")) or "./", {})
    main = _ref(root.get("mainEntity"))
    if not main:
        raise ExecutorFailed("the Workflow RO-Crate names no mainEntity")
    language = _ref(entities.get(main, {}).get("programmingLanguage"))
    if not _is_cwl(language, entities):
        raise ExecutorFailed(f"the Workflow RO-Crate's main entity {main} is not CWL "
                             f"(programmingLanguage {language or 'missing'}); the wes and cwl "
                             "executors run CWL workflows")
    path = PurePosixPath(main.split("#", 1)[0])
    if path.is_absolute() or ".." in path.parts or not (folder / path).is_file():
        raise ExecutorFailed(f"the Workflow RO-Crate's main entity {main} is not a file of "
                             "the crate")
    return path.as_posix()


def open_crate(context: ExecutionContext) -> CwlCrate:
    """The request's Workflow RO-Crate, unpacked into ``work/crate`` (or the project folder)."""
    workflow = context.request.workflow.workflow
    if context.workflow_crate is not None:
        folder = unpack(context.workflow_crate, context.staging.work / "crate")
    elif not workflow.id.startswith(("https://", "http://")):
        folder = (context.project_root / workflow.id).resolve()
        if not folder.is_relative_to(context.project_root.resolve()) or not folder.is_dir():
            raise ExecutorFailed(f"workflow folder {workflow.id!r} is not a folder of the project")
    else:
        raise ExecutorFailed("no Workflow RO-Crate was retrieved: the workflow names no "
                             "distribution")
    main = main_entity(folder)
    try:
        doc = YAML(typ="safe", pure=True).load((folder / main).read_text(encoding="utf-8"))
        if not isinstance(doc, dict):
            raise CwlError("it is not a YAML or JSON mapping")
        iface = interface(doc)
    except (YAMLError, CwlError, UnicodeDecodeError) as exc:
        raise ExecutorFailed(f"the main CWL file {main} cannot be run: {exc}"[:400]) from None
    files = tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                         if p.is_file() and not p.is_symlink()))
    refuse_fetching(folder, files)
    return CwlCrate(folder, main, files, iface)


def refuse_fetching(folder: Path, files: tuple[str, ...]) -> None:
    """Refuse a crate whose CWL files would make the engine fetch code from elsewhere."""
    for name in files:
        if not name.endswith((".cwl", ".yml", ".yaml")):
            continue
        try:
            doc = YAML(typ="safe", pure=True).load((folder / name).read_text(encoding="utf-8"))
        except (YAMLError, UnicodeDecodeError):
            continue  # not a CWL document; the engine reports it if a step uses it
        urls = remote_references(doc)
        if urls:
            raise ExecutorFailed(f"{name} would make the engine fetch {urls[0]} when it runs; "
                                 "everything that runs must be in the signed-off Workflow "
                                 "RO-Crate")


def plain_name(name: str) -> str:
    """A file name every engine keeps as it is (WES servers rewrite unusual names)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")
    return cleaned or "input"


def stage_inputs(context: ExecutionContext) -> dict[str, str]:
    """Copy each file input to ``work/inputs/<name>/<file>``; name -> path relative to work/."""
    staged: dict[str, str] = {}
    root = context.project_root.resolve()
    for item in context.request.workflow.workflow.inputs:
        if item.file is None:
            continue
        source = (root / item.file).resolve()
        if PurePosixPath(item.file).is_absolute() or not source.is_relative_to(root) \
                or not source.is_file():
            raise ExecutorFailed(f"input file of {item.name} ({item.file!r}) must be a file "
                                 "inside the project")
        relative = f"inputs/{plain_name(item.name)}/{plain_name(source.name)}"
        target = context.staging.work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        staged[item.name] = relative
    return staged


def job_for(context: ExecutionContext, crate: CwlCrate, locations: dict[str, str],
            absolute: bool) -> dict[str, Any]:
    """The CWL job from the request's inputs; file inputs at their staged places."""
    refs = {name: ({"class": "File", "path": str(context.staging.work / rel)} if absolute
                   else {"class": "File", "location": rel})
            for name, rel in locations.items()}
    try:
        return build_job(crate.interface, context.request.workflow.workflow.inputs, refs)
    except CwlError as exc:
        raise ExecutorFailed(f"the request's inputs do not fit the workflow: {exc}"[:900]) \
            from None
