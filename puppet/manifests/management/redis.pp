# == Class: zaqar::management::redis
#
# [drivers:management_store:redis]: Redis as the management store (pools, flavors, the queue catalog).
# Select it with zaqar::management_store => 'redis'.
#
# === Parameters
#
# [*uri*]
#   redis://[:password@]host[:port][?dbid=N], rediss://, redis+sentinel://
#   or redis+cluster://.
# [*max_reconnect_attempts*], [*reconnect_sleep*]
#   Retries on a lost connection, and the pause between them.
#
class zaqar::management::redis (
  $uri                    = $::os_service_default,
  $max_reconnect_attempts = $::os_service_default,
  $reconnect_sleep        = $::os_service_default,
) {
  include zaqar::deps

  zaqar_config {
    'drivers:management_store:redis/uri':                    value => $uri, secret => true;
    'drivers:management_store:redis/max_reconnect_attempts': value => $max_reconnect_attempts;
    'drivers:management_store:redis/reconnect_sleep':        value => $reconnect_sleep;
  }
}
