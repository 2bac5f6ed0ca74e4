# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

"""Retry policies: validation (the wording clients match) and the retry schedule.

A policy comes from the subscription's ``options._retry_policy`` or the
queue's ``_retry_policy`` metadata. After a failed attempt the next one
waits, in order of phases:

1. ``retries_with_no_delay`` retries at once;
2. ``minimum_delay_retries`` retries ``minimum_delay`` seconds apart;
3. backoff retries whose delay grows with the step ``i`` (1, 2, ...) by
   ``retry_backoff_function``, for as long as it stays below
   ``maximum_delay`` (at most ``MAX_BACKOFF_STEPS`` steps):

   * ``linear``:      minimum_delay + i * LINEAR_INTERVAL
   * ``arithmetic``:  minimum_delay + LINEAR_INTERVAL * i * (i + 1) / 2
   * ``geometric``:   minimum_delay * 2 ** i
   * ``exponential``: minimum_delay * e ** i

4. ``maximum_delay_retries`` retries ``maximum_delay`` seconds apart;

then the delivery fails and is recorded on its subscription. With the
defaults that is 14 attempts over about three minutes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

#: Defaults of every policy key (the reference's values).
DEFAULTS: dict[str, Any] = {
    'retries_with_no_delay': 3,
    'minimum_delay_retries': 3,
    'minimum_delay': 5,
    'maximum_delay': 30,
    'maximum_delay_retries': 3,
    'retry_backoff_function': 'linear',
    'ignore_subscription_override': False,
}

INT_KEYS = ('retries_with_no_delay', 'minimum_delay_retries',
            'minimum_delay', 'maximum_delay', 'maximum_delay_retries')

# Seconds added per step by the linear and arithmetic backoffs.
LINEAR_INTERVAL = 5
# Cap of the backoff phase (geometric growth from a zero minimum would
# otherwise never reach the maximum).
MAX_BACKOFF_STEPS = 20

BACKOFF: dict[str, Callable[[float, int], float]] = {
    'linear': lambda low, i: low + i * LINEAR_INTERVAL,
    'arithmetic': lambda low, i: low + LINEAR_INTERVAL * i * (i + 1) / 2,
    'geometric': lambda low, i: low * 2 ** i,
    'exponential': lambda low, i: low * math.exp(min(i, 700)),
}


def validate(policy: Any) -> None:
    """Raise ValueError with the API's message if ``policy`` is invalid."""
    if not policy:
        return
    if not isinstance(policy, dict):
        raise ValueError('retry_policy must be a dict.')  # noqa: TRY004
    for key in INT_KEYS:
        value = policy.get(key)
        if value is None:
            continue
        if not isinstance(value, int):
            raise ValueError(  # noqa: TRY004 - the API's validation error
                f'Retry policy: {key} must be a integer.')
        if value < 0:
            raise ValueError(f'Retry policy: {key} must not be negative.')
    function = policy.get('retry_backoff_function')
    if function is not None:
        if not isinstance(function, str):
            raise ValueError('retry_backoff_function must be a string.')
        if function not in BACKOFF:
            raise ValueError('invalid retry_backoff_function.')
    ignore = policy.get('ignore_subscription_override')
    if ignore is not None and not isinstance(ignore, bool):
        raise ValueError('ignore_subscription_override must be a boolean.')
    low = policy.get('minimum_delay')
    low = DEFAULTS['minimum_delay'] if low is None else low
    high = policy.get('maximum_delay')
    high = DEFAULTS['maximum_delay'] if high is None else high
    if high < low:
        raise ValueError('minimum_delay must less than maximum_delay.')
    if high - low < 2 * LINEAR_INTERVAL:
        raise ValueError('invalid minimum_delay and maximum_delay.')


def effective(subscription_policy: Any, queue_policy: Any) -> dict:
    """The policy that applies, defaults filled in.

    The subscription's policy wins unless either policy sets
    ``ignore_subscription_override``; malformed stored policies count as
    absent.
    """
    sub = subscription_policy if isinstance(subscription_policy, dict) else {}
    queue = queue_policy if isinstance(queue_policy, dict) else {}
    if sub.get('ignore_subscription_override') or queue.get(
            'ignore_subscription_override'):
        chosen = queue
    else:
        chosen = sub or queue
    policy = dict(DEFAULTS)
    for key, value in chosen.items():
        if key in DEFAULTS and value is not None:
            policy[key] = value
    return policy


class Schedule:
    """The delays of one effective policy."""

    def __init__(self, policy: dict):
        self.no_delay = max(0, int(policy['retries_with_no_delay']))
        self.low_count = max(0, int(policy['minimum_delay_retries']))
        self.low = max(0, policy['minimum_delay'])
        self.high = max(self.low, policy['maximum_delay'])
        self.high_count = max(0, int(policy['maximum_delay_retries']))
        backoff = BACKOFF.get(policy['retry_backoff_function'],
                              BACKOFF['linear'])
        self.steps: list[float] = []
        for i in range(1, MAX_BACKOFF_STEPS + 1):
            delay = backoff(self.low, i)
            if delay >= self.high:
                break
            self.steps.append(delay)

    @property
    def attempts(self) -> int:
        """Total attempts: the first one and every retry."""
        return (1 + self.no_delay + self.low_count + len(self.steps)
                + self.high_count)

    def delay(self, attempts: int) -> float | None:
        """Seconds before the next attempt after ``attempts`` failed ones;
        None when the policy is exhausted."""
        retry = attempts  # the retry about to be made, counted from 1
        if retry <= self.no_delay:
            return 0.0
        retry -= self.no_delay
        if retry <= self.low_count:
            return float(self.low)
        retry -= self.low_count
        if retry <= len(self.steps):
            return float(self.steps[retry - 1])
        retry -= len(self.steps)
        if retry <= self.high_count:
            return float(self.high)
        return None
