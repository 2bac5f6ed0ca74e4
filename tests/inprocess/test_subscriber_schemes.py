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

"""Subscriber schemes come from the entry-point registry, one entry each."""

from __future__ import annotations

import uuid

import testtools

from tests.inprocess import entry_points
from tests.inprocess.app import InProcessApp
from zaqar.notification import confirm, outcome, pipeline, subscribers
from zaqar.storage import scope

DEFAULT_SCHEMES = ('http', 'https', 'mailto', 'trust+http', 'trust+https',
                   'zaqar-push')


class RegistryTest(testtools.TestCase):

    def test_every_default_subscriber_type_has_an_entry(self):
        registry = subscribers.registry()
        for name in DEFAULT_SCHEMES:
            self.assertIsInstance(registry.get(name), subscribers.Scheme,
                                  name)

    def test_entries_say_what_the_scheme_needs(self):
        registry = subscribers.registry()
        self.assertTrue(registry['https'].confirmable)
        self.assertTrue(registry['mailto'].confirmable)
        self.assertFalse(registry['trust+https'].confirmable)
        self.assertTrue(registry['trust+https'].needs_trust)
        self.assertFalse(registry['http'].needs_trust)

    def test_entries_validate_their_uris(self):
        from urllib.parse import urlsplit
        mailto = subscribers.registry()['mailto']
        self.assertIsNone(mailto.validate(urlsplit('mailto:a@example.com')))
        self.assertIn('address', mailto.validate(urlsplit('mailto:nobody')))
        http = subscribers.registry()['http']
        self.assertIn('host', http.validate(urlsplit('http:///path')))


class PushSchemeTest(testtools.TestCase):
    """zaqar-push: the WebSocket push target is a registry entry too."""

    def setUp(self):
        super().setUp()
        self.scheme = subscribers.registry()['zaqar-push']

    def test_flags(self):
        self.assertFalse(self.scheme.confirmable)
        self.assertFalse(self.scheme.needs_trust)

    def test_validate(self):
        from urllib.parse import urlsplit
        ok = 'zaqar-push://127.0.0.1:8000/push/a-B_9'
        self.assertIsNone(self.scheme.validate(urlsplit(ok)))
        self.assertIsNone(self.scheme.validate(
            urlsplit('zaqar-push://[::1]:8000/push/t')))
        for bad, why in (('zaqar-push:///push/t', 'host'),
                         ('zaqar-push://h/push/t', 'port'),
                         ('zaqar-push://h:x/push/t', 'port'),
                         ('zaqar-push://h:1/other/t', '/push/<token>'),
                         ('zaqar-push://h:1/push/', '/push/<token>'),
                         ('zaqar-push://h:1/push/a/b', '/push/<token>'),
                         ('zaqar-push://h:1/push/t?x=1', 'host, port'),
                         ('zaqar-push://u@h:1/push/t', 'host, port')):
            with self.subTest(uri=bad):
                self.assertIn(why, self.scheme.validate(urlsplit(bad)))

    def test_deliveries_go_to_the_http_url(self):
        self.assertEqual('http://h:1/push/t',
                         self.scheme.destination('zaqar-push://h:1/push/t'))

    def test_not_a_subscriber_type_unless_listed(self):
        zaqar = InProcessApp('')
        self.addCleanup(zaqar.close)
        resp = zaqar.request('POST', '/v2/queues/q/subscriptions',
                             {'subscriber': 'zaqar-push://h:1/push/t'})
        self.assertEqual(400, resp.status_int)

    def test_destination_guard_applies_to_the_http_url(self):
        zaqar = InProcessApp(
            '[transport]\nsubscriber_types = http,zaqar-push\n')
        self.addCleanup(zaqar.close)
        for uri, status in (('zaqar-push://127.0.0.1:1/push/t', 400),
                            ('zaqar-push://169.254.169.254:80/push/t', 400),
                            ('zaqar-push://93.184.216.34:80/push/t', 201),
                            ('zaqar-push://93.184.216.34:80/nope', 400)):
            with self.subTest(uri=uri):
                resp = zaqar.request('POST', '/v2/queues/q/subscriptions',
                                     {'subscriber': uri})
                self.assertEqual(status, resp.status_int, resp.body)


# The module a new scheme is: it records what it is asked to deliver.
_PLUGIN = '''
from zaqar.notification import outcome, subscribers

SENT = []


def _deliver(request):
    SENT.append(request)
    return outcome.delivered()


def _validate(parts):
    return None if parts.path else 'A record: subscriber needs a name.'


SCHEME = subscribers.Scheme(deliver=_deliver, validate=_validate)
'''


class NewSchemeTest(testtools.TestCase):
    """A scheme added as one module plus one entry point works end to end."""

    def setUp(self):
        super().setUp()
        subscribers.registry.cache_clear()
        self.addCleanup(subscribers.registry.cache_clear)
        self.module = entry_points.install(
            self, _PLUGIN, {subscribers.NAMESPACE: 'record = {module}:SCHEME'})
        self.zaqar = InProcessApp(
            '[transport]\nsubscriber_types = http,https,record\n'
            '[notification]\nrequire_confirmation = true\n')
        self.addCleanup(self.zaqar.close)

    def test_the_registry_finds_it(self):
        self.assertIn('record', subscribers.registry())

    def test_subscribe_post_and_deliver(self):
        project = 'p-' + uuid.uuid4().hex[:8]
        bad = self.zaqar.request('POST', '/v2/queues/q/subscriptions',
                                 {'subscriber': 'record:'}, project=project)
        self.assertEqual(400, bad.status_int)
        self.assertIn('needs a name', bad.json['description'])
        created = self.zaqar.request(
            'POST', '/v2/topics/t/subscriptions',
            {'subscriber': 'record:audit', 'ttl': 3600}, project=project)
        self.assertEqual(201, created.status_int, created.body)
        # Not confirmable: no confirmation wait, even when required.
        self.assertFalse(confirm.required(self.zaqar.conf, 'record:audit'))
        self.zaqar.request('POST', '/v2/topics/t/messages',
                           {'messages': [{'body': {'n': 1}}]},
                           project=project)
        notifier = pipeline.Notifier(self.zaqar.service, workers=1)
        for delivery in self.zaqar.service.outbox.lease(
                10, 30, project=project):
            self.assertEqual(scope.TOPIC, delivery.scope)
            self.assertEqual(project, delivery.project)
            self.assertEqual(outcome.DELIVERED,
                             notifier.deliver(delivery).status)
        [sent] = self.module.SENT
        self.assertEqual('record:audit', sent.subscriber)
        self.assertEqual({'n': 1}, sent.document['body'])
        self.assertEqual('t', sent.document['topic_name'])
