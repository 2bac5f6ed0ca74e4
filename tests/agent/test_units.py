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

"""The driver's pure parts: queue names, transport URLs, signed-URL lookup."""

from __future__ import annotations

import ast
import json
import os
import re
import tempfile
import unittest

import oslo_messaging
from oslo_config import cfg

from zaqar.agent import (
    credentials,
    errors,
    http,
    naming,
    options,
    provision,
)

AGENT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), 'zaqar', 'agent')
VALID = re.compile(r'^[A-Za-z0-9_.\-]{1,64}$')


def _url(text: str):
    return oslo_messaging.TransportURL.parse(cfg.CONF, text)


class TestNaming(unittest.TestCase):

    def test_short_addresses_read_as_written(self):
        self.assertEqual('om-t.openstack.compute',
                         naming.topic_queue('openstack', 'compute'))
        self.assertEqual('om-s.openstack.compute.host1',
                         naming.server_queue('openstack', 'compute', 'host1'))
        self.assertEqual('om-f.openstack.compute',
                         naming.fanout_queue('openstack', 'compute'))
        self.assertEqual('om-n.nova.notifications.info.audit',
                         naming.notification_queue(
                             'nova', 'notifications.info', 'audit'))

    def test_long_or_odd_addresses_stay_valid_and_distinct(self):
        uuid_topic = 'guestagent.' + '7c9e6679-7425-40de-944b-e07fc1f90ae7'
        names = {naming.server_queue('trove', uuid_topic, f'server:{n}')
                 for n in range(50)}
        names.add(naming.topic_queue('openstack', 'a b/c'))
        self.assertEqual(51, len(names))
        for name in names:
            self.assertRegex(name, VALID)
        # Both sides compute the same name.
        self.assertEqual(naming.server_queue('trove', uuid_topic, 'x:1'),
                         naming.server_queue('trove', uuid_topic, 'x:1'))


class TestTransportURL(unittest.TestCase):

    def test_project_id_means_auth_off(self):
        opts = options.from_url(cfg.CONF, _url(
            'zaqar://127.0.0.1:8888/?project_id=p1&claim_ttl=90&prefetch=2'))
        self.assertEqual('http://127.0.0.1:8888', opts.endpoint)
        self.assertIsInstance(opts.auth, credentials.NoAuth)
        self.assertEqual('p1', opts.auth.project_id)
        self.assertEqual((90, 2), (opts.claim_ttl, opts.prefetch))

    def test_claim_ttl_never_below_the_server_minimum(self):
        opts = options.from_url(cfg.CONF, _url(
            'zaqar+https://zaqar.example:443/?project_id=p&claim_ttl=5'))
        self.assertEqual('https://zaqar.example:443', opts.endpoint)
        self.assertEqual(60, opts.claim_ttl)

    def test_no_identity_is_refused(self):
        self.assertRaises(ValueError, options.from_url, cfg.CONF,
                          _url('zaqar://127.0.0.1:8888/'))

    def test_signed_urls_inline_or_from_a_file(self):
        doc = {'project': 'p9', 'reply_queue': None, 'urls': [{
            'paths': ['/v2/queues/q/messages'], 'methods': ['GET'],
            'project': 'p9', 'expires': '2099-01-01T00:00:00',
            'signature': 'ab' * 32}]}
        inline = options.from_url(cfg.CONF, _url(
            'zaqar://h:1/?signed_urls=' + options.encode_inline(doc)))
        self.assertTrue(inline.auth.signed)
        self.assertEqual('p9', inline.auth.project_id)
        with tempfile.NamedTemporaryFile('w', suffix='.json') as f:
            json.dump(doc, f)
            f.flush()
            from_file = options.from_url(cfg.CONF, _url(
                f'zaqar://h:1/?signed_urls_file={f.name}'))
            self.assertEqual(doc['urls'], from_file.auth.urlset.urls)


class TestSignedLookup(unittest.TestCase):

    def setUp(self):
        self.auth = credentials.SignedAuth(credentials.SignedURLSet({
            'urls': [{'paths': ['/v2/queues/q/claims'],
                      'methods': ['POST', 'PATCH'], 'project': 'p',
                      'expires': '2099-01-01T00:00:00',
                      'signature': 'cd' * 32}]}))

    def test_a_signed_collection_covers_its_members(self):
        headers = self.auth.headers('PATCH', '/v2/queues/q/claims/c1')
        self.assertEqual('/v2/queues/q/claims', headers['URL-Paths'])
        self.assertEqual('p', headers['X-Project-ID'])

    def test_anything_else_is_refused_before_sending(self):
        for method, path in (('GET', '/v2/queues/q/claims'),
                             ('POST', '/v2/queues/q/claimsX'),
                             ('POST', '/v2/queues/qq/claims'),
                             ('POST', '/v2/queues/q/messages')):
            self.assertRaises(errors.NotGranted, self.auth.headers,
                              method, path)

    def test_a_grant_carried_by_a_request_is_used(self):
        grant = {'paths': ['/v2/queues/r/messages'], 'methods': ['POST'],
                 'project': 'p', 'expires': '2099-01-01T00:00:00',
                 'signature': 'ef' * 32}
        headers = self.auth.headers('POST', '/v2/queues/r/messages', grant)
        self.assertEqual('ef' * 32, headers['URL-Signature'])


class TestProvisionGrants(unittest.TestCase):

    def test_guest_grants_are_exactly_its_queues(self):
        guest = provision.Guest(topic='t', server='s', calls=True,
                                send_topics=('conductor',),
                                notify_topics=('notifications.info',))
        self.assertEqual([
            ('om-s.openstack.t.s', 'claims', ('DELETE', 'PATCH', 'POST')),
            ('om-s.openstack.t.s', 'messages', ('DELETE',)),
            ('om-t.openstack.t', 'claims', ('DELETE', 'PATCH', 'POST')),
            ('om-t.openstack.t', 'messages', ('DELETE',)),
            ('om-f.openstack.t', 'messages', ('GET',)),
            ('om-r.guest.openstack.t.s', 'messages', ('DELETE', 'GET')),
            ('om-t.openstack.conductor', 'messages', ('POST',)),
            ('om-n.openstack.notifications.info', 'messages', ('POST',)),
        ], guest.grants())


class TestReplyReading(unittest.TestCase):
    """Guests provisioned before reply reads were granted pop instead."""

    def client(self, methods):
        urlset = credentials.SignedURLSet({'project': 'p', 'urls': [{
            'paths': ['/v2/queues/om-r.g/messages'], 'methods': methods,
            'project': 'p', 'signature': 'x', 'expires': '2100-01-01T00:00'}]})
        return http.Client('http://127.0.0.1:1',
                           credentials.SignedAuth(urlset))

    def test_a_reply_queue_is_read_only_where_granted(self):
        self.assertTrue(self.client(['DELETE', 'GET']).can_read('om-r.g'))
        self.assertFalse(self.client(['DELETE']).can_read('om-r.g'))
        self.assertTrue(http.Client('http://127.0.0.1:1',
                                    credentials.NoAuth('p')).can_read('q'))

    def test_long_poll_is_bounded_by_the_server_maximum(self):
        for given, used in (('0', 0), ('7', 7), ('99', 20), ('-3', 0)):
            opts = options.from_url(
                cfg.CONF, _url(f'zaqar://h:1/?project_id=p&long_poll={given}'))
            self.assertEqual(used, opts.long_poll, given)
        self.assertEqual(10, options.from_url(
            cfg.CONF, _url('zaqar://h:1/?project_id=p')).long_poll)


class TestNoEventlet(unittest.TestCase):

    def test_no_agent_module_imports_eventlet(self):
        for name in sorted(os.listdir(AGENT_DIR)):
            if not name.endswith('.py'):
                continue
            with open(os.path.join(AGENT_DIR, name)) as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom):
                    modules = [node.module or '']
                else:
                    continue
                for module in modules:
                    self.assertFalse(module.split('.')[0] in (
                        'eventlet', 'greenlet'), f'{name} imports {module}')
