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

"""API errors as section 14 error bodies."""

from __future__ import annotations

import unittest

from zaqar.common import errors
from zaqar.storage import errors as storage_errors
from zaqar.transport.websocket import render


def raised(error: errors.APIError, cause: Exception | None = None):
    """``error`` as the API raises it (chained to ``cause``)."""
    try:
        try:
            if cause is not None:
                raise cause
            raise error
        except Exception:
            if cause is None:
                raise
            raise error
    except errors.APIError as exc:
        return exc


class ApiErrorTest(unittest.TestCase):

    def test_validation_failures_have_a_null_error(self):
        for exc in (errors.BadRequest('Limit must be at least 1.'),
                    errors.InvalidBody('Missing "body" field.')):
            self.assertEqual({'exception': exc.description, 'error': None},
                             render.api_error(exc, {}))

    def test_not_found_has_a_short_sentence_per_resource(self):
        cases = [
            (storage_errors.ClaimDoesNotExist('c1', 'q', 'p'),
             'Claim c1 does not exist.'),
            (storage_errors.MessageDoesNotExist('m1', 'q', 'p'),
             'Message m1 does not exist.'),
            (storage_errors.SubscriptionDoesNotExist('s1'),
             'Subscription s1 for queue q does not exist.'),
        ]
        for cause, sentence in cases:
            exc = raised(errors.NotFound(str(cause)), cause)
            self.assertEqual({'exception': str(cause), 'error': sentence},
                             render.api_error(exc, {'queue_name': 'q'}))

    def test_claimed_message_delete(self):
        cause = storage_errors.MessageIsClaimed('m1')
        exc = raised(errors.UnableToDelete('This message is claimed.', 403),
                     cause)
        self.assertEqual({'exception': 'Message m1 is claimed',
                          'error': 'This message is claimed.'},
                         render.api_error(exc, {}))

    def test_storage_failure_text_never_reaches_the_client(self):
        cause = storage_errors.StorageUnavailable('redis://secret@host down')
        exc = raised(errors.ServiceUnavailable('Queue could not be created'),
                     cause)
        body = render.api_error(exc, {})
        self.assertEqual('Queue could not be created. Please try again in a '
                         'few seconds.', body['error'])
        self.assertNotIn('secret', str(body))

    def test_policy_denial(self):
        body = render.api_error(errors.Forbidden(), {})
        self.assertEqual('You are not authorized to complete this action.',
                         body['error'])


class EnvelopeTest(unittest.TestCase):

    def test_echo_of_a_request(self):
        request = {'action': 'a', 'headers': {'h': 1}, 'body': {'b': 2}}
        self.assertEqual({'request': dict(request, api='v2'), 'body': 'ok',
                          'headers': {'status': 200}},
                         render.response(request, 200, 'ok'))

    def test_echo_of_nothing_usable(self):
        empty = {'action': None, 'body': {}, 'headers': None, 'api': 'v2'}
        self.assertEqual(empty, render.echo(None))
        self.assertEqual(empty, render.echo([1, 2]))
        self.assertEqual(empty, render.echo({}))
