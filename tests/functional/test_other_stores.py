"""The core HTTP suites again, on the Redis, PostgreSQL and MongoDB stores."""

from __future__ import annotations

from tests.functional import (
    test_claims,
    test_messages,
    test_queues,
    test_zaqarclient,
)

_SUITES = (test_queues.QueueTest, test_messages.MessageTest,
           test_claims.ClaimTest, test_zaqarclient.ZaqarClientTest)
_BACKENDS = {'Redis': 'redis', 'PostgreSQL': 'postgresql',
             'MongoDB': 'mongodb'}

for _label, _backend in _BACKENDS.items():
    for _suite in _SUITES:
        _name = f'{_suite.__name__}On{_label}'
        globals()[_name] = type(_name, (_suite,), {'backend': _backend})
del _label, _backend, _suite, _name
