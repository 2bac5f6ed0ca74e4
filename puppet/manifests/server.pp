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

# == Class: zaqar::server
#
# The HTTP API (zaqar-server) and its [drivers:transport:wsgi] options.
#
# === Parameters
#
# [*enabled*]
#   Whether the API runs.
# [*manage_service*]
#   Whether Puppet supervises the process (zaqar::daemon).
# [*bind*], [*port*], [*workers*]
#   [drivers:transport:wsgi] bind, port and workers.
# [*admin_mode*]
#   [DEFAULT] admin_mode: serve pools, flavors and /v2/health.
#
class zaqar::server (
  Boolean $enabled        = true,
  Boolean $manage_service = true,
  $bind                   = $::os_service_default,
  $port                   = $::os_service_default,
  $workers                = $::os_workers,
  $admin_mode             = $::os_service_default,
) {
  include zaqar::deps
  include zaqar

  zaqar_config {
    'drivers:transport:wsgi/bind':    value => $bind;
    'drivers:transport:wsgi/port':    value => $port;
    'drivers:transport:wsgi/workers': value => $workers;
    'DEFAULT/admin_mode':             value => $admin_mode;
  }

  $service_ensure = $enabled ? {
    true    => 'running',
    default => 'stopped',
  }

  if $manage_service {
    zaqar::daemon { 'zaqar-server':
      ensure    => $service_ensure,
      command   => "${zaqar::bin_dir}/zaqar-server",
      arguments => ['--config-file', $zaqar::config_file_real],
      pid_file  => "${zaqar::run_dir}/zaqar-server.pid",
      log_file  => "${zaqar::log_dir}/zaqar-server.out",
      user      => $zaqar::user,
      group     => $zaqar::group,
    }
  }
}
