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
