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

"""Options of the MongoDB store.

The same list serves ``[drivers:message_store:mongodb]`` and
``[drivers:management_store:mongodb]``. Kept apart from the driver so that
listing options (``oslo-config-generator``, service start) imports no
client library.
"""

from __future__ import annotations

from oslo_config import cfg


def list_opts() -> list[cfg.Opt]:
    return [
        cfg.StrOpt('uri', secret=True,
                   help='MongoDB connection URI (mongodb://host:port).'),
        cfg.StrOpt('database', default='zaqar',
                   help='Database name.'),
        cfg.StrOpt('replicaset', help='Replica set name, if any.'),
        cfg.BoolOpt('ssl', default=False, help='Connect with TLS.'),
        cfg.StrOpt('ssl_keyfile', help='Client private key file.'),
        cfg.StrOpt('ssl_certfile', help='Client certificate file.'),
        cfg.StrOpt('ssl_cert_reqs', default='CERT_REQUIRED',
                   choices=['CERT_NONE', 'CERT_OPTIONAL', 'CERT_REQUIRED'],
                   help='Accepted for compatibility: TLS connections '
                        'always require a server certificate that '
                        'verifies (against ssl_ca_certs when set).'),
        cfg.StrOpt('ssl_ca_certs', help='CA bundle to verify the server.'),
        cfg.IntOpt('max_attempts', min=0, default=1000,
                   help='Retries of an operation on a lost connection.'),
        cfg.FloatOpt('max_retry_sleep', default=0.1,
                     help='Longest pause between retries, in seconds.'),
        cfg.FloatOpt('max_retry_jitter', default=0.005,
                     help='Random jitter added to a retry pause.'),
        cfg.IntOpt('max_reconnect_attempts', default=10,
                   help='Reconnection attempts before failing.'),
        cfg.FloatOpt('reconnect_sleep', default=0.020,
                     help='Seconds between reconnection attempts.'),
        cfg.IntOpt('partitions', default=2,
                   help='Accepted for compatibility.'),
        cfg.StrOpt('write_concern', default='majority',
                   help='Write concern "w" value (an integer or a name).'),
    ]
