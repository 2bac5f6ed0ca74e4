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

"""A live development-mode server, per-project fixtures, snapshots, and the
normaliser that lets two projects' answers be compared."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
import unittest
import uuid
from typing import Any

from tests.functional import server as fserver
from tests.rbac import routes

# A subscriber nobody listens on: deliveries fail fast and stay local.
SUBSCRIBER = 'http://127.0.0.1:9/'
SIGNING_KEY = 'rbac-matrix-signing-key-' + 'x' * 16

_ID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                 r'[0-9a-f]{12}|\b[0-9a-f]{24}\b|\b[0-9a-f]{32}\b')
_TIME = re.compile(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?')
# Keys whose values differ between any two calls (clock, randomness).
_VOLATILE = frozenset(('age', 'expires', 'signature', 'secret', 'seconds'))


class LiveServerCase(unittest.TestCase):
    """One zaqar-server (dev mode, SQLite, admin_mode) per test class."""

    # Extra config sections appended to the generated file; ``{tmp}`` is
    # this class's scratch directory.
    sections = ''

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._tmp = tempfile.mkdtemp(prefix='zaqar-rbac-')
        srv = fserver.Server('sqlite:///' + os.path.join(cls._tmp, 'z.db'),
                             'sqlalchemy', 'admin_mode = true')
        with open(srv.config, 'a') as f:
            f.write(f'\n[signed_url]\nsecret_key = {SIGNING_KEY}\n\n'
                    + cls.sections.replace('{tmp}', cls._tmp) + '\n')
        cls.server = srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls._tmp, ignore_errors=True)
        shutil.rmtree(cls.server.dir, ignore_errors=True)
        super().tearDownClass()

    def caller(self, project: str, roles: str) -> fserver.Client:
        """A client of ``project`` sending ``X-Roles: roles`` ('' = none)."""
        client = fserver.Client(self.server.url, project=project)
        client.session.headers['X-Roles'] = roles
        return client


def new_project(prefix: str) -> str:
    return f'{prefix}-{uuid.uuid4().hex[:12]}'


def make_fixture(http: fserver.Client) -> dict:
    """A queue with messages, a claim and a subscription; returns its ids.

    Every value is unique to this fixture so a leak can be searched for.
    """
    tag = uuid.uuid4().hex[:10]
    queue = f'q-{tag}'
    check(http.put(f'/v2/queues/{queue}', json={'color': f'red-{tag}'}), 201)
    resp = check(http.post(f'/v2/queues/{queue}/messages', json={
        'messages': [{'body': {'secret': f'body-{tag}-{i}'}, 'ttl': 600}
                     for i in range(3)]}), 201)
    message_ids = [href.rsplit('/', 1)[1] for href in resp.json()['resources']]
    resp = check(http.post(f'/v2/queues/{queue}/claims?limit=1',
                           json={'ttl': 300, 'grace': 60}), 201)
    claim_id = resp.headers['Location'].rsplit('/', 1)[1]
    claimed = {m['id'] for m in resp.json()['messages']}
    free = [m for m in message_ids if m not in claimed]
    resp = check(http.post(f'/v2/queues/{queue}/subscriptions', json={
        'subscriber': SUBSCRIBER + tag, 'ttl': 3600}), 201)
    subscription_id = resp.json()['subscription_id']
    topic = f't-{tag}'
    check(http.put(f'/v2/topics/{topic}', json={'color': f'blue-{tag}'}),
          201)
    resp = check(http.post(f'/v2/topics/{topic}/subscriptions', json={
        'subscriber': SUBSCRIBER + 'topic-' + tag, 'ttl': 3600}), 201)
    # An (empty) dead-letter queue and a redrive task of it.
    dlq = f'dlq-{tag}'
    check(http.put(f'/v2/queues/{dlq}'), 201)
    task = check(http.post(f'/v2/queues/{dlq}/redrive',
                           json={'destination': f'back-{tag}'}), 202)
    return {'queue': queue, 'message_id': free[0], 'claim_id': claim_id,
            'subscription_id': subscription_id, 'message_ids': message_ids,
            'dlq': dlq, 'redrive_id': task.json()['id'],
            'topic': topic,
            'topic_subscription_id': resp.json()['subscription_id'],
            'tag': tag, 'project': http.project}


def fresh_ids(ids: dict) -> dict:
    """Ids of the same shape as ``ids`` that no project ever created."""
    def like(value: str) -> str:
        if re.fullmatch(r'[0-9a-f]{24}', value):
            return secrets.token_hex(12)
        if re.fullmatch(r'[0-9a-f]{32}', value):
            return uuid.uuid4().hex
        return str(uuid.uuid4())
    fresh = dict(ids)
    for key in ('message_id', 'claim_id', 'subscription_id',
                'topic_subscription_id', 'redrive_id'):
        fresh[key] = like(ids[key])
    return fresh


def check(resp, *statuses: int):
    if resp.status_code not in statuses:
        raise AssertionError(f'{resp.request.method} {resp.request.url}: '
                             f'{resp.status_code} {resp.text}')
    return resp


def _fill(value: Any, ids: dict) -> Any:
    """``value`` with ``{name}`` placeholders in its strings filled."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def send(http: fserver.Client, route: routes.Route, ids: dict):
    """Send ``route``'s request with ``ids`` filled in."""
    path = route.path.format(**ids)
    if route.query:
        path += '?' + route.query.format(**ids)
    headers = {}
    data = None
    if route.body is not None:
        data = json.dumps(_fill(route.body, ids))
        headers['Content-Type'] = route.content_type or 'application/json'
    return http.request(route.method, path, data=data, headers=headers)


def snapshot(http: fserver.Client, ids: dict) -> dict:
    """Everything the owner can see of its fixture (clock-free)."""
    queue = ids['queue']
    base = f'/v2/queues/{queue}'
    state: dict[str, Any] = {}
    listed = check(http.get('/v2/queues?detailed=true&limit=20'), 200).json()
    state['queues'] = [(q['name'], q.get('metadata')) for q in
                       listed['queues']]
    stats = check(http.get(base + '/stats'), 200).json()['messages']
    state['stats'] = {k: stats[k] for k in ('claimed', 'free', 'total')}
    messages = check(http.get(base + '/messages?echo=true&'
                              'include_claimed=true&limit=20'), 200).json()
    state['messages'] = sorted((m['id'], m['href'], json.dumps(m['body']))
                               for m in messages['messages'])
    claim = http.get(f'{base}/claims/{ids["claim_id"]}')
    state['claim'] = (claim.status_code, claim.json().get('ttl'),
                      sorted(m['id'] for m in claim.json().get('messages',
                                                                 [])))
    subs = check(http.get(base + '/subscriptions'), 200).json()
    state['subscriptions'] = sorted(
        (s['id'], s['subscriber'], s['ttl'], s['confirmed'],
         json.dumps(s['options'], sort_keys=True))
        for s in subs['subscriptions'])
    return state


def normalise(resp, projects: tuple[str, ...]) -> dict:
    """Status, Location and body with ids, times and projects blanked."""
    def text(value: str) -> str:
        for project in projects:
            value = value.replace(project, '<project>')
        value = _TIME.sub('<time>', value)
        return _ID.sub('<id>', value)

    def walk(value: Any, key: str | None = None) -> Any:
        if key in _VOLATILE:
            return '<volatile>'
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return text(value)
        return value

    try:
        body = resp.json() if resp.content else None
    except ValueError:
        body = resp.text
    location = resp.headers.get('Location')
    return {'status': resp.status_code,
            'location': text(location) if location else None,
            'body': walk(body)}


def leaked(resp, ids: dict) -> list[str]:
    """The owner's identifiers in ``resp`` that the request did not carry.

    (An answer may echo what the caller sent, e.g. "Claim <id> does not
    exist"; that tells the caller nothing new.)
    """
    sent = resp.request.url + str(resp.request.body or '')
    blob = resp.text + json.dumps(dict(resp.headers))
    owned = [ids['project'], ids['claim_id'], ids['subscription_id'],
             ids['redrive_id'],
             f'red-{ids["tag"]}', f'body-{ids["tag"]}',
             SUBSCRIBER + ids['tag'], *ids['message_ids']]
    return [s for s in owned if s in blob and s not in sent]


FORBIDDEN = {'title': 'Not authorized',
             'description': 'You are not authorized to complete this action.'}


def check_persona(test: unittest.TestCase, row: routes.Route, *,
                  owner: fserver.Client, caller: fserver.Client,
                  allowed: bool, fixture=None, look=None) -> None:
    """``caller`` is served, or refused with nothing changed.

    ``fixture(owner) -> ids`` and ``look(owner, ids) -> state`` default to
    a project's queue (make_fixture, snapshot).
    """
    fixture = fixture or make_fixture
    look = look or snapshot
    ids = fixture(owner)
    before = look(owner, ids)
    resp = send(caller, row, ids)
    if allowed:
        test.assertIn(resp.status_code, row.success, resp.text)
        return
    test.assertEqual(403, resp.status_code, resp.text)
    if row.method != 'HEAD':
        test.assertEqual(FORBIDDEN, resp.json())
    test.assertEqual(before, look(owner, ids),
                     'a refused request changed something')


def make_pool_fixture(admin: fserver.Client, directory: str) -> dict:
    """Two pools on SQLite stores in ``directory``, a flavor over one."""
    tag = uuid.uuid4().hex[:10]

    def uri(name: str) -> str:
        return 'sqlite:///' + os.path.join(directory, f'{name}.db')

    ids = {'pool': f'p-{tag}', 'flavor_pool': f'fp-{tag}',
           'flavor': f'f-{tag}', 'new_pool': f'np-{tag}',
           'new_flavor': f'nf-{tag}', 'new_pool_uri': uri(f'np-{tag}'),
           'tag': tag, 'project': admin.project}
    for name in (ids['pool'], ids['flavor_pool']):
        check(admin.put(f'/v2/pools/{name}',
                        json={'weight': 10, 'uri': uri(name)}), 201)
    check(admin.put(f'/v2/flavors/{ids["flavor"]}',
                    json={'pool_list': [ids['flavor_pool']]}), 201)
    return ids


def pool_snapshot(admin: fserver.Client, ids: dict) -> dict:
    """The fixture's pools and flavor as an admin sees them."""
    state = {}
    for kind, key in (('pools', 'pool'), ('pools', 'flavor_pool'),
                      ('pools', 'new_pool'), ('flavors', 'flavor'),
                      ('flavors', 'new_flavor')):
        resp = admin.get(f'/v2/{kind}/{ids[key]}?detailed=true')
        state[key] = (resp.status_code, resp.text)
    return state


def check_isolation(test: unittest.TestCase, row: routes.Route, *,
                    owner: fserver.Client, other: fserver.Client,
                    blank: fserver.Client) -> None:
    """``other`` naming ``owner``'s resources learns and changes nothing.

    Its answer must equal the answer ``blank`` (a project where nothing was
    ever made) gets for the same queue name and never-issued ids.
    """
    ids = make_fixture(owner)
    before = snapshot(owner, ids)
    resp = send(other, row, ids)
    baseline = send(blank, row, fresh_ids(ids))
    projects = (other.project, blank.project)
    test.assertEqual(normalise(baseline, projects), normalise(resp, projects),
                     'another project can tell the resource exists')
    test.assertEqual([], leaked(resp, ids))
    test.assertEqual(before, snapshot(owner, ids),
                     "another project's request changed the owner's")
