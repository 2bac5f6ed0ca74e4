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

"""[drivers] which transport and which stores the service runs on."""

from oslo_config import cfg

GROUP = 'drivers'

OPTS = [
    cfg.StrOpt('transport', default='wsgi',
               help='Transport driver: wsgi or websocket.'),
    # Defaults are the reference's; with no config file at all
    # zaqar.conf.modes makes both stores the embedded SQLite file.
    cfg.StrOpt('message_store', default='mongodb',
               deprecated_opts=[cfg.DeprecatedOpt('storage',
                                                  group='drivers')],
               help='Storage driver for queues, messages and claims: '
                    'sqlalchemy, redis or mongodb. With no configuration '
                    'file at all: sqlalchemy (an embedded SQLite file).'),
    cfg.StrOpt('management_store', default='mongodb',
               help='Storage driver for pools, flavors and the catalog: '
                    'sqlalchemy, redis or mongodb. With no configuration '
                    'file at all: sqlalchemy (an embedded SQLite file).'),
]


def list_opts():
    return {GROUP: OPTS}
