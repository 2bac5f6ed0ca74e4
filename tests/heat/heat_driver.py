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

"""python-heatclient as a JSON-lines service, run in the Heat virtualenv.

The test environment does not carry python-heatclient; the Heat tests start
this script with the Heat venv's Python and send one JSON command per line
(``{"op": ..., ...}``), reading one JSON answer per line. Stack operations
wait for a terminal status, so a test sees what a user of
``openstack stack create --wait`` would.
"""

from __future__ import annotations

import json
import sys
import time

from heatclient import client as heat_client
from heatclient import exc as heat_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

_POLL = 1.0


class Driver:
    def __init__(self, auth_url: str, user_id: str, password: str,
                 project_id: str, region: str):
        sess = ks_session.Session(auth=v3.Password(
            auth_url=auth_url, user_id=user_id, password=password,
            project_id=project_id))
        # A busy machine: retry a reset connection rather than fail a step.
        self.heat = heat_client.Client('1', session=sess, region_name=region,
                                       connect_retries=3)

    def _wait(self, stack_id: str, action: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                stack = self.heat.stacks.get(stack_id)
            except heat_exc.HTTPNotFound:
                return {'status': f'{action}_COMPLETE', 'gone': True}
            status = stack.stack_status
            if status.startswith(action) and not status.endswith(
                    'IN_PROGRESS'):
                return self._stack(stack)
            if time.monotonic() > deadline:
                return {**self._stack(stack), 'timeout': True}
            time.sleep(_POLL)

    @staticmethod
    def _stack(stack) -> dict:
        return {'id': stack.id, 'status': stack.stack_status,
                'reason': stack.stack_status_reason,
                'outputs': {o['output_key']: o.get('output_value')
                            for o in (getattr(stack, 'outputs', None) or [])}}

    def start_create(self, name, template, environment=None,
                     parameters=None):
        """Create without waiting; the stack id."""
        self._started = time.monotonic()
        created = self.heat.stacks.create(
            stack_name=name, template=template,
            environment=environment or {}, parameters=parameters or {})
        return created['stack']['id']

    def wait(self, stack_id, action, timeout=600):
        """Wait for ``action`` to end (timed from start_create)."""
        result = self._wait(stack_id, action, timeout)
        started = getattr(self, '_started', time.monotonic())
        return {**result, 'seconds': round(time.monotonic() - started, 1)}

    def create(self, name, template, environment=None, parameters=None,
               timeout=600):
        stack_id = self.start_create(name, template, environment, parameters)
        return self.wait(stack_id, 'CREATE', timeout)

    def update(self, stack_id, template, environment=None, parameters=None,
               timeout=600):
        started = time.monotonic()
        self.heat.stacks.update(stack_id, template=template,
                                environment=environment or {},
                                parameters=parameters or {})
        # An update moves the status to UPDATE_IN_PROGRESS first.
        result = self._wait(stack_id, 'UPDATE', timeout)
        return {**result, 'seconds': round(time.monotonic() - started, 1)}

    def check(self, stack_id, timeout=300):
        self.heat.actions.check(stack_id)
        return self._wait(stack_id, 'CHECK', timeout)

    def delete(self, stack_id, timeout=600):
        started = time.monotonic()
        self.heat.stacks.delete(stack_id)
        result = self._wait(stack_id, 'DELETE', timeout)
        return {**result, 'seconds': round(time.monotonic() - started, 1)}

    def show(self, stack_id):
        return self._stack(self.heat.stacks.get(stack_id))

    def resources(self, stack_id):
        return [{'name': r.resource_name, 'type': r.resource_type,
                 'status': r.resource_status,
                 'reason': r.resource_status_reason,
                 'physical_id': r.physical_resource_id}
                for r in self.heat.resources.list(stack_id)]

    def attribute(self, stack_id, resource, name):
        res = self.heat.resources.get(stack_id, resource,
                                      with_attr=[name])
        return res.attributes.get(name)

    def events(self, stack_id):
        return [{'resource': e.resource_name, 'status': e.resource_status,
                 'reason': e.resource_status_reason}
                for e in self.heat.events.list(stack_id, nested_depth=0)]

    def list(self):
        return [{'id': s.id, 'name': s.stack_name, 'status': s.stack_status}
                for s in self.heat.stacks.list()]


def main() -> int:
    driver = None
    for line in sys.stdin:
        command = json.loads(line)
        op = command.pop('op')
        try:
            if op == 'login':
                driver = Driver(**command)
                answer = {'ok': True}
            else:
                answer = {'ok': True,
                          'result': getattr(driver, op)(**command)}
        except Exception as exc:  # report, keep serving
            answer = {'ok': False, 'error': f'{type(exc).__name__}: {exc}'}
        sys.stdout.write(json.dumps(answer, default=str) + '\n')
        sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main())
