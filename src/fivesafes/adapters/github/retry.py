"""Retries with backoff for GitHub calls: 5xx, dropped connections and rate limits.

GitHub asks clients to honour ``Retry-After`` on secondary rate limits, to wait until
``x-ratelimit-reset`` when the primary limit is exhausted, and otherwise to back off
exponentially (a secondary limit without ``Retry-After``: at least a minute). The sleep and
the clock are injected so tests run instantly and can assert every wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from fivesafes.adapters.github.errors import ApiFailure, Need, explain

T = TypeVar("T")
SECONDARY_MINIMUM = 60.0


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep)
    clock: Callable[[], float] = field(default=time.time)


def retry_delay(failure: ApiFailure, attempt: int, policy: RetryPolicy) -> float | None:
    """Seconds to wait before attempt ``attempt + 1``; None when retrying cannot help."""
    backoff = policy.base_delay * 2.0 ** (attempt - 1)
    if failure.rate_limited:
        after = failure.header("retry-after")
        if after is not None and after.strip().isdigit():
            wait = float(after)
        elif failure.header("x-ratelimit-remaining") == "0" and (
            (reset := failure.header("x-ratelimit-reset") or "").isdigit()
        ):
            wait = max(float(reset) - policy.clock(), 0.0) + 1.0
        else:
            wait = max(SECONDARY_MINIMUM, backoff)
        return wait if wait <= policy.max_delay else None
    if failure.status == 0 or failure.status >= 500:
        return min(backoff, policy.max_delay)
    return None


def call_with_retries(call: Callable[[], T], need: Need, policy: RetryPolicy,
                      translate: Callable[[Exception], ApiFailure | None]) -> T:
    """``call()``; transient failures retried, final ones raised as one GitHubError.

    ``translate`` turns a client library's exception into an :class:`ApiFailure` (None: not
    an HTTP failure, re-raised as it is).
    """
    attempt = 1
    while True:
        try:
            return call()
        except Exception as exc:
            failure = translate(exc)
            if failure is None:
                raise
            wait = retry_delay(failure, attempt, policy) if attempt < policy.attempts else None
            if wait is None:
                raise explain(failure, need, attempt) from exc
            policy.sleep(wait)
            attempt += 1
