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

describe 'zaqar::server' do
  context 'with defaults' do
    it { is_expected.to compile.with_all_deps }

    it 'leaves bind and port to the service and sizes workers from the host' do
      is_expected.to contain_zaqar_config('drivers:transport:wsgi/bind').with_value(SERVICE_DEFAULT)
      is_expected.to contain_zaqar_config('drivers:transport:wsgi/port').with_value(SERVICE_DEFAULT)
      is_expected.to contain_zaqar_config('drivers:transport:wsgi/workers').with_value(2)
      is_expected.to contain_zaqar_config('DEFAULT/admin_mode').with_value(SERVICE_DEFAULT)
    end

    it 'supervises zaqar-server with its config file' do
      is_expected.to contain_zaqar__daemon('zaqar-server').with(
        ensure: 'running',
        command: '/opt/zaqar/bin/zaqar-server',
        arguments: ['--config-file', '/etc/zaqar/zaqar.conf'],
        pid_file: '/run/zaqar/zaqar-server.pid',
        log_file: '/var/log/zaqar/zaqar-server.out',
        user: 'zaqar',
        group: 'zaqar',
      )
    end

    it 'restarts on new options' do
      is_expected.to contain_service('zaqar-server')
        .that_subscribes_to('Anchor[zaqar::service::begin]')
        .that_comes_before('Anchor[zaqar::service::end]')
    end
  end

  context 'bound, in admin mode, stopped' do
    let(:params) { { bind: '127.0.0.1', port: 8889, workers: 4, admin_mode: true, enabled: false } }

    it 'writes the options and stops the service' do
      is_expected.to contain_zaqar_config('drivers:transport:wsgi/bind').with_value('127.0.0.1')
      is_expected.to contain_zaqar_config('drivers:transport:wsgi/port').with_value(8889)
      is_expected.to contain_zaqar_config('drivers:transport:wsgi/workers').with_value(4)
      is_expected.to contain_zaqar_config('DEFAULT/admin_mode').with_value(true)
      is_expected.to contain_service('zaqar-server').with_ensure('stopped')
    end
  end

  context 'without managing the service' do
    let(:params) { { manage_service: false } }

    it { is_expected.not_to contain_service('zaqar-server') }
  end
end
