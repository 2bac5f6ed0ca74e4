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

# One host running the Zaqar API: Redis for messages, SQLite for pools and
# flavors, Keystone for tokens, the service supervised by a pid file.
# Every parameter comes from Hiera (see README.md); the apply test in
# tests/puppet/ writes that data for the machine it runs on.
include zaqar
include zaqar::logging
include zaqar::server
include zaqar::messaging::redis
include zaqar::management::sqlalchemy
include zaqar::keystone::authtoken
include zaqar::keystone::auth
include zaqar::policy
include zaqar::signed_url

# The project of the service user (puppet-keystone's roles::admin makes
# 'services' on a full Keystone deployment).
keystone_tenant { $zaqar::keystone::auth::tenant:
  ensure      => present,
  enabled     => true,
  description => 'Service users',
}
