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

# == Class: zaqar::keystone::auth
#
# Zaqar in the Keystone catalog: the messaging service, its endpoints and
# the service user with its roles, through puppet-keystone's
# keystone::resource::service_identity (keystone_* resources, which run the
# openstack CLI with the OS_* credentials of the Puppet run).
#
# === Parameters
#
# [*password*]
#   The service user's password (required).
# [*auth_name*], [*email*], [*tenant*], [*roles*]
#   The service user, its project and its roles there.
# [*system_scope*], [*system_roles*]
#   System-scoped roles for the user (none by default).
# [*service_name*], [*service_type*], [*service_description*]
#   The catalog service; the type is 'messaging'.
# [*region*], [*public_url*], [*internal_url*], [*admin_url*]
#   The endpoints.
# [*configure_endpoint*], [*configure_user*], [*configure_user_role*],
# [*configure_service*]
#   Which of those to manage.
# [*ensure*]
#   'present' or 'absent'.
#
class zaqar::keystone::auth (
  String $password,
  String $auth_name                = 'zaqar',
  String $email                    = 'zaqar@localhost',
  String $tenant                   = 'services',
  Array[String] $roles             = ['admin'],
  String $system_scope             = 'all',
  Array[String] $system_roles      = [],
  String $service_name             = 'zaqar',
  String $service_type             = 'messaging',
  String $service_description      = 'OpenStack Messaging Service',
  String $region                   = 'RegionOne',
  String $public_url               = 'http://127.0.0.1:8888',
  String $internal_url             = 'http://127.0.0.1:8888',
  String $admin_url                = 'http://127.0.0.1:8888',
  Boolean $configure_endpoint      = true,
  Boolean $configure_user          = true,
  Boolean $configure_user_role     = true,
  Boolean $configure_service       = true,
  Enum['present', 'absent'] $ensure = 'present',
) {
  include zaqar::deps

  # The service must be able to validate tokens once it starts.
  Keystone::Resource::Service_identity[$auth_name] -> Anchor['zaqar::service::begin']

  keystone::resource::service_identity { $auth_name:
    ensure              => $ensure,
    password            => $password,
    email               => $email,
    tenant              => $tenant,
    roles               => $roles,
    system_scope        => $system_scope,
    system_roles        => $system_roles,
    service_name        => $service_name,
    service_type        => $service_type,
    service_description => $service_description,
    region              => $region,
    public_url          => $public_url,
    internal_url        => $internal_url,
    admin_url           => $admin_url,
    configure_endpoint  => $configure_endpoint,
    configure_user      => $configure_user,
    configure_user_role => $configure_user_role,
    configure_service   => $configure_service,
  }
}
