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

"""Four stacks on a real Heat 27 against this service (Keystone, default
policy): Heat's in-tree Zaqar types, the plugin's types, a DeployedServer
doing software deployment over Zaqar with stock guest tooling, and stack
event sinks. Each is created, updated and deleted, leaving nothing behind.

The templates are heat_plugin/examples/, as a template author gets them.
"""

from __future__ import annotations

import http.server
import json
import os
import threading
import uuid

import yaml

from tests.functional import server as fserver
from tests.heat import base, guest, keystone_setup
from tests.keystone import fixture as ks_fixture

EXAMPLES = os.path.join(base.REPO, 'heat_plugin', 'examples')
HEAT_FOREVER_CAPPED = 2 ** 31 - 1


def example(name: str) -> str:
    """A sample template or environment, as text (Heat parses it)."""
    with open(os.path.join(EXAMPLES, name)) as f:
        return f.read()


class _Webhook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get('Content-Length') or 0))
        self.received.append(json.loads(body or b'null'))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class HeatStacksTest(base.HeatCase):
    """The four stacks of the Heat integration, one test each."""

    def test_1_in_tree_types_queue_subscription_signed_url(self):
        owner = self.ident.owner
        heat = self.driver(owner)
        zaqar = self.zaqar_as(owner)
        hook = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Webhook)
        _Webhook.received = []
        threading.Thread(target=hook.serve_forever, daemon=True).start()
        self.addCleanup(hook.server_close)
        self.addCleanup(hook.shutdown)
        queue = f'intree-{uuid.uuid4().hex[:8]}'
        params = {'queue_name': queue,
                  'webhook': f'http://127.0.0.1:{hook.server_port}/hook'}
        template = example('in-tree-queue-subscription-signed-url.yaml')

        created = self.assertStack(heat.call(
            'create', name=f'in-tree-{self.tag}', template=template,
            parameters=params), 'CREATE_COMPLETE')
        self.record('1 in-tree types', 'create', created['seconds'])
        stack_id, out = created['id'], created['outputs']

        shown = zaqar.get(f'/v2/queues/{queue}').json()
        self.assertEqual(('orders', 600),
                         (shown['purpose'], shown['_default_message_ttl']))
        subs = zaqar.get(f'/v2/queues/{queue}/subscriptions').json()
        (sub,) = subs['subscriptions']
        self.assertEqual(params['webhook'], sub['subscriber'])
        # Heat's default "forever" ttl, stored capped.
        self.assertEqual(HEAT_FOREVER_CAPPED, sub['ttl'])

        self.answers(zaqar.post(f'/v2/queues/{queue}/messages', json={
            'messages': [{'body': {'order': 42}, 'ttl': 300}]}), 201)
        got = self.wait_for('the webhook delivery', lambda: [
            m for m in _Webhook.received if isinstance(m, dict)
            and m.get('body') == {'order': 42}], timeout=60)
        self.assertEqual(queue, got[0].get('queue_name', queue))

        # The signed URL works without a token, and only as signed.
        signed = fserver.Client(self.zaqar.url, project=out['project'])
        signed.session.headers.update({
            'URL-Signature': out['signature'], 'URL-Expires': out['expires'],
            'URL-Paths': ','.join(out['paths']),
            'URL-Methods': ','.join(out['methods'])})
        self.assertIn(f'queue_name={queue}', out['signed_query'])
        self.answers(signed.post(f'/v2/queues/{queue}/messages', json={
            'messages': [{'body': 'via signed url'}]}), 201)
        listed = self.answers(signed.get(
            f'/v2/queues/{queue}/messages?echo=true'), 200).json()
        self.assertIn('via signed url',
                      [m['body'] for m in listed['messages']])
        # Outside what was signed: refused.
        self.answers(signed.delete(f'/v2/queues/{queue}'), 401, 403, 404)

        updated = self.assertStack(heat.call(
            'update', stack_id=stack_id, template=template,
            parameters={**params, 'purpose': 'invoices'}), 'UPDATE_COMPLETE')
        self.record('1 in-tree types', 'update', updated['seconds'])
        self.assertEqual('invoices',
                         zaqar.get(f'/v2/queues/{queue}').json()['purpose'])

        deleted = self.assertStack(heat.call('delete', stack_id=stack_id),
                                   'DELETE_COMPLETE')
        self.record('1 in-tree types', 'delete', deleted['seconds'])
        self.assertEqual(404, zaqar.head(f'/v2/queues/{queue}').status_code)
        self.assertEqual([], zaqar.get(f'/v2/queues/{queue}/subscriptions')
                         .json()['subscriptions'])

    def test_2_plugin_types_queue_settings_topic_pool_flavor(self):
        operator = self.ident.operator
        heat = self.driver(operator)
        zaqar = self.zaqar_as(operator)
        prefix = f'p{uuid.uuid4().hex[:8]}'
        pool_uri = f'sqlite:///{self._tmp}/{prefix}-pool.db'
        params = {'prefix': prefix, 'pool_uri': pool_uri}
        template = example('queue-settings-topic-pool-flavor.yaml')

        created = self.assertStack(heat.call(
            'create', name=f'plugin-{self.tag}', template=template,
            parameters=params), 'CREATE_COMPLETE')
        self.record('2 plugin types', 'create', created['seconds'])
        stack_id = created['id']
        self._assert_plugin_state(zaqar, prefix, pool_uri, weight=10,
                                  claims=3, ttl=1200, team='ops',
                                  topic=f'{prefix}-events')
        out = created['outputs']
        self.assertEqual([f'{prefix}-pool'], out['flavor_pools'])
        self.assertEqual(10, out['pool_weight'])
        self.assertEqual(3, out['jobs_settings']['_max_claim_count'])
        self.assertEqual(0, out['jobs_messages']['total'])

        self.assertStack(heat.call('check', stack_id=stack_id),
                         'CHECK_COMPLETE')
        before = {r['name']: r['physical_id']
                  for r in heat.call('resources', stack_id=stack_id)}

        updated = self.assertStack(heat.call(
            'update', stack_id=stack_id, template=template, parameters={
                **params, 'pool_weight': 20, 'max_claim_count': 5,
                'default_message_ttl': 1800, 'team': 'dev',
                'topic_suffix': 'audit'}), 'UPDATE_COMPLETE')
        self.record('2 plugin types', 'update', updated['seconds'])
        after = {r['name']: r['physical_id']
                 for r in heat.call('resources', stack_id=stack_id)}
        # Settings change in place; a new topic name replaces the topic.
        for name in ('pool', 'flavor', 'jobs', 'dead_letters'):
            self.assertEqual(before[name], after[name], name)
        self.assertEqual(f'{prefix}-audit', after['topic'])
        self._assert_plugin_state(zaqar, prefix, pool_uri, weight=20,
                                  claims=5, ttl=1800, team='dev',
                                  topic=f'{prefix}-audit')
        self.assertNotIn(f'{prefix}-events', self._topics(zaqar, prefix))

        # A queue deleted behind Heat's back: check fails, delete copes.
        self.answers(zaqar.delete(f'/v2/queues/{prefix}-dlq'), 204)
        checked = heat.call('check', stack_id=stack_id)
        self.assertEqual('CHECK_FAILED', checked['status'])

        deleted = self.assertStack(heat.call('delete', stack_id=stack_id),
                                   'DELETE_COMPLETE')
        self.record('2 plugin types', 'delete', deleted['seconds'])
        self.assertEqual(404, zaqar.head(f'/v2/queues/{prefix}-jobs')
                         .status_code)
        self.assertEqual(404, zaqar.get(f'/v2/pools/{prefix}-pool')
                         .status_code)
        self.assertEqual(404, zaqar.get(f'/v2/flavors/{prefix}-flavor')
                         .status_code)
        self.assertEqual(set(), self._topics(zaqar, prefix))
        pools = zaqar.get('/v2/pools').json()['pools']
        self.assertEqual(['base'], [p['name'] for p in pools])

    def _topics(self, zaqar, prefix: str) -> set[str]:
        found = self.answers(zaqar.get(f'/v2/topics?limit=20&name={prefix}'),
                             200).json()['topics']
        return {t['name'] for t in found}

    def _assert_plugin_state(self, zaqar, prefix, pool_uri, *, weight,
                             claims, ttl, team, topic):
        jobs = self.answers(zaqar.get(f'/v2/queues/{prefix}-jobs'),
                            200).json()
        self.assertEqual({
            '_flavor': f'{prefix}-flavor',
            '_dead_letter_queue': f'{prefix}-dlq',
            '_dead_letter_queue_messages_ttl': 7200,
            '_max_claim_count': claims,
            '_default_message_ttl': ttl,
            '_default_message_delay': 0,
            '_max_messages_post_size': 65536,
            'team': team,
        }, {k: jobs.get(k) for k in (
            '_flavor', '_dead_letter_queue',
            '_dead_letter_queue_messages_ttl', '_max_claim_count',
            '_default_message_ttl', '_default_message_delay',
            '_max_messages_post_size', 'team')})
        self.assertEqual(204, zaqar.head(f'/v2/queues/{prefix}-jobs')
                         .status_code)
        dlq = zaqar.get(f'/v2/queues/{prefix}-dlq').json()
        self.assertEqual(86400, dlq['_default_message_ttl'])
        pool = self.answers(zaqar.get(f'/v2/pools/{prefix}-pool'),
                            200).json()
        self.assertEqual((pool_uri, weight, f'{prefix}-flavor'),
                         (pool['uri'], pool['weight'], pool.get('flavor')))
        flavor = self.answers(zaqar.get(f'/v2/flavors/{prefix}-flavor'),
                              200).json()
        self.assertEqual([f'{prefix}-pool'], flavor['pool_list'])
        self.assertIn(topic, self._topics(zaqar, prefix))
        self.assertEqual(team, zaqar.get(f'/v2/topics/{topic}').json()
                         .get('team'))

    def test_3_deployed_server_over_zaqar_with_stock_guest_tooling(self):
        owner = self.ident.owner
        heat = self.driver(owner)
        template = example('deployed-server-zaqar.yaml')
        name = f'deployed-{self.tag}'
        stack_id = heat.call('start_create', name=name, template=template,
                             parameters={'greeting': 'hello'})
        occ = self.wait_for('the server resource', lambda: heat.call(
            'attribute', stack_id=stack_id, resource='server',
            name='os_collect_config'), timeout=180, interval=2)
        self.assertEqual(self.ident.region, occ['zaqar']['region_name'])
        vm = guest.Guest(self.guest_venv, self.agents,
                         os.path.join(self._tmp, 'guest'))
        self.addCleanup(vm.stop)
        vm.start(occ)
        try:
            created = self.assertStack(heat.call(
                'wait', stack_id=stack_id, action='CREATE', timeout=300),
                'CREATE_COMPLETE')
        except AssertionError as exc:
            raise AssertionError(f'{exc}\n--- guest\n{vm.log()}')
        self.record('3 deployed server', 'create', created['seconds'])
        out = created['outputs']
        self.assertEqual(0, out['status_code'])
        self.assertIn('deployed: hello', out['stdout'])
        self.assertEqual('done hello', out['result'])
        self._stack_user_gets_only_its_slice(occ['zaqar'])

        updated = self.assertStack(heat.call(
            'update', stack_id=stack_id, template=template,
            parameters={'greeting': 'again'}), 'UPDATE_COMPLETE')
        self.record('3 deployed server', 'update', updated['seconds'])
        self.assertEqual('done again', updated['outputs']['result'])

        stack_users = self._stack_user_projects()
        self.assertTrue(stack_users, 'Heat made no stack-user project')
        vm.stop()
        deleted = self.assertStack(heat.call('delete', stack_id=stack_id),
                                   'DELETE_COMPLETE')
        self.record('3 deployed server', 'delete', deleted['seconds'])
        # Heat removes the stack user's project once the stack is purged.
        try:
            self.wait_for('the stack-user project to go',
                          lambda: not self._stack_user_projects(),
                          timeout=60, interval=2)
        except AssertionError as exc:
            raise AssertionError(f'{exc}\n{self.heat.log_tail(6000)}')

    def _stack_user_gets_only_its_slice(self, creds: dict) -> None:
        """The server's own credentials (role heat_stack_user), with a
        real Keystone token: the deployment slice is served, the rest 403."""
        user = ks_fixture.User('stack-user', creds['user_id'],
                               creds['password'], creds['project_id'],
                               keystone_setup.STACK_USER_ROLE)
        http = self.zaqar_as(user)
        probe = f'/v2/queues/probe-{self.tag}'
        self.answers(http.put(probe, json={}), 201)
        self.answers(http.post(probe + '/messages', json={
            'messages': [{'body': 'ping'}]}), 201)
        self.answers(http.delete(probe + '/messages?pop=1'), 200)
        for method, path, body in (
                ('GET', '/v2/queues', None),
                ('GET', probe + '/stats', None),
                ('POST', probe + '/purge', {}),
                ('POST', probe + '/subscriptions',
                 {'subscriber': 'http://127.0.0.1:9/x'}),
                ('PUT', f'/v2/topics/t-{self.tag}', {}),
                ('GET', '/v2/pools', None)):
            with self.subTest(method=method, path=path):
                self.answers(http.request(method, path, json=body), 403)
        self.answers(http.delete(probe), 204)

    def _stack_user_projects(self) -> list[str]:
        found = self.keystone._call(
            'GET', f'/projects?domain_id={self.ident.domain_id}')
        return [p['id'] for p in found['projects']]

    def test_4_event_sinks_post_stack_events_to_a_queue(self):
        owner = self.ident.owner
        heat = self.driver(owner)
        zaqar = self.zaqar_as(owner)
        template = example('event-sink-queue.yaml')
        environment = example('event-sink-env.yaml')
        sink = yaml.safe_load(environment)['event_sinks'][0]['target']
        self.addCleanup(zaqar.delete, f'/v2/queues/{sink}')

        created = self.assertStack(heat.call(
            'create', name=f'events-{self.tag}', template=template,
            environment=environment), 'CREATE_COMPLETE')
        self.record('4 event sinks', 'create', created['seconds'])
        stack_id = created['id']

        def events(minimum):
            listed = zaqar.get(f'/v2/queues/{sink}/messages?echo=true'
                               '&limit=20')
            bodies = [m['body'] for m in listed.json().get('messages', [])]
            return bodies if len(bodies) >= minimum else None

        bodies = self.wait_for('stack events in the queue',
                               lambda: events(6), timeout=60)
        seen = {(b['payload']['resource_name'],
                 b['payload']['resource_status'],
                 b['payload']['resource_action']) for b in bodies}
        for resource in ('secret', 'marker'):
            self.assertIn((resource, 'COMPLETE', 'CREATE'), seen)
        self.assertTrue(all(b['payload']['stack_id'] == stack_id
                            for b in bodies))

        updated = self.assertStack(heat.call(
            'update', stack_id=stack_id, template=template,
            environment=environment, parameters={'length': 12}),
            'UPDATE_COMPLETE')
        self.record('4 event sinks', 'update', updated['seconds'])
        deleted = self.assertStack(heat.call('delete', stack_id=stack_id),
                                   'DELETE_COMPLETE')
        self.record('4 event sinks', 'delete', deleted['seconds'])
        # Gone, or listed only as deleted.
        self.assertEqual([], [s for s in heat.call('list')
                              if s['id'] == stack_id
                              and s['status'] != 'DELETE_COMPLETE'])
