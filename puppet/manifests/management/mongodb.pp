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

# == Class: zaqar::management::mongodb
#
# [drivers:management_store:mongodb]: MongoDB as the management store (pools, flavors, the queue catalog).
# Select it with zaqar::management_store => 'mongodb'.
#
# === Parameters
#
# [*uri*]
#   mongodb://host[:port][,host...][/?options].
# [*database*]
#   Database name.
# [*replicaset*], [*ssl*], [*ssl_keyfile*], [*ssl_certfile*],
# [*ssl_cert_reqs*], [*ssl_ca_certs*]
#   Replica set and TLS options of the same names.
# [*max_attempts*], [*max_retry_sleep*], [*max_retry_jitter*],
# [*max_reconnect_attempts*], [*reconnect_sleep*]
#   Retries of conflicting writes and of lost connections.
#
class zaqar::management::mongodb (
  $uri                    = $::os_service_default,
  $database               = $::os_service_default,
  $replicaset             = $::os_service_default,
  $ssl                    = $::os_service_default,
  $ssl_keyfile            = $::os_service_default,
  $ssl_certfile           = $::os_service_default,
  $ssl_cert_reqs          = $::os_service_default,
  $ssl_ca_certs           = $::os_service_default,
  $max_attempts           = $::os_service_default,
  $max_retry_sleep        = $::os_service_default,
  $max_retry_jitter       = $::os_service_default,
  $max_reconnect_attempts = $::os_service_default,
  $reconnect_sleep        = $::os_service_default,
) {
  include zaqar::deps

  zaqar_config {
    'drivers:management_store:mongodb/uri':                    value => $uri, secret => true;
    'drivers:management_store:mongodb/database':               value => $database;
    'drivers:management_store:mongodb/replicaset':             value => $replicaset;
    'drivers:management_store:mongodb/ssl':                    value => $ssl;
    'drivers:management_store:mongodb/ssl_keyfile':            value => $ssl_keyfile;
    'drivers:management_store:mongodb/ssl_certfile':           value => $ssl_certfile;
    'drivers:management_store:mongodb/ssl_cert_reqs':          value => $ssl_cert_reqs;
    'drivers:management_store:mongodb/ssl_ca_certs':           value => $ssl_ca_certs;
    'drivers:management_store:mongodb/max_attempts':           value => $max_attempts;
    'drivers:management_store:mongodb/max_retry_sleep':        value => $max_retry_sleep;
    'drivers:management_store:mongodb/max_retry_jitter':       value => $max_retry_jitter;
    'drivers:management_store:mongodb/max_reconnect_attempts': value => $max_reconnect_attempts;
    'drivers:management_store:mongodb/reconnect_sleep':        value => $reconnect_sleep;
  }
}
