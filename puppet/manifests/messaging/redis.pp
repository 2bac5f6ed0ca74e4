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

# == Class: zaqar::messaging::redis
#
# [drivers:message_store:redis]: Redis as the message store (queues, messages, claims, subscriptions).
# Select it with zaqar::message_store => 'redis'.
#
# === Parameters
#
# [*uri*]
#   redis://[:password@]host[:port][?dbid=N], rediss://, redis+sentinel://
#   or redis+cluster://.
# [*max_reconnect_attempts*], [*reconnect_sleep*]
#   Retries on a lost connection, and the pause between them.
#
class zaqar::messaging::redis (
  $uri                    = $::os_service_default,
  $max_reconnect_attempts = $::os_service_default,
  $reconnect_sleep        = $::os_service_default,
) {
  include zaqar::deps

  zaqar_config {
    'drivers:message_store:redis/uri':                    value => $uri, secret => true;
    'drivers:message_store:redis/max_reconnect_attempts': value => $max_reconnect_attempts;
    'drivers:message_store:redis/reconnect_sleep':        value => $reconnect_sleep;
  }
}
