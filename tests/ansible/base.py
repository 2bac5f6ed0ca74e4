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

"""Shared by the Ansible tests: the tools, or a skip (a failure in CI)."""

from __future__ import annotations

import re
import unittest

from tests import backends
from tests.ansible import fixture


def tools() -> fixture.Tools:
    """The installed tools; skips locally and fails in CI when missing."""
    try:
        return fixture.Tools.get()
    except fixture.AnsibleUnavailable as exc:
        if backends.required():
            raise
        raise unittest.SkipTest(f'Ansible unavailable: {exc}') from None


_RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+'
                    r'unreachable=(\d+)\s+failed=(\d+)', re.M)


def recap(output: str) -> dict[str, int]:
    """The PLAY RECAP counters of the only host of a run."""
    found = _RECAP.findall(output.split('PLAY RECAP', 1)[-1])
    if len(found) != 1:
        raise AssertionError(f'no single-host PLAY RECAP in:\n{output[-3000:]}')
    _host, ok, changed, unreachable, failed = found[0]
    return {'ok': int(ok), 'changed': int(changed),
            'unreachable': int(unreachable), 'failed': int(failed)}
