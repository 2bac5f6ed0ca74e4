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

"""Signed URLs end to end: POST .../share, then requests that carry them."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

import requests
from zaqarclient.queues.v2 import client as zclient

from tests.functional import base
from tests.functional import server as fserver
from zaqar.common import signing

KEY = 'functional-test-signing-key-0123456789'


def expected_signature(key: str, doc: dict) -> str:
    """The spec's algorithm, written out independently of the server."""
    text = (','.join(sorted(doc['paths'])) + '\\n'
            + ','.join(sorted(doc['methods'])) + '\\n'
            + str(doc['project']) + '\\n' + doc['expires'])
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def signed_headers(doc: dict, **overrides) -> dict:
    headers = {'URL-Signature': doc['signature'],
               'URL-Expires': doc['expires'],
               'URL-Methods': ','.join(doc['methods']),
               'URL-Paths': ','.join(doc['paths']),
               'X-Project-ID': doc['project'],
               'Client-ID': str(uuid.uuid4())}
    headers.update(overrides)
    return {k: v for k, v in headers.items() if v is not None}


# Seconds a zaqar-server may take to start (or stop) on a loaded machine
# (two cores shared by parallel test workers); a healthy one takes ~2.
STARTUP_DEADLINE = 120


def with_section(srv: fserver.Server, text: str) -> fserver.Server:
    """Append config sections to a not yet started server's config file."""
    with open(srv.config, 'a') as f:
        f.write('\n' + text + '\n')
    return srv


class SigningServerTestCase(base.ServerTestCase):
    """A server whose config file sets [signed_url] secret_key."""

    extra_conf = 'admin_mode = true'

    @classmethod
    def setUpClass(cls):
        unittest.TestCase.setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-func-db-')
        srv = fserver.Server('sqlite:///' + os.path.join(cls._tmp, 'z.db'),
                             'sqlalchemy', cls.extra_conf)
        cls.server = with_section(
            srv, f'[signed_url]\nsecret_key = {KEY}').start()

    def share(self, queue: str, body=None, http=None):
        http = http or self.http
        return http.post(f'/v2/queues/{queue}/share', json=body or {})


class ShareTest(SigningServerTestCase):

    def test_defaults_sign_get_on_messages_for_a_day(self):
        before = signing.utcnow().replace(microsecond=0)
        resp = self.share('sh')
        self.assertEqual(200, resp.status_code, resp.text)
        doc = resp.json()
        self.assertEqual(['paths', 'methods', 'project', 'expires',
                          'signature'], list(doc))
        self.assertEqual(['/v2/queues/sh/messages'], doc['paths'])
        self.assertEqual(['GET'], doc['methods'])
        self.assertEqual(self.http.project, doc['project'])
        expires = datetime.datetime.strptime(doc['expires'],
                                             '%Y-%m-%dT%H:%M:%S')
        day = datetime.timedelta(days=1)
        self.assertLessEqual(before + day, expires)
        self.assertLessEqual(expires, before + day
                             + datetime.timedelta(seconds=30))

    def test_signature_is_hmac_sha256_with_literal_backslash_n(self):
        resp = self.share('sh', {'paths': ['messages', 'claims'],
                                 'methods': ['POST', 'GET'],
                                 'expires': '2030-01-01T00:00:00'})
        doc = resp.json()
        self.assertEqual(['/v2/queues/sh/claims', '/v2/queues/sh/messages'],
                         doc['paths'])
        self.assertEqual(['GET', 'POST'], doc['methods'])
        self.assertEqual('2030-01-01T00:00:00', doc['expires'])
        self.assertEqual(expected_signature(KEY, doc), doc['signature'])
        # A real newline would give another signature.
        text = '\n'.join([','.join(doc['paths']), ','.join(doc['methods']),
                          doc['project'], doc['expires']])
        self.assertNotEqual(hmac.new(KEY.encode(), text.encode(),
                                     hashlib.sha256).hexdigest(),
                            doc['signature'])

    def test_expiry_with_a_zone_is_normalised_to_utc(self):
        doc = self.share('sh', {'expires': '2030-01-01T02:00:00+02:00'}).json()
        self.assertEqual('2030-01-01T00:00:00', doc['expires'])
        doc = self.share('sh', {'expires': '2030-01-01T00:00:00.123456Z'}
                         ).json()
        self.assertEqual('2030-01-01T00:00:00', doc['expires'])

    def test_body_errors(self):
        resp = self.http.post('/v2/queues/sh/share')
        self.assertError(resp, 400, 'Invalid request body',
                         'Request body could not be parsed.')
        self.assertError(self.share('sh', {'bar': 1}), 400,
                         'Invalid API request', "Unknown keys: {'bar'}")
        self.assertError(self.share('sh', {'paths': ['foo']}), 400,
                         'Invalid API request', "Invalid paths: {'foo'}")
        body = self.assertError(self.share('sh', {'paths': 'games'}), 400,
                                'Invalid API request')
        self.assertTrue(body['description'].startswith('Invalid paths: {'))
        for letter in 'games':
            self.assertIn(repr(letter), body['description'])
        self.assertError(self.share('sh', {'paths': [{'a': 1}]}), 400,
                         'Invalid API request',
                         'Invalid paths: {\'{"a": 1}\'}')
        self.assertError(self.share('sh', {'methods': 'GET'}), 400,
                         'Invalid API request', '`methods` should be a list')
        self.assertError(
            self.share('sh', {'expires': 12345}), 400, 'Invalid API request',
            '`expires` should be date format, for example '
            '2016-01-01T00:00:00, not integer value: 12345')
        self.assertError(self.share('sh', {'expires': 'notadate'}), 400,
                         'Invalid API request',
                         "Unable to parse date string 'notadate'")
        self.assertError(self.share('sh', {'expires': '2001-01-01T00:00:00'}),
                         400, 'Invalid API request',
                         '`expires` is lower than the current time')

    def test_bad_queue_name_is_400_before_anything_else(self):
        self.assertError(self.share('a b'), 400,
                         'Invalid queue identification')

    def test_reader_cannot_share(self):
        reader = self.client(roles='reader')
        self.assertError(self.share('sh', http=reader), 403,
                         'Not authorized')


class SignedRequestTest(SigningServerTestCase):

    def setUp(self):
        super().setUp()
        self.queue = 'sq-' + uuid.uuid4().hex[:8]
        resp = self.http.post(f'/v2/queues/{self.queue}/messages',
                              json={'messages': [{'body': 'one'}]})
        self.assertEqual(201, resp.status_code, resp.text)
        self.message_href = resp.json()['resources'][0]
        self.doc = self.share(self.queue, {
            'paths': ['messages'], 'methods': ['GET', 'POST'],
            'expires': '2031-01-01T00:00:00'}).json()

    def send(self, method: str, path: str, headers: dict, **kwargs):
        return requests.request(method, self.server.url + path,
                                headers=headers, **kwargs)

    def test_signed_get_and_post_without_credentials(self):
        path = f'/v2/queues/{self.queue}/messages'
        resp = self.send('GET', path + '?echo=true',
                         signed_headers(self.doc))
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual(['one'], [m['body'] for m in resp.json()['messages']])
        resp = self.send('POST', path, signed_headers(self.doc),
                         json={'messages': [{'body': 'two'}]})
        self.assertEqual(201, resp.status_code, resp.text)

    def test_signed_collection_grants_its_members(self):
        resp = self.send('GET', self.message_href, signed_headers(self.doc))
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertEqual('one', resp.json()['body'])

    def test_an_equivalent_expiry_spelling_still_verifies(self):
        headers = signed_headers(self.doc,
                                 **{'URL-Expires': '2031-01-01T00:00:00Z'})
        resp = self.send('GET', f'/v2/queues/{self.queue}/messages', headers)
        self.assertEqual(200, resp.status_code, resp.text)

    def assertRefused(self, resp):
        self.assertEqual(404, resp.status_code, resp.text)
        self.assertEqual({'title': '404 Not Found'}, resp.json())

    def test_every_mismatch_is_a_plain_404(self):
        path = f'/v2/queues/{self.queue}/messages'
        other = f'/v2/queues/{self.queue}x/messages'
        tampered = self.doc['signature'][:-1] + (
            '0' if self.doc['signature'][-1] != '0' else '1')
        cases = {
            'method not signed': ('DELETE', self.message_href,
                                  signed_headers(self.doc)),
            'path not signed': ('GET', f'/v2/queues/{self.queue}/stats',
                                signed_headers(self.doc)),
            'other queue': ('GET', other, signed_headers(self.doc)),
            'other project': ('GET', path, signed_headers(
                self.doc, **{'X-Project-ID': 'someone-else'})),
            'no project': ('GET', path, signed_headers(
                self.doc, **{'X-Project-ID': None})),
            'tampered signature': ('GET', path, signed_headers(
                self.doc, **{'URL-Signature': tampered})),
            'widened methods': ('DELETE', self.message_href, signed_headers(
                self.doc, **{'URL-Methods': 'DELETE,GET,POST'})),
            'widened paths': ('GET', f'/v2/queues/{self.queue}/claims/x',
                              signed_headers(self.doc, **{
                                  'URL-Paths': path + ','
                                  + f'/v2/queues/{self.queue}/claims'})),
            'moved expiry': ('GET', path, signed_headers(
                self.doc, **{'URL-Expires': '2032-01-01T00:00:00'})),
            'bad expiry': ('GET', path, signed_headers(
                self.doc, **{'URL-Expires': 'soon'})),
            'no paths': ('GET', path, signed_headers(
                self.doc, **{'URL-Paths': None})),
        }
        for name, (method, target, headers) in cases.items():
            with self.subTest(name):
                self.assertRefused(self.send(method, target, headers))

    def test_expired_url_is_refused(self):
        soon = (signing.utcnow()
                + datetime.timedelta(seconds=2)).strftime('%Y-%m-%dT%H:%M:%S')
        doc = self.share(self.queue, {'expires': soon}).json()
        path = f'/v2/queues/{self.queue}/messages'
        deadline = datetime.datetime.strptime(soon, '%Y-%m-%dT%H:%M:%S')
        while signing.utcnow() <= deadline:
            time.sleep(0.2)
        self.assertRefused(self.send('GET', path, signed_headers(doc)))

    def test_client_id_is_still_required(self):
        resp = self.send('GET', f'/v2/queues/{self.queue}/messages',
                         signed_headers(self.doc, **{'Client-ID': None}))
        self.assertError(resp, 400, 'Missing header value')

    def test_sent_roles_do_not_widen_a_signed_request(self):
        doc = self.share(self.queue, {'paths': ['messages'],
                                      'methods': ['GET']}).json()
        # Signed for GET only: the request acts as a reader, whatever it
        # claims, so the policy answers even before the method check would.
        headers = signed_headers(doc, **{'X-Roles': 'admin'})
        resp = self.send('GET', f'/v2/queues/{self.queue}/messages', headers)
        self.assertEqual(200, resp.status_code)
        self.assertRefused(self.send('DELETE', self.message_href, headers))

    def test_python_zaqarclient_signed_url_backend(self):
        queue = zclient.Client(self.server.url, version=2, conf={
            'auth_opts': {'backend': 'noauth', 'options': {
                'os_project_id': self.http.project}}}).queue(self.queue)
        data = queue.signed_url(paths=['messages'], methods=['GET', 'POST'],
                                ttl_seconds=600)
        self.assertEqual(expected_signature(KEY, data), data['signature'])
        signed = zclient.Client(self.server.url, version=2, conf={
            'auth_opts': {'backend': 'signed-url', 'options': {
                'signature': data['signature'], 'expires': data['expires'],
                'methods': data['methods'], 'paths': data['paths'],
                'os_project_id': data['project']}}})
        signed_queue = signed.queue(self.queue, auto_create=False)
        signed_queue.post({'body': 'via signed url'})
        bodies = [m.body for m in signed_queue.messages(echo=True)]
        self.assertEqual(['one', 'via signed url'], bodies)


class DisabledTest(base.ServerTestCase):
    """A config file without a key: signed URLs are off."""

    def test_share_is_503_with_a_json_error(self):
        resp = self.http.post('/v2/queues/q/share', json={})
        body = self.assertError(resp, 503, 'Signed URLs are disabled')
        self.assertIn('[signed_url] secret_key', body['description'])

    def test_signed_headers_are_refused(self):
        doc = {'paths': ['/v2/queues/q/messages'], 'methods': ['GET'],
               'project': self.http.project, 'expires': '2031-01-01T00:00:00'}
        doc['signature'] = expected_signature(KEY, doc)
        resp = requests.get(self.server.url + '/v2/queues/q/messages',
                            headers=signed_headers(doc))
        self.assertEqual(404, resp.status_code)
        self.assertEqual({'title': '404 Not Found'}, resp.json())


class StartupTest(unittest.TestCase):

    def test_enabled_without_a_key_refuses_to_start(self):
        # The worker refuses to build the app and says why; the server
        # never answers (see the report: the gunicorn arbiter keeps
        # re-spawning workers until zaqar.cmd.common exits with code 3).
        srv = with_section(fserver.Server('sqlite://'),
                           '[signed_url]\nenabled = true\nsecret_key =')
        try:
            with self.assertRaises(RuntimeError) as caught:
                # Returns as soon as the server exits; the deadline only
                # has to outlast a worker's slow boot on a loaded machine.
                srv.start(timeout=STARTUP_DEADLINE)
        finally:
            srv.stop()
            shutil.rmtree(srv.dir, ignore_errors=True)
        self.assertIn('[signed_url] enabled = true but [signed_url] '
                      'secret_key is empty', str(caught.exception))


class DevelopmentModeTest(unittest.TestCase):
    """No config file at all: a key is generated once in the data dir."""

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix='zaqar-dev-')
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)
        self.data = os.path.join(self.home, 'data')

    def start(self) -> tuple[subprocess.Popen, str]:
        port = fserver.free_port()
        env = dict(os.environ, HOME=self.home, ZAQAR_DATA_DIR=self.data)
        with open(os.path.join(self.home, 'server.log'), 'a') as log:
            proc = subprocess.Popen(
                [sys.executable, '-m', 'zaqar.cmd.server', '--port',
                 str(port)],
                cwd=self.home, env=env, stdout=subprocess.DEVNULL,
                stderr=log)
        url = f'http://127.0.0.1:{port}'
        deadline = time.monotonic() + STARTUP_DEADLINE
        while time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), 'zaqar-server exited')
            try:
                requests.get(url + '/healthcheck', timeout=5)
                return proc, url
            except requests.RequestException:
                time.sleep(0.1)
        self.stop(proc)
        self.fail('zaqar-server did not start')

    def stop(self, proc: subprocess.Popen) -> None:
        proc.terminate()
        try:
            proc.wait(timeout=STARTUP_DEADLINE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def test_generated_key_is_kept_and_reused(self):
        proc, url = self.start()
        try:
            http = fserver.Client(url, project='dev')
            doc = http.post('/v2/queues/dq/share', json={}).json()
        finally:
            self.stop(proc)
        path = os.path.join(self.data, 'signed_url_secret_key')
        self.assertEqual(0o600, stat.S_IMODE(os.stat(path).st_mode))
        with open(path) as f:
            key = f.read().strip()
        self.assertEqual(expected_signature(key, doc), doc['signature'])
        proc, url = self.start()
        try:
            resp = requests.get(url + '/v2/queues/dq/messages',
                                headers=signed_headers(doc))
            self.assertEqual(200, resp.status_code, resp.text)
        finally:
            self.stop(proc)
