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

"""Redis driver URIs: every accepted form parses to the right settings."""

from __future__ import annotations

import testtools

from zaqar.storage.redis import connection


class RedisURITest(testtools.TestCase):

    def parse(self, uri: str) -> connection.Settings:
        return connection.parse_uri(uri)

    def test_host_port_and_dbid_query(self):
        s = self.parse('redis://10.0.0.5:6380?dbid=4')
        self.assertEqual(('tcp', (('10.0.0.5', 6380),), 4, False),
                         (s.kind, s.hosts, s.db, s.ssl))

    def test_default_port_and_database(self):
        s = self.parse('redis://cache.example.com')
        self.assertEqual((('cache.example.com', 6379),), s.hosts)
        self.assertEqual(0, s.db)

    def test_database_in_the_path(self):
        self.assertEqual(7, self.parse('redis://h:1/7').db)

    def test_dbid_query_wins_over_the_path(self):
        self.assertEqual(3, self.parse('redis://h/7?dbid=3').db)
        self.assertEqual(2, self.parse('redis://h?db=2').db)

    def test_password_only_userinfo(self):
        s = self.parse('redis://:s%40cret@h:6379')
        self.assertEqual((None, 's@cret'), (s.username, s.password))

    def test_user_and_password(self):
        s = self.parse('redis://alice:pw@h')
        self.assertEqual(('alice', 'pw'), (s.username, s.password))

    def test_timeouts_default_short_and_can_be_set(self):
        s = self.parse('redis://h')
        self.assertLessEqual(s.socket_connect_timeout, 1.0)
        self.assertLess(s.socket_timeout, 2.0)
        s = self.parse('redis://h?socket_timeout=0.5'
                       '&socket_connect_timeout=0.25')
        self.assertEqual((0.5, 0.25),
                         (s.socket_timeout, s.socket_connect_timeout))

    def test_rediss_turns_tls_on_with_its_options(self):
        s = self.parse('rediss://h:6390?ssl_ca_certs=/etc/ca.pem'
                       '&ssl_cert_reqs=required')
        self.assertTrue(s.ssl)
        self.assertEqual({'ssl_ca_certs': '/etc/ca.pem',
                          'ssl_cert_reqs': 'required'}, dict(s.ssl_options))

    def test_unix_socket_forms(self):
        for uri in ('redis:/var/run/redis.sock',
                    'redis:///var/run/redis.sock',
                    'unix:///var/run/redis.sock',
                    'unix:/var/run/redis.sock'):
            s = self.parse(uri)
            self.assertEqual(('unix', '/var/run/redis.sock'),
                             (s.kind, s.path), uri)
        self.assertEqual(5, self.parse('unix:///tmp/r.sock?dbid=5').db)

    def test_sentinel_with_several_hosts_and_master_in_path(self):
        s = self.parse('redis+sentinel://:pw@s1:26379,s2,[::1]:26380/'
                       'mymaster/2?socket_timeout=0.7&sentinel_password=x')
        self.assertEqual('sentinel', s.kind)
        self.assertEqual((('s1', 26379), ('s2', 26379), ('::1', 26380)),
                         s.hosts)
        self.assertEqual(('mymaster', 2, 'pw', 'x', 0.7),
                         (s.master, s.db, s.password, s.sentinel_password,
                          s.socket_timeout))

    def test_replica_confirmation_is_off_unless_asked(self):
        self.assertEqual(0, self.parse('redis://h').wait_replicas)
        s = self.parse('redis+sentinel://s1/m?wait_replicas=1&wait_timeout=250')
        self.assertEqual((1, 250), (s.wait_replicas, s.wait_timeout))

    def test_legacy_sentinel_form_with_master_query(self):
        s = self.parse('redis://s1:26379,s2:26379?master=mq&dbid=1')
        self.assertEqual(('sentinel', 'mq', 1),
                         (s.kind, s.master, s.db))
        self.assertEqual(2, len(s.hosts))

    def test_invalid_uris_raise(self):
        for uri in ('http://h', 'redis+sentinel://s1:26379',
                    'redis://h1,h2', 'redis://h?dbid=x', 'unix://',
                    'redis://h:notaport'):
            self.assertRaises(connection.InvalidURI, self.parse, uri)

    def test_clients_are_built_without_connecting(self):
        for uri in ('redis://127.0.0.1:1', 'unix:///nonexistent.sock',
                    'redis+sentinel://127.0.0.1:1/m',
                    'rediss://127.0.0.1:1'):
            client = connection.make_client(connection.parse_uri(uri))
            self.addCleanup(client.close)
            self.assertIsNotNone(client)
