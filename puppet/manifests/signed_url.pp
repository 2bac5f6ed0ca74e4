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

# == Class: zaqar::signed_url
#
# [signed_url]: pre-signed URLs (POST /v2/queues/{name}/share), which guest
# agents use to reach a queue without a Keystone token.
#
# === Parameters
#
# [*secret_key*]
#   The HMAC key (required); keep it the same on every API host.
# [*enabled*]
#   Unset: on exactly when a key is set; true: refuse to start without one;
#   false: off even with a key.
#
class zaqar::signed_url (
  String $secret_key,
  $enabled = $::os_service_default,
) {
  include zaqar::deps

  zaqar_config {
    'signed_url/secret_key': value => $secret_key, secret => true;
    'signed_url/enabled':    value => $enabled;
  }
}
