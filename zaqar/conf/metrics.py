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

"""[metrics] Prometheus metrics: /metrics for admins, what is measured."""

from oslo_config import cfg

GROUP = 'metrics'

OPTS = [
    cfg.BoolOpt('enabled', default=False,
                help='Measure requests, messages, storage calls, deliveries '
                     'and WebSocket connections, and serve them at /metrics '
                     'on the API port (admins only).'),
    cfg.StrOpt('multiproc_dir',
               help='Directory the API worker processes share their '
                    'measurements through (prometheus-client multiprocess '
                    'mode). Unset: zaqar-server makes a fresh temporary '
                    'one. Under uWSGI or mod_wsgi set the '
                    'PROMETHEUS_MULTIPROC_DIR environment variable instead.'),
    cfg.PortOpt('listen_port',
                help='Also serve /metrics, without authentication, on this '
                     'port of listen_host (zaqar-websocket and '
                     'zaqar-notifier, which have no API port of their own, '
                     'use it too). Unset: no separate listener.'),
    cfg.HostAddressOpt('listen_host', default='127.0.0.1',
                       help='Address of the separate metrics listener.'),
    cfg.IntOpt('backlog_queues', default=10, min=0,
               help='How many of the largest recently used queues report '
                    'their free and claimed message counts '
                    '(zaqar_queue_messages); 0 turns the gauge off.'),
    cfg.BoolOpt('backlog_project_label', default=False,
                help='Label zaqar_queue_messages with the project id too. '
                     'Off by default: one series per project does not scale '
                     'on a multi-tenant service.'),
]


def list_opts():
    return {GROUP: OPTS}
