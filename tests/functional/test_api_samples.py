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

"""The API reference samples are what a live server sends and answers.

Run with ``ZAQAR_WRITE_API_SAMPLES=1`` to (re)write
``api-ref/source/samples`` from the server; otherwise every checked-in
sample must match what the server answers now, compared by structure
(ids, ages and timestamps normalised).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unittest

from tests.functional import server as fserver
from tests.functional.samples import scenario, shape

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SAMPLES = os.path.join(ROOT, 'api-ref', 'source', 'samples')
WRITE = os.environ.get('ZAQAR_WRITE_API_SAMPLES') == '1'


def read_sample(name: str):
    with open(os.path.join(SAMPLES, name)) as f:
        return json.load(f)


def write_sample(name: str, document) -> None:
    with open(os.path.join(SAMPLES, name), 'w') as f:
        json.dump(document, f, indent=4)
        f.write('\n')


class ApiSamplesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix='zaqar-samples-')
        cls.server = fserver.Server(f'sqlite:///{cls.tmp}/zaqar.db')
        with open(cls.server.config, 'a') as f:
            # No notification delivery: the sample subscriber is fictional.
            f.write('\n[DEFAULT]\nadmin_mode = true\n'
                    '[notification]\nnotifier_in_api = false\n'
                    '[signed_url]\nsecret_key = '
                    'api-reference-samples-are-signed-with-this-key\n')
        cls.server.start()
        try:
            cls.recorded = scenario.play(cls.server.url)
        except Exception:
            cls.server.stop()
            raise
        if WRITE:
            for name, document in cls.recorded.samples.items():
                write_sample(name, document)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_every_captured_sample_is_checked_in(self):
        for name in self.recorded.samples:
            self.assertTrue(os.path.exists(os.path.join(SAMPLES, name)),
                            f'{name}: run with ZAQAR_WRITE_API_SAMPLES=1')

    def test_checked_in_samples_match_the_server(self):
        for name, document in sorted(self.recorded.samples.items()):
            with self.subTest(sample=name):
                self.assertEqual(
                    shape.shape(read_sample(name)), shape.shape(document),
                    f'{name} no longer matches the server: rewrite it '
                    'with ZAQAR_WRITE_API_SAMPLES=1 and review the diff')

    def test_every_sample_file_is_captured_or_awaits_its_route(self):
        captured = set(self.recorded.samples)
        pending = {m for m in self.recorded.missing}
        for name in os.listdir(SAMPLES):
            stem = name.rsplit('-', 1)[0]
            self.assertTrue(name in captured or stem in pending,
                            f'{name} is neither produced by the scenario '
                            'nor waiting for an unserved route')

    def test_every_sample_is_referenced_by_the_reference(self):
        source = os.path.join(ROOT, 'api-ref', 'source')
        text = ''
        for name in os.listdir(source):
            if name.endswith('.inc') or name.endswith('.rst'):
                with open(os.path.join(source, name)) as f:
                    text += f.read()
        for name in os.listdir(SAMPLES):
            self.assertIn(f'samples/{name}', text)


class ShapeTest(unittest.TestCase):

    def test_ids_ages_and_times_are_normalised(self):
        a = {'id': '0b4e3f8e-8f4b-4d6b-9a43-3e3f0b9d1a11', 'age': 3,
             'href': '/v2/queues/q/messages/5f1e3c2a9b8d7c6e5f4a3b2c',
             'created': '2026-01-01T00:00:00Z', 'ttl': 300}
        b = {'id': '7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f', 'age': 0,
             'href': '/v2/queues/q/messages/6a2b3c4d5e6f7a8b9c0d1e2f',
             'created': '2027-02-02T10:10:10Z', 'ttl': 300}
        self.assertEqual(shape.shape(a), shape.shape(b))

    def test_other_values_still_count(self):
        self.assertNotEqual(shape.shape({'ttl': 300}),
                            shape.shape({'ttl': 600}))
        self.assertNotEqual(shape.shape({'a': 1}), shape.shape({'b': 1}))
