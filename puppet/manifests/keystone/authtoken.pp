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

# == Class: zaqar::keystone::authtoken
#
# [keystone_authtoken]: how zaqar-server's keystonemiddleware validates
# tokens, written by puppet-keystone's keystone::resource::authtoken.
#
# === Parameters
#
# [*password*]
#   The service user's password (required).
# [*username*], [*project_name*], [*user_domain_name*],
# [*project_domain_name*], [*system_scope*]
#   The service user and its scope.
# [*auth_url*], [*www_authenticate_uri*]
#   Keystone for the service user, and the one clients are sent to.
# [*auth_type*], [*region_name*], [*interface*], [*service_type*]
#   keystoneauth options of the same names.
# [*token_cache_time*], [*memcached_servers*]
#   Token cache: seconds, and the memcached servers (none: in process).
# [*service_token_roles_required*], [*insecure*], [*cafile*]
#   keystonemiddleware options of the same names.
#
class zaqar::keystone::authtoken (
  String $password,
  $username                     = 'zaqar',
  $auth_url                     = 'http://127.0.0.1:5000',
  $www_authenticate_uri         = 'http://127.0.0.1:5000',
  $project_name                 = 'services',
  $user_domain_name             = 'Default',
  $project_domain_name          = 'Default',
  $system_scope                 = $::os_service_default,
  $auth_type                    = 'password',
  $region_name                  = $::os_service_default,
  $interface                    = $::os_service_default,
  $service_type                 = 'messaging',
  $token_cache_time             = $::os_service_default,
  $memcached_servers            = $::os_service_default,
  $service_token_roles_required = $::os_service_default,
  $insecure                     = $::os_service_default,
  $cafile                       = $::os_service_default,
) {
  include zaqar::deps

  keystone::resource::authtoken { 'zaqar_config':
    username                     => $username,
    password                     => $password,
    auth_url                     => $auth_url,
    www_authenticate_uri         => $www_authenticate_uri,
    project_name                 => $project_name,
    user_domain_name             => $user_domain_name,
    project_domain_name          => $project_domain_name,
    system_scope                 => $system_scope,
    auth_type                    => $auth_type,
    region_name                  => $region_name,
    interface                    => $interface,
    service_type                 => $service_type,
    token_cache_time             => $token_cache_time,
    memcached_servers            => $memcached_servers,
    service_token_roles_required => $service_token_roles_required,
    insecure                     => $insecure,
    cafile                       => $cafile,
  }
}
