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
