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

"""OpenTelemetry spans captured in memory; trace context in a real webhook.

The service and its WSGI application run in this process (tracing on,
``exporter = none`` so the spans reach the provider the test installs);
the notifier delivers to an HTTP receiver on a loopback port.
"""

from __future__ import annotations

import http.server
import secrets
import threading
import time
import unittest

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)

from tests.functional import server as fserver
from tests.inprocess import app as inprocess
from zaqar.notification import pipeline
from zaqar.tracing import hooks

TRACING = """
[tracing]
enabled = true
exporter = none
[notification]
destination_allowlist = 127.0.0.0/8
"""


def _exporter() -> InMemorySpanExporter:
    """An in-memory exporter on this process's SDK tracer provider."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
        provider = trace.get_tracer_provider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length') or 0))
        type(self).received.append(dict(self.headers))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class OpenTelemetryTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exporter = _exporter()
        cls.app = inprocess.InProcessApp(TRACING)
        cls.addClassCleanup(cls.app.close)

    def setUp(self):
        super().setUp()
        self.exporter.clear()

    def spans(self, name: str):
        return [s for s in self.exporter.get_finished_spans()
                if s.name == name]

    def test_request_span_continues_the_callers_trace(self):
        trace_id = secrets.token_hex(16)
        parent_id = secrets.token_hex(8)
        resp = self.app.request('PUT', '/v2/queues/traced', headers={
            'traceparent': f'00-{trace_id}-{parent_id}-01'})
        self.assertEqual(201, resp.status_int)
        [server] = self.spans('PUT /v2/queues/{queue_name}')
        self.assertEqual(trace.SpanKind.SERVER, server.kind)
        self.assertEqual(int(trace_id, 16), server.context.trace_id)
        self.assertEqual(int(parent_id, 16), server.parent.span_id)
        self.assertEqual(201, server.attributes['http.response.status_code'])
        self.assertEqual(resp.headers['x-openstack-request-id'],
                         server.attributes['openstack.request_id'])
        storage = [s for s in self.exporter.get_finished_spans()
                   if s.name.startswith('sqlalchemy queue.')]
        self.assertTrue(storage)
        for span in storage:
            self.assertEqual(server.context.span_id, span.parent.span_id)
            self.assertEqual(server.context.trace_id, span.context.trace_id)

    def deliver_one(self, queue: str, headers: dict | None = None) -> dict:
        """Subscribe a local receiver, post one message (with ``headers``),
        run the notifier; the headers the receiver got."""
        _Receiver.received = []
        port = fserver.free_port()
        receiver = http.server.HTTPServer(('127.0.0.1', port), _Receiver)
        thread = threading.Thread(target=receiver.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(receiver.server_close)
        self.addCleanup(receiver.shutdown)
        resp = self.app.request('POST', f'/v2/queues/{queue}/subscriptions',
                                {'subscriber': f'http://127.0.0.1:{port}/',
                                 'ttl': 3600})
        self.assertEqual(201, resp.status_int, resp.text)
        resp = self.app.request('POST', f'/v2/queues/{queue}/messages',
                                {'messages': [{'body': {'n': 1}}]},
                                headers=headers or {})
        self.assertEqual(201, resp.status_int, resp.text)
        notifier = pipeline.Notifier(self.app.service).start()
        self.addCleanup(notifier.stop)
        deadline = time.monotonic() + 30
        while not _Receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertTrue(_Receiver.received, 'no delivery arrived')
        return {k.lower(): v for k, v in _Receiver.received[0].items()}

    def test_delivery_span_continues_the_posts_trace(self):
        trace_id = secrets.token_hex(16)
        headers = self.deliver_one('traced-hook', {
            'traceparent': f'00-{trace_id}-{secrets.token_hex(8)}-01'})
        [post] = self.spans('POST /v2/queues/{queue_name}/messages')
        self.assertEqual(int(trace_id, 16), post.context.trace_id)
        [delivery] = self.spans('webhook delivery')
        # A child of the post's request span, in the caller's trace...
        self.assertEqual(post.context.trace_id, delivery.context.trace_id)
        self.assertEqual(post.context.span_id, delivery.parent.span_id)
        # ...and what the subscriber receives belongs to that trace too.
        _, sent_trace, sent_span, _ = headers['traceparent'].split('-')
        self.assertEqual(trace_id, sent_trace)
        self.assertEqual(delivery.context.span_id, int(sent_span, 16))

    def test_webhook_request_carries_the_delivery_span_context(self):
        headers = self.deliver_one('hooked')
        version, trace_id, span_id, flags = headers['traceparent'].split('-')
        self.assertEqual('00', version)
        self.assertTrue(int(flags, 16) & 1, 'not sampled')
        deliveries = self.spans('webhook delivery')
        self.assertTrue(deliveries)
        span = deliveries[0]
        self.assertEqual(int(trace_id, 16), span.context.trace_id)
        self.assertEqual(int(span_id, 16), span.context.span_id)
        self.assertEqual(trace.SpanKind.CLIENT, span.kind)
        self.assertEqual('127.0.0.1', span.attributes['server.address'])
        self.assertEqual(headers['x-zaqar-delivery'],
                         span.attributes['zaqar.delivery.id'])


class UntracedOutboxTest(unittest.TestCase):
    """With tracing off a post stores no trace context with its deliveries."""

    def setUp(self):
        super().setUp()
        # The hooks are process-wide and another test of this process may
        # have turned tracing on: start from what an untraced process has.
        for name, default in (('current_traceparent', hooks._no_trace),
                              ('webhook_span', hooks._untraced)):
            self.addCleanup(setattr, hooks, name, getattr(hooks, name))
            setattr(hooks, name, default)
        self.app = inprocess.InProcessApp(
            '\n[notification]\ndestination_allowlist = 127.0.0.0/8\n')
        self.addCleanup(self.app.close)

    def test_deliveries_carry_no_traceparent(self):
        resp = self.app.request('POST', '/v2/queues/plain/subscriptions',
                                {'subscriber': 'http://127.0.0.1:9/',
                                 'ttl': 3600})
        self.assertEqual(201, resp.status_int, resp.text)
        resp = self.app.request(
            'POST', '/v2/queues/plain/messages',
            {'messages': [{'body': 1}]},
            headers={'traceparent': f'00-{"ab" * 16}-{"cd" * 8}-01'})
        self.assertEqual(201, resp.status_int, resp.text)
        leased = self.app.service.outbox.lease(10, 30)
        self.assertEqual(1, len(leased))
        self.assertEqual({'id', 'body', 'ttl'}, set(leased[0].payload))
