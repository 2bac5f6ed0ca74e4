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

"""The direct routes find exactly the controller Pecan's walk finds."""

from __future__ import annotations

import itertools

import pecan.core
import testtools
import webob

from zaqar.transport.wsgi import direct_routes, pecan_speedups
from zaqar.transport.wsgi.controllers import root

NAMES = ('q', 'a.b', 'Q-1_x', 'index', '_lookup', 'kind', 'call', 'payload',
         'on_get', '__class__', 'messages', 'claims', 'stats', 'v2')
IDS = ('m1', 'index', '_lookup', 'base', 'queue_name', 'on_delete',
       'claim_id', '__init__')
SUFFIXES = ('', '/', '/messages', '/claims', '/messages/{id}',
            '/claims/{id}', '/messages/', '/claims/{id}/', '/stats',
            '/messages/{id}/x', '/subscriptions', '/share')


def _state(obj) -> dict:
    return {key: value for key, value in vars(obj).items()
            if isinstance(value, (str, int, bool, type(None)))}


def _describe(found) -> tuple:
    controller, remainder = found
    owner = controller.__self__
    return (type(owner), controller.__func__, _state(owner),
            list(remainder))


class DirectRoutesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        pecan_speedups.install()
        self.tree = root.Root(admin_mode=True)
        self.pecan = pecan.core.Pecan(self.tree, force_canonical=False,
                                      guess_content_type_from_ext=False)

    def walk(self, path: str):
        req = webob.Request.blank(path, method='POST')
        return self.pecan.route(req, self.tree, path)

    def paths(self):
        for name, suffix, item in itertools.product(NAMES, SUFFIXES, IDS):
            yield f'/v2/queues/{name}{suffix.format(id=item)}'

    def test_every_direct_route_is_where_pecan_walks(self):
        checked = 0
        for path in sorted(set(self.paths())):
            found = direct_routes.direct(path, self.tree.v2.queues)
            if found is None:
                continue
            self.assertEqual(_describe(self.walk(path)), _describe(found),
                             path)
            self.assertFalse(found[0]._pecan.get('secured'), path)
            checked += 1
        self.assertGreater(checked, 40)

    def test_message_and_claim_paths_are_routed_directly(self):
        for path in ('/v2/queues/q', '/v2/queues/q/messages',
                     '/v2/queues/q/messages/m1', '/v2/queues/q/claims',
                     '/v2/queues/q/claims/c1'):
            self.assertIsNotNone(
                direct_routes.direct(path, self.tree.v2.queues), path)

    def test_names_that_are_controller_attributes_take_pecans_walk(self):
        for path in ('/v2/queues/index/messages',
                     '/v2/queues/q/messages/index',
                     '/v2/queues/q/claims/_lookup',
                     '/v2/queues/q/messages/', '/v2/queues/q/stats',
                     '/v2/queue/q/messages', '/v1.1/queues/q/messages'):
            self.assertIsNone(
                direct_routes.direct(path, self.tree.v2.queues), path)

    def test_the_app_routes_other_trees_by_walking(self):
        app = direct_routes.install(self.pecan, self.tree)
        req = webob.Request.blank('/v2/queues/q/messages', method='POST')
        other = root.Root(admin_mode=False)
        found = app.route(req, other, '/v2/queues/q/messages')
        self.assertEqual(_describe(self.walk('/v2/queues/q/messages')),
                         _describe(found))
