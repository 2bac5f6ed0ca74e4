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

"""Every served route is documented: home document, OpenAPI, api-ref.

The served routes come from the WSGI controller tree (``served``), not
from any documentation list, so a route added without its documents fails
here.
"""

from __future__ import annotations

import json
import unittest

from tests.docs import test_api_ref_coverage as api_ref
from tests.inprocess import served
from zaqar.transport import home
from zaqar.transport.wsgi.controllers.v2 import openapi

# Served for clients and load balancers, described in the conventions
# section rather than as an operation.
UNDOCUMENTED_IN_API_REF = {('get', '/v2/openapi.json')}
# Answered by every resource; listed in each 405's Allow header instead.
IMPLICIT_METHODS = {'options'}


def _served() -> set[tuple[str, str]]:
    return {(method, path) for method, path in served.routes()
            if method not in IMPLICIT_METHODS}


def _home_routes() -> set[tuple[str, str]]:
    document = json.loads(home.render(True))
    found = set()
    for entry in document['resources'].values():
        path = served.normalise(entry.get('href') or entry['href-template'])
        found |= {(m.lower(), path) for m in entry['hints']['allow']}
    return found


class DocumentedRoutesTest(unittest.TestCase):

    def setUp(self):
        self.served = _served()

    def test_walker_finds_the_topic_routes(self):
        topic_routes = {r for r in self.served if '/v2/topics' in r[1]}
        self.assertEqual(17, len(topic_routes))
        self.assertIn(('put', '/v2/topics/{}/subscriptions/{}/confirm'),
                      topic_routes)

    def test_openapi_describes_exactly_the_served_routes(self):
        described = {(op.method, served.normalise(op.path))
                     for op in openapi.OPERATIONS} | {('get', '/')}
        self.assertEqual(sorted(self.served - described), [],
                         'served but not in OpenAPI')
        self.assertEqual(sorted(described - self.served), [],
                         'in OpenAPI but not served')

    def test_home_document_lists_every_served_resource_route(self):
        # HEAD answers are advertised by GET; the root and /v2 describe
        # the documents themselves.
        expected = {(m, p) for m, p in self.served
                    if m != 'head' and p not in ('/', '/v2',
                                                 openapi.PATH)}
        advertised = _home_routes()
        self.assertEqual(sorted(expected - advertised), [],
                         'served but not in the home document')
        self.assertEqual(sorted(advertised - self.served), [],
                         'in the home document but not served')

    def test_api_ref_documents_every_served_route(self):
        documented = {(m, served.normalise(p))
                      for m, p in api_ref.documented()}
        expected = self.served - UNDOCUMENTED_IN_API_REF
        self.assertEqual(sorted(expected - documented), [],
                         'served but not in the api-ref')
        self.assertEqual(sorted(documented - self.served), [],
                         'in the api-ref but not served')

    def test_walker_sees_a_new_route(self):
        # A resource hung on the tree shows up, documented or not.
        from zaqar.transport.wsgi.controllers import base, root

        class Extra(base.Resource):
            def on_post(self):
                return None

        tree = root.Root(admin_mode=False)
        tree.v2.extra = Extra()
        self.assertIn(('post', '/v2/extra'), served.routes(tree))
