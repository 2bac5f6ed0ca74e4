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

# == Class: zaqar::notifier
#
# The delivery worker (zaqar-notifier) and its [notification] options.
#
# === Parameters
#
# [*enabled*], [*manage_service*]
#   As for zaqar::server.
# [*notifier_in_api*]
#   Also deliver from the API workers; false leaves it to this process.
# [*max_notifier_workers*], [*require_confirmation*],
# [*external_confirmation_url*], [*webhook_timeout*]
#   [notification] options of the same names.
# [*destination_allowlist*]
#   Webhook destinations allowed although private (CIDRs or host names).
#
class zaqar::notifier (
  Boolean $enabled           = true,
  Boolean $manage_service    = true,
  $notifier_in_api           = false,
  $max_notifier_workers      = $::os_service_default,
  $require_confirmation      = $::os_service_default,
  $external_confirmation_url = $::os_service_default,
  $webhook_timeout           = $::os_service_default,
  $destination_allowlist     = $::os_service_default,
) {
  include zaqar::deps
  include zaqar

  $allowlist = is_service_default($destination_allowlist) ? {
    true    => $destination_allowlist,
    default => join(any2array($destination_allowlist), ','),
  }

  zaqar_config {
    'notification/notifier_in_api':           value => $notifier_in_api;
    'notification/max_notifier_workers':      value => $max_notifier_workers;
    'notification/require_confirmation':      value => $require_confirmation;
    'notification/external_confirmation_url': value => $external_confirmation_url;
    'notification/webhook_timeout':           value => $webhook_timeout;
    'notification/destination_allowlist':     value => $allowlist;
  }

  $service_ensure = $enabled ? {
    true    => 'running',
    default => 'stopped',
  }

  if $manage_service {
    zaqar::daemon { 'zaqar-notifier':
      ensure    => $service_ensure,
      command   => "${zaqar::bin_dir}/zaqar-notifier",
      arguments => ['--config-file', $zaqar::config_file_real],
      pid_file  => "${zaqar::run_dir}/zaqar-notifier.pid",
      log_file  => "${zaqar::log_dir}/zaqar-notifier.out",
      user      => $zaqar::user,
      group     => $zaqar::group,
    }
  }
}
