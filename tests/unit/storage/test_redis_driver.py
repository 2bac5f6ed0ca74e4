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

"""Redis driver specifics: round trips, retries, key layout, gc, scripts."""

from __future__ import annotations

import os
import re
import time
import uuid

import redis
import testtools
from redis import connection as redis_connection
from redis import crc

from tests import backends
from zaqar.storage import errors
from zaqar.storage import scope as scopes
from zaqar.storage.redis import driver as redis_driver
from zaqar.storage.redis import keys, records, resilience, scripts
from zaqar.storage.redis import messages as redis_messages


class CountingConnection(redis_connection.Connection):
    """Counts requests written to the socket: one per round trip (a
    pipeline is written in one go)."""

    sent = 0

    def send_packed_command(self, command, check_health=True):
        type(self).sent += 1
        return super().send_packed_command(command, check_health)


class RedisDriverTestCase(testtools.TestCase):
    """A driver on the shared test server, in a project of its own."""

    def setUp(self) -> None:
        super().setUp()
        self.backend = backends.RedisBackend(self)
        uri, options = self.backend.setup()
        self.addCleanup(self.backend.cleanup)
        self.uri = uri
        self.driver = redis_driver.DataDriver(uri, options)
        self.addCleanup(self.driver.close)
        self.raw = self.driver.client
        self.project = 'p-' + uuid.uuid4().hex
        self.addCleanup(self._drop_project)
        self.queues = self.driver.queue_controller
        self.messages = self.driver.message_controller
        self.claims = self.driver.claim_controller
        self.subscriptions = self.driver.subscription_controller

    def _drop_project(self) -> None:
        for name in self.raw.zrange(keys.queue_index(self.project), 0, -1):
            self.queues.delete(name.decode(), project=self.project)

    def post(self, queue: str, count: int = 1, **extra) -> list[str]:
        item = {'body': 'x', 'ttl': 300, 'delay': 0, **extra}
        return self.messages.post(queue, [dict(item)] * count,
                                  project=self.project, client_uuid='me')


class RoundTripTest(RedisDriverTestCase):
    """Every operation is one request to Redis."""

    def setUp(self) -> None:
        super().setUp()
        counting = redis_driver.DataDriver(self.uri, {})
        self.addCleanup(counting.close)
        counting.client.connection_pool.connection_class = CountingConnection
        self.counted = counting
        counting.is_alive()  # connect and load nothing else

    def trips(self, call) -> int:
        before = CountingConnection.sent
        call()
        return CountingConnection.sent - before

    def test_each_operation_costs_one_round_trip(self):
        d = self.counted
        q, m, c, s = (d.queue_controller, d.message_controller,
                      d.claim_controller, d.subscription_controller)
        p = self.project
        d.executor.call(lambda cl, r: d.scripts.load_all(cl))
        ids: list = []
        claim: list = []
        sub: list = []
        leased: list = []
        topic = scopes.TOPIC
        operations = [
            ('post creating the queue', lambda: ids.extend(m.post(
                'rt', [{'body': 1, 'ttl': 60, 'delay': 0}], project=p,
                client_uuid='u'))),
            ('post of one message', lambda: ids.extend(m.post(
                'rt', [{'body': 2, 'ttl': 60, 'delay': 0}], project=p,
                client_uuid='u'))),
            ('post of ten messages', lambda: ids.extend(m.post(
                'rt', [{'body': 3, 'ttl': 60, 'delay': 0}] * 10, project=p,
                client_uuid='u'))),
            ('queue create', lambda: q.create('rt2', project=p)),
            ('queue exists', lambda: q.exists('rt', project=p)),
            ('get metadata', lambda: q.get_metadata('rt', project=p)),
            ('set metadata', lambda: q.set_metadata('rt', {'a': 1},
                                                    project=p)),
            ('queue list', lambda: q.list(project=p, detailed=True)),
            ('queue count', lambda: q.count(project=p, name='rt')),
            ('queue stats', lambda: q.stats('rt', project=p)),
            ('message list', lambda: m.list('rt', project=p, echo=True)),
            ('message get', lambda: m.get('rt', ids[0], project=p)),
            ('bulk get', lambda: m.bulk_get('rt', ids, project=p)),
            ('claim create', lambda: claim.append(c.create(
                'rt', project=p, ttl=60, grace=60, limit=5))),
            ('claim get', lambda: c.get('rt', claim[0][0], project=p)),
            ('claim renew', lambda: c.update('rt', claim[0][0], project=p,
                                             ttl=90, grace=60)),
            ('delete with claim', lambda: m.delete(
                'rt', claim[0][1][0].id, project=p, claim_id=claim[0][0])),
            ('claim release', lambda: c.delete('rt', claim[0][0],
                                               project=p)),
            ('delete', lambda: m.delete('rt', ids[1], project=p)),
            ('bulk delete', lambda: m.bulk_delete('rt', ids[2:4],
                                                  project=p)),
            ('pop', lambda: m.pop('rt', 2, project=p)),
            ('subscribe', lambda: sub.append(s.create(
                'rt', 'http://h/x', 60, {}, project=p))),
            ('post fanning out', lambda: m.post(
                'rt', [{'body': 4, 'ttl': 60, 'delay': 0}] * 2, project=p,
                client_uuid='u')),
            ('topic subscribe', lambda: s.create(
                'rt', 'http://h/t', 60, {}, project=p, scope=topic)),
            ('topic post', lambda: d.delivery_controller.fan_out(
                'rt', [{'id': 'tm', 'body': 5, 'ttl': 60}], project=p,
                scope=topic)),
            ('delivery lease', lambda: leased.extend(
                d.delivery_controller.lease(10, 60, project=p))),
            ('delivery complete', lambda: d.delivery_controller.complete(
                leased)),
            ('subscription get', lambda: s.get('rt', sub[0], project=p)),
            ('subscription list', lambda: s.list('rt', project=p)),
            ('subscription update', lambda: s.update('rt', sub[0],
                                                     project=p, ttl=120)),
            ('subscription delete', lambda: s.delete('rt', sub[0],
                                                     project=p)),
            ('queue delete', lambda: q.delete('rt', project=p)),
            ('topic delete', lambda: q.delete('rt', project=p,
                                              scope=topic)),
        ]
        counted = {name: self.trips(call) for name, call in operations}
        expected = {name: 1 for name, _ in operations}
        self.assertEqual(expected, counted)
        # One lease took the project's queue and topic deliveries (topics
        # share the project's due index), each with its scope.
        self.assertEqual({scopes.QUEUE: 2, scopes.TOPIC: 1},
                         {k: sum(1 for x in leased if x.scope == k)
                          for k in scopes.KINDS})
        self.assertFalse(q.exists('rt', project=p, scope=topic))


class LostReplyTest(RedisDriverTestCase):
    """A call that ran but whose reply was lost is retried, never applied
    twice: posts, pops and claims carry a token or their id."""

    def lose_first_reply(self) -> None:
        executor = self.driver.executor
        real_call = executor.call
        state = {'lost': 0}

        def call(fn):
            def flaky(client, retrying):
                result = fn(client, retrying)
                if not state['lost']:
                    state['lost'] += 1
                    raise redis.exceptions.ConnectionError('reply lost')
                return result
            return real_call(flaky)

        for controller in (self.queues, self.messages, self.claims,
                           self.subscriptions):
            controller._run = call
        self.state = state

    def test_post_is_stored_once(self):
        self.lose_first_reply()
        ids = self.post('q', 3)
        self.assertEqual(1, self.state['lost'])
        listed = self.messages.list('q', project=self.project, echo=True)[0]
        self.assertEqual(ids, [m.id for m in listed])

    def test_post_whose_messages_were_consumed_meanwhile_is_not_redone(self):
        first = {}

        def consume_then_lose(fn):
            def flaky(client, retrying):
                result = fn(client, retrying)
                if not first:
                    first['done'] = True
                    # Another consumer takes the batch before the retry.
                    self.driver.message_controller.pop(
                        'q', 10, project=self.project)
                    raise redis.exceptions.ConnectionError('reply lost')
                return result
            return self.driver.executor.call(flaky)

        self.messages._run = consume_then_lose
        self.post('q', 2)
        self.assertEqual(0, self.queues.stats('q',
                                              project=self.project).total)

    def test_pop_returns_the_same_messages_once(self):
        ids = self.post('q', 4)
        self.lose_first_reply()
        popped = self.messages.pop('q', 2, project=self.project)
        self.assertEqual(ids[:2], [m.id for m in popped])
        self.assertEqual(ids[2:], [m.id for m in self.messages.list(
            'q', project=self.project, echo=True)[0]])

    def test_claim_takes_its_messages_once(self):
        ids = self.post('q', 4)
        self.lose_first_reply()
        _, claimed = self.claims.create('q', project=self.project, ttl=60,
                                        grace=60, limit=2)
        self.assertEqual(ids[:2], [m.id for m in claimed])
        self.assertEqual([1, 1], [m.claim_count for m in claimed])
        stats = self.queues.stats('q', project=self.project)
        self.assertEqual((2, 2), (stats.claimed, stats.free))

    def test_subscription_create_is_not_a_conflict_with_itself(self):
        self.queues.create('q', project=self.project)
        self.lose_first_reply()
        sub_id = self.subscriptions.create('q', 'http://h/x', 60, {},
                                           project=self.project)
        self.assertEqual(sub_id, self.subscriptions.get(
            'q', sub_id, project=self.project).id)


class LayoutTest(RedisDriverTestCase):
    """Every key of a project shares one hash slot and its prefix."""

    def test_all_keys_of_a_project_share_one_slot(self):
        self.queues.create('src', project=self.project, metadata={
            '_max_claim_count': 0, '_dead_letter_queue': 'dlq'})
        self.post('src', 2)
        self.post('other', 2, delay=60)
        self.claims.create('other', project=self.project, ttl=60, grace=60)
        self.claims.create('src', project=self.project, ttl=60, grace=60)
        self.subscriptions.create('src', 'http://h/x', 60, {},
                                  project=self.project)
        prefix = keys.project_prefix(self.project)
        found = [k.decode() for k in self.raw.scan_iter(
            match=prefix.replace('{', '[{]').replace('}', '[}]') + '*',
            count=1000)]
        self.assertGreater(len(found), 10)
        self.assertEqual({crc.key_slot(prefix.encode() + b'queues')},
                         {crc.key_slot(k.encode()) for k in found})
        self.assertTrue(self.raw.exists(keys.queue_keys(self.project,
                                                        'dlq')[0]))

    def test_projects_with_braces_still_form_one_hash_tag(self):
        project = 'we{ird}%' + uuid.uuid4().hex
        a = keys.queue_keys(project, 'a')[:14]
        b = keys.queue_keys(project, 'b')[:14]
        slots = {crc.key_slot(k.encode()) for k in (*a, *b)}
        self.assertEqual(1, len(slots))
        self.assertNotEqual(keys.queue_keys('x}', 'a'),
                            keys.queue_keys('x', '}a'))
        self.post_in(project)

    def post_in(self, project: str) -> None:
        ids = self.messages.post('a', [{'body': 1, 'ttl': 60, 'delay': 0}],
                                 project=project, client_uuid='c')
        self.assertEqual(ids[0], self.messages.get('a', ids[0],
                                                   project=project).id)
        self.queues.delete('a', project=project)


class GarbageCollectionTest(RedisDriverTestCase):

    def test_gc_removes_expired_messages_claims_and_subscriptions(self):
        live = self.post('q', 2)
        short = self.messages.post('q', [{'body': 1, 'ttl': 1, 'delay': 0}]
                                   * 3, project=self.project,
                                   client_uuid='c')
        self.claims.create('q', project=self.project, ttl=1, grace=0,
                           limit=1)
        self.subscriptions.create('q', 'http://h/x', 1, {},
                                  project=self.project)
        time.sleep(1.5)
        removed = self.driver.gc()
        self.assertGreaterEqual(removed, 5)
        qkeys = keys.queue_keys(self.project, 'q')
        self.assertEqual(set(live), {k.decode() for k in
                                     self.raw.hkeys(qkeys[1])})
        for message_id in short:
            self.assertIsNone(self.raw.hget(qkeys[2], message_id))
        self.assertEqual(0, self.raw.hlen(qkeys[8]))
        self.assertEqual(0, self.raw.zcard(qkeys[13]))
        stats = self.queues.stats('q', project=self.project)
        self.assertEqual((0, 2), (stats.claimed, stats.free))

    def test_gc_forgets_projects_without_queues(self):
        self.post('q', 1)
        self.assertTrue(self.raw.sismember(keys.PROJECTS, self.project))
        self.queues.delete('q', project=self.project)
        self.driver.gc()
        self.assertFalse(self.raw.sismember(keys.PROJECTS, self.project))
        self.post('q', 1)
        self.assertTrue(self.raw.sismember(keys.PROJECTS, self.project))

    def test_gc_sweeps_topics_and_keeps_projects_with_topics(self):
        topic = {'project': self.project, 'scope': scopes.TOPIC}
        self.subscriptions.create('t', 'http://h/short', 1, {}, **topic)
        kept = self.subscriptions.create('t', 'http://h/long', 600, {},
                                         **topic)
        self.driver.delivery_controller.fan_out(
            't', [{'id': 'm', 'body': 1, 'ttl': 60}], **topic)
        time.sleep(1.5)
        self.assertGreaterEqual(self.driver.gc(), 1)
        subs, _ = self.subscriptions.list('t', **topic)
        self.assertEqual([kept], [s.id for s in subs])
        self.assertEqual(1, self.raw.zcard(
            keys.subscription_keys(self.project, 't', scopes.TOPIC)[2]))
        # Only a topic: the project stays in the gc index.
        self.assertTrue(self.raw.sismember(keys.PROJECTS, self.project))
        self.queues.delete('t', **topic)
        self.driver.gc()
        self.assertFalse(self.raw.sismember(keys.PROJECTS, self.project))


class BehaviourTest(RedisDriverTestCase):

    def test_large_batches_are_stored_in_slices(self):
        ids = self.messages.post(
            'big', [{'body': {'i': i}, 'ttl': 60, 'delay': i % 2}
                    for i in range(1500)],
            project=self.project, client_uuid='c')
        self.assertEqual(1500, self.queues.stats(
            'big', project=self.project).total)
        got = self.messages.bulk_get('big', ids[-3:], project=self.project)
        self.assertEqual([{'i': 1497}, {'i': 1498}, {'i': 1499}],
                         [m.body for m in got])

    def test_created_times_keep_millisecond_precision(self):
        before = records.now()
        message_id = self.post('q')[0]
        created = self.messages.get('q', message_id,
                                    project=self.project).created
        self.assertAlmostEqual(before, created, delta=0.5)
        self.assertEqual(round(created, 3), created)

    def test_now_is_never_before_an_earlier_clock_read(self):
        for _ in range(20000):
            wall = time.time()
            stamp = records.now()
            self.assertGreaterEqual(stamp, wall)
            self.assertEqual(round(stamp, 3), stamp)

    def test_dead_letter_queue_named_like_the_source_is_ignored(self):
        self.queues.create('self', project=self.project, metadata={
            '_max_claim_count': 0, '_dead_letter_queue': 'self'})
        ids = self.post('self', 2)
        _, claimed = self.claims.create('self', project=self.project,
                                        ttl=60, grace=60)
        self.assertEqual(ids, [m.id for m in claimed])

    def test_malformed_marker_starts_from_the_beginning(self):
        ids = self.post('q', 2)
        page, _ = self.messages.list('q', project=self.project, echo=True,
                                     marker='not-a-number')
        self.assertEqual(ids, [m.id for m in page])

    def test_purge_keeps_the_queue_and_its_subscriptions(self):
        self.queues.create('q', project=self.project, metadata={'k': 1})
        self.post('q', 3)
        sub_id = self.subscriptions.create('q', 'http://h/x', 60, {},
                                           project=self.project)
        self.assertEqual(3, self.queues.purge('q', project=self.project))
        self.assertEqual(0, self.queues.stats('q',
                                              project=self.project).total)
        self.assertEqual({'k': 1}, self.queues.get_metadata(
            'q', project=self.project))
        self.subscriptions.get('q', sub_id, project=self.project)
        later = self.post('q', 1)
        self.assertEqual(later, [m.id for m in self.messages.list(
            'q', project=self.project, echo=True)[0]])

    def test_closed_port_raises_storage_unavailable_within_two_seconds(self):
        dead = redis_driver.DataDriver('redis://127.0.0.1:1?dbid=1', {})
        self.addCleanup(dead.close)
        for _ in range(3):
            started = time.monotonic()
            self.assertRaises(errors.StorageUnavailable,
                              dead.message_controller.post, 'q',
                              [{'body': 1, 'ttl': 60, 'delay': 0}],
                              project='p', client_uuid='c')
            self.assertLess(time.monotonic() - started, 2.0)
        self.assertFalse(dead.is_alive())

    def test_options_of_the_config_group_are_honoured(self):
        d = redis_driver.DataDriver(
            'redis://127.0.0.1:1', {'max_reconnect_attempts': 1,
                                    'reconnect_sleep': 0.01})
        self.addCleanup(d.close)
        self.assertEqual((1, 0.01), (d.executor.max_retries,
                                     d.executor.reconnect_sleep))
        started = time.monotonic()
        self.assertRaises(errors.StorageUnavailable, d.queue_controller.exists,
                          'q', project='p')
        self.assertLess(time.monotonic() - started, 0.5)


class WireTest(RedisDriverTestCase):
    """The lean command path never leaves a connection out of step."""

    def test_batch_reads_every_reply_before_raising(self):
        wire = self.driver.wire
        key = keys.project_prefix(self.project) + 'w'
        self.addCleanup(self.raw.delete, key)
        wire.call('SET', key, 'v')
        self.assertRaises(redis.exceptions.ResponseError, wire.batch,
                          [('GET', key), ('HGET', key, 'f'), ('GET', key)])
        self.assertEqual(b'v', wire.call('GET', key))
        self.assertEqual([b'v', b'PONG'], wire.batch([('GET', key),
                                                      ('PING',)]))

    def test_error_reply_keeps_the_connection(self):
        wire = self.driver.wire
        before = wire.call('CLIENT', 'ID')
        self.assertRaises(redis.exceptions.ResponseError, wire.call,
                          'NOSUCHCOMMAND')
        self.assertEqual(before, wire.call('CLIENT', 'ID'))

    def test_a_timed_out_reply_is_never_read_by_the_next_call(self):
        impatient = redis_driver.DataDriver(
            self.uri + '&socket_timeout=0.2', {})
        self.addCleanup(impatient.close)
        key = keys.project_prefix(self.project) + 'empty'
        self.assertRaises(redis.exceptions.TimeoutError,
                          impatient.wire.call, 'BLPOP', key, 1)
        self.assertEqual(b'PONG', impatient.wire.call('PING'))
        time.sleep(1.0)
        self.assertEqual(b'PONG', impatient.wire.call('PING'))

    def test_connections_are_kept_between_calls(self):
        wire = self.driver.wire
        first = wire.call('CLIENT', 'ID')
        self.assertEqual(first, wire.call('CLIENT', 'ID'))
        self.assertEqual([first], wire.batch([('CLIENT', 'ID')]))

    def test_dropping_idle_connections_drops_the_kept_ones(self):
        wire = self.driver.wire
        before = wire.call('CLIENT', 'ID')
        wire.drop_idle()
        self.assertNotEqual(before, wire.call('CLIENT', 'ID'))

    def test_a_kept_connection_the_server_closed_is_replaced(self):
        wire = self.driver.wire
        killed = wire.call('CLIENT', 'ID')
        self.raw.execute_command('CLIENT', 'KILL', 'ID', killed)
        # The retry policy sees the lost connection and tries again.
        ids = self.post('q', 2)
        self.assertEqual(2, len(ids))
        self.assertNotEqual(killed, wire.call('CLIENT', 'ID'))

    def test_a_forked_child_opens_its_own_connection(self):
        wire = self.driver.wire
        parent = wire.call('CLIENT', 'ID')
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            os.close(read)
            try:
                os.write(write, str(wire.call('CLIENT', 'ID')).encode())
            finally:
                os._exit(0)
        os.close(write)
        child = os.read(read, 64).decode()
        os.close(read)
        os.waitpid(pid, 0)
        self.assertTrue(child.isdigit(), child)
        self.assertNotEqual(str(parent), child)
        self.assertEqual(parent, wire.call('CLIENT', 'ID'))


class _Pool:
    """Stands in for a connection pool: the retry policy only resets it."""

    def __init__(self) -> None:
        self.resets = 0

    def disconnect(self, inuse_connections: bool = True) -> None:
        self.resets += 1


class _Wire:
    def __init__(self) -> None:
        self.pool = _Pool()

    def drop_idle(self) -> None:
        self.pool.disconnect(inuse_connections=False)


class RetryPolicyTest(testtools.TestCase):
    """resilience.Executor: bounded retries, fast failure while degraded."""

    def executor(self, **kwargs) -> resilience.Executor:
        return resilience.Executor(_Wire(), **kwargs)

    def failing(self, failures: int, result='ok'):
        calls = []

        def fn(wire, retrying):
            calls.append(retrying)
            if len(calls) <= failures:
                raise redis.exceptions.ConnectionError('refused')
            return result
        return fn, calls

    def test_transient_failures_are_retried_flagged_as_retries(self):
        fn, calls = self.failing(2)
        self.assertEqual('ok', self.executor().call(fn))
        self.assertEqual([False, True, True], calls)

    def test_retries_stop_at_max_reconnect_attempts(self):
        fn, calls = self.failing(100)
        ex = self.executor(max_retries=3, reconnect_sleep=0)
        self.assertRaises(errors.StorageUnavailable, ex.call, fn)
        self.assertEqual(4, len(calls))

    def test_retries_stop_when_the_time_budget_is_spent(self):
        fn, _ = self.failing(10 ** 6)
        ex = self.executor(max_retries=10 ** 6, reconnect_sleep=0.05,
                           retry_deadline=0.3)
        started = time.monotonic()
        self.assertRaises(errors.StorageUnavailable, ex.call, fn)
        self.assertLess(time.monotonic() - started, 0.6)
        self.assertTrue(ex.degraded)

    def test_degraded_calls_give_up_sooner_and_success_heals(self):
        ex = self.executor(max_retries=10 ** 6, reconnect_sleep=0.02,
                           retry_deadline=1.0, degraded_deadline=0.1)
        self.assertRaises(errors.StorageUnavailable, ex.call,
                          self.failing(10 ** 6)[0])
        started = time.monotonic()
        self.assertRaises(errors.StorageUnavailable, ex.call,
                          self.failing(10 ** 6)[0])
        self.assertLess(time.monotonic() - started, 0.4)
        self.assertEqual('ok', ex.call(self.failing(0)[0]))
        self.assertFalse(ex.degraded)

    def test_other_redis_errors_are_unavailable_at_once(self):
        calls = []

        def fn(wire, retrying):
            calls.append(1)
            raise redis.exceptions.ResponseError('WRONGTYPE')
        self.assertRaises(errors.StorageUnavailable, self.executor().call,
                          fn)
        self.assertEqual(1, len(calls))

    def test_contract_errors_pass_through(self):
        def fn(wire, retrying):
            raise errors.QueueDoesNotExist('q', 'p')
        self.assertRaises(errors.QueueDoesNotExist, self.executor().call,
                          fn)


class ScriptFilesTest(testtools.TestCase):
    """The .lua files ship beside the module and document themselves."""

    def test_every_atomic_operation_has_its_script(self):
        self.assertTrue(set(scripts.script_names()) >= {
            'message_post', 'claim_create', 'claim_update', 'claim_delete',
            'message_delete', 'message_bulk_delete', 'message_pop',
            'queue_delete', 'queue_purge', 'gc'})

    def test_every_script_header_documents_keys_argv_and_effects(self):
        for name in scripts.script_names():
            path = os.path.join(scripts.SCRIPT_DIR, name + '.lua')
            with open(path, encoding='utf-8') as f:
                text = f.read()
            header = scripts.without_license(text).split('\nlocal ', 1)[0]
            self.assertTrue(header.startswith(f'-- {name}.lua: '), name)
            self.assertIn('KEYS[1', header, name)
            self.assertIn('ARGV', header, name)
            self.assertTrue(re.search(r'(Touches|Read-only|read-only)',
                                      header), name)
            self.assertTrue(all(len(line) <= 79
                                for line in text.splitlines()), name)

    def test_shas_are_stable_and_distinct(self):
        one, two = scripts.ScriptSet(), scripts.ScriptSet()
        shas = {n: s.sha for n, s in one.scripts.items()}
        self.assertEqual(shas, {n: s.sha for n, s in two.scripts.items()})
        self.assertEqual(len(shas), len(set(shas.values())))

    def test_retry_tokens_outlive_the_longest_retry_loop(self):
        driver = redis_driver.DataDriver('redis://127.0.0.1:1', {})
        self.addCleanup(driver.close)
        # A retry starts within the deadline; the attempt before it may
        # have waited a whole socket timeout.
        window = (driver.executor.retry_deadline
                  + driver.settings.socket_timeout)
        self.assertGreater(redis_messages.TOKEN_TTL_MS / 1000, 2 * window)
