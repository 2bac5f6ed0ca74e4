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

"""Serve the reference Zaqar 23.0.1 for the migration tests.

Runs inside the reference's own virtualenv: ``python reference_serve.py
CONFIG``. The config names the stores and ``[drivers:transport:wsgi]
bind/port``; the reference's own bootstrap builds and serves its WSGI app.

The MongoDB-wire emulator the tests use has no ``buildInfo`` command, which
the reference asks once at start for the server version (to refuse servers
older than 2.2). When the server cannot answer it, the version reads as
the oldest the reference fully supports; every other call reaches the
server unchanged.
"""

import sys

import pymongo
from pymongo import errors as mongo_errors

# What the version probe reports when the server cannot answer it.
_FALLBACK_VERSION = '4.0.0'
_real_server_info = pymongo.MongoClient.server_info


def _server_info(self, session=None):
    try:
        return _real_server_info(self, session)
    except mongo_errors.OperationFailure as exc:
        if 'buildinfo' not in str(exc).lower():
            raise
        return {'version': _FALLBACK_VERSION, 'ok': 1.0}


def main(config_file: str) -> None:
    pymongo.MongoClient.server_info = _server_info
    from oslo_config import cfg

    from zaqar import bootstrap
    conf = cfg.CONF
    conf(args=[], project='zaqar', default_config_files=[config_file])
    bootstrap.Bootstrap(conf).run()


if __name__ == '__main__':
    main(sys.argv[1])
