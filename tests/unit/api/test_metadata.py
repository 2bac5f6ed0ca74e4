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

"""Reserved queue metadata keys and JSON-patch handling."""

from __future__ import annotations

import unittest

from oslo_config import cfg

from zaqar import conf as zconf
from zaqar.api import metadata as meta
from zaqar.api import validation
from zaqar.common import errors


def limits():
    conf = cfg.ConfigOpts()
    zconf.register_opts(conf)
    conf([])
    return validation.Limits(conf)


class ReservedKeysTest(unittest.TestCase):
    def setUp(self):
        self.limits = limits()

    def check(self, metadata, encryption_ready=False):
        return meta.validate(metadata, self.limits,
                             encryption_ready=encryption_ready)

    def test_falsy_values_skip_type_checks_but_not_ranges(self):
        self.check({'_max_claim_count': 0, '_default_message_delay': 0})
        with self.assertRaises(errors.BadRequest):
            self.check({'_default_message_ttl': 0})

    def test_wrong_types_name_the_key(self):
        for key in ('_default_message_ttl', '_max_messages_post_size',
                    '_default_message_delay', '_max_claim_count',
                    '_dead_letter_queue_messages_ttl'):
            with self.assertRaises(errors.BadRequest) as ctx:
                self.check({key: 'abc'})
            self.assertEqual(f'{key} must be integer.',
                             ctx.exception.description)

    def test_ranges(self):
        with self.assertRaises(errors.BadRequest) as ctx:
            self.check({'_max_messages_post_size': 262145})
        self.assertIn('two spaces' and ',  and', ctx.exception.description)
        with self.assertRaises(errors.BadRequest):
            self.check({'_default_message_delay': 901})
        with self.assertRaises(errors.BadRequest):
            self.check({'_dead_letter_queue_messages_ttl': 59})
        self.check({'_default_message_ttl': 60,
                    '_dead_letter_queue_messages_ttl': 1209600})

    def test_encryption_needs_an_operator_key(self):
        with self.assertRaises(errors.BadRequest):
            self.check({'_enable_encrypt_messages': True})
        self.check({'_enable_encrypt_messages': True}, encryption_ready=True)
        with self.assertRaises(errors.BadRequest):
            self.check({'_enable_encrypt_messages': 'yes'},
                       encryption_ready=True)

    def test_patch_title_differs(self):
        with self.assertRaises(errors.InvalidBody):
            meta.validate({'_default_message_ttl': 5}, self.limits,
                          encryption_ready=False, error=errors.InvalidBody)

    def test_defaults_fill_missing_and_falsy_keep_order(self):
        shown = meta.with_defaults({'a': 1, '_max_claim_count': 0},
                                   self.limits)
        self.assertEqual(['a', '_max_claim_count'], list(shown)[:2])
        self.assertIsNone(shown['_max_claim_count'])
        self.assertEqual(3600, shown['_default_message_ttl'])
        self.assertEqual(300, shown['_dedup_window'])
        self.assertEqual(9, len(shown))

    def test_a_zero_dedup_window_is_shown_as_set(self):
        shown = meta.with_defaults({'_dedup_window': 0}, self.limits)
        self.assertEqual(0, shown['_dedup_window'])
        self.assertEqual(0, meta.dedup_window({'_dedup_window': 0}))
        self.assertEqual(300, meta.dedup_window({}))
        self.assertEqual(300, meta.dedup_window({'_dedup_window': 'x'}))


class PatchTest(unittest.TestCase):
    def test_parse_and_apply(self):
        ops = meta.parse_patch([
            {'op': 'add', 'path': '/metadata/a~1b', 'value': 1},
            {'op': 'replace', 'path': '/METADATA/_default_message_ttl',
             'value': 90},
            {'op': 'remove', 'path': '/anything/c'},
        ])
        self.assertEqual([('add', 'a/b', 1),
                          ('replace', '_default_message_ttl', 90),
                          ('remove', 'c', None)], ops)
        self.assertEqual({'a/b': 1, '_default_message_ttl': 90},
                         meta.apply_patch({'c': 3}, ops))

    def test_conflicts(self):
        with self.assertRaises(errors.Conflict):
            meta.apply_patch({}, [('replace', 'x', 1)])
        with self.assertRaises(errors.Conflict):
            meta.apply_patch({}, [('remove', 'x', None)])
        self.assertEqual({}, meta.apply_patch({}, [('remove', '_max_claim_count',
                                                    None)]))

    def test_malformed_operations(self):
        bad = [
            {'op': 'add', 'value': 1},
            {'path': '/metadata/a'},
            {'op': 'copy', 'path': '/metadata/a'},
            {'op': 'add', 'path': 'metadata/a', 'value': 1},
            {'op': 'add', 'path': '/metadata/a/b', 'value': 1},
            {'op': 'add', 'path': '/foo/a', 'value': 1},
            {'op': 'add', 'path': '/metadata/a'},
            {'op': 'add', 'path': '/metadata/a~2', 'value': 1},
        ]
        for change in bad:
            with self.assertRaises(errors.InvalidBody, msg=change):
                meta.parse_patch([change])
        with self.assertRaises(errors.InvalidBody):
            meta.parse_patch({'op': 'add'})
        with self.assertRaises(errors.InvalidBody):
            meta.parse_patch([1])
