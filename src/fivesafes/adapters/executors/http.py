"""The ``http`` executor: a publisher service inside the TRE does the work.

In the style of CR8TOR's approval service: ``project/validate`` (the service checks the request
against its sources), ``project/package`` (it copies the approved data into its staging store
and answers with each file's path, size, sha-512, media type and rows), and, after disclosure,
``project/publish`` (it moves exactly the approved files to the destination and answers with
their sha-512 again, which must match the approved manifest). The data never leaves the TRE:
only metadata crosses. The JSON contract is in docs/executors.md; the API key comes from the
environment variable the policy names (``executor.api-key-secret``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from fivesafes.adapters.catalogue.http_json import Service, ServiceError, post_json
from fivesafes.adapters.executors.base import ExecutionContext, ExecutionOutcome, ExecutorFailed
from fivesafes.core.lifecycle.service_payload import request_payload
from fivesafes.core.request.parsed import Request
from fivesafes.models.ledger import Result
from fivesafes.models.policy import Policy

VALIDATE, PACKAGE, PUBLISH = "project/validate", "project/package", "project/publish"
CALL_TIMEOUT = 60.0


def service(policy: Policy, env: Mapping[str, str], *, timeout: float = CALL_TIMEOUT,
            sleep: Callable[[float], None] = time.sleep) -> Service:
    executor = policy.executor
    if not executor.url:
        raise ExecutorFailed("the http executor needs executor.url in .github/fivesafes.toml")
    key_name = executor.api_key_secret
    if not key_name or not env.get(key_name):
        raise ExecutorFailed(f"the http executor needs its API key in the environment variable "
                             f"{key_name or '(set executor.api-key-secret in the policy)'}")
    try:
        return Service(executor.url, api_key=env[key_name], api_key_name=key_name,
                       timeout=timeout, sleep=sleep)
    except ServiceError as exc:
        raise ExecutorFailed(str(exc)) from None


def _status(answer: dict[str, Any], endpoint: str) -> None:
    if answer.get("status") == "ok":
        return
    findings = answer.get("findings")
    messages = [str(f.get("message", f)) if isinstance(f, dict) else str(f)
                for f in (findings if isinstance(findings, list) else [])]
    detail = "; ".join(messages[:5]) or f"status {answer.get('status')!r}"
    raise ExecutorFailed(f"the service refused the request at {endpoint}: {detail}"[:500])


def parse_outputs(answer: dict[str, Any], endpoint: str) -> tuple[Result, ...]:
    outputs = answer.get("outputs")
    if not isinstance(outputs, list):
        raise ExecutorFailed(f"{endpoint}: the answer has no outputs list")
    try:
        results = tuple(Result.model_validate(o) for o in outputs)
    except ValidationError as exc:
        raise ExecutorFailed(f"{endpoint}: an output does not follow the contract "
                             f"({exc.errors()[0]['msg']})") from None
    for result in results:
        if result.path.startswith("/") or ".." in result.path.split("/"):
            raise ExecutorFailed(f"{endpoint}: output path {result.path!r} is not relative")
    return results


class HttpExecutor:
    kind = "http"

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self.sleep = sleep

    def run(self, context: ExecutionContext) -> ExecutionOutcome:
        policy = context.policy
        quick = service(policy, context.env, sleep=self.sleep)
        slow = service(policy, context.env, timeout=float(policy.executor.timeout),
                       sleep=self.sleep)
        payload = {**request_payload(context.request), "execution": context.execution_id}
        try:
            _status(post_json(quick, VALIDATE, payload, f"{context.execution_id}:validate"),
                    VALIDATE)
            answer = post_json(slow, PACKAGE, payload, f"{context.execution_id}:package")
        except ServiceError as exc:
            raise ExecutorFailed(str(exc)) from None
        _status(answer, PACKAGE)
        results = parse_outputs(answer, PACKAGE)
        if not results:
            raise ExecutorFailed(f"{PACKAGE}: the service packaged no outputs")
        return ExecutionOutcome(results, f"{len(results)} output(s) staged by the service")


def publish_remote(policy: Policy, env: Mapping[str, str], request: Request,
                   approved: Sequence[Result], manifest_digest: str,
                   sleep: Callable[[float], None] = time.sleep) -> str:
    """Ask the service to publish the approved outputs; refuse unless it reports the same bytes.

    Returns the location the service reports (a destination name or URL).
    """
    remote = service(policy, env, timeout=float(policy.executor.timeout), sleep=sleep)
    payload = {**request_payload(request), "manifest": manifest_digest,
               "outputs": [r.model_dump(by_alias=True, mode="json", exclude_none=True)
                           for r in approved]}
    try:
        answer = post_json(remote, PUBLISH, payload, f"{request.id}:publish:{manifest_digest}")
    except ServiceError as exc:
        raise ExecutorFailed(str(exc)) from None
    _status(answer, PUBLISH)
    published = {r.path: r.sha512 for r in parse_outputs(answer, PUBLISH)}
    expected = {r.path: r.sha512 for r in approved}
    if published != expected:
        differing = sorted(set(published.items()) ^ set(expected.items()))
        raise ExecutorFailed(f"{PUBLISH}: the service published files that differ from the "
                             f"approved manifest ({', '.join(sorted({p for p, _ in differing}))})")
    return str(answer.get("location", policy.executor.url))
