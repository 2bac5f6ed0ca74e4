"""[tracing] OpenTelemetry spans of requests, storage calls and webhooks."""

from oslo_config import cfg

GROUP = 'tracing'

OPTS = [
    cfg.BoolOpt('enabled', default=False,
                help='Make OpenTelemetry spans for API requests, storage '
                     'calls and webhook deliveries, continuing a W3C trace '
                     'context a request brings and passing it on to '
                     'webhook subscribers (traceparent header).'),
    cfg.StrOpt('exporter', default='otlp',
               choices=('otlp', 'console', 'none'),
               help='Where spans go: "otlp" (OTLP over HTTP; needs the '
                    'opentelemetry-exporter-otlp-proto-http package), '
                    '"console" (standard output), or "none": keep the '
                    'tracer provider this process already has (for '
                    'example one set up by opentelemetry-instrument).'),
    cfg.StrOpt('otlp_endpoint',
               help='OTLP/HTTP traces URL, e.g. '
                    'http://collector:4318/v1/traces. Unset: the '
                    'exporter\'s own default and OTEL_* environment.'),
    cfg.StrOpt('service_name', default='zaqar',
               help='The service.name resource attribute of the spans.'),
]


def list_opts():
    return {GROUP: OPTS}
