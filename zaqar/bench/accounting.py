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

"""Exactly-once accounting: which message ids were posted, which consumed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def message_id(href: str) -> str:
    """The id at the end of a message href (``/v2/queues/q/messages/<id>``).

    A ``?claim_id=`` query, as claimed messages carry, is dropped.
    """
    return href.split('?', 1)[0].rstrip('/').rsplit('/', 1)[-1]


class Ledger:
    """Ids seen by one worker, or by a whole run once merged.

    * ``posted``: ids the server returned in ``resources`` of a POST;
    * ``delivered``: ids handed out in claims (a message may be delivered
      again if its claim lapses before the delete; that is not a fault);
    * ``consumed``: ids deleted with their claim id and a 2xx answer: the
      delivery a consumer acted on. A message consumed twice is a
      duplicate, which a queue must never produce.
    """

    def __init__(self) -> None:
        self.posted: list[str] = []
        self.delivered: Counter[str] = Counter()
        self.consumed: Counter[str] = Counter()

    def post(self, ids: Iterable[str]) -> None:
        self.posted.extend(ids)

    def deliver(self, ids: Iterable[str]) -> None:
        self.delivered.update(ids)

    def consume(self, mid: str) -> None:
        self.consumed[mid] += 1

    def merge(self, other: Ledger) -> None:
        self.posted.extend(other.posted)
        self.delivered.update(other.delivered)
        self.consumed.update(other.consumed)


    def verdict(self, sample: int = 5) -> dict:
        """Compare what was posted with what was consumed.

        :param sample: how many example ids to list per problem.
        :returns: a JSON-ready dict with counts of ``posted``,
            ``consumed`` (distinct ids), ``duplicates`` (ids consumed more
            than once), ``missing`` (posted, never consumed),
            ``unexpected`` (consumed, never posted), ``posted_twice`` (an
            id the server returned for two posts), ``redelivered``
            (delivered more than once; informational), a few examples of
            each problem, and ``exactly_once`` (True when none of the
            problems occurred).
        """
        posted_counts = Counter(self.posted)
        posted = set(posted_counts)
        consumed = set(self.consumed)
        duplicates = sorted(i for i, n in self.consumed.items() if n > 1)
        missing = sorted(posted - consumed)
        unexpected = sorted(consumed - posted)
        posted_twice = sorted(i for i, n in posted_counts.items() if n > 1)
        redelivered = sum(1 for n in self.delivered.values() if n > 1)
        return {
            'posted': len(posted),
            'consumed': len(consumed),
            'duplicates': len(duplicates),
            'missing': len(missing),
            'unexpected': len(unexpected),
            'posted_twice': len(posted_twice),
            'redelivered': redelivered,
            'examples': {
                'duplicates': duplicates[:sample],
                'missing': missing[:sample],
                'unexpected': unexpected[:sample],
                'posted_twice': posted_twice[:sample],
            },
            'exactly_once': not (duplicates or missing or unexpected
                                 or posted_twice),
        }
