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

# == Class: zaqar::websocket
#
# The WebSocket API (zaqar-websocket) and its
# [drivers:transport:websocket] options.
#
# === Parameters
#
# [*enabled*], [*manage_service*]
#   As for zaqar::server.
# [*bind*], [*port*], [*external_port*]
#   Where it listens, and the port clients are told to use.
# [*notification_bind*], [*notification_port*]
#   The listener for subscription notifications.
# [*max_connections*], [*idle_timeout*]
#   Connection limits of the same names.
#
class zaqar::websocket (
  Boolean $enabled        = true,
  Boolean $manage_service = true,
  $bind                   = $::os_service_default,
  $port                   = $::os_service_default,
  $external_port          = $::os_service_default,
  $notification_bind      = $::os_service_default,
  $notification_port      = $::os_service_default,
  $max_connections        = $::os_service_default,
  $idle_timeout           = $::os_service_default,
) {
  include zaqar::deps
  include zaqar

  zaqar_config {
    'drivers:transport:websocket/bind':              value => $bind;
    'drivers:transport:websocket/port':              value => $port;
    'drivers:transport:websocket/external_port':     value => $external_port;
    'drivers:transport:websocket/notification_bind': value => $notification_bind;
    'drivers:transport:websocket/notification_port': value => $notification_port;
    'drivers:transport:websocket/max_connections':   value => $max_connections;
    'drivers:transport:websocket/idle_timeout':      value => $idle_timeout;
  }

  $service_ensure = $enabled ? {
    true    => 'running',
    default => 'stopped',
  }

  if $manage_service {
    zaqar::daemon { 'zaqar-websocket':
      ensure    => $service_ensure,
      command   => "${zaqar::bin_dir}/zaqar-websocket",
      arguments => ['--config-file', $zaqar::config_file_real],
      pid_file  => "${zaqar::run_dir}/zaqar-websocket.pid",
      log_file  => "${zaqar::log_dir}/zaqar-websocket.out",
      user      => $zaqar::user,
      group     => $zaqar::group,
    }
  }
}
