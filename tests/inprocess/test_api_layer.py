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

"""The transport-agnostic operations, called through ``dispatch``."""

from __future__ import annotations

import uuid

from tests.inprocess.app import InProcessCase
from zaqar.api import actions
from zaqar.api.context import RequestContext
from zaqar.api.payload import Payload
from zaqar.common import errors
from zaqar.storage import scope


class DispatchTest(InProcessCase):

    @property
    def svc(self):
        return self.zaqar.service

    def ctx(self, project=None, roles=('member', 'reader')):
        return RequestContext(client_id=str(uuid.uuid4()),
                              project_id=project or uuid.uuid4().hex,
                              roles=list(roles))

    def test_control_characters_in_a_project_id_are_refused(self):
        # No HTTP header can carry one; other transports must not either.
        for project in ('\nvictim', 'a\x00b', 'a\x7f'):
            with self.subTest(project=project):
                error = self.assertRaises(
                    errors.BadRequest, actions.dispatch, self.svc,
                    self.ctx(project), 'queue_list')
                self.assertEqual('Invalid project identification',
                                 error.title)

    def test_policy_is_enforced_before_the_operation(self):
        ctx = self.ctx(roles=('reader',))
        self.assertRaises(errors.Forbidden, actions.dispatch, self.svc, ctx,
                          'queue_create', queue_name='q',
                          payload=Payload(None))
        self.assertFalse(self.svc.queues.exists('q', project=ctx.project_id))

    def test_missing_message_is_a_not_found_api_error(self):
        ctx = self.ctx()
        error = self.assertRaises(
            errors.NotFound, actions.dispatch, self.svc, ctx, 'message_get',
            queue_name='q', message_id=str(uuid.uuid4()))
        self.assertEqual(404, error.status)

    def test_topic_scope_is_kept_apart_from_the_queue_scope(self):
        ctx = self.ctx()
        actions.dispatch(self.svc, ctx, 'topic_create', topic_name='n',
                         payload=Payload(None))
        self.assertTrue(self.svc.queues.exists(
            'n', project=ctx.project_id, scope=scope.TOPIC))
        self.assertFalse(self.svc.queues.exists('n', project=ctx.project_id))
        self.assertEqual([], self.svc.queues.list(
            project=ctx.project_id)[0])

    def test_a_topic_of_the_longest_project_id_works(self):
        ctx = self.ctx('p' * 256)
        actions.dispatch(self.svc, ctx, 'topic_create', topic_name='n',
                         payload=Payload(None))
        topics, _, _ = actions.dispatch(self.svc, ctx, 'topic_list')
        self.assertEqual(['n'], [t.name for t in topics])

    def test_topic_purge_leaves_the_queue_of_that_name_alone(self):
        ctx = self.ctx()
        actions.dispatch(self.svc, ctx, 'message_post', queue_name='n',
                         payload=Payload(b'{"messages": [{"body": 1}]}'))
        actions.dispatch(self.svc, ctx, 'topic_purge', topic_name='n',
                         payload=Payload(None))
        self.assertEqual(1, self.svc.queues.stats(
            'n', project=ctx.project_id).free)

    def test_topic_post_and_queue_post_share_one_validation(self):
        ctx = self.ctx()
        too_short = Payload(b'{"messages": [{"body": 1, "ttl": 1}]}')
        queue_error = self.assertRaises(
            errors.BadRequest, actions.dispatch, self.svc, ctx,
            'message_post', queue_name='q', payload=too_short)
        topic_error = self.assertRaises(
            errors.BadRequest, actions.dispatch, self.svc, ctx,
            'topic_message_post', topic_name='q', payload=too_short)
        self.assertEqual(queue_error.description, topic_error.description)
