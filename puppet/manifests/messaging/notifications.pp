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
