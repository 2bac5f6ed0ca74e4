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
