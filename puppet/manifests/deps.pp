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

# == Class: zaqar::deps
#
# Orders the module's work in stages with anchors, so every class only says
# which stage it belongs to: install, then configuration, then the database
# schema, then the services. A change to any zaqar_config option, the policy
# file or the installed code refreshes the services.
#
class zaqar::deps {
  anchor { 'zaqar::install::begin': }
  -> anchor { 'zaqar::install::end': }
  -> anchor { 'zaqar::config::begin': }
  -> anchor { 'zaqar::config::end': }
  -> anchor { 'zaqar::db::begin': }
  -> anchor { 'zaqar::db::end': }
  -> anchor { 'zaqar::dbsync::begin': }
  -> anchor { 'zaqar::dbsync::end': }
  -> anchor { 'zaqar::service::begin': }
  -> anchor { 'zaqar::service::end': }

  # New code or new options restart the services.
  Anchor['zaqar::install::end'] ~> Anchor['zaqar::service::begin']
  Anchor['zaqar::config::end'] ~> Anchor['zaqar::service::begin']
  # A new install or new options re-run the schema migration.
  Anchor['zaqar::install::end'] ~> Anchor['zaqar::dbsync::begin']
  Anchor['zaqar::config::end'] ~> Anchor['zaqar::dbsync::begin']

  Anchor['zaqar::config::begin'] -> Zaqar_config<||> ~> Anchor['zaqar::config::end']
  # Every zaqar::daemon service is tagged zaqar-service.
  Anchor['zaqar::service::begin'] ~> Service<| tag == 'zaqar-service' |> -> Anchor['zaqar::service::end']
}
