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

"""The polling push source against a real SQLite store."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import tempfile
import unittest

from oslo_config import cfg

from zaqar import conf as zconf
from zaqar.api import service as api_service
from zaqar.storage import loader
from zaqar.transport.websocket import push


class Ctx:
    """The part of a request context a push source reads."""

    def __init__(self, project: str = 'p'):
        self.project_id = project


class Target:
    """A PushTarget that remembers what it was given."""

    def __init__(self):
        self.got: list[dict] = []

    def deliver(self, queue_name: str, messages: list[dict]) -> None:
        self.got.extend(messages)


class PollingPushSourceTest(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.dir = tempfile.mkdtemp(prefix='zaqar-push-')
        self.addCleanup(shutil.rmtree, self.dir, ignore_errors=True)
        conf = cfg.ConfigOpts()
        zconf.register_opts(conf)
        conf([])
        driver = loader.load_data_driver(
            'sqlalchemy', 'sqlite:///' + os.path.join(self.dir, 'z.db'), {})
        self.addCleanup(driver.close)
        self.svc = api_service.Service(conf, driver)
        self.pool = concurrent.futures.ThreadPoolExecutor(2)
        self.addCleanup(self.pool.shutdown)

    def post(self, queue: str, *bodies, project: str = 'p') -> list[str]:
        return self.svc.messages.post(
            queue, [{'body': b, 'ttl': 300, 'delay': 0} for b in bodies],
            project=project, client_uuid='c')

    def run_async(self, coro):
        return asyncio.run(coro)

    def test_pushes_new_messages_once_each_in_order(self):
        async def scenario():
            source = push.PollingPushSource(self.svc, self.pool,
                                            interval=0.01, lookback=5)
            target = Target()
            self.post('q', 'old')
            await source.subscribe(Ctx(), 'q', target, 3600, {})
            watch = source._watches[('p', 'q')]
            ids = self.post('q', 1, 2)
            await source._poll(watch)
            ids += self.post('q', 3)
            # Within the lookback window every read covers the earlier
            # messages again; none is delivered twice.
            await source._poll(watch)
            await source._poll(watch)
            return ids, target.got
        ids, got = self.run_async(scenario())
        self.assertEqual(ids, [m['id'] for m in got])
        self.assertEqual([1, 2, 3], [m['body'] for m in got])
        self.assertEqual({'q'}, {m['queue_name'] for m in got})

    def test_other_projects_are_not_pushed(self):
        async def scenario():
            source = push.PollingPushSource(self.svc, self.pool,
                                            lookback=0)
            target = Target()
            await source.subscribe(Ctx(), 'q', target, 3600, {})
            self.post('q', 'theirs', project='other')
            await source._poll(source._watches[('p', 'q')])
            return target.got
        self.assertEqual([], self.run_async(scenario()))

    def test_last_unsubscribe_drops_the_watch(self):
        async def scenario():
            source = push.PollingPushSource(self.svc, self.pool)
            first, second = Target(), Target()
            await source.subscribe(Ctx(), 'q', first, 3600, {})
            await source.subscribe(Ctx(), 'q', second, 3600, {})
            await source.unsubscribe(Ctx(), 'q', 'id', first)
            watched = ('p', 'q') in source._watches
            await source.unsubscribe(Ctx(), 'q', 'id', second)
            await source.unsubscribe(Ctx(), 'q', 'id', second)
            return watched, ('p', 'q') in source._watches
        self.assertEqual((True, False), self.run_async(scenario()))

    def test_background_task_delivers_and_stops(self):
        async def scenario():
            source = push.PollingPushSource(self.svc, self.pool,
                                            interval=0.01, max_interval=0.05)
            target = Target()
            await source.start()
            await source.subscribe(Ctx(), 'q', target, 3600, {})
            ids = await asyncio.get_running_loop().run_in_executor(
                self.pool, self.post, 'q', 'a', 'b')
            for _ in range(200):
                if len(target.got) == 2:
                    break
                await asyncio.sleep(0.01)
            await source.stop()
            return ids, [m['id'] for m in target.got]
        ids, got = self.run_async(scenario())
        self.assertEqual(ids, got)

    def test_a_long_backlog_is_read_in_pages(self):
        async def scenario():
            source = push.PollingPushSource(self.svc, self.pool, lookback=0)
            target = Target()
            await source.subscribe(Ctx(), 'q', target, 3600, {})
            ids = self.post('q', *range(push._PAGE + 5))
            await source._poll(source._watches[('p', 'q')])
            return ids, [m['id'] for m in target.got]
        ids, got = self.run_async(scenario())
        self.assertEqual(ids, got)
