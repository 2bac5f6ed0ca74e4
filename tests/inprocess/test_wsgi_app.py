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

"""The WSGI application in process: requests through the whole onion."""

from __future__ import annotations

import json

from tests.inprocess.app import InProcessCase
from zaqar.storage import scope


class WSGIAppTest(InProcessCase):

    def test_queue_lifecycle(self):
        self.assertEqual(201, self.call('PUT', '/v2/queues/q', {'a': 1})
                         .status_int)
        self.assertEqual(204, self.call('PUT', '/v2/queues/q').status_int)
        self.assertEqual(1, self.call('GET', '/v2/queues/q').json['a'])
        self.assertEqual(204, self.call('HEAD', '/v2/queues/q').status_int)
        self.assertEqual(204, self.call('DELETE', '/v2/queues/q').status_int)
        self.assertEqual(404, self.call('HEAD', '/v2/queues/q').status_int)

    def test_post_claim_and_delete_a_message(self):
        posted = self.call('POST', '/v2/queues/q/messages',
                           {'messages': [{'body': {'n': 1}, 'ttl': 300}]})
        self.assertEqual(201, posted.status_int)
        claim = self.call('POST', '/v2/queues/q/claims',
                          {'ttl': 60, 'grace': 60})
        self.assertEqual(201, claim.status_int)
        href = claim.json['messages'][0]['href']
        self.assertIn('claim_id=', href)
        self.assertEqual(403, self.call(
            'DELETE', href.split('?')[0]).status_int)
        self.assertEqual(204, self.call('DELETE', href).status_int)
        stats = self.call('GET', '/v2/queues/q/stats').json['messages']
        self.assertEqual(0, stats['total'])

    def test_bad_queue_name_is_a_400_with_the_json_error(self):
        resp = self.call('PUT', '/v2/queues/bad*name')
        self.assertEqual(400, resp.status_int)
        self.assertEqual('Invalid queue identification', resp.json['title'])

    def test_missing_project_header_is_refused(self):
        resp = self.call('GET', '/v2/queues', project=None)
        self.assertEqual(400, resp.status_int)

    def test_unknown_method_answers_405_with_allow(self):
        resp = self.call('POST', '/v2/queues/q/stats')
        self.assertEqual(405, resp.status_int)
        self.assertEqual('GET, OPTIONS', resp.headers['Allow'])

    def test_other_projects_queue_looks_never_created(self):
        self.call('POST', '/v2/queues/q/messages',
                  {'messages': [{'body': 1}]})
        other = self.call('GET', '/v2/queues/q/stats', project='someone')
        self.assertEqual(0, other.json['messages']['total'])
        listed = self.call('GET', '/v2/queues', project='someone').json
        self.assertNotIn('q', [q['name'] for q in listed['queues']])

    def test_topic_and_queue_of_one_name_are_separate(self):
        self.call('PUT', '/v2/queues/same', {'kind': 'queue'})
        self.call('PUT', '/v2/topics/same', {'kind': 'topic'})
        self.assertEqual('queue',
                         self.call('GET', '/v2/queues/same').json['kind'])
        self.assertEqual('topic',
                         self.call('GET', '/v2/topics/same').json['kind'])
        queues = self.call('GET', '/v2/queues').json['queues']
        topics = self.call('GET', '/v2/topics').json['topics']
        self.assertEqual(['same'], [q['name'] for q in queues])
        self.assertEqual(['same'], [t['name'] for t in topics])

    def test_topic_post_fans_out_and_keeps_nothing(self):
        sub = self.call('POST', '/v2/topics/t/subscriptions',
                        {'subscriber': 'mailto:ops@example.com', 'ttl': 3600})
        self.assertEqual(201, sub.status_int, sub.body)
        posted = self.call('POST', '/v2/topics/t/messages',
                           {'messages': [{'body': 'a'}, {'body': 'b'}]})
        self.assertEqual(201, posted.status_int)
        self.assertEqual(2, len(posted.json['resources']))
        outbox = self.zaqar.service.outbox
        self.assertEqual(2, outbox.pending(
            't', project=self.project, scope=scope.TOPIC))
        # Nothing lands in a queue of the same name.
        self.assertEqual(0, outbox.pending('t', project=self.project))
        self.assertEqual([], self.call(
            'GET', '/v2/topics/t/messages').json['messages'])

    def test_topic_post_follows_the_queue_post_rules(self):
        self.call('PUT', '/v2/topics/t', {'_max_messages_post_size': 10})
        body = {'messages': [{'body': 'x' * 50}]}
        resp = self.call('POST', '/v2/topics/t/messages', body)
        self.assertEqual(400, resp.status_int)
        self.assertIn('max size for current queue is 10',
                      resp.json['description'])
        resp = self.call('POST', '/v2/topics/u/messages',
                         {'messages': [{'body': 1, 'ttl': 1}]})
        self.assertEqual(400, resp.status_int)

    def test_topic_subscription_confirmation_names_the_topic(self):
        from zaqar.notification import confirm
        sub = self.call('POST', '/v2/topics/t/subscriptions',
                        {'subscriber': 'http://example.com/hook',
                         'ttl': 3600}).json['subscription_id']
        stored = self.zaqar.service.subscriptions.get(
            't', sub, project=self.project, scope=scope.TOPIC)
        document = confirm.document('k', self.project, stored, False,
                                    source_kind=scope.TOPIC)
        self.assertEqual('t', document['topic_name'])
        self.assertEqual(self.project, document['X-Project-ID'])
        self.assertEqual(f'/v2/topics/t/subscriptions/{sub}/confirm',
                         document['URL-Paths'])

    def test_home_document_advertises_topics(self):
        resp = self.call('GET', '/v2/')
        resources = json.loads(resp.body)['resources']
        self.assertIn('rel/topic_messages', resources)
        self.assertEqual(['GET', 'POST'],
                         resources['rel/topic_messages']['hints']['allow'])
