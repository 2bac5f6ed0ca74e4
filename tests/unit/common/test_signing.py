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

"""Signed-URL algorithm, expiry parsing, path grants and the key's origin."""

from __future__ import annotations

import datetime
import os
import shutil
import stat
import tempfile
import threading
import unittest

from oslo_config import cfg

from zaqar.common import signing, signing_key
from zaqar.conf import signed_url

FUTURE = datetime.datetime(2030, 1, 1)


class SignatureTest(unittest.TestCase):

    def test_known_vector(self):
        # hex(HMAC-SHA256(b"k", r"a,b\nGET,POST\nproj\n2030-01-01T00:00:00"))
        self.assertEqual(
            '8f088a834408fea3898190d19597e5a1feee963007b33b1e3fb4c7e8efbc7758',
            signing.signature('k', ['b', 'a'], ['POST', 'GET'], 'proj',
                              '2030-01-01T00:00:00'))

    def test_separator_is_backslash_n_not_newline(self):
        self.assertEqual(2, len(signing.SEPARATOR))
        self.assertNotIn('\n', signing.SEPARATOR)

    def test_no_project_signs_the_word_none(self):
        self.assertEqual(
            signing.signature('k', ['p'], ['GET'], 'None', 'x'),
            signing.signature('k', ['p'], ['GET'], None, 'x'))

    def test_sign_sorts_and_formats(self):
        url = signing.sign('k', ['/b', '/a'], ['POST', 'GET'], 'p',
                           datetime.datetime(2030, 1, 2, 3, 4, 5, 678))
        self.assertEqual(('/a', '/b'), url.paths)
        self.assertEqual(('GET', 'POST'), url.methods)
        self.assertEqual('2030-01-02T03:04:05', url.expires)
        self.assertEqual(64, len(url.signature))

    def test_verify_accepts_the_signature_and_refuses_changes(self):
        url = signing.sign('k', ['/p'], ['GET'], 'proj', FUTURE)
        good = {'paths': ['/p'], 'methods': ['GET'], 'project': 'proj',
                'expires': url.expires, 'given': url.signature}
        self.assertTrue(signing.verify('k', **good))
        for change in ({'paths': ['/q']}, {'methods': ['GET', 'POST']},
                       {'project': 'other'}, {'given': '0' * 64},
                       {'expires': '2030-01-01T00:00:01'},
                       {'expires': 'garbage'}, {'given': 'ü'}):
            with self.subTest(change):
                self.assertFalse(signing.verify('k', **{**good, **change}))
        self.assertFalse(signing.verify('other-key', **good))

    def test_verify_refuses_an_expired_signature(self):
        url = signing.sign('k', ['/p'], ['GET'], 'proj', FUTURE)
        self.assertFalse(signing.verify(
            'k', paths=['/p'], methods=['GET'], project='proj',
            expires=url.expires, given=url.signature,
            now=FUTURE + datetime.timedelta(seconds=1)))


class ParseExpiresTest(unittest.TestCase):

    def test_spellings_of_one_instant(self):
        for text in ('2030-01-01T00:00:00', '2030-01-01T00:00:00Z',
                     '2030-01-01T02:00:00+02:00', '2030-01-01T00:00:00.5',
                     '2030-01-01'):
            with self.subTest(text):
                self.assertEqual(FUTURE, signing.parse_expires(text)
                                 .replace(microsecond=0))

    def test_integers_are_refused_with_the_api_wording(self):
        for value in (12345, '12345'):
            with self.assertRaisesRegex(ValueError, 'not integer value: '
                                        '12345'):
                signing.parse_expires(value)

    def test_unparsable(self):
        for value in ('notadate', None, ['2030'], '0'):
            with self.subTest(value), self.assertRaisesRegex(
                    ValueError, 'Unable to parse date string'):
                signing.parse_expires(value)


class GrantsTest(unittest.TestCase):

    def test_collection_grants_itself_and_its_members(self):
        paths = ['/v2/queues/q/messages']
        self.assertTrue(signing.grants_path(paths, '/v2/queues/q/messages'))
        self.assertTrue(signing.grants_path(paths,
                                            '/v2/queues/q/messages/abc'))

    def test_other_paths_are_not_granted(self):
        paths = ['/v2/queues/q/messages']
        for path in ('/v2/queues/q', '/v2/queues/q/claims',
                     '/v2/queues/q/messagesx', '/v2/queues/xq/messages',
                     '/v2/queues/q2/messages', '/x/v2/queues/q/messages'):
            with self.subTest(path):
                self.assertFalse(signing.grants_path(paths, path))

    def test_a_dot_in_a_queue_name_is_literal(self):
        self.assertFalse(signing.grants_path(['/v2/queues/a.b/messages'],
                                             '/v2/queues/axb/messages'))

    def test_method_must_be_signed(self):
        paths = ['/v2/queues/q/messages']
        self.assertTrue(signing.grants(paths, ['GET'], 'GET', paths[0]))
        self.assertFalse(signing.grants(paths, ['GET'], 'POST', paths[0]))
        self.assertFalse(signing.grants(paths, ['get'], 'GET', paths[0]))


class KeyResolutionTest(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='zaqar-key-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        self.old_data = os.environ.get('ZAQAR_DATA_DIR')
        os.environ['ZAQAR_DATA_DIR'] = os.path.join(self.dir, 'data')
        self.addCleanup(self._restore_env)

    def _restore_env(self):
        if self.old_data is None:
            os.environ.pop('ZAQAR_DATA_DIR', None)
        else:
            os.environ['ZAQAR_DATA_DIR'] = self.old_data

    def conf(self, text: str | None):
        conf = cfg.ConfigOpts()
        for group, options in signed_url.list_opts().items():
            conf.register_opts(options, group=group)
        files = []
        if text is not None:
            path = os.path.join(self.dir, 'zaqar.conf')
            with open(path, 'w') as f:
                f.write(text)
            files = [path]
        conf([], default_config_files=files)
        return conf

    def test_config_key_is_used(self):
        self.assertEqual('abc', signing_key.resolve(
            self.conf('[signed_url]\nsecret_key = abc\n')))

    def test_config_file_without_key_turns_signing_off(self):
        self.assertIsNone(signing_key.resolve(self.conf('[DEFAULT]\n')))
        self.assertIsNone(signing_key.resolve(
            self.conf('[signed_url]\nsecret_key =\n')))

    def test_enabled_without_key_is_a_config_error(self):
        with self.assertRaisesRegex(signing_key.KeyConfigError,
                                    'secret_key is empty'):
            signing_key.resolve(self.conf('[signed_url]\nenabled = true\n'))

    def test_disabled_ignores_the_key(self):
        self.assertIsNone(signing_key.resolve(self.conf(
            '[signed_url]\nenabled = false\nsecret_key = abc\n')))

    def test_no_config_file_generates_a_kept_private_key(self):
        first = signing_key.resolve(self.conf(None))
        self.assertEqual(64, len(first))
        path = os.path.join(os.environ['ZAQAR_DATA_DIR'],
                            signing_key.DEV_KEY_FILE)
        self.assertEqual(0o600, stat.S_IMODE(os.stat(path).st_mode))
        self.assertEqual(first, signing_key.resolve(self.conf(None)))

    def test_concurrent_first_use_agrees_on_one_key(self):
        keys = []
        threads = [threading.Thread(
            target=lambda: keys.append(signing_key.dev_key(self.dir)))
            for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(1, len(set(keys)))
        leftovers = [n for n in os.listdir(self.dir) if n.startswith('.')]
        self.assertEqual([], leftovers)
