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

# == Class: zaqar::db::sync
#
# Runs 'zaqar-manage db sync' (SQL schema migrations) whenever the code or
# the configuration changes; a no-op on a schema already at head. It
# migrates the SQL database of [drivers:message_store:sqlalchemy] uri.
#
# === Parameters
#
# [*extra_params*]
#   More arguments before 'db sync' (e.g. another --config-file).
# [*timeout*]
#   Seconds the migration may take.
#
class zaqar::db::sync (
  String $extra_params = '',
  Integer $timeout     = 300,
) {
  include zaqar::deps
  include zaqar

  exec { 'zaqar-db-sync':
    command     => "${zaqar::bin_dir}/zaqar-manage --config-file ${zaqar::config_file_real} ${extra_params} db sync",
    path        => ['/usr/bin', '/bin'],
    user        => $zaqar::user,
    refreshonly => true,
    try_sleep   => 5,
    tries       => 3,
    timeout     => $timeout,
    logoutput   => 'on_failure',
    subscribe   => [
      Anchor['zaqar::install::end'],
      Anchor['zaqar::config::end'],
      Anchor['zaqar::dbsync::begin'],
    ],
    notify      => Anchor['zaqar::dbsync::end'],
  }
}
