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

"""[drivers:transport:websocket] where the WebSocket API listens."""

from oslo_config import cfg

GROUP = 'drivers:transport:websocket'

OPTS = [
    cfg.HostAddressOpt('bind', default='127.0.0.1',
                       help='Address the WebSocket API binds to.'),
    cfg.PortOpt('port', default=9000,
                help='Port the WebSocket API binds to.'),
    cfg.PortOpt('external_port',
                help='Port clients reach the WebSocket API on, if a proxy '
                     'changes it.'),
    cfg.HostAddressOpt('notification_bind',
                       help='Address of the internal push listener.'),
    cfg.PortOpt('notification_port', default=0,
                help='Port of the internal push listener (0 = any).'),
    cfg.IntOpt('max_frame_size', default=1024 * 1024, min=1024,
               help='Largest frame (message) a client may send, in bytes; '
                    'a larger one closes the connection with code 1009.'),
    cfg.FloatOpt('max_requests_per_second', default=100.0, min=0,
                 help='Sustained requests per second one connection may '
                      'send (0 = unlimited). Requests over the rate are '
                      'answered 429 without being run.'),
    cfg.IntOpt('rate_limit_burst', default=50, min=1,
               help='Requests a connection may send at once above the '
                    'sustained rate; as many consecutive refusals close '
                    'the connection with code 1008.'),
    cfg.IntOpt('idle_timeout', default=300, min=0,
               help='Seconds without a frame from the client after which '
                    'a connection with no push subscription is closed '
                    '(code 1000; 0 = never).'),
    cfg.IntOpt('max_connections', default=10000, min=1,
               help='Connections one server process accepts; more are '
                    'closed at once with code 1013 (try again later).'),
    cfg.IntOpt('worker_threads', default=16, min=1,
               help='Threads running blocking storage calls.'),
    cfg.FloatOpt('push_poll_interval', default=0.1, min=0.01,
                 help='Seconds between two reads of a queue that has push '
                      'subscribers and just received messages.'),
    cfg.FloatOpt('push_poll_max_interval', default=0.5, min=0.01,
                 help='Longest wait between two reads of a quiet queue '
                      'with push subscribers (the wait doubles while the '
                      'queue stays quiet).'),
    cfg.FloatOpt('push_lookback', default=1.0, min=0,
                 help='Seconds of already-read messages each push read '
                      'covers again, so a post whose transaction commits '
                      'late is still pushed (ids are de-duplicated).'),
    cfg.StrOpt('push_source', default='auto',
               choices=[('auto', 'pipeline when the notification outbox '
                                 'and the subscription operations exist, '
                                 'else poll'),
                        ('pipeline', 'connection subscriptions are stored '
                                     'and delivered by the notifier to this '
                                     'server\'s push listener '
                                     '(notification_bind/notification_port)'),
                        ('poll', 'this server reads subscribed queues '
                                 'itself (push_poll_* options)')],
               help='Where pushed messages come from.'),
    cfg.IntOpt('push_backlog', default=1000, min=1,
               help='Pushed frames one connection may have waiting to be '
                    'sent; a client that falls further behind is closed '
                    'with code 1013.'),
]


def list_opts():
    return {GROUP: OPTS}
