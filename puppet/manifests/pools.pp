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

# == Class: zaqar::pools
#
# Pooling: queues spread over several message stores, the pools and
# flavors kept in the management store. Turns [DEFAULT] pooling on and,
# when pools are given, registers them with 'zaqar-manage pool load'
# before the services start (again whenever the list changes).
#
# === Parameters
#
# [*pools*]
#   name => { uri => ..., weight => ..., flavor => ..., options => {} }.
# [*flavors*]
#   name => { pool_list => [pool names] }.
# [*check_pools*]
#   Refuse pools that cannot be reached (false: --no-check).
# [*enable_virtual_pool*], [*cache_ttl*], [*cache_size*]
#   [pooling:catalog] options of the same names.
#
class zaqar::pools (
  Hash $pools            = {},
  Hash $flavors          = {},
  Boolean $check_pools   = true,
  $enable_virtual_pool   = $::os_service_default,
  $cache_ttl             = $::os_service_default,
  $cache_size            = $::os_service_default,
) {
  include zaqar::deps
  include zaqar

  zaqar_config {
    'DEFAULT/pooling':                     value => true;
    'pooling:catalog/enable_virtual_pool': value => $enable_virtual_pool;
    'pooling:catalog/cache_ttl':           value => $cache_ttl;
    'pooling:catalog/cache_size':          value => $cache_size;
  }

  unless empty($pools) {
    $pools_file = "${zaqar::config_dir}/pools.yaml"
    $no_check = $check_pools ? { true => '', default => ' --no-check' }

    file { $pools_file:
      ensure    => file,
      owner     => 'root',
      group     => $zaqar::group,
      mode      => '0640',
      show_diff => false,
      content   => to_yaml({ 'pools' => $pools, 'flavors' => $flavors }),
      require   => Anchor['zaqar::config::begin'],
      before    => Anchor['zaqar::config::end'],
    }
    exec { 'zaqar-pool-load':
      command     => "${zaqar::bin_dir}/zaqar-manage --config-file ${zaqar::config_file_real} pool load ${pools_file}${no_check}",
      path        => ['/usr/bin', '/bin'],
      user        => $zaqar::user,
      refreshonly => true,
      logoutput   => 'on_failure',
      subscribe   => File[$pools_file],
      require     => Anchor['zaqar::dbsync::end'],
      before      => Anchor['zaqar::service::begin'],
    }
  }
}
