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

"""OpenTelemetry: the tracer, request and storage spans, webhook context.

Spans go to the exporter ``[tracing] exporter`` names. An incoming W3C
``traceparent`` continues the caller's trace; storage calls are children
of the request span; each webhook delivery is a client span whose context
goes to the subscriber in ``traceparent``; the post that caused a
delivery stores its own traceparent with it (hooks.current_traceparent),
so the delivery span is a child of the post's trace.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from zaqar.common import errors, routes
from zaqar.tracing import hooks

TRACER_NAME = 'zaqar'


def setup(conf) -> trace.Tracer:
    """Install the exporter (unless "none") and the webhook hook."""
    group = conf.tracing
    if group.exporter != 'none':
        trace.set_tracer_provider(_provider(group))
    tracer = trace.get_tracer(TRACER_NAME)
    hooks.webhook_span = _webhook_span(tracer)
    hooks.current_traceparent = current_traceparent
    return tracer


def _provider(group):
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider, export
    if group.exporter == 'console':
        exporter = export.ConsoleSpanExporter()
    else:
        try:
            from opentelemetry.exporter.otlp.proto.http import trace_exporter
        except ImportError:
            raise errors.ConfigError(
                '[tracing] exporter = otlp needs the '
                'opentelemetry-exporter-otlp-proto-http package.') from None
        kwargs = {'endpoint': group.otlp_endpoint} \
            if group.otlp_endpoint else {}
        exporter = trace_exporter.OTLPSpanExporter(**kwargs)
    provider = TracerProvider(
        resource=Resource.create({'service.name': group.service_name}))
    provider.add_span_processor(export.BatchSpanProcessor(exporter))
    return provider


class _EnvironGetter:
    """Reads propagation headers from a WSGI environ."""

    @staticmethod
    def get(environ, key: str):
        value = environ.get('HTTP_' + key.upper().replace('-', '_'))
        return [value] if value is not None else None

    @staticmethod
    def keys(environ):
        return [k[5:].lower().replace('_', '-') for k in environ
                if k.startswith('HTTP_')]


_GETTER = _EnvironGetter()


class TracedRequests:
    """One server span per request, continuing an incoming trace."""

    def __init__(self, app, tracer: trace.Tracer):
        self.app = app
        self.tracer = tracer

    def __call__(self, environ, start_response):
        method = environ.get('REQUEST_METHOD', 'GET')
        route = routes.template(environ.get('PATH_INFO', ''))
        parent = propagate.extract(environ, getter=_GETTER)
        with self.tracer.start_as_current_span(
                f'{method} {route}', context=parent, kind=SpanKind.SERVER,
                attributes={'http.request.method': method,
                            'http.route': route}) as span:
            request_id = environ.get('openstack.request_id')
            if request_id:
                span.set_attribute('openstack.request_id', request_id)

            def traced_start(status, headers, exc_info=None):
                code = int(status[:3])
                span.set_attribute('http.response.status_code', code)
                if code >= 500:
                    span.set_status(Status(StatusCode.ERROR))
                return start_response(status, headers, exc_info)
            return self.app(environ, traced_start)


def storage_observer(tracer: trace.Tracer):
    """A zaqar.storage.observed observer making one span per call."""
    def observe(driver: str, controller: str, method: str, func):
        name = f'{driver} {controller}.{method}'
        attributes = {'db.system.name': driver,
                      'db.operation.name': f'{controller}.{method}'}

        def traced(*args, **kwargs):
            with tracer.start_as_current_span(name, kind=SpanKind.CLIENT,
                                              attributes=attributes):
                return func(*args, **kwargs)
        return traced
    return observe


def current_traceparent() -> str | None:
    """The W3C traceparent of the current span (None when there is none)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get('traceparent')


def _webhook_span(tracer: trace.Tracer):
    @contextlib.contextmanager
    def webhook_span(url: str, delivery_id: str, parent: str | None = None):
        # The post's context (stored with the delivery), else a new trace.
        context = (propagate.extract({'traceparent': parent})
                   if parent else None)
        with tracer.start_as_current_span(
                'webhook delivery', context=context, kind=SpanKind.CLIENT,
                # The host only: subscriber URLs may carry secrets.
                attributes={'server.address': urlsplit(url).hostname or '',
                            'zaqar.delivery.id': delivery_id}):
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            yield carrier
    return webhook_span
