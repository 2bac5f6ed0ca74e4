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

"""stack, unstack and clean of the plugin, and the service they leave.

Each test is one DevStack host: the phases run in DevStack's order in a
temporary tree (tests/devstack/harness.py), the Keystone calls go to the
run's real Keystone (a domain, service project and region of the test's
own), and the service starts from the generated configuration:

- zaqar-server mode on a private redis-server, with the WebSocket API and
  the notifier: ``/v2/health`` answers an admin token (401 without one,
  403 for a member), a queue made at the endpoint the plugin registered
  is seen through the WebSocket endpoint it registered;
- uWSGI mode on SQL (SQLite) with pools, behind a real, private Apache
  (mod_proxy_uwsgi) at http://<host>/messaging, the endpoint the plugin
  registered: the same health checks, and ``openstack messaging queue
  create`` (python-openstackclient, python-zaqarclient's plugin) finds the
  service in the catalog and creates the queue through Apache and uWSGI.

Then unstack must stop every process stack started, and clean must remove
what stack wrote. One test per host keeps the run short (each start costs
seconds); the assertions are in the order the phases happen.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import unittest
import uuid

import redis
import requests

from tests import backends, pooled_backend
from tests.devstack import harness
from tests.functional import test_websocket
from tests.keystone import fixture

# Seconds the API may take to answer after stack (a loaded 2-core machine).
START_TIMEOUT = 120


class DevStackHost:
    """The run's Keystone prepared as DevStack's would be: a domain with a
    "service" project, a region, and users of a "demo" project."""

    def __init__(self, testcase: unittest.TestCase):
        try:
            self.keystone = fixture.Keystone.get()
        except fixture.KeystoneUnavailable as exc:
            backends.unavailable(testcase, 'keystone', str(exc))
        ks = self.keystone
        self.tag = uuid.uuid4().hex[:8]
        self.domain = f'devstack-{self.tag}'
        self.region = f'devstack-{self.tag}'
        domain_id = self._post('/domains', {'domain': {
            'name': self.domain}})['domain']['id']
        self._post('/projects', {'project': {'name': 'service',
                                             'domain_id': domain_id}})
        self._post('/regions', {'region': {'id': self.region}})
        self.world = fixture.World.build(ks, {'demo': ('admin', 'member')})

    def _post(self, path: str, body: dict) -> dict:
        resp = self.keystone.admin.post(self.keystone.auth_url + path,
                                        json=body, raise_exc=False)
        if resp.status_code >= 400:
            raise AssertionError(f'Keystone POST {path}: {resp.text}')
        return resp.json()

    def get(self, path: str, **params) -> dict:
        resp = self.keystone.admin.get(self.keystone.auth_url + path,
                                       params=params, raise_exc=False)
        resp.raise_for_status()
        return resp.json()

    def env(self) -> dict[str, str]:
        """The DevStack globals and harness variables naming this Keystone."""
        return {
            'REGION_NAME': self.region,
            'SERVICE_DOMAIN_NAME': self.domain,
            'SERVICE_PROJECT_NAME': 'service',
            'KEYSTONE_SERVICE_URI': self.keystone.url,
            'HARNESS_KEYSTONE_URL': self.keystone.url,
            'HARNESS_ADMIN_TOKEN': self.keystone.admin.get_token(),
        }

    def endpoint(self, service_type: str) -> tuple[dict, list[dict]]:
        """The service of that type the plugin names that has endpoints in
        our region, and those endpoints. (Other tests of the run register
        services of the same types; two hosts stacking at the same moment
        may each create a service of the same name, as two DevStack hosts
        sharing one Keystone would.)"""
        name = {'messaging': 'zaqar',
                'messaging-websocket': 'zaqar-websocket'}[service_type]
        found = []
        for service in self.get('/services', type=service_type)['services']:
            if service['name'] != name:
                continue
            endpoints = self.get('/endpoints', service_id=service['id'],
                                 region_id=self.region)['endpoints']
            if endpoints:
                found.append((service, endpoints))
        if len(found) != 1:
            raise AssertionError(f'{service_type} in {self.region}: {found}')
        return found[0]

    def token(self, label: str) -> str:
        return self.keystone.token(self.world.users[label])


def _wait(predicate, what: str, timeout: float = START_TIMEOUT):
    import time
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except (OSError, requests.RequestException) as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f'{what} did not happen in {timeout} s ({last})')


class StackTestBase(unittest.TestCase):

    def start_host(self, localrc: str, services: str,
                   extra_env: dict | None = None) -> harness.Harness:
        host = self.host = DevStackHost(self)
        env = dict(host.env(), **(extra_env or {}))
        h = harness.Harness(localrc=localrc, enabled_services=services,
                            extra_env=env)
        self.addCleanup(h.remove)
        return h

    def assert_unstack_stops_everything(self, h: harness.Harness):
        started = h.pids()
        self.assertTrue(started)
        h.run('unstack')
        self.assertEqual({}, h.pids())
        for service, pid in started.items():
            self.assertFalse(harness.alive(pid), f'{service} still runs')
        stopped = [row[1] for row in h.calls('stop_process')]
        self.assertEqual(['zaqar-api', 'zaqar-websocket', 'zaqar-notifier'],
                         stopped)

    def conf(self, h: harness.Harness) -> dict:
        return harness.read_ini(os.path.join(h.conf_dir, 'zaqar.conf'))

    def check_authenticated_requests(self, api):
        admin = self.host.token('demo_admin')
        resp = requests.get(api + '/v2/health', timeout=60, headers={
            'X-Auth-Token': admin, 'Client-ID': str(uuid.uuid4())})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertIn('storage_reachable', resp.json())
        resp = requests.get(api + '/v2/health', timeout=60,
                            headers={'Client-ID': str(uuid.uuid4())})
        self.assertEqual(401, resp.status_code)
        resp = requests.get(api + '/v2/health', timeout=60, headers={
            'X-Auth-Token': self.host.token('demo_member'),
            'Client-ID': str(uuid.uuid4())})
        self.assertEqual(403, resp.status_code)

    def check_cli_through_catalog(self, api) -> str:
        member = self.host.world.users['demo_member']
        queue = 'devstack-' + self.host.tag
        env = dict(os.environ,
                   OS_AUTH_URL=self.host.keystone.auth_url,
                   OS_AUTH_TYPE='password', OS_USER_ID=member.id,
                   OS_PASSWORD=member.password,
                   OS_PROJECT_ID=member.project_id,
                   OS_IDENTITY_API_VERSION='3',
                   OS_REGION_NAME=self.host.region, OS_INTERFACE='public',
                   OS_MESSAGE_CLIENT_ID=str(uuid.uuid4()))
        proc = subprocess.run(
            [fixture.venv_bin('openstack'), 'messaging', 'queue', 'create',
             queue, '-f', 'json'], capture_output=True, text=True, env=env,
            timeout=120, check=False)
        self.assertEqual(0, proc.returncode, proc.stdout + proc.stderr)
        self.assertEqual(queue, json.loads(proc.stdout)['Name'])
        resp = requests.get(api + '/v2/queues', timeout=60, headers={
            'X-Auth-Token': self.host.token('demo_member'),
            'Client-ID': str(uuid.uuid4())})
        self.assertEqual(200, resp.status_code, resp.text)
        self.assertIn(queue, [q['name'] for q in resp.json()['queues']])
        return queue


class ZaqarServerStackTest(StackTestBase):
    """zaqar-server mode, Redis, WebSocket, notifier, Tempest."""

    def test_stack_serves_keystone_users_then_unstack_and_clean_remove_it(self):
        if not pooled_backend.have_redis_server():
            backends.unavailable(self, 'redis', 'redis-server not installed')
        redis_dir = tempfile.mkdtemp(prefix='zaqar-devstack-redis-')
        self.addCleanup(shutil.rmtree, redis_dir, True)
        store = pooled_backend.PrivateRedis(redis_dir).start()
        self.addCleanup(store.stop)
        api_port = pooled_backend.free_port()
        ws_port = pooled_backend.free_port()
        h = self.start_host(
            localrc=(f'ZAQAR_DEPLOY=zaqar-server\n'
                     f'ZAQAR_SERVICE_PORT={api_port}\n'
                     f'ZAQAR_WEBSOCKET_PORT={ws_port}\n'
                     f'ZAQAR_REDIS_PORT={store.port}\n'),
            services='key,rabbit,tempest')
        h.run('stack')

        self.check_conf(h, store.port, api_port, ws_port)
        self.check_calls(h, api_port, ws_port)
        self.check_tempest(h)
        api = f'http://127.0.0.1:{api_port}'
        self.check_authenticated_requests(api)
        queue = self.check_queue_through_catalog()
        self.check_websocket_through_catalog(queue)

        client = redis.Redis(port=store.port)
        self.addCleanup(client.close)
        self.assertGreater(client.dbsize(), 0)
        self.assert_unstack_stops_everything(h)
        with self.assertRaises(requests.ConnectionError):
            requests.get(api + '/healthcheck', timeout=5)
        h.run('clean')
        self.assertFalse(os.path.exists(h.conf_dir))
        self.assertFalse(os.path.exists(os.path.join(h.data_dir, 'zaqar')))
        self.assertEqual(0, client.dbsize())

    def check_conf(self, h, redis_port, api_port, ws_port):
        conf = self.conf(h)
        self.assertEqual('keystone', conf['DEFAULT']['auth_strategy'])
        self.assertEqual('True', conf['DEFAULT']['admin_mode'])
        self.assertEqual({'message_store': 'redis',
                          'management_store': 'sqlalchemy',
                          'transport': 'wsgi'}, conf['drivers'])
        self.assertEqual(f'redis://127.0.0.1:{redis_port}?dbid=0',
                         conf['drivers:message_store:redis']['uri'])
        self.assertEqual(
            f'sqlite:///{h.data_dir}/zaqar/zaqar.db',
            conf['drivers:management_store:sqlalchemy']['uri'])
        self.assertTrue(os.path.exists(f'{h.data_dir}/zaqar/zaqar.db'))
        self.assertEqual({'bind': '127.0.0.1', 'port': str(api_port),
                          'workers': '1'}, conf['drivers:transport:wsgi'])
        self.assertEqual({'bind': '127.0.0.1', 'port': str(ws_port)},
                         conf['drivers:transport:websocket'])
        auth = conf['keystone_authtoken']
        self.assertEqual(('password', 'zaqar', 'service', self.host.domain,
                          self.host.keystone.url),
                         (auth['auth_type'], auth['username'],
                          auth['project_name'], auth['user_domain_name'],
                          auth['auth_url']))
        self.assertEqual('zaqar', conf['trustee']['username'])
        self.assertEqual({'driver': 'messagingv2',
                          'transport_url': h.env['HARNESS_RABBIT_URL']},
                         conf['oslo_messaging_notifications'])
        self.assertEqual('False', conf['notification']['notifier_in_api'])
        self.assertRegex(conf['signed_url']['secret_key'], '^[0-9a-f]{64}$')
        self.assertEqual(os.path.join(h.conf_dir, 'policy.yaml'),
                         conf['oslo_policy']['policy_file'])
        self.assertTrue(os.path.exists(conf['oslo_policy']['policy_file']))
        self.assertEqual('True', conf['oslo_policy']['enforce_new_defaults'])
        self.assertFalse(os.path.exists(
            os.path.join(h.conf_dir, 'zaqar-api-uwsgi.ini')))

    def check_calls(self, h, api_port, ws_port):
        self.assertEqual([['setup_develop', os.path.join(h.dest, 'zaqar')]],
                         h.calls('setup_develop'))
        self.assertEqual([['install_package', 'redis-server']],
                         h.calls('install_package'))
        self.assertEqual([['create_service_user', 'zaqar']],
                         h.calls('create_service_user'))
        self.assertEqual(
            [['get_or_create_service', 'zaqar', 'messaging',
              'Zaqar Messaging Service'],
             ['get_or_create_service', 'zaqar-websocket',
              'messaging-websocket', 'Zaqar WebSocket Service']],
            h.calls('get_or_create_service'))
        endpoints = h.calls('get_or_create_endpoint')
        self.assertEqual(
            [[self.host.region, f'http://127.0.0.1:{api_port}'],
             [self.host.region, f'ws://127.0.0.1:{ws_port}']],
            [row[2:] for row in endpoints])
        self.assertEqual(
            ['zaqar-api', 'zaqar-websocket', 'zaqar-notifier'],
            [row[1] for row in h.calls('run_process')])
        self.assertEqual({'zaqar-api', 'zaqar-websocket', 'zaqar-notifier'},
                         set(h.pids()))
        # The registration is in Keystone, as the calls said.
        service, eps = self.host.endpoint('messaging')
        self.assertEqual(endpoints[0][1], service['id'])
        self.assertEqual([('public', f'http://127.0.0.1:{api_port}')],
                         [(e['interface'], e['url']) for e in eps])
        users = self.host.get('/users', name='zaqar')['users']
        self.assertEqual(1, len([u for u in users if u['domain_id'] ==
                                 self._domain_id()]))

    def _domain_id(self) -> str:
        return self.host.get('/domains', name=self.host.domain)[
            'domains'][0]['id']

    def check_tempest(self, h):
        tempest = harness.read_ini(h.tempest_conf)
        self.assertEqual({'zaqar': 'True'}, tempest['service_available'])
        self.assertEqual({
            'catalog_type': 'messaging', 'endpoint_type': 'public',
            'region': self.host.region, 'max_queues_per_page': '20',
            'max_queue_metadata': '65536', 'max_messages_per_page': '20',
            'max_message_size': '262144', 'max_messages_per_claim': '20',
            'max_message_ttl': '1209600', 'max_claim_ttl': '43200',
            'max_claim_grace': '43200'}, tempest['messaging'])

    def check_queue_through_catalog(self) -> str:
        """A queue made at the URL the catalog gives (the CLI's path is
        covered in uWSGI mode, the default)."""
        _, eps = self.host.endpoint('messaging')
        queue = 'devstack-' + self.host.tag
        headers = {'X-Auth-Token': self.host.token('demo_member'),
                   'Client-ID': str(uuid.uuid4())}
        resp = requests.put(f'{eps[0]["url"]}/v2/queues/{queue}',
                            headers=headers, timeout=60)
        self.assertEqual(201, resp.status_code, resp.text)
        return queue

    def check_websocket_through_catalog(self, queue):
        _, eps = self.host.endpoint('messaging-websocket')
        self.assertEqual(1, len(eps))
        member = self.host.world.users['demo_member']
        ws = _wait(lambda: test_websocket.Client(
            eps[0]['url'], project=member.project_id), 'WebSocket connect')
        self.addCleanup(ws.close)
        # The first token costs the server a few Keystone round trips:
        # more than the client's usual 10 s on a loaded machine.
        ws.send_raw(json.dumps({'action': 'authenticate', 'headers': {
            'Client-ID': ws.client_id, 'X-Project-ID': member.project_id,
            'X-Auth-Token': self.host.token('demo_member')}}))
        self.assertEqual(200, ws.recv(timeout=START_TIMEOUT)['headers'][
            'status'])
        status, body = ws.call('queue_list', {})
        self.assertEqual(200, status)
        self.assertIn(queue, [q['name'] for q in body['queues']])


def private_loopback_host(testcase: unittest.TestCase) -> str:
    """A 127.x.y.z address whose port 80 is free: DevStack's Apache serves
    the API at http://$SERVICE_HOST/messaging, on port 80, so each uWSGI
    test host gets a loopback address of its own."""
    for _ in range(20):
        host = '127.{}.{}.{}'.format(*random.choices(range(2, 250), k=3))
        with socket.socket() as sock:
            try:
                sock.bind((host, 80))
            except OSError:
                continue
        return host
    testcase.fail('no free loopback address for Apache')


class UwsgiStackTest(StackTestBase):
    """uWSGI mode behind a real Apache, SQL store, pools."""

    def test_stack_serves_through_apache_then_unstack_and_clean_remove_it(self):
        if not os.path.exists('/usr/sbin/apache2'):
            backends.unavailable(self, 'apache2', 'apache2-bin not installed')
        host = private_loopback_host(self)
        h = self.start_host(
            localrc=('ZAQAR_BACKEND=sqlalchemy\n'
                     'ZAQAR_POOLING=True\n'
                     'ZAQAR_POOL_FLAVOR=gold\n'
                     'disable_service zaqar-websocket zaqar-notifier\n'),
            services='key',
            extra_env={'SERVICE_HOST': host,
                       'HARNESS_APACHE_LISTEN': f'{host}:80'})
        h.run('stack')

        conf = self.conf(h)
        db = f'sqlite:///{h.data_dir}/zaqar/zaqar.db'
        self.assertEqual(db, conf['drivers:message_store:sqlalchemy']['uri'])
        self.assertEqual('True', conf['DEFAULT']['pooling'])
        self.assertEqual({'enable_virtual_pool': 'True',
                          'sqlite_pool_directory': f'{h.data_dir}/zaqar'},
                         conf['pooling:catalog'])
        self.assertEqual('True', conf['notification']['notifier_in_api'])
        self.assertEqual('noop', conf['oslo_messaging_notifications']['driver'])
        ini = os.path.join(h.conf_dir, 'zaqar-api-uwsgi.ini')
        uwsgi = harness.read_ini(ini)['uwsgi']
        socket_path = os.path.join(h.dir, 'uwsgi', 'zaqar-api.socket')
        self.assertEqual(
            ('zaqar.wsgi.api:application', socket_path, '1', 'true',
             'ZAQAR_CONFIG_FILE=' + os.path.join(h.conf_dir, 'zaqar.conf')),
            (uwsgi['module'], uwsgi['socket'], uwsgi['processes'],
             uwsgi['lazy-apps'], uwsgi['env']))
        site = os.path.join(h.apache_enabled, 'zaqar-api.conf')
        with open(site) as f:
            self.assertIn(f'ProxyPass "/messaging" "unix:{socket_path}|',
                          f.read())
        # Only the API runs; no WebSocket catalog entry, no Tempest config.
        self.assertEqual(['zaqar-api'],
                         [row[1] for row in h.calls('run_process')])
        self.assertEqual(1, len(h.calls('get_or_create_service')))
        self.assertFalse(os.path.exists(h.tempest_conf))
        with open(os.path.join(h.dir, 'enabled_services')) as f:
            self.assertEqual('ENABLED_SERVICES=key,zaqar-api\n', f.read())
        _, eps = self.host.endpoint('messaging')
        api = f'http://{host}/messaging'
        self.assertEqual([api], [e['url'] for e in eps])
        _wait(lambda: requests.get(api + '/healthcheck',
                                   timeout=10).status_code == 200,
              'the API behind Apache')
        self.check_authenticated_requests(api)
        queue = self.check_cli_through_catalog(api)
        # The pools file was loaded: the admin health names its pool.
        resp = requests.get(api + '/v2/health', timeout=60, headers={
            'X-Auth-Token': self.host.token('demo_admin'),
            'Client-ID': str(uuid.uuid4())})
        self.assertIn('pool1', json.dumps(resp.json()))
        with contextlib.closing(sqlite3.connect(db[len('sqlite:///'):])) \
                as sql:
            self.assertIn((queue,), sql.execute(
                'SELECT name FROM queues').fetchall())

        started = h.pids()
        h.run('unstack')
        self.assertEqual({}, h.pids())
        self.assertFalse(harness.alive(started['zaqar-api']))
        with self.assertRaises(requests.ConnectionError):
            requests.get(api + '/healthcheck', timeout=5)
        h.run('clean')
        for path in (h.conf_dir, os.path.join(h.data_dir, 'zaqar'), site):
            self.assertFalse(os.path.lexists(path), path)
        self.assertEqual([['remove_uwsgi_config', ini, 'zaqar-api']],
                         h.calls('remove_uwsgi_config'))
