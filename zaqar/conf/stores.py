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

"""[drivers:message_store:*] / [drivers:management_store:*] store URIs."""

from oslo_config import cfg

SQLALCHEMY_MESSAGE = 'drivers:message_store:sqlalchemy'
SQLALCHEMY_MANAGEMENT = 'drivers:management_store:sqlalchemy'
REDIS_MESSAGE = 'drivers:message_store:redis'
REDIS_MANAGEMENT = 'drivers:management_store:redis'
MONGODB_MESSAGE = 'drivers:message_store:mongodb'
MONGODB_MANAGEMENT = 'drivers:management_store:mongodb'


def _sqlalchemy_opts():
    return [
        cfg.StrOpt('uri', secret=True,
                   help='SQLAlchemy URL: sqlite:///path, '
                        'postgresql://user@host/db or '
                        'mysql+pymysql://user@host/db. Unset: a SQLite file '
                        'in the user data directory ($XDG_DATA_HOME/zaqar).'),
        cfg.StrOpt('database',
                   help='Accepted for compatibility (the database is part '
                        'of the uri).'),
    ]


def _redis_opts():
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


def _mongodb_opts():
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


def list_opts():
    return {
        SQLALCHEMY_MESSAGE: _sqlalchemy_opts(),
        SQLALCHEMY_MANAGEMENT: _sqlalchemy_opts(),
        REDIS_MESSAGE: _redis_opts(),
        REDIS_MANAGEMENT: _redis_opts(),
        MONGODB_MESSAGE: _mongodb_opts(),
        MONGODB_MANAGEMENT: _mongodb_opts(),
    }
