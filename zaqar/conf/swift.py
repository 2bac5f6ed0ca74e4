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

"""[drivers:message_store:swift] accepted, but the swift store is refused.

The options parse so that a reference configuration file loads; selecting
``message_store = swift`` stops the service at start with a clear error.
"""

from oslo_config import cfg

GROUP = 'drivers:message_store:swift'

OPTS = [
    cfg.StrOpt('auth_url', default='http://127.0.0.1:5000/v3/',
               help='Keystone endpoint of the Swift account (unused).'),
    cfg.StrOpt('uri', default='swift://demo:nomoresecrete@/demo',
               secret=True,
               help='swift://user:password@/project of the account '
                    '(unused).'),
    cfg.BoolOpt('insecure', default=False,
                help='Skip TLS verification towards Swift (unused).'),
    cfg.StrOpt('project_domain_id', help='Project domain id (unused).'),
    cfg.StrOpt('project_domain_name', default='Default',
               help='Project domain name (unused).'),
    cfg.StrOpt('user_domain_id', help='User domain id (unused).'),
    cfg.StrOpt('user_domain_name', default='Default',
               help='User domain name (unused).'),
    cfg.StrOpt('region_name', help='Swift region (unused).'),
    cfg.StrOpt('interface', default='public',
               help='Catalog interface of the Swift endpoint (unused).'),
]


def list_opts():
    return {GROUP: OPTS}
