"""Re-create the vendored payloads from @octokit/webhooks-examples (see README.md).

Usage: python trim.py path/to/package/api.github.com/index.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
USER = ("login", "id", "type")
REPO = ("id", "name", "full_name", "private", "html_url", "default_branch")
PR = ("url", "id", "html_url", "number", "state", "title", "user", "created_at", "updated_at",
      "closed_at", "merged_at", "merge_commit_sha", "labels", "head", "base", "draft", "merged")
LABEL = ("id", "name", "color", "default")
REVIEW = ("id", "user", "body", "commit_id", "submitted_at", "state", "html_url")
RUN = ("id", "name", "path", "event", "status", "conclusion", "head_branch", "head_sha",
       "display_title", "html_url", "run_number", "run_attempt", "created_at", "updated_at",
       "pull_requests")


def keep(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: data[k] for k in keys if k in data}


def trim_ref(ref: dict[str, Any]) -> dict[str, Any]:
    out = keep(ref, ("label", "ref", "sha"))
    out["user"] = keep(ref["user"], USER)
    out["repo"] = keep(ref["repo"], REPO)
    return out


def trim(payload: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in payload.items():
        if key in ("sender", "pusher"):
            out[key] = keep(value, (*USER, "name", "email"))
        elif key == "repository":
            out[key] = keep(value, REPO) | {"owner": keep(value["owner"], USER)}
        elif key == "pull_request":
            pr = keep(value, PR)
            pr["user"] = keep(pr["user"], USER)
            pr["labels"] = [keep(label, LABEL) for label in pr.get("labels", [])]
            pr["head"], pr["base"] = trim_ref(pr["head"]), trim_ref(pr["base"])
            out[key] = pr
        elif key == "label":
            out[key] = keep(value, LABEL)
        elif key == "workflow_run":
            run = keep(value, RUN)
            for who in ("actor", "triggering_actor"):
                run[who] = keep(value[who], USER)
            run["head_repository"] = keep(value["head_repository"], REPO) | {
                "owner": keep(value["head_repository"]["owner"], USER)}
            out[key] = run
        elif key == "review":
            out[key] = keep(value, REVIEW) | {"user": keep(value["user"], USER)}
        elif key in ("installation", "organization", "assignee", "workflow"):
            continue
        elif key == "commits":
            out[key] = [keep(c, ("id", "message", "timestamp", "author", "committer"))
                        for c in value]
        elif key == "head_commit":
            out[key] = keep(value, ("id", "message", "timestamp", "author", "committer"))
        else:
            out[key] = value
    return out


def example(index: list[dict[str, Any]], name: str, action: str | None, nth: int = 0) -> Any:
    event = next(e for e in index if e["name"] == name)
    found = [x for x in event["examples"] if x.get("action") == action]
    return trim(found[nth])


def main(path: str) -> None:
    index = json.loads(Path(path).read_text())
    files: dict[str, Any] = {
        "pull_request.opened.json": example(index, "pull_request", "opened"),
        "pull_request.reopened.json": example(index, "pull_request", "reopened"),
        "pull_request.synchronize.json": example(index, "pull_request", "synchronize"),
        "pull_request.labeled.json": example(index, "pull_request", "labeled"),
        "pull_request.unlabeled.json": example(index, "pull_request", "unlabeled"),
        "pull_request.closed.json": example(index, "pull_request", "closed"),
        "pull_request_review.submitted.json": example(index, "pull_request_review", "submitted"),
        "pull_request_review.dismissed.json": example(index, "pull_request_review", "dismissed"),
        "push.json": example(index, "push", None, 4),
        "workflow_dispatch.json": example(index, "workflow_dispatch", None, 1),
        "workflow_run.completed.json": example(index, "workflow_run", "completed", 2),
    }
    # Adaptations (README.md): decision labels instead of "bug", an approving review, a merge.
    files["pull_request.labeled.json"]["label"]["name"] = "5s:approve-sign-off"
    files["pull_request.unlabeled.json"]["label"]["name"] = "5s:approve-sign-off"
    files["pull_request_review.submitted.json"]["review"]["state"] = "approved"
    merged = json.loads(json.dumps(files["pull_request.closed.json"]))
    merged["pull_request"] |= {"merged": True, "merged_at": "2019-05-15T15:20:40Z",
                               "merge_commit_sha": "c4295bd74fb0f4fda03689c3df3f2803b658fd85"}
    files["pull_request.closed.merged.json"] = merged
    edited = json.loads(json.dumps(files["pull_request.opened.json"]))
    edited["action"] = "edited"
    edited["pull_request"]["base"]["ref"] = "release"
    edited["changes"] = {"base": {"ref": {"from": "master"},
                                  "sha": {"from": edited["pull_request"]["base"]["sha"]}}}
    files["pull_request.edited.base.json"] = edited
    files["workflow_dispatch.json"]["inputs"] = {"pr": "2"}
    run = files["workflow_run.completed.json"]["workflow_run"]
    run |= {"event": "pull_request_review", "name": "fivesafes-review",
            "path": ".github/workflows/fivesafes-review.yml", "head_branch": "changes",
            "head_sha": run["pull_requests"][0]["head"]["sha"]}
    for name, payload in files.items():
        (HERE / name).write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
