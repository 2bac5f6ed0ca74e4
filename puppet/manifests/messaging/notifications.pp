# == Class: zaqar::messaging::notifications
#
# [oslo_messaging_notifications]: the OpenStack notifications Zaqar emits
# for queue, message and subscription events, written by puppet-oslo.
#
# === Parameters
#
# [*driver*]
#   e.g. 'messagingv2'; unset sends none.
# [*transport_url*]
#   The notification bus (rabbit://...).
# [*topics*]
#   Topics to publish on.
#
class zaqar::messaging::notifications (
  $driver        = $::os_service_default,
  $transport_url = $::os_service_default,
  $topics        = $::os_service_default,
) {
  include zaqar::deps

  oslo::messaging::notifications { 'zaqar_config':
    driver        => $driver,
    transport_url => $transport_url,
    topics        => $topics,
  }
}
