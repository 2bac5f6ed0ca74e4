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

# == Class: zaqar::policy
#
# The oslo.policy file and [oslo_policy] options. Rules left out keep the
# defaults built into Zaqar (secure RBAC personas).
#
# === Parameters
#
# [*policies*]
#   Rules to write, as openstacklib::policy::base takes them:
#   { 'queues-get' => { 'key' => 'queues:get', 'value' => 'role:reader' } }.
# [*policy_path*]
#   The policy file (YAML).
# [*purge_config*]
#   Drop rules in the file that Puppet does not manage.
# [*enforce_scope*], [*enforce_new_defaults*], [*policy_default_rule*],
# [*policy_dirs*]
#   [oslo_policy] options of the same names.
#
class zaqar::policy (
  Hash $policies                        = {},
  Optional[Stdlib::Absolutepath] $policy_path = undef,
  Boolean $purge_config                 = false,
  $enforce_scope                        = $::os_service_default,
  $enforce_new_defaults                 = $::os_service_default,
  $policy_default_rule                  = $::os_service_default,
  $policy_dirs                          = $::os_service_default,
) {
  include zaqar::deps
  include zaqar

  $policy_path_real = pick($policy_path, "${zaqar::config_dir}/policy.yaml")

  openstacklib::policy { $policy_path_real:
    policies     => $policies,
    file_user    => 'root',
    file_group   => $zaqar::group,
    file_format  => 'yaml',
    purge_config => $purge_config,
  }

  oslo::policy { 'zaqar_config':
    enforce_scope        => $enforce_scope,
    enforce_new_defaults => $enforce_new_defaults,
    policy_file          => $policy_path_real,
    policy_default_rule  => $policy_default_rule,
    policy_dirs          => $policy_dirs,
  }

  # The file is read at start: a changed rule restarts the services.
  Anchor['zaqar::config::begin']
  -> Openstacklib::Policy[$policy_path_real]
  ~> Anchor['zaqar::config::end']
}
