"""Policy in code: every rule of the API, one module per resource."""

import itertools

from zaqar.policies import (
    admin,
    base,
    claims,
    messages,
    queues,
    subscriptions,
    topics,
)


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        queues.list_rules(),
        messages.list_rules(),
        claims.list_rules(),
        subscriptions.list_rules(),
        topics.list_rules(),
        admin.list_rules(),
    ))
