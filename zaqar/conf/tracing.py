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
