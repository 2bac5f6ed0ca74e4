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

describe 'zaqar::websocket' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }

    it 'supervises zaqar-websocket' do
      is_expected.to contain_zaqar__daemon('zaqar-websocket').with(
        command: '/opt/zaqar/bin/zaqar-websocket',
        pid_file: '/run/zaqar/zaqar-websocket.pid',
      )
      is_expected.to contain_service('zaqar-websocket').with_ensure('running')
    end

    it { is_expected.to contain_zaqar_config('drivers:transport:websocket/port').with_value(SERVICE_DEFAULT) }
  end

  context 'with a listener' do
    let(:params) do
      { bind: '0.0.0.0', port: 9001, external_port: 443, notification_bind: '127.0.0.1',
        notification_port: 9002, max_connections: 500, idle_timeout: 60 }
    end

    it 'writes [drivers:transport:websocket]' do
      {
        'bind' => '0.0.0.0', 'port' => 9001, 'external_port' => 443,
        'notification_bind' => '127.0.0.1', 'notification_port' => 9002,
        'max_connections' => 500, 'idle_timeout' => 60
      }.each do |option, value|
        is_expected.to contain_zaqar_config("drivers:transport:websocket/#{option}").with_value(value)
      end
    end
  end
end
