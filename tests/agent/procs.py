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

"""Separate processes with real oslo.messaging objects, for the agent tests.

``python -m tests.agent.procs ROLE ...``; each role appends one JSON line
per event to ``--log`` (flushed at once, so the test reads it live) and
prints ``READY`` once its server or listener runs. Roles:

* ``rpc-server``: an RPC server (threading executor) whose endpoint
  records every request it handles; ``slow`` sleeps, ``echo`` answers.
* ``rpc-client``: ``--calls`` echo calls over ``--threads`` threads; one
  line per answer (or error).
* ``listener``: a notification listener, optionally in ``--pool``; a
  notification with ``requeue`` in its payload is requeued the first time
  this process sees it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time

import oslo_messaging
from oslo_config import cfg


class Log:
    def __init__(self, path: str):
        self._file = open(path, 'a', buffering=1)
        self._lock = threading.Lock()

    def write(self, **fields) -> None:
        fields.setdefault('pid', os.getpid())
        fields.setdefault('t', time.time())
        with self._lock:
            self._file.write(json.dumps(fields) + '\n')
            self._file.flush()


class Endpoint:
    def __init__(self, name: str, log: Log, slow_seconds: float = 0.0):
        self.name = name
        self.log = log
        self.slow_seconds = slow_seconds

    def echo(self, ctxt, i):
        self.log.write(event='handled', method='echo', i=i, server=self.name)
        return {'i': i, 'server': self.name}

    def slow(self, ctxt, i):
        """Takes this server's --slow seconds (a server to kill hangs)."""
        self.log.write(event='started', method='slow', i=i, server=self.name)
        time.sleep(self.slow_seconds)
        self.log.write(event='handled', method='slow', i=i, server=self.name)
        return {'i': i, 'server': self.name}

    def record(self, ctxt, tag):
        self.log.write(event='handled', method='record', tag=tag,
                       server=self.name)


class NotificationEndpoint:
    def __init__(self, name: str, log: Log):
        self.name = name
        self.log = log
        self.seen: set = set()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        i = payload.get('i')
        if payload.get('requeue') and i not in self.seen:
            self.seen.add(i)
            self.log.write(event='requeued', i=i, listener=self.name)
            return oslo_messaging.NotificationResult.REQUEUE
        self.log.write(event='handled', i=i, listener=self.name,
                       event_type=event_type)
        return oslo_messaging.NotificationResult.HANDLED


def _wait_for_signal(stop) -> None:
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    print('READY', flush=True)
    while not done.wait(0.2):
        pass
    stop()


def rpc_server(args, transport, log) -> None:
    target = oslo_messaging.Target(topic=args.topic, server=args.server,
                                   exchange=args.exchange)
    server = oslo_messaging.get_rpc_server(
        transport, target, [Endpoint(args.server, log, args.slow)])
    server.start()

    def stop():
        server.stop()
        server.wait()
    _wait_for_signal(stop)


def rpc_client(args, transport, log) -> None:
    client = oslo_messaging.get_rpc_client(
        transport, oslo_messaging.Target(topic=args.topic,
                                         exchange=args.exchange),
        timeout=args.timeout)
    numbers = list(range(args.first, args.first + args.calls))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                if not numbers:
                    return
                i = numbers.pop()
            start = time.monotonic()
            try:
                answer = client.call({}, 'echo', i=i)
                log.write(event='answer', i=i, answer=answer,
                          seconds=time.monotonic() - start)
            except Exception as exc:
                log.write(event='error', i=i, error=repr(exc))
    threads = [threading.Thread(target=work) for _ in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def listener(args, transport, log) -> None:
    targets = [oslo_messaging.Target(topic=args.topic,
                                     exchange=args.exchange)]
    server = oslo_messaging.get_notification_listener(
        transport, targets, [NotificationEndpoint(args.name, log)],
        allow_requeue=True, pool=args.pool)
    server.start()

    def stop():
        server.stop()
        server.wait()
    _wait_for_signal(stop)


ROLES = {'rpc-server': rpc_server, 'rpc-client': rpc_client,
         'listener': listener}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('role', choices=sorted(ROLES))
    parser.add_argument('--url', required=True)
    parser.add_argument('--log', required=True)
    parser.add_argument('--topic', required=True)
    parser.add_argument('--exchange', default='openstack')
    parser.add_argument('--server', default='server')
    parser.add_argument('--name', default='listener')
    parser.add_argument('--pool', default=None)
    parser.add_argument('--calls', type=int, default=0)
    parser.add_argument('--first', type=int, default=0)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--timeout', type=float, default=60)
    parser.add_argument('--slow', type=float, default=0.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    cfg.CONF([], project='zaqar-agent-test')
    notifications = args.role == 'listener'
    get = (oslo_messaging.get_notification_transport if notifications
           else oslo_messaging.get_rpc_transport)
    log = Log(args.log)
    transport = get(cfg.CONF, url=args.url)
    try:
        ROLES[args.role](args, transport, log)
    finally:
        transport.cleanup()
    return 0


if __name__ == '__main__':
    sys.exit(main())
