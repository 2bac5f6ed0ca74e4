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

"""The metric objects. Importing this module imports prometheus-client."""

from __future__ import annotations

import prometheus_client as prom

# Request latencies: from a cached read to a slow long-poll.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                   1.0, 2.5, 5.0, 10.0, 30.0)
# Storage calls: a Redis round trip up to a slow SQL transaction.
STORAGE_BUCKETS = (0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                   0.1, 0.25, 1.0, 5.0)

REQUESTS = prom.Counter(
    'zaqar_http_requests_total', 'HTTP requests answered.',
    ('method', 'route', 'status'))
REQUEST_DURATION = prom.Histogram(
    'zaqar_request_duration_seconds', 'Time to answer an HTTP request.',
    ('method', 'route', 'status'), buckets=LATENCY_BUCKETS)
MESSAGES_POSTED = prom.Counter(
    'zaqar_messages_posted', 'Messages posted to queues and topics.')
MESSAGES_CLAIMED = prom.Counter(
    'zaqar_messages_claimed', 'Messages handed out by claims and pops.')
MESSAGES_DELETED = prom.Counter(
    'zaqar_messages_deleted', 'Messages deleted (acknowledged or popped).')
MESSAGES_DEAD_LETTERED = prom.Counter(
    'zaqar_messages_dead_lettered',
    'Messages moved to a dead-letter queue by a claim (they had reached '
    'the queue\'s _max_claim_count).')
EXPIRED = prom.Counter(
    'zaqar_messages_expired',
    'Expired items (messages, claims, subscriptions) the sweep removed.')
STORAGE_DURATION = prom.Histogram(
    'zaqar_storage_call_duration_seconds', 'Time of one storage call.',
    ('driver', 'controller', 'method'), buckets=STORAGE_BUCKETS)
DELIVERIES = prom.Counter(
    'zaqar_notifier_deliveries', 'Notification delivery attempts settled.',
    ('result',))
WEBSOCKET_CONNECTIONS = prom.Gauge(
    'zaqar_websocket_connections', 'Open WebSocket client connections.',
    multiprocess_mode='livesum')
