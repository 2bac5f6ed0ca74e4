# == Class: zaqar::config
#
# Any option of zaqar.conf, for what the other classes have no parameter
# for: a hash of "section/option" => { value => ..., secret => ... }.
#
# === Parameters
#
# [*zaqar_config*]
#   e.g. { 'transport/max_claim_ttl' => { 'value' => 86400 } }.
#
class zaqar::config (
  Hash $zaqar_config = {},
) {
  include zaqar::deps

  create_resources('zaqar_config', $zaqar_config)
}
