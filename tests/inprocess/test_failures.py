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

"""One mapping from storage exceptions to API errors, used by dispatch."""

from __future__ import annotations

import ast
import pathlib
import uuid

import testtools

from tests.inprocess.app import InProcessCase
from zaqar.api import failures
from zaqar.common import errors
from zaqar.storage import control
from zaqar.storage import errors as storage_errors

API = pathlib.Path(failures.__file__).parent


def _instances() -> list[Exception]:
    return [
        control.NoPoolFound('no pool'), control.PlacementRefused('refused'),
        storage_errors.StorageUnavailable('down'),
        storage_errors.QueueDoesNotExist('q', 'p'),
        storage_errors.MessageDoesNotExist('m', 'q', 'p'),
        storage_errors.ClaimDoesNotExist('c', 'q', 'p'),
        storage_errors.SubscriptionDoesNotExist('s'),
        control.PoolDoesNotExist('pool'), control.FlavorDoesNotExist('f'),
        control.PoolAlreadyExists('pool'), control.PoolInUse('pool'),
        control.PoolInUseByFlavor('pool', 'f'),
        storage_errors.MessageIsClaimed('m'),
        storage_errors.MessageNotClaimedBy('m', 'c'),
        storage_errors.MessageNotClaimed('m'),
        storage_errors.SubscriptionAlreadyExists('s'),
    ]


class TranslateTest(testtools.TestCase):

    def test_every_mapped_exception_has_an_api_error(self):
        expected = {
            'NoPoolFound': 503, 'PlacementRefused': 400,
            'StorageUnavailable': 503, 'QueueDoesNotExist': 404,
            'MessageDoesNotExist': 404, 'ClaimDoesNotExist': 404,
            'SubscriptionDoesNotExist': 404, 'PoolDoesNotExist': 404,
            'FlavorDoesNotExist': 404, 'PoolAlreadyExists': 409,
            'PoolInUse': 409, 'PoolInUseByFlavor': 403,
            'MessageIsClaimed': 403, 'MessageNotClaimedBy': 403,
            'MessageNotClaimed': 400, 'SubscriptionAlreadyExists': 409}
        seen = set()
        for exc in _instances():
            name = type(exc).__name__
            self.assertIsInstance(exc, failures.MAPPED, name)
            error = failures.translate(exc, 'an_action', 'It failed')
            self.assertIsInstance(error, errors.APIError, name)
            self.assertEqual(expected[name], error.status, name)
            seen.add(type(exc))
        self.assertEqual(set(failures.MAPPED), seen)

    def test_one_exception_means_another_error_for_some_actions(self):
        claim = storage_errors.ClaimDoesNotExist('c', 'q', 'p')
        self.assertEqual(404, failures.translate(claim, 'claim_get',
                                                 'x').status)
        gone = failures.translate(claim, 'message_delete', 'x')
        self.assertIsInstance(gone, errors.ClaimGone)
        self.assertEqual(400, gone.status)
        taken = failures.translate(
            storage_errors.SubscriptionAlreadyExists('s'),
            'subscription_update', 'x')
        self.assertIsInstance(taken, errors.SubscriptionExistsOnUpdate)
        missing = failures.translate(
            control.PoolDoesNotExist('pool'), 'flavor_update', 'x',
            {'flavor_name': 'f'})
        self.assertEqual(
            {'title': 'Unable to update',
             'description': 'Flavor f could not be updated, error:'
                            f'{control.PoolDoesNotExist("pool")}'},
            missing.to_dict())

    def test_unavailable_storage_keeps_server_details_out(self):
        error = failures.translate(
            storage_errors.StorageUnavailable('redis://10.0.0.1 refused'),
            'queue_get', 'Queue metadata could not be retrieved')
        self.assertNotIn('10.0.0.1', error.description)
        self.assertIn('Queue metadata could not be retrieved',
                      error.description)

    def test_operations_leave_the_generic_mappings_to_dispatch(self):
        # Only failures.py turns the mapped exceptions into API errors;
        # an operation may catch one only to give it another meaning.
        generic = {'QueueDoesNotExist', 'MessageDoesNotExist',
                   'SubscriptionDoesNotExist', 'PoolDoesNotExist',
                   'FlavorDoesNotExist', 'PoolAlreadyExists', 'PoolInUse',
                   'PoolInUseByFlavor', 'MessageIsClaimed',
                   'MessageNotClaimedBy', 'MessageNotClaimed',
                   'NoPoolFound', 'PlacementRefused'}
        offenders = []
        for path in API.glob('*.py'):
            if path.name == 'failures.py':
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.ExceptHandler) or not node.type:
                    continue
                names = {n.attr for n in ast.walk(node.type)
                         if isinstance(n, ast.Attribute)}
                raises = [n for n in ast.walk(node)
                          if isinstance(n, ast.Raise) and n.exc is not None]
                plain = [r for r in raises if 'errors.NotFound(str(' in
                         ast.unparse(r.exc) or 'errors.Conflict(str('
                         in ast.unparse(r.exc)]
                if names & generic and plain:
                    offenders.append(f'{path.name}:{node.lineno}')
        self.assertEqual([], offenders)


class MappedOverHTTPTest(InProcessCase):

    def test_message_delete_failures(self):
        self.call('POST', '/v2/queues/q/messages', {'messages': [{'body': 1}]})
        claim = self.call('POST', '/v2/queues/q/claims', {'ttl': 60})
        href = claim.json['messages'][0]['href']
        plain = href.split('?')[0]
        claimed = self.call('DELETE', plain)
        self.assertEqual((403, 'Unable to delete'),
                         (claimed.status_int, claimed.json['title']))
        self.assertEqual(errors.MessageClaimed().description,
                         claimed.json['description'])
        gone = self.call('DELETE', plain + '?claim_id=' + str(uuid.uuid4()))
        self.assertEqual(400, gone.status_int)
        self.assertEqual(errors.ClaimGone().description,
                         gone.json['description'])

    def test_missing_claim_and_message_are_404(self):
        self.call('PUT', '/v2/queues/q')
        missing = str(uuid.uuid4())
        for path in (f'/v2/queues/q/claims/{missing}',
                     f'/v2/queues/q/messages/{missing}'):
            resp = self.call('GET', path)
            self.assertEqual(404, resp.status_int, path)
        resp = self.call('PATCH', f'/v2/queues/q/claims/{missing}',
                         {'ttl': 100})
        self.assertEqual(404, resp.status_int)

    def test_topic_patch_of_a_missing_topic_names_the_topic(self):
        resp = self.zaqar.request(
            'PATCH', '/v2/topics/nope',
            [{'op': 'add', 'path': '/metadata/a', 'value': 1}],
            project=self.project,
            content_type='application/openstack-messaging-v2.0-json-patch')
        self.assertEqual(404, resp.status_int)
        self.assertIn('Topic nope does not exist', resp.json['description'])
