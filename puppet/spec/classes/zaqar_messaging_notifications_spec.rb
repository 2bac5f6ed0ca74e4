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

require 'spec_helper'

describe 'zaqar::messaging::notifications' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }
    it { is_expected.to contain_zaqar_config('oslo_messaging_notifications/driver').with_value(SERVICE_DEFAULT) }
  end

  context 'with a bus' do
    let(:params) { { driver: 'messagingv2', transport_url: 'rabbit://u:p@mq:5672/', topics: ['notifications', 'zaqar'] } }

    it 'writes [oslo_messaging_notifications] through oslo::messaging::notifications' do
      is_expected.to contain_oslo__messaging__notifications('zaqar_config')
      is_expected.to contain_zaqar_config('oslo_messaging_notifications/driver').with_value('messagingv2')
      is_expected.to contain_zaqar_config('oslo_messaging_notifications/transport_url').with(
        value: 'rabbit://u:p@mq:5672/', secret: true,
      )
      is_expected.to contain_zaqar_config('oslo_messaging_notifications/topics').with_value('notifications,zaqar')
    end
  end
end
