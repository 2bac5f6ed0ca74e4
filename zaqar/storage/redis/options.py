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

"""Options of the Redis store.

The same list serves ``[drivers:message_store:redis]`` and
``[drivers:management_store:redis]``. Kept apart from the driver so that
listing options (``oslo-config-generator``, service start) imports no
client library.
"""

from __future__ import annotations

from oslo_config import cfg


def list_opts() -> list[cfg.Opt]:
    return [
        cfg.StrOpt('uri', default='redis://127.0.0.1:6379', secret=True,
                   help='redis://[:password@]host[:port][?dbid=N], '
                        'rediss://, redis+sentinel:// or '
                        'redis:/path/to/socket.'),
        cfg.IntOpt('max_reconnect_attempts', default=10,
                   help='Retries of an operation on a lost connection.'),
        cfg.FloatOpt('reconnect_sleep', default=1.0,
                     help='Seconds between reconnection attempts.'),
    ]
