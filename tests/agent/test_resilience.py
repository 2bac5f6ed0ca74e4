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

"""At-least-once delivery through a killed RPC server; server restarts."""

from __future__ import annotations

import signal
import threading
import time

import oslo_messaging

from tests.agent import base

# Seconds a slow call runs: more than the claim TTL (60 s), so only the
# listener's claim renewals keep it from running twice.
LONGER_THAN_A_CLAIM = 66


def _call_in_thread(client, results: dict, key, *args, **kwargs):
    def run():
        start = time.monotonic()
        try:
            results[key] = ('answer', client.call({}, *args, **kwargs))
        except Exception as exc:
            results[key] = ('error', exc)
        results[key] += (time.monotonic() - start,)
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


class TestKilledServer(base.AgentTestCase):

    def test_request_of_killed_server_runs_again_after_claim_expiry(self):
        hung = self.spawn('rpc-server', 'a', server='a', slow=3600)
        client = oslo_messaging.get_rpc_client(
            self.rpc_transport(), oslo_messaging.Target(topic=self.topic))
        results: dict = {}
        patient = _call_in_thread(client.prepare(timeout=150), results,
                                  'patient', 'slow', i=1)
        hasty = _call_in_thread(client.prepare(timeout=5), results,
                                'hasty', 'slow', i=2)
        self.wait_until(lambda: len(self.events('a', 'started')) == 2, 30,
                        'server a started both calls')
        hung.send_signal(signal.SIGKILL)
        hung.wait()
        self.spawn('rpc-server', 'b', server='b')
        hasty.join(30)
        kind, error, seconds = results['hasty']
        self.assertEqual('error', kind)
        self.assertIsInstance(error, oslo_messaging.MessagingTimeout)
        patient.join(150)
        kind, answer, seconds = results['patient']
        self.assertEqual('answer', kind, answer)
        # Server b answered once the claim of server a expired (60 s).
        self.assertEqual({'i': 1, 'server': 'b'}, answer)
        self.assertGreater(seconds, 55)
        time.sleep(1)
        # The call whose caller gave up is not run again.
        self.assertEqual([1], [r['i'] for r in self.events('b', 'started')])

    def test_a_call_longer_than_a_claim_runs_once(self):
        """The listener renews the claim while the call runs."""
        self.spawn('rpc-server', 'long', server='long',
                   slow=LONGER_THAN_A_CLAIM)
        client = oslo_messaging.get_rpc_client(
            self.rpc_transport(), oslo_messaging.Target(topic=self.topic),
            timeout=LONGER_THAN_A_CLAIM + 60)
        self.assertEqual({'i': 5, 'server': 'long'},
                         client.call({}, 'slow', i=5))
        time.sleep(1)
        self.assertEqual([5], [r['i'] for r in self.events('long',
                                                            'started')])

    def test_call_monitor_heartbeats_keep_a_slow_call_alive(self):
        self.spawn('rpc-server', 's', server='s', slow=8)
        client = oslo_messaging.get_rpc_client(
            self.rpc_transport(), oslo_messaging.Target(topic=self.topic))
        answer = client.prepare(timeout=60, call_monitor_timeout=4).call(
            {}, 'slow', i=3)
        self.assertEqual({'i': 3, 'server': 's'}, answer)
        # With nobody to heartbeat, the monitor gives up long before the
        # call's own timeout.
        start = time.monotonic()
        self.assertRaises(
            oslo_messaging.MessagingTimeout,
            client.prepare(server='nobody', timeout=60,
                           call_monitor_timeout=4).call, {}, 'echo', i=4)
        self.assertLess(time.monotonic() - start, 30)


class TestServerRestart(base.AgentTestCase):

    def test_clients_and_servers_reconnect_after_a_restart(self):
        self.spawn('rpc-server', 's1', server='s1')
        client = oslo_messaging.get_rpc_client(
            self.rpc_transport(), oslo_messaging.Target(topic=self.topic),
            timeout=60)
        answers, errors = [], []
        stop = threading.Event()

        def calls():
            i = 0
            while not stop.is_set():
                start = time.monotonic()
                try:
                    answers.append((client.call({}, 'echo', i=i), start,
                                    time.monotonic()))
                except Exception as exc:
                    errors.append(exc)
                i += 1
        caller = threading.Thread(target=calls, daemon=True)
        caller.start()
        self.wait_until(lambda: len(answers) >= 5, 30, 'calls before')
        self.server.stop()
        down_at = time.monotonic()
        # A cast while the service is down waits and then goes through.
        caster = threading.Thread(target=client.cast, daemon=True,
                                  args=({}, 'record'),
                                  kwargs={'tag': 'during-outage'})
        caster.start()
        time.sleep(3)
        self.server.start()
        up_at = time.monotonic()
        self.wait_until(
            lambda: sum(1 for a in answers if a[1] > up_at) >= 5, 60,
            'calls after the restart')
        stop.set()
        caller.join(60)
        caster.join(60)
        self.assertEqual([], errors)
        # Some call was in flight across the outage and still answered.
        self.assertTrue(any(a[1] < down_at + 0.5 and a[2] > up_at
                            for a in answers), 'no call spanned the outage')
        numbers = [a[0]['i'] for a in answers]
        self.assertEqual(list(range(len(numbers))), numbers)
        self.wait_until(lambda: self.events('s1', 'handled') and any(
            r.get('tag') == 'during-outage'
            for r in self.events('s1', 'handled')), 30,
            'the cast sent during the outage')
